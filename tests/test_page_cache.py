"""The cache of finished public pages: served while the content version holds, answered 304
without rendering, bounded in bytes, and never holding anything personal or private."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from typing import Any

import anyio
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, col, func, select

from app.db import session_scope
from app.editorial.articles import after_public_change
from app.models import Article, ArticleView
from app.publishing import routes, service
from app.publishing.cache import CachedPage, PageCache
from app.publishing.http import PageCacheMiddleware, cacheable
from app.publishing.popularity import ViewCounter
from tests.helpers import soup

ARTICLE = "/columns/the-client-who-would-not-leave"
SLUG = ARTICLE.rsplit("/", 1)[1]


def _refuse(*_: object, **__: object) -> None:
    raise AssertionError("rendered instead of served from the cache")


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, any request that reaches the database or a template fails."""
    monkeypatch.setattr(service, "get_published_article", _refuse)
    monkeypatch.setattr(service, "list_published", _refuse)
    monkeypatch.setattr(routes, "render_public", _refuse)


def _edit_behind_the_apps_back(site: TestClient, title: str) -> None:
    """What another worker's edit looks like from here: new rows and a new content version."""
    with site.app.state.services.engine.begin() as connection:
        connection.execute(
            text("UPDATE article SET title = :t WHERE slug = :s"), {"t": title, "s": SLUG}
        )
        connection.execute(
            text("UPDATE site_state SET value = value + 1 WHERE key = 'content_version'")
        )


def _title(response: object) -> str:
    return str(soup(response.text).find("h1").get_text(strip=True))  # type: ignore[attr-defined]


def _run(function: Any) -> Any:
    # In a thread of its own: the browser tests may leave an event loop on the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, function).result()


def test_repeat_requests_are_served_without_rendering(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = site.get(ARTICLE)
    assert first.status_code == 200
    _no_rendering(monkeypatch)
    again = site.get(ARTICLE)
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"].startswith("public, max-age=")
    assert "nonce-" in again.headers["content-security-policy"]
    assert again.headers["content-security-policy"] != first.headers["content-security-policy"]


def test_if_none_match_is_answered_from_the_cache_and_still_counts_a_view(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    etag = site.get(ARTICLE).headers["etag"]
    _no_rendering(monkeypatch)
    answer = site.get(ARTICLE, headers={"If-None-Match": f'"other", {etag}'})
    assert answer.status_code == 304
    assert answer.content == b""
    assert answer.headers["etag"] == etag
    assert site.get(ARTICLE, headers={"If-None-Match": '"stale"'}).status_code == 200
    site.app.state.services.part(ViewCounter).flush(site.app.state.services.engine)
    with Session(site.app.state.services.engine) as session:
        views = session.exec(
            select(func.sum(ArticleView.views))
            .join(Article, col(Article.id) == ArticleView.article_id)
            .where(Article.slug == SLUG)
        ).one()
    assert views == 3


def test_a_change_from_another_worker_shows_once_the_version_is_read(site: TestClient) -> None:
    cache: PageCache = site.app.state.services.part(PageCache)
    assert _title(site.get(ARTICLE)) == "The client who would not leave my office"
    cache.check_every = 3600  # this worker will not look at the version for an hour
    site.get(ARTICLE)
    _edit_behind_the_apps_back(site, "A title changed elsewhere")
    assert _title(site.get(ARTICLE)) == "The client who would not leave my office"
    cache.check_every = 0  # the version is now read on every request
    assert _title(site.get(ARTICLE)) == "A title changed elsewhere"
    assert len(cache) == 1


def test_a_published_edit_from_this_process_shows_on_the_next_request(
    site: TestClient,
) -> None:
    site.app.state.services.part(PageCache).check_every = 3600
    before = site.get("/")
    assert before.status_code == 200 and _title(site.get(ARTICLE)).startswith("The client")
    with session_scope(site.app.state.services.engine) as session:
        article = session.exec(select(Article).where(Article.slug == SLUG)).one()
        article.title = "An edit published a moment ago"
        session.add(article)
        session.flush()
        after_public_change(session=session, article=article)
    assert _title(site.get(ARTICLE)) == "An edit published a moment ago"
    assert "An edit published a moment ago" in site.get("/").text


def test_private_pages_errors_and_cookie_setting_pages_are_not_kept(site: TestClient) -> None:
    cache: PageCache = site.app.state.services.part(PageCache)
    for path in ("/ask", "/admin/login", "/newsletter", "/columns/no-such-column", "/healthz"):
        site.get(path)
    assert len(cache) == 0
    site.get(ARTICLE)
    assert len(cache) == 1


def test_search_results_are_kept_on_their_own_shelf_and_served_whole(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache: PageCache = site.app.state.services.part(PageCache)
    first = site.get("/search?q=client")
    assert first.status_code == 200 and "would not leave" in first.text
    assert (cache.count("searches"), cache.count("pages")) == (1, 0)
    monkeypatch.setattr(routes, "search_articles", _refuse)
    again = site.get("/search?q=client")
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert (
        site.get("/search?q=client", headers={"If-None-Match": first.headers["etag"]}).status_code
        == 304
    )


def test_one_off_searches_never_push_out_the_sites_pages() -> None:
    cache = PageCache(read_version=lambda: 3, max_bytes=10_000, search_bytes=10_000)
    version = _run(cache.current_version)
    cache.put(("/columns/kept", b""), _page(1000), version)
    for number in range(200):
        noise = CachedPage(200, [], bytes(range(256)) * 4, '"n"', None, time.monotonic())
        cache.put(("/search", f"q=word{number}".encode()), noise, version, "searches")
    assert cache.get(("/columns/kept", b""), version) is not None
    assert 0 < cache.count("searches") < 200
    newest = cache.get(("/search", b"q=word199"), version)
    assert newest is not None and newest.content() == bytes(range(256)) * 4
    assert newest.size < 1024  # kept compressed


def _tiny_site(cache: PageCache, *, cookie: bool) -> TestClient:
    app = FastAPI()
    app.add_middleware(PageCacheMiddleware, cache=cache, view_counter=ViewCounter(), tz=UTC)

    @app.get("/page")
    def page(request: Request) -> Response:
        fresh = f"<p>{time.perf_counter_ns()}</p>"
        response = cacheable(request, fresh, media_type="text/html", max_age=60)
        if cookie:
            response.set_cookie("visitor", "someone")
        return response

    return TestClient(app)


@pytest.mark.parametrize("cookie", [True, False])
def test_a_public_page_that_sets_a_cookie_is_never_kept(cookie: bool) -> None:
    cache = PageCache(read_version=lambda: 1)
    with _tiny_site(cache, cookie=cookie) as client:
        first, second = client.get("/page"), client.get("/page")
    assert (first.text == second.text) is not cookie
    assert len(cache) == (0 if cookie else 1)


def _page(size: int) -> CachedPage:
    return CachedPage(200, [(b"etag", b'"x"')], b"x" * size, '"x"', None, time.monotonic())


def test_the_cache_is_bounded_and_drops_the_least_recently_used_page() -> None:
    cache = PageCache(read_version=lambda: 7, max_bytes=10_000)
    version = _run(cache.current_version)
    assert version == 7
    for number in range(20):
        cache.put((f"/p{number}", b""), _page(1000), version)
        cache.get(("/p0", b""), version)  # kept in use, so never the one dropped
    assert cache.size <= 10_000
    assert cache.get(("/p0", b""), version) is not None
    assert cache.get(("/p19", b""), version) is not None
    assert cache.get(("/p1", b""), version) is None
    cache.put(("/huge", b""), _page(5_000), version)  # over an eighth of the cache: not kept
    assert cache.get(("/huge", b""), version) is None


def test_pages_rendered_before_a_version_change_are_not_kept() -> None:
    versions = iter([1, 2])
    cache = PageCache(read_version=lambda: next(versions), check_every=0)
    old = _run(cache.current_version)
    new = _run(cache.current_version)
    cache.put(("/late", b""), _page(100), old)
    assert (old, new) == (1, 2) and len(cache) == 0


def test_an_unreadable_version_bypasses_the_cache(site: TestClient) -> None:
    site.get(ARTICLE)
    cache: PageCache = site.app.state.services.part(PageCache)
    cache.check_every = 0
    healthy = site.app.state.services.engine
    site.app.state.services.engine = create_engine("sqlite:////nonexistent-dir/consult.db")
    try:
        site.get(ARTICLE)
        assert len(cache) == 0
    finally:
        site.app.state.services.engine.dispose()
        site.app.state.services.engine = healthy


def test_query_strings_the_page_does_not_read_are_answered_but_not_kept(site: TestClient) -> None:
    """A tracking tag or a cache-buster gets the page, but no copy of it is kept: a flood of
    them cannot push the pages people read out of the cache."""
    cache: PageCache = site.app.state.services.part(PageCache)
    title = _title(site.get(ARTICLE))
    for n in range(20):
        tagged = site.get(f"{ARTICLE}?utm_source=newsletter&n={n}")
        assert tagged.status_code == 200 and _title(tagged) == title
    assert site.get("/?page=1").status_code == 200
    assert site.get("/search?q=client").status_code == 200
    assert site.get("/search?q=client&utm_source=x").status_code == 200
    assert cache.count("pages") == 2  # the article and the first page of the home page
    assert cache.count("searches") == 1
