"""The editors' inbox: letters filtered, searched and paged by keyset, urgent ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, func, or_, text
from sqlmodel import Session, col, select

from app.models import Question, QuestionStatus
from app.publishing.search import query_terms

OPEN_STATES = (QuestionStatus.new, QuestionStatus.shortlisted, QuestionStatus.answering)
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    state: str = "open"  # a QuestionStatus, "open" or "all"
    topic: str | None = None
    urgent: bool = False
    mine: int | None = None  # a staff id
    q: str = ""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the sort key of the last row shown."""

    urgent: bool
    received_at: datetime
    id: int

    def encode(self) -> str:
        return f"{int(self.urgent)}~{self.received_at.timestamp():.6f}~{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        try:
            urgent, seconds, ident = (value or "").split("~")
            return cls(urgent == "1", datetime.fromtimestamp(float(seconds), UTC), int(ident))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass(frozen=True)
class QueuePage:
    letters: list[Question]
    next_cursor: str | None


def _conditions(session: Session, f: QueueFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.state == "open":
        where.append(col(Question.status).in_(OPEN_STATES))
    elif f.state != "all":
        where.append(col(Question.status) == f.state)
    if f.topic:
        where.append(col(Question.topic_hint) == f.topic)
    if f.urgent:
        where.append(col(Question.urgent).is_(True))
    if f.mine is not None:
        where.append(col(Question.assigned_to) == f.mine)
    terms = query_terms(f.q)
    if terms:
        where.append(col(Question.id).in_(_matching_ids(session, terms)))
    return where


def _matching_ids(session: Session, terms: list[str]) -> list[int]:
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        statement = "SELECT rowid FROM question_search WHERE question_search MATCH :m LIMIT 5000"
    else:
        match = " ".join(terms)
        statement = (
            "SELECT question_id FROM question_search "
            "WHERE document @@ plainto_tsquery('english', :m) LIMIT 5000"
        )
    return [int(row[0]) for row in session.execute(text(statement), {"m": match}).all()]


def list_queue(
    *, session: Session, where: QueueFilter, after: str | None = None, size: int = PAGE_SIZE
) -> QueuePage:
    """One page of letters: urgent first, then oldest first, continuing after the cursor."""
    statement = select(Question).where(*_conditions(session, where))
    cursor = Cursor.decode(after)
    if cursor is not None:
        urgent = col(Question.urgent)
        later = or_(
            col(Question.received_at) > cursor.received_at,
            and_(col(Question.received_at) == cursor.received_at, col(Question.id) > cursor.id),
        )
        statement = statement.where(
            or_(urgent < cursor.urgent, and_(urgent == cursor.urgent, later))
            if cursor.urgent
            else and_(urgent.is_(False), later)
        )
    statement = statement.order_by(
        col(Question.urgent).desc(), col(Question.received_at), col(Question.id)
    ).limit(size + 1)
    rows = list(session.exec(statement).all())
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = Cursor(last.urgent, last.received_at, last.id or 0).encode()
    return QueuePage(rows[:size], next_cursor)


def state_counts(*, session: Session) -> dict[str, int]:
    """How many letters are in each state."""
    rows = session.exec(select(Question.status, func.count()).group_by(col(Question.status))).all()
    counts = {state.value: 0 for state in QuestionStatus}
    counts.update({status: int(n) for status, n in rows})
    counts["all"] = sum(counts.values())
    counts["open"] = sum(counts[s] for s in OPEN_STATES)
    return counts
