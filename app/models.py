"""Every table of the site, in one place.

Glossary. The code names each thing with one word; readers and editors see the second.

- `Question`: a letter a reader sent (the page says "letter"; its reader is the submitter,
  their pen name the `signoff`). Its states are `QuestionStatus`.
- `Article`: a column, the edited letter and its answer as readers see it (the page says
  "column"). Its states are `ArticleStatus`; "live" means published or scheduled.
- `ArticleRevision`: a saved version of a column: a snapshot, a draft of changes to a live
  column, or an editor's autosave.
- `Topic`, `Resource`: what columns are filed under, and the library of courses and guides a
  column's callout points to.
- `Staff`: someone who signs in at /admin (columnist, editor or admin); `StaffSession` one
  sign-in. `Subscriber`, `Digest`: the newsletter's readers and what was sent to them.
- `OutboxMessage`: a mail waiting to go, or sent. `AuditEntry`: what staff did, and when.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# The largest id any table holds (a 32-bit integer on PostgreSQL): a number past it in an
# address names nothing, and is answered as such rather than sent to the database.
MAX_ID = 2**31 - 1


def parse_id(text: object) -> int | None:
    """The positive id (or version number) a path, query or form field spells in ASCII digits,
    or None for anything else, past MAX_ID included."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


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
    # The callout a column of this topic shows when it does not pick one (its first topic's).
    # Deleting a resource clears it here first (editorial.resources).
    default_resource_id: int | None = Field(default=None, foreign_key="resource.id")


class Resource(SQLModel, table=True):
    """A callout from the editors' library: a course or resource shown after an answer."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    text: str = Field(max_length=600)
    link_text: str = Field(default="Explore course", max_length=60)
    url: str = Field(max_length=500)
    small_print: str = Field(default="", max_length=600)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CalloutMode(StrEnum):
    topic = "topic"  # the first topic's default resource, if it has one
    resource = "resource"  # the resource the column names
    none = "none"


class ArticleContent(SQLModel):
    """What an editor writes of a column: the article and each of its revisions hold these
    (the fields as the editor sees them are described in editorial.column_fields)."""

    title: str = Field(max_length=200)
    slug: str = Field(max_length=120)
    summary: str = Field(default="", max_length=400)
    letter_md: str = Field(default="", sa_type=Text)
    signoff: str = Field(default="", max_length=60)
    answer_md: str = Field(default="", sa_type=Text)
    byline: str = Field(default="", max_length=120)
    hero_path: str | None = Field(default=None, max_length=200)
    hero_alt: str = Field(default="", max_length=300)
    hero_width: int | None = None
    hero_height: int | None = None
    callout_mode: str = Field(default=CalloutMode.topic, sa_type=String(10))
    callout_resource_id: int | None = None


class Article(ArticleContent, table=True):
    """A published (or to-be-published) column: the edited letter and its answer."""

    # The editors' columns list sorts by these (migration 0008). Its default order, by the
    # column's date (published, else scheduled, else created), has an expression index made in
    # that migration alone: `ix_expr_article_list_date` (see db.include_object).
    __table_args__ = (
        Index("ix_article_status_published", "status", "published_at"),
        Index("ix_article_updated_at", "updated_at", "id"),
        Index("ix_article_title", "title", "id"),
        Index("ix_article_author_id", "author_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    letter_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    answer_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    # A column that names its callout keeps the resource from being deleted.
    callout_resource_id: int | None = Field(default=None, foreign_key="resource.id", index=True)
    reading_minutes: int = 1
    status: str = Field(default=ArticleStatus.draft, sa_type=String(20))
    publish_at: datetime | None = None
    published_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    author_id: int | None = Field(default=None, foreign_key="staff.id", ondelete="SET NULL")
    # The identifying-details review, bound to the exact public text it was given for: a
    # fingerprint of the public fields (editorial.guard); any change to them voids it.
    reviewed_fingerprint: str | None = Field(default=None, max_length=64)
    reviewed_by: int | None = Field(default=None, foreign_key="staff.id", ondelete="SET NULL")
    reviewed_at: datetime | None = None
    # Findings the aid would still show an editor: 0 once the current text has been reviewed.
    unreviewed_findings: int = 0
    # Words an editor marked "not identifying" for this column, one per line (never public).
    dismissed_details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # A live (published or scheduled) column's pending change: the revision holding it. The
    # public page shows the article's own fields until "Update live column" applies the draft.
    draft_revision_id: int | None = None

    # Every UPDATE checks the version it read, so a stale save fails instead of overwriting.
    # Each save bumps `version` once itself (see editorial.articles.apply_fields).
    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


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


class QuestionCount(SQLModel, table=True):
    """How many letters are in each state, kept by triggers on `question` (migrations 0004 and
    0005) so that the editors' queue never counts a large inbox row by row; `changes` counts
    every write to a letter in that state, so their sum moves whenever the queue would."""

    __tablename__ = "question_count"

    status: str = Field(primary_key=True, sa_type=String(20))
    n: int = 0
    changes: int = Field(default=0, sa_type=BigInteger)


class Question(SQLModel, table=True):
    """A letter a reader sent, exactly as sent, and where it stands."""

    __table_args__ = (
        Index("ix_question_status_received", "status", "received_at", "id"),
        Index("ix_question_queue", "status", "urgent", "received_at", "id"),
    )

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
    decline_reason: str | None = Field(default=None, max_length=500)
    assigned_to: int | None = Field(
        default=None, foreign_key="staff.id", index=True, ondelete="SET NULL"
    )
    due_on: date | None = None
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


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    columnist = "columnist"


class Staff(SQLModel, table=True):
    """An editor's account: admins manage staff, editors publish, columnists draft."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(default="", max_length=120)
    role: str = Field(default=Role.columnist, sa_type=String(20))
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class StaffSession(SQLModel, table=True):
    """A signed-in browser; only a hash of its id is stored, so a stolen table is useless."""

    __tablename__ = "staff_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class QuestionNote(SQLModel, table=True):
    """An editor's internal note on a letter (never shown to the reader)."""

    __tablename__ = "question_note"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True, ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="staff.id", ondelete="SET NULL")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ArticleRevision(ArticleContent, table=True):
    """What an article said after one save: who saved it, when, and every field. A revision
    names its callout's resource without holding on to it: restoring one whose resource was
    deleted since falls back to the topic's default."""

    __tablename__ = "article_revision"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    version: int
    staff_id: int | None = Field(default=None, foreign_key="staff.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    topics: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # "saved": what the article said after a save; "draft": a pending change of a live column.
    kind: str = Field(default="saved", max_length=20)


class AuditEntry(SQLModel, table=True):
    """One line of the append-only audit log."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    staff_id: int | None = Field(
        default=None, foreign_key="staff.id", index=True, ondelete="SET NULL"
    )
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=120)
    detail: str = Field(default="", max_length=500)


class SubscriberStatus(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    unsubscribed = "unsubscribed"


class Subscriber(SQLModel, table=True):
    """A newsletter reader (double opt-in); the address is never shown publicly."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    status: str = Field(default=SubscriberStatus.pending, sa_type=String(20), index=True)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None


class Digest(SQLModel, table=True):
    """One newsletter issue: the articles published in its window."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    window_start: datetime | None = None
    window_end: datetime
    article_ids: str = Field(default="", max_length=2000)
    staff_id: int | None = Field(default=None, foreign_key="staff.id", ondelete="SET NULL")
    recipients: int = 0


class DigestDelivery(SQLModel, table=True):
    """A digest queued for one subscriber: the primary key makes a second copy impossible."""

    __tablename__ = "digest_delivery"

    digest_id: int = Field(foreign_key="digest.id", primary_key=True, ondelete="CASCADE")
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True, ondelete="CASCADE")
    queued_at: datetime = Field(default_factory=utcnow)
