"""The per-worker cache of finished public pages, guarded by the public content version
(`app.db.content_version`)."""

from __future__ import annotations

import logging
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError

from app.db.content_version import LocalChanges

log = logging.getLogger("consult")
PAGE_CACHE_BYTES = 32 * 1024 * 1024
SEARCH_CACHE_BYTES = 8 * 1024 * 1024
PAGE_MAX_AGE_SECONDS = 300.0
VERSION_CHECK_SECONDS = 1.0
# Where a page is kept: the site's own pages, or search results, which live on a shelf of their
# own (compressed: there are many, each read a few times) so that a run of one-off queries
# never pushes out the pages people come back to.
Shelf = Literal["pages", "searches"]


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A finished response: status, raw ASGI headers and body, and the article it shows."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    article_id: int | None
    stored_at: float
    compressed: bool = False

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200

    def content(self) -> bytes:
        """The body as sent."""
        return zlib.decompress(self.body) if self.compressed else self.body


class _Shelf:
    """Pages of one kind, least recently used out first, bounded in bytes."""

    def __init__(self, max_bytes: int, *, compress: bool) -> None:
        self.max_bytes = max_bytes
        self.compress = compress
        self.pages: OrderedDict[tuple[str, bytes], CachedPage] = OrderedDict()
        self.bytes = 0

    def put(self, key: tuple[str, bytes], page: CachedPage) -> None:
        if self.compress and not page.compressed:
            page = replace(page, body=zlib.compress(page.body, 6), compressed=True)
        if page.size > self.max_bytes // 8:
            return
        self.drop(key)
        self.pages[key] = page
        self.bytes += page.size
        while self.bytes > self.max_bytes and self.pages:
            self.drop(next(iter(self.pages)))

    def drop(self, key: tuple[str, bytes]) -> None:
        page = self.pages.pop(key, None)
        if page is not None:
            self.bytes -= page.size

    def clear(self) -> None:
        self.pages.clear()
        self.bytes = 0


class PageCache:
    """Finished public pages in memory, least recently used out first, bounded in bytes.

    A page is served only while the database's content version is the one it was rendered at
    and for at most `max_age` seconds (popular lists and the hourly form token change without
    a new version). The version is read at most once every `check_every` seconds per worker,
    and at once after this process itself committed a change: another worker's edit is live
    within about a second, this worker's on the next request.
    """

    def __init__(
        self,
        *,
        read_version: Callable[[], int],
        max_bytes: int = PAGE_CACHE_BYTES,
        search_bytes: int = SEARCH_CACHE_BYTES,
        max_age: float = PAGE_MAX_AGE_SECONDS,
        check_every: float = VERSION_CHECK_SECONDS,
    ) -> None:
        self.read_version = read_version
        self.max_age = max_age
        self.check_every = check_every
        self._shelves: dict[Shelf, _Shelf] = {
            "pages": _Shelf(max_bytes, compress=False),
            "searches": _Shelf(search_bytes, compress=True),
        }
        self._version: int | None = None
        self._checked_at = -float("inf")
        self._seen_local = -1
        self._checking = False

    @property
    def size(self) -> int:
        """Bytes held."""
        return sum(shelf.bytes for shelf in self._shelves.values())

    def __len__(self) -> int:
        return sum(len(shelf.pages) for shelf in self._shelves.values())

    def count(self, shelf: Shelf) -> int:
        """Pages held on one shelf."""
        return len(self._shelves[shelf].pages)

    async def current_version(self) -> int | None:
        """The content version pages may be served at; None when the database cannot say."""
        now = time.monotonic()
        fresh = now - self._checked_at < self.check_every and self._seen_local == LocalChanges.count
        if (fresh or self._checking) and self._version is not None:
            return self._version
        self._checking = True
        seen = LocalChanges.count
        try:
            version = await anyio.to_thread.run_sync(self.read_version)
        except SQLAlchemyError:
            log.warning("page cache bypassed: content version unreadable")
            self.clear()
            self._version = None
            return None
        finally:
            self._checking = False
        if version != self._version:
            self.clear()
            self._version = version
        self._seen_local = seen
        self._checked_at = now
        return version

    def get(self, key: tuple[str, bytes], version: int) -> CachedPage | None:
        """The page for this path and query, if it is current."""
        for shelf in self._shelves.values():
            page = shelf.pages.get(key)
            if page is None:
                continue
            if version != self._version or time.monotonic() - page.stored_at > self.max_age:
                shelf.drop(key)
                return None
            shelf.pages.move_to_end(key)
            return page
        return None

    def put(
        self, key: tuple[str, bytes], page: CachedPage, version: int, shelf: Shelf = "pages"
    ) -> None:
        """Keep a page rendered at `version` (dropped at once if the version moved meanwhile)."""
        if version == self._version:
            self._shelves[shelf].put(key, page)

    def clear(self) -> None:
        for shelf in self._shelves.values():
            shelf.clear()
