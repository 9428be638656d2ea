"""Dependencies shared by every feature's routes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.config import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for one request, closed afterwards.

    Opening a session does no I/O (it connects on first use, in the route's own thread), so
    it needs no worker thread of its own. Closing it gives back the connection after a
    rollback: on SQLite that is a call into the library in this process, never a wait for a
    lock, and is done here; over a network it runs in a thread set aside for closing.
    """
    engine = request.app.state.engine
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if engine.dialect.name == "sqlite":
            _close(session)
        else:
            await anyio.to_thread.run_sync(_close, session, limiter=_closing_threads())


# Threads of their own for giving connections back: routes waiting for a connection must never
# hold every thread a returning connection would need.
_CLOSING: RunVar[anyio.CapacityLimiter] = RunVar("consult_closing_threads")


def _closing_threads() -> anyio.CapacityLimiter:
    try:
        return _CLOSING.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(64)
        _CLOSING.set(limiter)
        return limiter


def _close(session: Session) -> None:
    # A connection the database dropped mid-request must not take the response with it.
    with contextlib.suppress(OperationalError):
        session.close()


def get_settings(request: Request) -> Settings:
    """The running app's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
