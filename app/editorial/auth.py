"""Staff sessions: server-side (hashed ids, idle and absolute expiry), their cookie, and the
dependencies that guard every /admin route."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request, Response
from sqlalchemy import Row, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col

from app.config import Settings
from app.db import session_scope
from app.deps import services
from app.editorial.reads import STAFF_FIELDS, DeskReads
from app.editorial.staff import session_hash
from app.models import Role, Staff, StaffSession, utcnow

TOUCH_EVERY = timedelta(seconds=60)
ROLE_RANK = {Role.columnist: 1, Role.editor: 2, Role.admin: 3}


class LoginRequired(Exception):
    """No valid session: the visitor is sent to the login page."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


def session_cookie_name(settings: Settings) -> str:
    return "__Host-consult_session" if settings.is_production else "consult_session"


def start_session(*, session: Session, staff: Staff, settings: Settings, now: datetime) -> str:
    """A new session id (256 bits) for the staff member; only its hash is stored."""
    assert staff.id is not None
    session_id = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id_hash=session_hash(session_id),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
        )
    )
    return session_id


def end_session(*, session: Session, session_id: str) -> None:
    """Delete the session: the cookie is useless from now on."""
    session.execute(
        delete(StaffSession).where(col(StaffSession.id_hash) == session_hash(session_id))
    )


def set_session_cookie(response: Response, settings: Settings, session_id: str) -> None:
    response.set_cookie(
        session_cookie_name(settings),
        session_id,
        httponly=True,
        samesite="lax",
        path="/",
        secure=settings.is_production,
        max_age=settings.session_absolute_hours * 3600,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        session_cookie_name(settings),
        path="/",
        secure=settings.is_production,
        httponly=True,
        samesite="lax",
    )


def _session_id(request: Request, settings: Settings) -> str | None:
    session_id = request.cookies.get(session_cookie_name(settings))
    return session_id if session_id and len(session_id) <= 100 else None


def _accept(
    request: Request, settings: Settings, session_id: str, row: Row[Any], now: datetime
) -> Staff | None:
    """The staff member a session row signs in: None when it expired, idled out or the account
    was switched off. Idle and absolute timeouts are enforced here."""
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if row.expires_at <= now or now - row.last_seen_at > idle_limit:
        return None
    staff = Staff(**{name: row._mapping[name] for name in STAFF_FIELDS})
    if not staff.active:
        return None
    make_transient_to_detached(staff)  # as if loaded by a session that has since closed
    request.state.session_id = session_id
    return staff


class SessionTouches:
    """When this worker last noted each session's use. Every request that arrives while the
    stored time is a minute old reads that old time; only the first of them writes the new one,
    not each (a burst of writes to one row, and on SQLite of flushes to disk)."""

    KEEP = 10_000  # past this many sessions, those noted over a minute ago are forgotten

    def __init__(self) -> None:
        self._noted: dict[str, datetime] = {}

    def claim(self, session_id: str, last_seen: datetime, now: datetime) -> bool:
        """Whether this request should write `now` as the session's last use."""
        noted = max(last_seen, self._noted.get(session_id, last_seen))
        if now - noted <= TOUCH_EVERY:
            return False
        if len(self._noted) >= self.KEEP:
            self._noted = {k: t for k, t in self._noted.items() if now - t <= TOUCH_EVERY}
        self._noted[session_id] = now
        return True


def _touch(engine: Engine, session_id: str, now: datetime) -> None:
    """Note the session's use (a write, made at most once a minute per session).

    The staff check that makes it is a router's (or a route decorator's) dependency, which
    FastAPI resolves before the route's parameters, so this write is done before the route's
    writing session enters the write gate. Were it made inside one, it would not wait for
    itself: the gate lets through a write from the context that holds it.
    """
    with session_scope(engine) as db:
        db.execute(
            update(StaffSession)
            .where(
                col(StaffSession.id_hash) == session_hash(session_id),
                col(StaffSession.last_seen_at) < now,
            )
            .values(last_seen_at=now)
        )


async def signed_in(request: Request) -> Staff | None:
    """The signed-in staff member, or None.

    It runs on every admin page, so the session is read as a brief read (in place on SQLite);
    only the once-a-minute touch goes to a worker thread, as it may wait for the write lock.
    """
    site = services(request)
    session_id, now = _session_id(request, site.settings), utcnow()
    if session_id is None:
        return None
    row = await site.part(DeskReads).signed_in(session_id)
    if row is None:
        return None
    staff = _accept(request, site.settings, session_id, row, now)
    if staff is not None and site.part(SessionTouches).claim(session_id, row.last_seen_at, now):
        await anyio.to_thread.run_sync(_touch, site.engine, session_id, now)
    return staff


async def require_staff(request: Request) -> Staff:
    """Dependency: any signed-in staff member, else a redirect to the login page."""
    staff = await signed_in(request)
    if staff is None:
        raise LoginRequired()
    request.state.staff = staff
    return staff


def has_role(staff: Staff, role: Role) -> bool:
    """True when the staff member's role is at least `role`."""
    return ROLE_RANK.get(Role(staff.role), 0) >= ROLE_RANK[role]


def require_role(role: Role) -> object:
    """Dependency factory: the signed-in staff member must be at least `role`."""

    async def check(staff: Annotated[Staff, Depends(require_staff)]) -> Staff:
        if not has_role(staff, role):
            raise Forbidden()
        return staff

    return Depends(check)


MaybeStaff = Annotated[Staff | None, Depends(signed_in)]
CurrentStaff = Annotated[Staff, Depends(require_staff)]
EditorStaff = Annotated[Staff, require_role(Role.editor)]
AdminStaff = Annotated[Staff, require_role(Role.admin)]
