"""Engines for SQLite and PostgreSQL: every connection with the same pragmas or options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

from app.db.gate import add_gate

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        _set_pragmas(dbapi_connection, busy_timeout_ms)

    return on_connect


def _set_pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # Every connection gets the same durability and integrity settings.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # 512 KB of page cache per connection (SQLite's default is 2 MB): the operating system
    # already keeps the file in memory once for every connection and worker, and published
    # pages are served from the page cache without reading the database at all.
    cursor.execute("PRAGMA cache_size = -512")
    cursor.close()
    # SQLAlchemy issues BEGIN itself (see _sqlite_begin), so transactions start when we say.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    # Transactions that read then write take the write lock up front (BEGIN IMMEDIATE), so
    # they wait on busy_timeout instead of failing when another writer got there first.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    driver = connection.connection.driver_connection
    if mode == "DEFERRED" and driver is not None:
        # Takes no lock and reads nothing, so it cannot wait or fail: it goes straight to the
        # driver, which saves a third of the cost of a short read through SQLAlchemy.
        driver.execute("BEGIN DEFERRED")
    else:
        connection.exec_driver_sql(f"BEGIN {mode}")


def sqlite_engine(url: URL, busy_timeout_ms: int, **pool: Any) -> Engine:
    """A SQLite engine whose connections all get the pragmas and whose transactions begin
    when we say (see _sqlite_begin)."""
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        hide_parameters=True,  # error messages never carry letters or addresses
        **pool,
    )
    event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def make_engine(database_url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the URL: SQLite with WAL and foreign keys, or PostgreSQL with pre-ping."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite writes one at a time and reads from memory: twenty connections are more than
        # two cores keep busy, and each holds its own cache and schema.
        engine = sqlite_engine(url, busy_timeout_ms, pool_size=10, max_overflow=10)
        if url.database and url.database != ":memory:":
            add_gate(engine, url.database, busy_timeout_ms / 1000)
        return engine
    return postgresql_engine(
        url, busy_timeout_ms, pool_pre_ping=True, pool_size=10, max_overflow=20
    )


def postgresql_engine(url: URL, lock_timeout_ms: int, **pool: Any) -> Engine:
    # A lock held too long ends the wait with an error (answered 503), as busy_timeout does.
    return create_engine(
        url,
        hide_parameters=True,
        connect_args={"options": f"-c lock_timeout={int(lock_timeout_ms)}"},
        **pool,
    )


def core(db: Session | Connection) -> Connection:
    """The connection under a session (Core reads skip the ORM's bookkeeping), or itself."""
    return db.connection() if isinstance(db, Session) else db
