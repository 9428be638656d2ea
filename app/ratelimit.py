"""Per-client limits shared by every worker: counted in the database, clients known by a
keyed hash that changes every day and is deleted within 24 hours."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam, delete, func, insert, text
from sqlmodel import Session, col, select

from app.deps import services
from app.models import RateEvent, utcnow


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


class RateLimited(Exception):
    """The client used up its allowance; `retry_after` says when to come back (seconds)."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__("too many requests from this client")
        self.retry_after = verdict.retry_after


def require_hourly_allowance(
    *, session: Session, bucket: str, client: str, per_hour: int, now: datetime
) -> None:
    """Count one action, or raise RateLimited once the client's hourly allowance is used."""
    verdict = check_and_count(
        session=session,
        bucket=bucket,
        client=client,
        limit=per_hour,
        window=timedelta(hours=1),
        now=now,
    )
    if not verdict.allowed:
        raise RateLimited(verdict)


def client_address(request: Request) -> str:
    """The client's address (uvicorn has already applied trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


def client_hash(secret: str, address: str, now: datetime) -> str:
    """A keyed hash of the address; the key includes the date, so yesterday's hashes are
    unlinkable to today's."""
    key = f"{secret}:rate:{now.date().isoformat()}".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


async def request_client(request: Request) -> str:
    """This request's client as the limits know it: today's keyed hash of its address."""
    return client_hash(services(request).secret_key, client_address(request), utcnow())


# The client a route counts an action against.
ClientHash = Annotated[str, Depends(request_client)]


def check_and_count(
    *, session: Session, bucket: str, client: str, limit: int, window: timedelta, now: datetime
) -> Verdict:
    """Count one action unless the client already used its `limit` within `window`.

    Runs inside the caller's transaction, serialised per client so that two workers cannot
    both take the last slot.
    """
    _lock(session, f"{bucket}:{client}")
    count, oldest = _recent(session, bucket, client, now - window)
    if count >= limit:
        retry = int(((oldest or now) + window - now).total_seconds()) + 1
        return Verdict(False, max(1, retry))
    record_event(session=session, bucket=bucket, client=client, now=now)
    return Verdict(True)


def recent_count(
    *, session: Session, bucket: str, client: str, window: timedelta, now: datetime
) -> int:
    """How many actions the client took in the window."""
    return _recent(session, bucket, client, now - window)[0]


def record_event(*, session: Session, bucket: str, client: str, now: datetime) -> None:
    """Count one action, unconditionally."""
    row = {"bucket": bucket, "client_hash": client, "created_at": now}
    session.connection().execute(_RECORD, row)


# Built once: every letter is counted, inside the one write transaction at a time.
_RECENT = select(func.count(), func.min(RateEvent.created_at)).where(
    col(RateEvent.bucket) == bindparam("bucket"),
    col(RateEvent.client_hash) == bindparam("client"),
    col(RateEvent.created_at) > bindparam("since"),
)
_RECORD = insert(RateEvent)


def _recent(
    session: Session, bucket: str, client: str, since: datetime
) -> tuple[int, datetime | None]:
    params = {"bucket": bucket, "client": client, "since": since}
    count, oldest = session.connection().execute(_RECENT, params).one()
    return int(count), oldest


def forget_old_events(*, session: Session, now: datetime) -> int:
    """Delete every counted action older than a day."""
    result = session.execute(
        delete(RateEvent).where(col(RateEvent.created_at) < now - timedelta(hours=24))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _lock(session: Session, key: str) -> None:
    # On SQLite the writing session began with BEGIN IMMEDIATE, which already serialises.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
