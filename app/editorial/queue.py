"""The editors' inbox: letters filtered, searched and paged by keyset, urgent ones first.

A page is read one state and urgency at a time, each already in order from the
(status, urgent, received_at, id) index, and the few rows merged; the counts per state come
from `question_count`, which triggers keep. Neither grows with the size of the inbox.

The same triggers count every write to a letter, and the sum is the queue's version: each
worker keeps the page it rendered for a view until the version moves, so editors who look
at the queue again and again cost one small read each until a letter changes.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

import anyio.to_thread
from sqlalchemy import ColumnElement, func, text, tuple_
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from app.db import core
from app.editorial import guard
from app.editorial.articles import ArticleFields
from app.models import Article, Question, QuestionCount, QuestionStatus, utcnow
from app.search import query_terms

OPEN_STATES = (QuestionStatus.new, QuestionStatus.shortlisted, QuestionStatus.answering)
# What the queue's state filter accepts; anything else shows the open letters.
FILTER_STATES = frozenset({*(state.value for state in QuestionStatus), "open", "all"})
PAGE_SIZE = 50
EXCERPT_CHARACTERS = 200


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


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A letter as the queue lists it: its opening words, not the whole text."""

    id: int
    urgent: bool
    received_at: datetime
    status: str
    signoff: str
    topic_hint: str | None
    assigned_to: int | None
    due_on: date | None
    letter: str | None  # last; the first EXCERPT_CHARACTERS, None once erased


# In QueueRow's order: its fields are columns of the same name, but the letter's opening only.
_ROW_COLUMNS = [
    *(getattr(Question, name) for name in QueueRow.__dataclass_fields__ if name != "letter"),
    func.substr(col(Question.letter), 1, EXCERPT_CHARACTERS),
]


@dataclass(frozen=True)
class QueuePage:
    letters: list[QueueRow]
    next_cursor: str | None
    findings: dict[int, int] = field(default_factory=dict)  # letter id -> details to review


def _states(f: QueueFilter) -> list[str]:
    if f.state == "open":
        return [s.value for s in OPEN_STATES]
    if f.state == "all":
        return [s.value for s in QuestionStatus]
    return [f.state]


def _conditions(session: Session, f: QueueFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions other than the state."""
    where: list[ColumnElement[bool]] = []
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
    conditions = _conditions(session, where)
    cursor = Cursor.decode(after)
    oldest_first = (col(Question.received_at), col(Question.id))
    rows: list[QueueRow] = []
    for urgent in (True, False):
        if cursor is not None and urgent and not cursor.urgent:
            continue  # the cursor is among the others: every urgent letter was shown
        runs = []
        for state in _states(where):
            statement = select(*_ROW_COLUMNS).where(
                *conditions, col(Question.status) == state, col(Question.urgent) == urgent
            )
            if cursor is not None and cursor.urgent == urgent:
                statement = statement.where(tuple_(*oldest_first) > (cursor.received_at, cursor.id))
            found = session.execute(statement.order_by(*oldest_first).limit(size + 1 - len(rows)))
            runs.append([QueueRow(*row) for row in found])
        merged = heapq.merge(*runs, key=lambda row: (row.received_at, row.id))
        rows += islice(merged, size + 1 - len(rows))
        if len(rows) > size:
            break
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = Cursor(last.urgent, last.received_at, last.id).encode()
    return QueuePage(rows[:size], next_cursor, unreviewed_findings(session, rows[:size]))


class _LetterFindings:
    """Findings per letter not yet answered, kept per worker: a letter's text never changes,
    so each is scanned once here, however often the queue shows it. A letter is known by its
    id and the moment it arrived, so a restored or another database never gets another's."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._counts: OrderedDict[tuple[int, datetime], int] = OrderedDict()
        self._lock = threading.Lock()

    def counts(self, session: Session, rows: list[QueueRow]) -> dict[int, int]:
        keys = {r.id: (r.id, r.received_at) for r in rows}
        with self._lock:
            known = {i: self._counts[k] for i, k in keys.items() if k in self._counts}
        missing = [i for i in keys if i not in known]
        if missing:
            found = session.execute(
                select(Question.id, Question.letter, Question.signoff).where(
                    col(Question.id).in_(missing)
                )
            ).all()
            for question_id, letter, signoff in found:
                fields = ArticleFields("", "", letter or "", "", signoff=signoff)
                known[question_id] = guard.count(guard.find_public_details(fields))
            with self._lock:
                self._counts.update((keys[i], known[i]) for i in missing if i in known)
                while len(self._counts) > self.size:
                    self._counts.popitem(last=False)
        return known


LETTER_FINDINGS = _LetterFindings()


def unreviewed_findings(session: Session, rows: list[QueueRow]) -> dict[int, int]:
    """How many possible identifying details each letter still has to be reviewed: its
    column's count once an answer is started, else what the aid finds in the letter."""
    started = dict(
        session.execute(
            select(Question.id, Article.unreviewed_findings)
            .join(Article, col(Article.id) == Question.article_id)
            .where(col(Question.id).in_([r.id for r in rows]))
        ).all()
    )
    fresh = [r for r in rows if r.id not in started and r.letter is not None]
    return {**LETTER_FINDINGS.counts(session, fresh), **started}


@dataclass(frozen=True)
class QueueCounts:
    """How many letters are in each state (and "open", "all"), and the queue's version."""

    by_state: dict[str, int]
    version: int


_COUNTS = select(QuestionCount.status, QuestionCount.n, QuestionCount.changes)


def queue_counts(db: Session | Connection) -> QueueCounts:
    """The counts per state and the number of writes to letters so far, in one read."""
    rows = core(db).execute(_COUNTS)
    counts = {state.value: 0 for state in QuestionStatus}
    version = 0
    for status, n, changes in rows:
        counts[status] = int(n)
        version += int(changes)
    counts["all"] = sum(counts.values())
    counts["open"] = sum(counts[s] for s in OPEN_STATES)
    return QueueCounts(counts, version)


# What every queue page is drawn with, whichever letters it lists: the counts and version, the
# staff's names and the topics (`DeskReads.queue_facts`).
QueueFacts = tuple[QueueCounts, dict[int, str], list[str]]


@dataclass(frozen=True)
class QueueView:
    """Everything a queue page shows but the browser's form token. The version stands for the
    letters and their counts; the rest is read on every request."""

    where: QueueFilter
    after: str | None
    viewer: tuple[str, str, str]  # the signed-in account's email, name and role
    today: date
    version: int
    staff_names: tuple[tuple[int, str], ...]
    topics: tuple[str, ...]


class KeptPages:
    """The queue pages this worker rendered at the latest version, least recently used out
    first, each with a slot for the browser's form token.

    A page from an older version is never served, and all of them are dropped once a newer
    one is kept, so an erased letter's opening words do not linger here either.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._pages: OrderedDict[QueueView, bytes] = OrderedDict()
        self._version: int | None = None
        self._lock = threading.Lock()

    def get(self, view: QueueView) -> bytes | None:
        with self._lock:
            page = self._pages.get(view)
            if page is not None:
                self._pages.move_to_end(view)
            return page

    def put(self, view: QueueView, page: bytes) -> None:
        with self._lock:
            if view.version != self._version:
                self._pages.clear()
                self._version = view.version
            self._pages[view] = page
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


async def queue_page(
    *,
    kept: KeptPages,
    facts: QueueFacts,
    engine: Engine,
    where: QueueFilter,
    after: str | None,
    viewer: tuple[str, str, str],
    keep: bool,
    render: Callable[[dict[str, Any]], bytes],
) -> bytes:
    """The queue page for this filter and viewer: the one kept for it, or one rendered now in a
    worker thread (`render` turns the page's context into bytes) and kept unless `keep` is
    false."""
    counts, names, topics = facts
    view = QueueView(
        where=where,
        after=after,
        viewer=viewer,
        today=utcnow().date(),
        version=counts.version,
        staff_names=tuple(names.items()),
        topics=tuple(topics),
    )

    def draw() -> bytes:
        # Letters read after the version, so a page is never older than the version it is kept at.
        with Session(engine) as session:
            page = list_queue(session=session, where=where, after=after)
        context = {
            "page": page,
            "where": where,
            "counts": counts.by_state,
            "topics": view.topics,
            "today": view.today,
            "staff_names": dict(view.staff_names),
        }
        return render(context)

    page = kept.get(view) if keep else None
    if page is None:
        page = await anyio.to_thread.run_sync(draw)
        if keep:
            kept.put(view, page)
    return page
