"""The sitemap past the sitemaps.org cap: an index of article files plus a file of the other
pages, while a site that fits in one file keeps its single sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import make_engine, session_scope
from app.main import create_app
from app.models import Article
from app.publishing import feeds
from tests.conftest import CONTENT_DIR

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# With three URLs to a file, article file 1 holds ids 1-3, file 2 ids 4-6, file 3 ids 7-9.
# Id 3 is a draft changed after ids 1 and 2; ids 4-6 hold nothing public, so no file 2.
STATUSES = {
    1: "published",
    2: "published",
    3: "draft",
    4: "draft",
    5: "scheduled",
    6: "unpublished",
    7: "published",
}
PUBLIC = [i for i, status in STATUSES.items() if status == "published"]
STATIC_PAGES = sorted(p.stem for p in (CONTENT_DIR / "pages").glob("*.md"))
SITE_PAGES = [f"{BASE}/", f"{BASE}/topics"] + [f"{BASE}/{slug}" for slug in STATIC_PAGES]
ALL_URLS = len(SITE_PAGES) + len(PUBLIC)


def _updated(article_id: int) -> datetime:
    return NOW + timedelta(days=article_id)


def _column(article_id: int) -> tuple[str, str]:
    return f"{BASE}/columns/column-{article_id}", _updated(article_id).isoformat()


@pytest.fixture
def archive(client: TestClient, settings: Settings) -> TestClient:
    """The client's site holding the articles of STATUSES, by id."""
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        for article_id, status in STATUSES.items():
            session.add(
                Article(
                    id=article_id,
                    slug=f"column-{article_id}",
                    title=f"Column {article_id}",
                    status=status,
                    published_at=NOW if status == "published" else None,
                    updated_at=_updated(article_id),
                )
            )
    engine.dispose()
    return client


@pytest.fixture
def split(archive: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The archive with three URLs to a sitemap file, so it needs an index."""
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 3)
    yield archive


def _xml(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.headers["cache-control"].startswith("public, max-age=")
    return ET.fromstring(response.content)


def _urls(root: ET.Element) -> list[tuple[str | None, str | None]]:
    assert root.tag == f"{SITEMAP}urlset"
    return [
        (url.findtext(f"{SITEMAP}loc"), url.findtext(f"{SITEMAP}lastmod"))
        for url in root.findall(f"{SITEMAP}url")
    ]


def _locs(root: ET.Element) -> list[str | None]:
    return [loc for loc, _ in _urls(root)]


@pytest.mark.parametrize("limit", [ALL_URLS, feeds.SITEMAP_LIMIT])
def test_a_site_that_fits_keeps_one_sitemap(
    archive: TestClient, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", limit)
    urls = _urls(_xml(archive, "/sitemap.xml"))
    columns = sorted(_column(i) for i in PUBLIC)
    assert urls[: len(SITE_PAGES)] == [(loc, None) for loc in SITE_PAGES]
    assert sorted(urls[len(SITE_PAGES) :]) == columns
    assert archive.get("/sitemaps/pages.xml").status_code == 404
    assert archive.get("/sitemaps/articles-1.xml").status_code == 404


def test_one_url_past_the_limit_the_sitemap_becomes_an_index(
    archive: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", ALL_URLS - 1)
    root = _xml(archive, "/sitemap.xml")
    assert root.tag == f"{SITEMAP}sitemapindex"
    assert _locs(_xml(archive, "/sitemaps/pages.xml")) == SITE_PAGES


def test_the_index_lists_the_pages_file_and_each_article_file_with_its_newest_change(
    split: TestClient,
) -> None:
    root = _xml(split, "/sitemap.xml")
    assert root.tag == f"{SITEMAP}sitemapindex"
    files = [
        (entry.findtext(f"{SITEMAP}loc"), entry.findtext(f"{SITEMAP}lastmod"))
        for entry in root.findall(f"{SITEMAP}sitemap")
    ]
    assert files == [
        (f"{BASE}/sitemaps/pages.xml", None),
        (f"{BASE}/sitemaps/articles-1.xml", _updated(2).isoformat()),  # not the draft's
        (f"{BASE}/sitemaps/articles-3.xml", _updated(7).isoformat()),
    ]
    assert split.get("/robots.txt").text.splitlines()[-1] == f"Sitemap: {BASE}/sitemap.xml"


def test_each_article_file_lists_its_published_columns_by_id(split: TestClient) -> None:
    assert _urls(_xml(split, "/sitemaps/articles-1.xml")) == [_column(1), _column(2)]
    assert _urls(_xml(split, "/sitemaps/articles-3.xml")) == [_column(7)]


def test_the_pages_file_lists_everything_but_the_columns(split: TestClient) -> None:
    assert _urls(_xml(split, "/sitemaps/pages.xml")) == [(loc, None) for loc in SITE_PAGES]


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/articles-0.xml",
        "/sitemaps/articles-2.xml",  # ids 4-6: nothing public
        "/sitemaps/articles-4.xml",  # past the last
        "/sitemaps/articles-99999999999999999999999.xml",
        "/sitemaps/articles-x.xml",
        "/sitemaps/articles.xml",
    ],
)
def test_an_unknown_sitemap_file_is_not_found(split: TestClient, path: str) -> None:
    assert split.get(path).status_code == 404


def test_split_files_list_exactly_what_the_single_sitemap_does(
    site: TestClient, site_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = set(_locs(_xml(site, "/sitemap.xml")))
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 4)
    # A second app: the first one's page cache still holds the single sitemap.
    with TestClient(create_app(site_settings), follow_redirects=False) as split_site:
        index = _xml(split_site, "/sitemap.xml")
        files = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
        assert len(files) >= 3
        listed: list[str | None] = []
        for url in files:
            urls = _locs(_xml(split_site, url.removeprefix(BASE)))
            assert url.endswith("/pages.xml") or 0 < len(urls) <= 4
            listed += urls
    assert len(listed) == len(single)
    assert set(listed) == single
