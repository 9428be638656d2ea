"""Another connection holding the database's write lock, and row counts to prove nothing moved."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from types import TracebackType

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from tests.conftest import _libpq

LETTER_TABLES = ("question", "question_search", "question_contact", "rate_event", "outbox_message")


class HeldWriteLock:
    """Takes the write lock on another connection and keeps it for `at_most` seconds (or until
    the block ends): `BEGIN IMMEDIATE` on SQLite; on PostgreSQL a lock on the letters table that
    lets readers through but makes every new letter wait."""

    def __init__(self, database_url: str, *, at_most: float) -> None:
        self.database_url = database_url
        self.at_most = at_most
        self._acquired = threading.Event()
        self._release = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._hold, daemon=True, name="lock-holder")

    def __enter__(self) -> HeldWriteLock:
        self._thread.start()
        assert self._acquired.wait(10), f"could not take the write lock: {self._error!r}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        self._release.set()
        self._thread.join(15)
        assert not self._thread.is_alive(), "the lock holder did not let go"

    def _hold(self) -> None:
        try:
            if make_url(self.database_url).get_backend_name() == "sqlite":
                self._hold_sqlite()
            else:
                self._hold_postgres()
        except BaseException as exc:  # reported by __enter__
            self._error = exc

    def _hold_sqlite(self) -> None:
        path = make_url(self.database_url).database or ""
        with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=10)) as db:
            db.execute("BEGIN IMMEDIATE")
            self._acquired.set()
            self._release.wait(self.at_most)
            db.execute("ROLLBACK")

    def _hold_postgres(self) -> None:
        with contextlib.closing(psycopg.connect(_libpq(self.database_url))) as db:
            db.execute("LOCK TABLE question IN EXCLUSIVE MODE")
            self._acquired.set()
            self._release.wait(self.at_most)
            db.rollback()


def row_counts(database_url: str) -> dict[str, int]:
    """How many rows each table a letter writes to holds."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in LETTER_TABLES
            }
    finally:
        engine.dispose()
