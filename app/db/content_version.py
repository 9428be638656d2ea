"""The public content version: one counter every worker reads to know that its kept public
pages went stale.

The session layer keeps it: a flush that changes what a public page shows (a published column,
a topic, a resource, a column's topics, an old address) bumps it in the same transaction, so
no save has to remember to. A bulk statement past the unit of work says so itself
(`mark_public_change`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.models import Article, ArticleStatus, ArticleTopic, Resource, SlugRedirect, Topic

CONTENT_VERSION = "content_version"
# Rows public pages show. A column shows only once published, so an Article counts only when
# it is or was published (see _shows).
PUBLIC_CONTENT = (Article, Topic, ArticleTopic, Resource, SlugRedirect)
# An Article's bookkeeping, which no public page shows: a change to these alone is not news.
_ARTICLE_PRIVATE = frozenset(
    {
        "version",
        "draft_revision_id",
        "reviewed_fingerprint",
        "reviewed_by",
        "reviewed_at",
        "unreviewed_findings",
        "dismissed_details",
        "author_id",
    }
)
_BUMPED = "content_version_bumped"


class LocalChanges:
    """Commits in this process that bumped the version: this worker's own edits show at once."""

    count = 0


def bump_content_version(db: Session | Connection) -> None:
    """Mark every public page stale, in the caller's transaction."""
    connection = db.connection() if isinstance(db, Session) else db
    updated = connection.execute(
        text("UPDATE site_state SET value = value + 1 WHERE key = :key"), {"key": CONTENT_VERSION}
    )
    if getattr(updated, "rowcount", 0) == 0:
        connection.execute(
            text("INSERT INTO site_state (key, value) VALUES (:key, 1)"), {"key": CONTENT_VERSION}
        )


def read_content_version(engine: Engine) -> int:
    """The current content version (0 before anything was published)."""
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT value FROM site_state WHERE key = :key"), {"key": CONTENT_VERSION}
        ).scalar()
    return int(value or 0)


def _shows(session: Session, row: Any, *, added_or_deleted: bool) -> bool:
    """Whether a change to this row (being flushed) changes a public page."""
    if isinstance(row, ArticleTopic):  # a column's topics show once the column does
        with session.no_autoflush:
            column = session.get(Article, row.article_id)
        return column is None or _published(column)
    if not isinstance(row, PUBLIC_CONTENT):
        return False
    if not isinstance(row, Article):
        return True
    if not _published(row):
        return False
    return added_or_deleted or any(
        attr.history.has_changes()
        for attr in inspect(row).attrs
        if attr.key not in _ARTICLE_PRIVATE
    )


def _published(article: Article) -> bool:
    """Whether the column is published, or was until this change."""
    status = inspect(article).attrs.status.history
    return ArticleStatus.published in {*status.deleted, *status.unchanged, *status.added}


def _changed(session: Session) -> Iterable[tuple[Any, bool]]:
    for row in session.new:
        yield row, True
    for row in session.dirty:
        yield row, False
    for row in session.deleted:
        yield row, True


def mark_public_change(session: Session) -> None:
    """Mark public pages stale after a bulk UPDATE or DELETE of rows they show, which the unit
    of work never sees. (The scheduler's claim of a column is the one such statement that is
    not beside an ORM change of the same rows; no `do_orm_execute` hook watches for them,
    as one would tax every statement of every request.)"""
    _mark(session)


def _mark(session: Session) -> None:
    if not session.info.get(_BUMPED):
        session.info[_BUMPED] = True
        bump_content_version(session.connection())


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # The session still lists what this flush wrote, with each row's changes.
    if session.info.get(_BUMPED):
        return
    if any(_shows(session, row, added_or_deleted=whole) for row, whole in _changed(session)):
        _mark(session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_BUMPED, False):
        LocalChanges.count += 1


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    # A rolled-back bump is gone with what it marked; a later change bumps again.
    session.info.pop(_BUMPED, None)
