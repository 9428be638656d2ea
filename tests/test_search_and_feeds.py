"""Search, Atom feeds, the sitemap, robots.txt and HTTP caching of public pages."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine, session_scope
from app.editorial.content_import import import_content, parse_column
from app.markdown import slugify
from app.models import Article
from tests.conftest import CONTENT_DIR
from tests.helpers import soup, write_column

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"
ARTICLE_SLUG = "the-client-who-would-not-leave"
COLUMNS = {p.stem: parse_column(p) for p in sorted((CONTENT_DIR / "columns").glob("*.md"))}


def _import(settings: Settings, content_dir: Path) -> None:
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        report = import_content(
            session=session, content_dir=content_dir, media_dir=settings.media_dir, tz=settings.tz
        )
    engine.dispose()
    assert not report.errors, report.errors


def _result_links(html: str) -> list[str]:
    return [a["href"] for a in soup(html).select(".card__title a")]


# Search


def test_search_finds_a_word_that_is_only_in_the_answer(site: TestClient) -> None:
    meta, letter, answer = COLUMNS[ARTICLE_SLUG]
    assert "residue" in answer
    assert "residue" not in f"{meta.title} {meta.summary} {letter}".lower()
    doc = soup(site.get("/search?q=residue").text)
    assert _result_links(str(doc)) == [f"/columns/{ARTICLE_SLUG}"]
    marks = doc.select(".card__snippet mark")
    assert marks and {m.get_text().lower() for m in marks} == {"residue"}


def test_every_search_result_links_to_a_column_with_a_marked_snippet(site: TestClient) -> None:
    doc = soup(site.get("/search?q=supervision").text)
    cards = doc.select(".card")
    assert len(cards) >= 2
    for card in cards:
        assert card.select_one(".card__title a")["href"].startswith("/columns/")
        assert card.select_one(".card__snippet mark") is not None


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        "'",
        "a OR b",
        "-x",
        "title:x",
        ")))",
        "é" * 300,
        "ßøåñçжщ漢字한국어ـعربيΩμέγα" * 12,
        "",
        "   \t ",
        "🙂🔥💔",
        "client\x00leave",
    ],
    ids=[
        "quote",
        "star",
        "near",
        "apostrophe",
        "or",
        "minus",
        "column-filter",
        "parens",
        "e-acute-300",
        "mixed-scripts",
        "empty",
        "whitespace",
        "emoji",
        "nul",
    ],
)
def test_hostile_queries_get_a_search_page(site: TestClient, query: str) -> None:
    response = site.get("/search", params={"q": query})
    assert response.status_code == 200
    doc = soup(response.text)
    assert doc.find("h1").get_text(strip=True) == "Search the columns"
    assert doc.find("input", id="search-q")["value"] == query.strip()
    for href in _result_links(response.text):
        assert href.startswith("/columns/")


def test_search_snippets_escape_html_from_the_text(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    answer = 'Type <b>boom</b> or <img src=x onerror="alert(1)"> into the intake form.'
    write_column(content, "html-in-answer", answer=answer)
    _import(settings, content)
    snippet = soup(client.get("/search?q=boom").text).select_one(".card__snippet")
    assert snippet is not None
    assert [tag.name for tag in snippet.find_all(True)] == ["mark"]
    assert snippet.find("mark").get_text() == "boom"


# Atom feeds


def _feed(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}title")
    datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == BASE + path
    return root


def _entry_slugs(root: ET.Element) -> list[str]:
    slugs = []
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}title")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(f"{BASE}/columns/")
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        first = soup(content.text).find("p").get_text()
        assert first.startswith("Dear Ethics Consult,")
        slugs.append(href.rsplit("/", 1)[1])
    return slugs


def test_site_feed_lists_every_column(site: TestClient) -> None:
    root = _feed(site, "/feed.xml")
    assert sorted(_entry_slugs(root)) == sorted(COLUMNS)


def test_topic_feed_only_has_that_topic(site: TestClient) -> None:
    root = _feed(site, "/topics/safety/feed.xml")
    safety = {slug for slug, (meta, _, _) in COLUMNS.items() if "Safety" in meta.topics}
    assert len(safety) >= 2
    assert set(_entry_slugs(root)) == safety
    for entry in root.findall(f"{ATOM}entry"):
        assert "safety" in [c.get("term") for c in entry.findall(f"{ATOM}category")]


def test_feed_of_an_unknown_topic_is_not_found(site: TestClient) -> None:
    assert site.get("/topics/no-such-topic/feed.xml").status_code == 404


def test_feed_content_shows_the_signoff_as_text(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    path = write_column(content, "markup-in-signoff")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Tired at Ten", "Tired <i>again</i>"), encoding="utf-8")
    _import(settings, content)
    page = soup(client.get("/columns/markup-in-signoff").text)
    assert "<i>again</i>" in page.select_one(".letter__signoff").get_text()
    entry = _feed(client, "/feed.xml").find(f"{ATOM}entry")
    html = soup(entry.find(f"{ATOM}content").text)
    assert html.find("i") is None
    assert "Tired <i>again</i>" in html.get_text()


# Sitemap and robots.txt


def test_sitemap_lists_published_columns_and_topics(
    site: TestClient, site_settings: Settings
) -> None:
    engine = make_engine(site_settings.database_url)
    with Session(engine) as session:
        session.add(Article(slug="secret-draft", title="Draft", status="draft"))
        session.commit()
    engine.dispose()
    response = site.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"  # a small site needs no sitemap index
    locs = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    columns = {loc for loc in locs if loc.startswith(f"{BASE}/columns/")}
    assert columns == {f"{BASE}/columns/{slug}" for slug in COLUMNS}
    used = {slugify(name) for meta, _, _ in COLUMNS.values() for name in meta.topics}
    assert {f"{BASE}/topics/{slug}" for slug in used} <= locs
    assert {f"{BASE}/", f"{BASE}/about", f"{BASE}/privacy"} <= locs


def test_robots_keeps_crawlers_out_of_admin_and_points_to_the_sitemap(site: TestClient) -> None:
    response = site.get("/robots.txt")
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert site.get("/sitemap.xml").status_code == 200


# HTTP caching

CACHED_PAGES = ["/", f"/columns/{ARTICLE_SLUG}", "/feed.xml"]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_public_pages_are_cacheable_and_revalidate(site: TestClient, path: str) -> None:
    first = site.get(path)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{16,}"', etag)
    assert re.fullmatch(r"public, max-age=[1-9]\d*", first.headers["cache-control"])
    again = site.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_an_edited_column_changes_the_etag(
    site: TestClient, site_settings: Settings, tmp_path: Path, path: str
) -> None:
    old = site.get(path).headers["etag"]
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    column = content / "columns" / f"{ARTICLE_SLUG}.md"
    text = re.sub(
        r"^summary: .*$",
        "summary: A rewritten summary about the late session.",
        column.read_text(encoding="utf-8"),
        flags=re.M,
    )
    column.write_text(text + "\nA rewritten closing line.\n", encoding="utf-8")
    _import(site_settings, content)
    response = site.get(path, headers={"If-None-Match": old})
    assert response.status_code == 200
    assert response.headers["etag"] != old
    assert "A rewritten summary about the late session." in response.text
