"""Every table of the site, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, time-zone aware, in UTC."""
    return datetime.now(UTC)


class ArticleStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    scheduled = "scheduled"
    published = "published"
    unpublished = "unpublished"


class Topic(SQLModel, table=True):
    """A tag that groups columns (safety, apologies, termination, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=80, unique=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class Article(SQLModel, table=True):
    """A published (or to-be-published) column: the edited letter and its answer."""

    __table_args__ = (Index("ix_article_status_published", "status", "published_at"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=400)
    letter_md: str = Field(default="", sa_column=Column(Text, nullable=False))
    letter_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    signoff: str = Field(default="", max_length=60)
    answer_md: str = Field(default="", sa_column=Column(Text, nullable=False))
    answer_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    byline: str = Field(default="", max_length=120)
    hero_path: str | None = Field(default=None, max_length=200)
    hero_alt: str = Field(default="", max_length=300)
    hero_width: int | None = None
    hero_height: int | None = None
    callout_title: str | None = Field(default=None, max_length=120)
    callout_text: str | None = Field(default=None, max_length=300)
    callout_url: str | None = Field(default=None, max_length=500)
    reading_minutes: int = 1
    status: str = Field(default=ArticleStatus.draft, sa_type=String(20))
    publish_at: datetime | None = None
    published_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class ArticleTopic(SQLModel, table=True):
    """Which topics an article is tagged with."""

    __tablename__ = "article_topic"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topic.id", primary_key=True, index=True, ondelete="CASCADE")


class ArticleView(SQLModel, table=True):
    """Views of one article on one day: the on-site popularity count (no visitor data)."""

    __tablename__ = "article_view"

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True, index=True)
    views: int = 0


class SlugRedirect(SQLModel, table=True):
    """An old slug that now answers with a permanent redirect."""

    __tablename__ = "slug_redirect"
    __table_args__ = (UniqueConstraint("kind", "old_slug", name="uq_slug_redirect_kind_old"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    old_slug: str = Field(max_length=120)
    new_slug: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class SiteState(SQLModel, table=True):
    """Small named counters shared by every worker (the public content version)."""

    __tablename__ = "site_state"

    key: str = Field(primary_key=True, max_length=60)
    value: int = 0


class QuestionStatus(StrEnum):
    new = "new"
    shortlisted = "shortlisted"
    answering = "answering"
    published = "published"
    declined = "declined"
    spam = "spam"
    withdrawn = "withdrawn"


class Question(SQLModel, table=True):
    """A letter a reader sent, exactly as sent, and where it stands."""

    __table_args__ = (Index("ix_question_status_received", "status", "received_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=QuestionStatus.new, sa_type=String(20))
    letter: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    signoff: str = Field(default="", max_length=60)
    topic_hint: str | None = Field(default=None, max_length=80)
    consent: bool = False
    urgent: bool = Field(default=False, index=True)
    urgent_categories: str = Field(default="", max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    submission_key: str = Field(max_length=64, unique=True)
    received_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime = Field(default_factory=utcnow)
    decline_note: str | None = Field(default=None, max_length=300)
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    outcome_notified_at: datetime | None = None
    letter_purged_at: datetime | None = None


class QuestionContact(SQLModel, table=True):
    """A reader's email address, kept apart from the letter and erased once they are told."""

    __tablename__ = "question_contact"

    question_id: int = Field(foreign_key="question.id", primary_key=True, ondelete="CASCADE")
    email: str = Field(max_length=320)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RateEvent(SQLModel, table=True):
    """One counted action by a client, known only by a keyed hash that changes daily."""

    __tablename__ = "rate_event"
    __table_args__ = (
        Index("ix_rate_event_bucket_client_at", "bucket", "client_hash", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=40)
    client_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"


class OutboxMessage(SQLModel, table=True):
    """An email waiting to go out (or sent); queued in the same transaction as its cause."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    question_id: int | None = Field(
        default=None, foreign_key="question.id", index=True, ondelete="SET NULL"
    )
    to_address: str = Field(default="", max_length=320)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    headers_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    status: str = Field(default=OutboxStatus.pending, sa_type=String(20))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
