"""Brief reads: a few rows by key, made where they cost least."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from app.db.engines import postgresql_engine, sqlite_engine

# How long a brief read may wait for a lock. On SQLite it is made on the event loop, where every
# request of the worker waits with it (in WAL mode it does not wait at all but in rare moments
# such as recovery after a crash); on PostgreSQL only a schema change would hold it up.
BRIEF_READ_TIMEOUT_MS = 250
# Connections per worker for brief reads on PostgreSQL: each holds one for about a millisecond.
BRIEF_READ_CONNECTIONS = 4

T = TypeVar("T")


class BriefReads:
    """Reads of a few rows by key (a staff session, the queue's counts), done where they cost
    least.

    Sending a call to a worker thread and back costs more than reading a row by its key from a
    SQLite file that is in memory, and in WAL mode such a read does not wait for writers. So
    on SQLite it is done in place, on the event loop, on a connection kept for it alone (it
    never waits for the pool either). Over a network, where the server may be slow to answer,
    it is done in a worker thread. Only for reads of a handful of rows through an index:
    anything longer holds up every request of the worker and belongs in a thread.
    """

    def __init__(self, engine: Engine) -> None:
        self._in_place = engine.dialect.name == "sqlite"
        if self._in_place:
            self._engine = sqlite_engine(engine.url, BRIEF_READ_TIMEOUT_MS, poolclass=StaticPool)
        else:
            # Each statement on its own, with no ping before it: one round trip where a
            # transaction and a ping made four. A connection the server dropped is noticed by
            # the read itself, which then goes again on a new one (see _read_again).
            self._engine = postgresql_engine(
                engine.url,
                BRIEF_READ_TIMEOUT_MS,
                isolation_level="AUTOCOMMIT",
                pool_size=BRIEF_READ_CONNECTIONS,
                max_overflow=0,
            )
        self._lock = threading.Lock()  # one event loop uses it; tests may bring another

    async def __call__(self, read: Callable[..., T], *args: Any) -> T:
        """`read(connection, *args)`, in place or in a worker thread."""
        if not self._in_place:
            return await anyio.to_thread.run_sync(_read_again, self._engine, read, *args)
        with self._lock:
            return _read(self._engine, read, *args)

    def close(self) -> None:
        self._engine.dispose()


def _read(engine: Engine, read: Callable[..., T], *args: Any) -> T:
    with engine.connect() as connection:
        return read(connection, *args)


def _read_again(engine: Engine, read: Callable[..., T], *args: Any) -> T:
    """A read that goes again, once, when its connection turned out to be dead (the server
    restarted, or dropped it): the pool has let all its connections go by then."""
    try:
        return _read(engine, read, *args)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return _read(engine, read, *args)
