"""What routes are given: the site's services, database sessions and the posted form.

`create_app` builds one `Services` and every route reaches it through the aliases below
(`SettingsDep`, `SessionDep`, `WriteSession`, `PostedForm`, …), never through `app.state`.
A feature's own long-lived parts (the queue's kept pages, the view counter, the letter writer)
are in `Services.parts`, looked up by their class with `part(KeptPages)`, so the core never
imports a feature to name them. Brief reads are made through named methods (the editorial
desk's are in `app.editorial.reads`), never by a route handing a function to `BriefReads`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, cast

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, HTTPException, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import HTTPConnection

from app.config import Settings
from app.db import BriefReads, request_write_session
from app.models import MAX_ID, parse_id

T = TypeVar("T")


@dataclass
class Services:
    """The running site: its settings and secret, its database, and the features' parts."""

    settings: Settings
    secret_key: str
    engine: Engine
    reads: BriefReads
    parts: dict[type, Any] = field(default_factory=dict)

    def add(self, part: T) -> T:
        """Keep a feature's part, found again by its class."""
        self.parts[type(part)] = part
        return part

    def part(self, kind: type[T]) -> T:
        return cast(T, self.parts[kind])


def services(connection: HTTPConnection) -> Services:
    """The services of the app serving this request (or the one a middleware holds)."""
    found: Services = connection.app.state.services
    return found


def part(kind: type[T]) -> Any:
    """A dependency giving the feature part of this class: `Annotated[KeptPages,
    part(KeptPages)]`."""

    async def get(request: Request) -> T:
        return services(request).part(kind)

    return Depends(get)


def found(session: Session, kind: type[T], key: object) -> T:
    """The row of this kind whose id a path or form gives (a number, or its ASCII digits);
    404 for anything else, an id past what a table holds included."""
    number = key if isinstance(key, int) else parse_id(key)
    row = session.get(kind, number) if isinstance(number, int) and 0 < number <= MAX_ID else None
    if row is None:
        raise HTTPException(404)
    return row


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for one request's reads, closed afterwards.

    Opening a session does no I/O (it connects on first use, in the route's own thread), so
    it needs no worker thread of its own. Closing it gives back the connection after a
    rollback: on SQLite that is a call into the library in this process, never a wait for a
    lock, and is done here; over a network it runs in a thread set aside for closing.
    """
    engine = services(request).engine
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


async def get_write_session(request: Request) -> AsyncIterator[Session]:
    """A writing session for one request, committed when the route returns (see
    `app.db.sessions.request_write_session`)."""
    async with request_write_session(services(request).engine) as session:
        yield session


async def get_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form; its uploads are closed once the route is done with them."""
    async with request.form() as form:
        yield form


# The look-ups below are async, though they wait for nothing: FastAPI sends a plain `def`
# dependency to a worker thread, and a kept page must be answered without one.
async def get_services(request: Request) -> Services:
    return services(request)


async def get_settings(request: Request) -> Settings:
    return services(request).settings


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
# Committed before the answer goes out, so a redirect saying "saved" follows the commit.
WriteSession = Annotated[Session, Depends(get_write_session, scope="function")]
PostedForm = Annotated[FormData, Depends(get_form, scope="function")]
