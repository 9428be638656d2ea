"""Database engines, sessions and the schema check, for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

from app.config import project_dir

SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = project_dir() / "migrations"


# Search indexes are made by hand for each database engine and are not part of the models.
SEARCH_INDEX_PREFIXES = ("article_search", "question_search")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the hand-made search index tables out of model comparison."""
    if type_ == "table" and name and name.startswith(SEARCH_INDEX_PREFIXES):
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_"))


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
    cursor.close()
    # SQLAlchemy issues BEGIN itself (see _sqlite_begin), so transactions start when we say.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    # Transactions that read then write take the write lock up front (BEGIN IMMEDIATE), so
    # they wait on busy_timeout instead of failing when another writer got there first.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(database_url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the URL: SQLite with WAL and foreign keys, or PostgreSQL with pre-ping."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            pool_size=20,
            max_overflow=20,
            hide_parameters=True,  # error messages never carry letters or addresses
        )
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A lock held too long ends the wait with an error (answered 503), as busy_timeout does.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        hide_parameters=True,
        connect_args={"options": f"-c lock_timeout={int(busy_timeout_ms)}"},
    )


def writer(engine: Engine) -> Engine:
    """The engine for transactions that read then write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A writing session that commits on success and rolls back on error."""
    with Session(writer(engine), expire_on_commit=False) as session:
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


def head_revision() -> str | None:
    """The newest migration the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Refuse to serve a database that is behind the code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaBehindError(
            f"The database is {where} but the code needs {head}: run `consult migrate` first."
        )
