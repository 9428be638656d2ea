"""HTTP caching for public pages: ETag, Cache-Control and 304 answers."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response


def etag_for(body: bytes) -> str:
    """A strong validator made from the page's bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def not_modified(request: Request, etag: str) -> bool:
    """True when the client already holds this exact version."""
    header = request.headers.get("if-none-match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def cacheable(
    request: Request, body: str | bytes, *, media_type: str, max_age: int, status_code: int = 200
) -> Response:
    """A public response that a browser, CDN or proxy may keep, answered 304 when unchanged."""
    data = body.encode() if isinstance(body, str) else body
    etag = etag_for(data)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if status_code == 200 and not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=data, status_code=status_code, media_type=media_type, headers=headers)
