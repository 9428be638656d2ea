"""Writing sessions: they commit on success, roll back on error, and pass the write gate."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from app.db.gate import PASSING, WriteGate, gate_of


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
    """A writing session for one request, used in the route's thread and committed before the
    answer goes out; a commit that fails becomes the route's error (503 for a busy database).

    On SQLite the session passes the gate when it first touches the database, in the route's
    own code, so a route that must keep what a reader typed can catch the wait that timed out
    like any other database error. It leaves the gate when its transaction ends (commit or
    rollback); a route that never touches the database never waits for it.

    Commit, rollback and close run on threads of their own: a session holding the gate must
    never wait for a thread held by a request that is waiting for the gate.
    """
    gate = gate_of(engine)
    session = Session(writer(engine), expire_on_commit=False)
    if gate is not None:
        _gate_each_transaction(session, gate)
    finishing = _finishing_threads()
    try:
        yield session
        if session.in_transaction():  # a route that rolled back and stopped has nothing to add
            await anyio.to_thread.run_sync(session.commit, limiter=finishing)
    except BaseException:
        await anyio.to_thread.run_sync(session.rollback, limiter=finishing)
        raise
    finally:
        try:
            await anyio.to_thread.run_sync(session.close, limiter=finishing)
        finally:
            if session.info.pop(_HOLDS_GATE, False) and gate is not None:
                gate.leave()


_HOLDS_GATE = "holds_write_gate"
_FINISHING: RunVar[anyio.CapacityLimiter] = RunVar("consult_finishing_threads")


def _finishing_threads() -> anyio.CapacityLimiter:
    try:
        return _FINISHING.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(64)
        _FINISHING.set(limiter)
        return limiter


def _gate_each_transaction(session: Session, gate: WriteGate) -> None:
    """Enter the gate as each of the session's transactions begins (before its BEGIN
    IMMEDIATE), and leave it as the transaction ends. While the route's thread holds it, a
    write nested in that thread is let through rather than made to wait for itself."""

    def begun(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and not session.info.get(_HOLDS_GATE):
            gate.enter()
            session.info[_HOLDS_GATE] = True
            PASSING.set(gate)

    def ended(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and session.info.pop(_HOLDS_GATE, False):
            if PASSING.get() is gate:
                PASSING.set(None)
            gate.leave()

    event.listen(session, "after_transaction_create", begun)
    event.listen(session, "after_transaction_end", ended)
