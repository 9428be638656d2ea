"""Newsletter subscriptions: double opt-in sign-up, confirmation, one-click unsubscribe, and
the counts and export editors see. Digests are made in app.newsletter.digest."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.mail import queue_templated
from app.models import Digest, OutboxMessage, OutboxStatus, Subscriber, SubscriberStatus
from app.newsletter import tokens
from app.newsletter.digest import DIGEST_KIND, send_digest
from app.ratelimit import RateLimited, check_and_count, client_hash, require_hourly_allowance

__all__ = [
    "ConfirmResult",
    "RateLimited",
    "confirm_subscription",
    "confirmed_addresses_csv",
    "digest_history",
    "send_digest",
    "sign_up",
    "subscriber_by_unsubscribe_token",
    "subscriber_counts",
    "unsubscribe",
    "valid_address",
]

RATE_BUCKET = "newsletter"
ADDRESS_BUCKET = "newsletter-address"
# One sign-up and one re-send per address an hour: enough for someone whose first mail went
# astray, too few to turn the form into a way of flooding somebody's inbox.
CONFIRM_MAILS_PER_ADDRESS_HOUR = 2
CONFIRM_KIND = "newsletter_confirm"


class ConfirmResult(StrEnum):
    confirmed = "confirmed"
    expired = "expired"
    invalid = "invalid"


def valid_address(*, text: str) -> str | None:
    """The address in its normal form, or None when it is not an email address."""
    if not text or len(text) > 320:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def find_subscriber(*, session: Session, email: str) -> Subscriber | None:
    """The subscriber with this address, whatever its letter case."""
    return session.exec(
        select(Subscriber).where(func.lower(Subscriber.email) == email.lower())
    ).first()


def sign_up(
    *, session: Session, settings: Settings, secret: str, email: str, client: str, now: datetime
) -> None:
    """Take a sign-up and mail a confirmation link when one is due; the caller cannot tell
    (and so cannot reveal) whether the address was already known."""
    require_hourly_allowance(
        session=session,
        bucket=RATE_BUCKET,
        client=client,
        per_hour=settings.submissions_per_hour,
        now=now,
    )
    subscriber = find_subscriber(session=session, email=email)
    if subscriber is None:
        subscriber = Subscriber(email=email, status=SubscriberStatus.pending, created_at=now)
        session.add(subscriber)
        session.flush()
    elif subscriber.status == SubscriberStatus.confirmed:
        return
    elif subscriber.status == SubscriberStatus.unsubscribed:
        subscriber.status = SubscriberStatus.pending
        subscriber.confirmed_at = None
        session.add(subscriber)
        session.flush()
    address_verdict = check_and_count(
        session=session,
        bucket=ADDRESS_BUCKET,
        client=client_hash(secret, subscriber.email.lower(), now),
        limit=CONFIRM_MAILS_PER_ADDRESS_HOUR,
        window=timedelta(hours=1),
        now=now,
    )
    if address_verdict.allowed:
        _queue_confirmation(session=session, settings=settings, secret=secret, to=subscriber)


def _queue_confirmation(
    *, session: Session, settings: Settings, secret: str, to: Subscriber
) -> None:
    assert to.id is not None
    context = {
        "site_name": settings.site_name,
        "confirm_url": f"{settings.base_url}/newsletter/confirm/"
        f"{tokens.confirm_token(secret, to.id)}",
    }
    queue_templated(
        session=session,
        kind=CONFIRM_KIND,
        to=to.email,
        subject=f"Please confirm your {settings.site_name} newsletter subscription",
        template="confirm",
        context=context,
    )


def confirm_subscription(
    *, session: Session, secret: str, token: str, now: datetime
) -> ConfirmResult:
    """Confirm the subscriber a link names; a second click changes nothing."""
    try:
        claim = tokens.read_confirm_token(secret, token)
    except tokens.ConfirmExpired:
        return ConfirmResult.expired
    subscriber = session.get(Subscriber, claim.subscriber_id) if claim else None
    if claim is None or subscriber is None:
        return ConfirmResult.invalid
    if subscriber.status == SubscriberStatus.unsubscribed:
        # A link mailed before they left must not sign them up again behind their back.
        return ConfirmResult.invalid
    if subscriber.status != SubscriberStatus.confirmed:
        subscriber.status = SubscriberStatus.confirmed
        subscriber.confirmed_at = now
        session.add(subscriber)
    return ConfirmResult.confirmed


def subscriber_by_unsubscribe_token(
    *, session: Session, secret: str, token: str
) -> Subscriber | None:
    """The subscriber an unsubscribe link belongs to, or None for a forged link."""
    subscriber_id = tokens.read_unsubscribe_token(secret, token)
    return session.get(Subscriber, subscriber_id) if subscriber_id is not None else None


def unsubscribe(*, session: Session, subscriber: Subscriber, now: datetime) -> None:
    """Stop all newsletter mail to this subscriber at once, including mail not yet sent."""
    if subscriber.status != SubscriberStatus.unsubscribed:
        subscriber.status = SubscriberStatus.unsubscribed
        subscriber.unsubscribed_at = now
        session.add(subscriber)
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.to_address) == subscriber.email,
            col(OutboxMessage.status) == OutboxStatus.pending,
            col(OutboxMessage.kind).in_([DIGEST_KIND, CONFIRM_KIND]),
        )
        .values(status=OutboxStatus.cancelled, to_address="")
    )


def subscriber_counts(*, session: Session) -> dict[str, int]:
    """How many subscribers are pending, confirmed and unsubscribed."""
    counts = {status.value: 0 for status in SubscriberStatus}
    rows = session.exec(
        select(Subscriber.status, func.count()).group_by(col(Subscriber.status))
    ).all()
    for status, count in rows:
        counts[status] = int(count)
    return counts


def digest_history(*, session: Session, limit: int = 20) -> list[Digest]:
    """The most recent digests, newest first."""
    return list(
        session.exec(
            select(Digest)
            .order_by(col(Digest.created_at).desc(), col(Digest.id).desc())
            .limit(limit)
        ).all()
    )


def _csv_cell(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def confirmed_addresses_csv(*, session: Session) -> str:
    """Confirmed subscribers as CSV (`email,confirmed_at`), for admins only."""
    rows = session.exec(
        select(Subscriber)
        .where(Subscriber.status == SubscriberStatus.confirmed)
        .order_by(col(Subscriber.confirmed_at), col(Subscriber.id))
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["email", "confirmed_at"])
    for subscriber in rows:
        confirmed = subscriber.confirmed_at
        writer.writerow(
            [
                _csv_cell(subscriber.email),
                confirmed.isoformat(timespec="seconds") if confirmed else "",
            ]
        )
    return out.getvalue()
