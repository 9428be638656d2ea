"""The digest: one mail to every confirmed subscriber listing the columns published since the
previous digest, queued in one transaction so a crash queues all of it or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.config import Settings
from app.mail import queue_templated
from app.models import (
    Article,
    ArticleStatus,
    Digest,
    DigestDelivery,
    Subscriber,
    SubscriberStatus,
)
from app.newsletter import tokens
from app.urls import column_url

DIGEST_KIND = "digest"
FIRST_WINDOW = timedelta(days=7)
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class DigestItem:
    title: str
    summary: str
    url: str


def send_digest(
    *, session: Session, settings: Settings, now: datetime, staff_id: int | None = None
) -> Digest | None:
    """Queue a digest of the columns published since the last one for every confirmed
    subscriber; None (and nothing created) when there is nothing new."""
    _serialise(session)
    window_start = _previous_window_end(session) or now - FIRST_WINDOW
    articles = _published_between(session, window_start, now)
    if not articles:
        return None
    subscribers = _confirmed_subscribers(session)
    digest = Digest(
        created_at=now,
        window_start=window_start,
        window_end=now,
        article_ids=",".join(str(a.id) for a in articles),
        staff_id=staff_id,
        recipients=len(subscribers),
    )
    session.add(digest)
    session.flush()
    assert digest.id is not None
    items = [
        DigestItem(a.title, a.summary, column_url(settings.base_url, a.slug)) for a in articles
    ]
    secret = settings.resolved_secret_key()
    for subscriber in subscribers:
        assert subscriber.id is not None
        session.add(DigestDelivery(digest_id=digest.id, subscriber_id=subscriber.id, queued_at=now))
        _queue_digest_mail(
            session=session,
            settings=settings,
            to=subscriber.email,
            items=items,
            unsubscribe_url=f"{settings.base_url}/newsletter/unsubscribe/"
            f"{tokens.unsubscribe_token(secret, subscriber.id)}",
        )
    session.flush()
    return digest


def _serialise(session: Session) -> None:
    # Two `send`s at once would both see the same previous digest and mail the same columns
    # twice. SQLite's writing sessions already hold the write lock (BEGIN IMMEDIATE).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsletter-digest'))"))


def _previous_window_end(session: Session) -> datetime | None:
    return session.exec(
        select(Digest.window_end).order_by(col(Digest.window_end).desc()).limit(1)
    ).first()


def _confirmed_subscribers(session: Session) -> list[Subscriber]:
    return list(
        session.exec(
            select(Subscriber)
            .where(Subscriber.status == SubscriberStatus.confirmed)
            .order_by(col(Subscriber.id))
        ).all()
    )


def _published_between(session: Session, start: datetime, end: datetime) -> list[Article]:
    return list(
        session.exec(
            select(Article)
            .where(
                Article.status == ArticleStatus.published,
                col(Article.published_at) > start,
                col(Article.published_at) <= end,
            )
            .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        ).all()
    )


def _queue_digest_mail(
    *, session: Session, settings: Settings, to: str, items: list[DigestItem], unsubscribe_url: str
) -> None:
    context = {
        "site_name": settings.site_name,
        "site_url": f"{settings.base_url}/",
        "items": items,
        "unsubscribe_url": unsubscribe_url,
    }
    if len(items) == 1:
        subject = f"{settings.site_name}: {items[0].title}"
    else:
        subject = f"{settings.site_name}: {len(items)} new columns"
    queue_templated(
        session=session,
        kind=DIGEST_KIND,
        to=to,
        subject=subject[:200],
        template="digest",
        context=context,
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": ONE_CLICK},
    )
