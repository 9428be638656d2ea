"""Signing staff in and out: the password check, throttled per account and per client, and the
session it opens in place of the browser's old one."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from app.config import Settings
from app.editorial import audit
from app.editorial.auth import end_session, start_session
from app.editorial.passwords import hash_password, needs_rehash, verify_password
from app.models import Staff
from app.ratelimit import recent_count, record_event

FAILED_LOGIN_LIMIT = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


class SignInResult(StrEnum):
    signed_in = "signed-in"
    refused = "refused"
    throttled = "throttled"


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in came to; `session_id` is the new session's id when it succeeded."""

    result: SignInResult
    session_id: str | None = None


def _account_key(secret: str, email: str) -> str:
    return hmac.new(secret.encode(), f"login:{email}".encode(), hashlib.sha256).hexdigest()


def sign_in(
    *,
    session: Session,
    settings: Settings,
    secret: str,
    client: str,
    email: str,
    password: str,
    old_session_id: str | None,
    now: datetime,
) -> SignInOutcome:
    """Check a password (`client` is the sign-in's client hash) and, when it is right, open a
    new session and end the old one."""
    email = email.strip().lower()
    keys = [("login-account", _account_key(secret, email)), ("login-client", client)]
    staff = session.exec(select(Staff).where(Staff.email == email)).first()
    if _throttled(session=session, keys=keys, now=now):
        audit.record(
            session=session, action="login.throttled", staff_id=staff.id if staff else None
        )
        return SignInOutcome(SignInResult.throttled)
    ok = verify_password(staff.password_hash if staff else None, password)
    if not ok or staff is None or not staff.active:
        for bucket, key in keys:
            record_event(session=session, bucket=bucket, client=key, now=now)
        audit.record(
            session=session,
            action="login.failed",
            staff_id=staff.id if staff else None,
            detail="" if staff else "unknown account",
        )
        return SignInOutcome(SignInResult.refused)
    session_id = _welcome(
        session=session, staff=staff, password=password, settings=settings, now=now
    )
    if old_session_id:
        end_session(session=session, session_id=old_session_id)
    return SignInOutcome(SignInResult.signed_in, session_id)


def _throttled(*, session: Session, keys: list[tuple[str, str]], now: datetime) -> bool:
    """Whether the account or the client failed too often of late (the client is counted only
    when the account is under the limit)."""
    return any(
        recent_count(
            session=session, bucket=bucket, client=key, window=FAILED_LOGIN_WINDOW, now=now
        )
        >= FAILED_LOGIN_LIMIT
        for bucket, key in keys
    )


def _welcome(
    *, session: Session, staff: Staff, password: str, settings: Settings, now: datetime
) -> str:
    """Note a right password (upgrading an old hash) and open the staff member's session."""
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    staff.last_login_at = now
    session.add(staff)
    audit.record(session=session, action="login.succeeded", staff_id=staff.id)
    return start_session(session=session, staff=staff, settings=settings, now=now)


def sign_out(*, session: Session, staff: Staff, session_id: str) -> None:
    """End the browser's session and note it in the audit log."""
    end_session(session=session, session_id=session_id)
    audit.record(session=session, action="logout", staff_id=staff.id)
