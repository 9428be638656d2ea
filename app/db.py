"""Database engines, sessions and the schema check, for SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlmodel import Session, create_engine

from app.config import project_dir

SQLITE_BUSY_TIMEOUT_MS = 10_000
# How long a brief read may wait for a lock. On SQLite it is made on the event loop, where every
# request of the worker waits with it (in WAL mode it does not wait at all but in rare moments
# such as recovery after a crash); on PostgreSQL only a schema change would hold it up.
BRIEF_READ_TIMEOUT_MS = 250
# Connections per worker for brief reads on PostgreSQL: each holds one for about a millisecond.
BRIEF_READ_CONNECTIONS = 4
MIGRATIONS_DIR = project_dir() / "migrations"


# Search indexes are made by hand for each database engine and are not part of the models.
SEARCH_INDEX_PREFIXES = ("article_search", "question_search")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the hand-made search index tables and the expression indexes
    (which the models cannot describe) out of model comparison."""
    if type_ == "table" and name and name.startswith(SEARCH_INDEX_PREFIXES):
        return False
    return not (type_ == "index" and name and name.startswith(("ix_search_", "ix_expr_")))


class SchemaBehindError(RuntimeError):
    """The database is not migrated to the code's head revision."""


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


def _sqlite_engine(url: URL, busy_timeout_ms: int, **pool: Any) -> Engine:
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
        engine = _sqlite_engine(url, busy_timeout_ms, pool_size=10, max_overflow=10)
        if url.database and url.database != ":memory:":
            gate = _GATES.setdefault(url.database, WriteGate(url.database, busy_timeout_ms / 1000))
            event.listen(engine, "engine_disposed", lambda _: gate.close())
        return engine
    return _postgresql_engine(
        url, busy_timeout_ms, pool_pre_ping=True, pool_size=10, max_overflow=20
    )


def _postgresql_engine(url: URL, lock_timeout_ms: int, **pool: Any) -> Engine:
    # A lock held too long ends the wait with an error (answered 503), as busy_timeout does.
    return create_engine(
        url,
        hide_parameters=True,
        connect_args={"options": f"-c lock_timeout={int(lock_timeout_ms)}"},
        **pool,
    )


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
            self._engine = _sqlite_engine(engine.url, BRIEF_READ_TIMEOUT_MS, poolclass=StaticPool)
        else:
            # Each statement on its own, with no ping before it: one round trip where a
            # transaction and a ping made four. A connection the server dropped is noticed by
            # the read itself, which then goes again on a new one (see _read_again).
            self._engine = _postgresql_engine(
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


def core(db: Session | Connection) -> Connection:
    """The connection under a session (Core reads skip the ORM's bookkeeping), or itself."""
    return db.connection() if isinstance(db, Session) else db


class WriteGate:
    """Lets one transaction at a time write to a SQLite file: the threads of this process queue
    on a lock, the processes of the machine on an flock of a file beside the database.

    SQLite alone makes waiting writers poll its lock with sleeps that grow to 100 ms, so under
    load the lock sits free while everyone sleeps. At the gate one thread per process waits,
    trying the file lock every 0.1 ms, and the next writer starts as soon as the last one
    commits. SQLite's own locking still guards correctness; the gate only orders the queue,
    and gives up (as busy_timeout would) after `timeout` seconds.
    """

    POLL_SECONDS = 0.0001

    def __init__(self, database: str, timeout: float) -> None:
        self.path = f"{database}-writers"
        self.timeout = timeout
        self._lock = threading.Lock()
        self._held = threading.local()
        self._fd: int | None = None

    @contextmanager
    def passage(self) -> Iterator[None]:
        if getattr(self._held, "depth", 0):  # nested in this thread's own write: let SQLite say
            yield
            return
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise _busy()
        try:
            fd = self._lock_file(deadline)
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def close(self) -> None:
        """Let go of the lock file (the engine was disposed; it is opened again if needed)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _lock_file(self, deadline: float) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self._fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _busy() from None
                time.sleep(self.POLL_SECONDS)


def _busy() -> OperationalError:
    return OperationalError("write gate", None, TimeoutError("database is locked"))


_GATES: dict[str, WriteGate] = {}


def _gate(engine: Engine) -> WriteGate | None:
    return _GATES.get(str(engine.url.database)) if engine.dialect.name == "sqlite" else None


def writer(engine: Engine) -> Engine:
    """The engine for transactions that read then write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A writing session that commits on success and rolls back on error (on SQLite, one at a
    time through the database's write gate)."""
    gate = _gate(engine)
    with (
        gate.passage() if gate else contextlib.nullcontext(),
        Session(writer(engine), expire_on_commit=False) as session,
    ):
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(database_url: str) -> Any:
    """An Alembic configuration pointing at this project's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


# `revision: str = "0004"` and `down_revision: str | None = "0003"` in each migration file.
_REVISION_LINE = re.compile(r"^(down_)?revision:[^=]*=\s*['\"]?(\w+)", re.MULTILINE)


def head_revision() -> str:
    """The newest migration the code knows: the one no other migration revises.

    Read from the files' own lines rather than through Alembic, which costs each worker
    10 MB of memory at start-up for a check it makes once.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value != "None":
                (revised if down else revisions).add(value)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse to serve a database that is behind the code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaBehindError(
            f"The database is {where} but the code needs {head}: run `consult migrate` first."
        )
