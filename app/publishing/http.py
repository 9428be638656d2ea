"""HTTP caching for public pages: ETag, Cache-Control and 304 answers, and the middleware that
answers repeat requests from the page cache without routing, the database or a template."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, tzinfo

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.publishing.cache import CachedPage, PageCache, Shelf
from app.publishing.popularity import ViewCounter

# Pages under these prefixes are private, personal or not HTML pages of ours: never kept.
UNCACHED_PREFIXES = ("/admin", "/ask", "/api/", "/newsletter", "/static/", "/media/", "/healthz")
CACHEABLE_FLAG = "page_cacheable"
ARTICLE_ID = "page_article_id"
_KEPT_ON_304 = (b"etag", b"cache-control", b"vary")


def etag_for(body: bytes) -> str:
    """A strong validator made from the page's bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """True when an If-None-Match header names this exact version (or `*`)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def not_modified(request: Request, etag: str) -> bool:
    """True when the client already holds this exact version."""
    return etag_matches(request.headers.get("if-none-match", ""), etag)


def cacheable(
    request: Request,
    body: str | bytes,
    *,
    media_type: str,
    max_age: int,
    status_code: int = 200,
    keep: Shelf | None = "pages",
) -> Response:
    """A public response that a browser, CDN or proxy may keep, answered 304 when unchanged.

    With `keep`, it is also offered to the page cache (on that shelf), which keeps it only if
    nothing on the way out (a cookie, another status) makes it personal.
    """
    data = body.encode() if isinstance(body, str) else body
    etag = etag_for(data)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if keep and _reads_the_whole_query(request):
        setattr(request.state, CACHEABLE_FLAG, keep)
    if status_code == 200 and not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=data, status_code=status_code, media_type=media_type, headers=headers)


def _reads_the_whole_query(request: Request) -> bool:
    """True when the page reads every parameter of its query string. Any other (a tracking
    tag, a cache-buster) would only make one more copy of the same page: such requests are
    answered but not kept, so they can never push the pages people read out of the cache."""
    if not request.scope.get("query_string"):
        return True
    route = request.scope.get("route")
    return isinstance(route, APIRoute) and set(request.query_params) <= _query_names(
        route.dependant
    )


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route reads, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def mark_article(request: Request, article_id: int) -> None:
    """Tell the page cache which article a page shows, so cached hits still count as views."""
    setattr(request.state, ARTICLE_ID, article_id)


class PageCacheMiddleware:
    """Serves GETs of public pages from the page cache, and fills it from fresh renders."""

    def __init__(
        self, app: ASGIApp, *, cache: PageCache, view_counter: ViewCounter, tz: tzinfo
    ) -> None:
        self.app = app
        self.cache = cache
        self.view_counter = view_counter
        self.tz = tz

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = scope["type"] == "http" and scope["method"] == "GET"
        if not wanted or scope["path"].startswith(UNCACHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        version = await self.cache.current_version()
        if version is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        page = self.cache.get(key, version)
        if page is not None:
            await self._answer(scope, send, page)
            return
        await self._render_and_keep(scope, receive, send, key, version)

    async def _answer(self, scope: Scope, send: Send, page: CachedPage) -> None:
        if page.article_id is not None:
            self.view_counter.record(page.article_id, datetime.now(self.tz).date())
        if etag_matches(Headers(scope=scope).get("if-none-match", ""), page.etag):
            headers = [(k, v) for k, v in page.headers if k in _KEPT_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        # Fresh lists every time: the middlewares outside append to them in place.
        headers = list(page.headers)
        await send({"type": "http.response.start", "status": page.status, "headers": headers})
        await send({"type": "http.response.body", "body": page.content()})

    async def _render_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, bytes], version: int
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        complete = False
        state = scope.setdefault("state", {})

        async def capture(message: Message) -> None:
            nonlocal start, complete
            # The route has run by the time it answers: only pages it offered are copied.
            if message["type"] == "http.response.start" and state.get(CACHEABLE_FLAG):
                # A copy: the middlewares outside add their headers to the list in place.
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capture)
        if start is None or not complete:
            return
        headers = [(bytes(k).lower(), bytes(v)) for k, v in start.get("headers", [])]
        names = {k for k, _ in headers}
        body = b"".join(chunks)
        nonce = str(state.get("csp_nonce", "")).encode()
        if start["status"] != 200 or b"set-cookie" in names or b"etag" not in names:
            return
        if nonce and nonce in body:  # a per-request nonce must never be replayed
            return
        etag = next(v for k, v in headers if k == b"etag").decode("latin-1")
        article_id = state.get(ARTICLE_ID)
        page = CachedPage(200, headers, body, etag, article_id, time.monotonic())
        self.cache.put(key, page, version, state[CACHEABLE_FLAG])
