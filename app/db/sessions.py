"""Writing sessions: they commit on success, roll back on error, and pass the write gate."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import anyio.to_thread
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db.gate import PASSING, gate_of


def writer(engine: Engine) -> Engine:
    """The engine for transactions that read then write (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A writing session that commits on success and rolls back on error (on SQLite, one at a
    time through the database's write gate)."""
    gate = gate_of(engine)
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


@asynccontextmanager
async def request_write_session(engine: Engine) -> AsyncIterator[Session]:
    """A writing session for one request: it passes the gate on the event loop's side (waiting
    in a worker thread), is used in the route's thread, and commits before the answer goes
    out; a commit that fails becomes the route's error (503 for a busy database).

    On SQLite the gate is held from before the route runs until the commit, as a
    `session_scope` around the route's body would hold it.
    """
    gate = gate_of(engine)
    if gate is not None:
        await anyio.to_thread.run_sync(gate.enter)
    marker = PASSING.set(gate)
    session = Session(writer(engine), expire_on_commit=False)
    try:
        yield session
        await anyio.to_thread.run_sync(session.commit)
    except BaseException:
        await anyio.to_thread.run_sync(session.rollback)
        raise
    finally:
        try:
            await anyio.to_thread.run_sync(session.close)
        finally:
            PASSING.reset(marker)
            if gate is not None:
                gate.leave()
