"""Keeping no more than we need: addresses, declined letters and rate-limit traces expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Question, QuestionContact, QuestionStatus
from app.ratelimit import forget_old_events
from app.search import unindex_questions


@dataclass(frozen=True)
class RetentionReport:
    emails_erased: int
    letters_purged: int
    rate_events_forgotten: int


def run_retention(*, session: Session, settings: Settings, now: datetime) -> RetentionReport:
    """Erase what has served its purpose, as of `now`."""
    told = select(Question.id).where(col(Question.outcome_notified_at).is_not(None))
    too_old = now - timedelta(days=settings.email_retention_days)
    erased = session.execute(
        delete(QuestionContact).where(
            col(QuestionContact.question_id).in_(told) | (col(QuestionContact.created_at) < too_old)
        )
    )
    purge_before = now - timedelta(days=settings.declined_retention_days)
    purge_ids = list(
        session.exec(
            select(Question.id).where(
                col(Question.status).in_([QuestionStatus.declined, QuestionStatus.spam]),
                col(Question.status_changed_at) < purge_before,
                col(Question.letter).is_not(None),
            )
        ).all()
    )
    if purge_ids:
        session.execute(
            update(Question)
            .where(col(Question.id).in_(purge_ids))
            .values(letter=None, letter_purged_at=now)
        )
        unindex_questions(session, [i for i in purge_ids if i is not None])
    forgotten = forget_old_events(session=session, now=now)
    return RetentionReport(
        emails_erased=int(getattr(erased, "rowcount", 0) or 0),
        letters_purged=len(purge_ids),
        rate_events_forgotten=forgotten,
    )
