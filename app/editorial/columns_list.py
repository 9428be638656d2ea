"""The list of every column for editors: filters, search, sorting and keyset paging.

Pages are read by keyset (the last row's sort value and id), so the hundredth page costs what
the first does; only the columns shown are read in full, and their topics and views are read
for the whole page at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.db import core
from app.models import MAX_ID, Article, ArticleStatus, ArticleTopic, ArticleView, Topic

PAGE_SIZE = 50
STATES = [s.value for s in ArticleStatus]
# Each sort: its name in the form, and whether it runs from the largest value down.
SORTS: dict[str, tuple[str, bool]] = {
    "newest": ("Newest first", True),
    "oldest": ("Oldest first", False),
    "updated": ("Recently updated", True),
    "title": ("Title, A to Z", False),
    "views": ("Most viewed", True),
}
# Ids are 32-bit integers in the database; a larger number names no row (and PostgreSQL
# refuses it).
# What a row of the list shows: never the letter or the answer, which are most of a row's size.
LISTED = (
    col(Article.id), col(Article.title), col(Article.slug), col(Article.status),
    col(Article.byline), col(Article.author_id), col(Article.created_at),
    col(Article.updated_at), col(Article.published_at), col(Article.publish_at),
    col(Article.draft_revision_id), col(Article.unreviewed_findings),
)  # fmt: skip


@dataclass(frozen=True)
class ColumnFilter:
    """Which columns to list, and in which order."""

    state: str | None = None
    topic_id: int | None = None
    author_id: int | None = None
    q: str = ""
    sort: str = "newest"


@dataclass
class ColumnRow:
    """One column as the list shows it."""

    id: int
    title: str
    slug: str
    status: str
    byline: str
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    publish_at: datetime | None
    has_draft: bool
    findings: int
    views: int = 0
    topics: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnPage:
    """A page of the list, and the cursor of the next one (None on the last page)."""

    rows: list[ColumnRow]
    next_cursor: str | None


def _views_total() -> Any:
    return (
        select(ArticleView.article_id, func.sum(ArticleView.views).label("total"))
        .group_by(col(ArticleView.article_id))
        .subquery("views_total")
    )


def _sort_key(sort: str, views: Any) -> Any:
    if sort == "updated":
        return col(Article.updated_at)
    if sort == "title":
        return col(Article.title)
    if sort == "views":
        return func.coalesce(views.c.total, 0)
    # A column's date: when it went out, when it is due to, or when it was started.
    return func.coalesce(Article.published_at, Article.publish_at, Article.created_at)


def list_columns(*, session: Session, where: ColumnFilter, after: str | None) -> ColumnPage:
    """One page of the columns that match, in the order asked for."""
    views = _views_total()
    key = _sort_key(where.sort, views)
    descending = SORTS[where.sort][1]
    # First the page's ids in order, reading as little of each row as the sort allows; then
    # those rows alone. A row's later fields sit behind its letter and answer on disk.
    statement = sa_select(col(Article.id), key)
    if where.sort == "views":
        statement = statement.outerjoin(views, views.c.article_id == Article.id)
    statement = statement.where(*_conditions(where))
    if (cursor := _parse_cursor(after, where.sort)) is not None:
        value, last_id = cursor
        beyond = (
            (key < value, col(Article.id) < last_id)
            if descending
            else (key > value, col(Article.id) > last_id)
        )
        statement = statement.where(or_(beyond[0], and_(key == value, beyond[1])))
    order = (key.desc(), col(Article.id).desc()) if descending else (key, col(Article.id))
    found = core(session).execute(statement.order_by(*order).limit(PAGE_SIZE + 1)).all()
    shown = [int(article_id or 0) for article_id, _ in found[:PAGE_SIZE]]
    rows = _rows_by_id(session=session, ids=shown)
    _add_topics_and_views(session=session, rows=rows)
    more = len(found) > PAGE_SIZE
    return ColumnPage(rows, _cursor(found[PAGE_SIZE - 1]) if more else None)


def _rows_by_id(*, session: Session, ids: list[int]) -> list[ColumnRow]:
    if not ids:
        return []
    found = core(session).execute(sa_select(*LISTED).where(col(Article.id).in_(ids))).all()
    by_id = {int(values[0] or 0): _row(values) for values in found}
    return [by_id[i] for i in ids if i in by_id]


def _conditions(where: ColumnFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.state:
        # As a set of ids read from the state's index, so that walking the sort's index does
        # not read each row's state from the far end of the row.
        in_state = sa_select(col(Article.id)).where(col(Article.status) == where.state)
        conditions.append(col(Article.id).in_(in_state))
    if where.author_id is not None:
        conditions.append(col(Article.author_id) == where.author_id)
    if where.topic_id is not None:
        tagged = and_(
            col(ArticleTopic.article_id) == Article.id, col(ArticleTopic.topic_id) == where.topic_id
        )
        conditions.append(exists().where(tagged))
    if where.q:
        conditions.append(
            or_(
                col(Article.title).icontains(where.q, autoescape=True),
                col(Article.summary).icontains(where.q, autoescape=True),
            )
        )
    return conditions


def _row(values: Any) -> ColumnRow:
    (id_, title, slug, status, byline, author_id, created, updated, published, due, draft) = values[
        :11
    ]
    return ColumnRow(
        id_, title, slug, status, byline, author_id, created, updated, published, due,
        has_draft=draft is not None, findings=values[11],
    )  # fmt: skip


def _add_topics_and_views(*, session: Session, rows: list[ColumnRow]) -> None:
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    tagged = session.exec(
        select(ArticleTopic.article_id, Topic.name)
        .join(Topic, col(Topic.id) == ArticleTopic.topic_id)
        .where(col(ArticleTopic.article_id).in_(by_id))
        .order_by(col(Topic.name))
    )
    for article_id, name in tagged:
        by_id[article_id].topics.append(name)
    totals = session.exec(
        select(ArticleView.article_id, func.sum(ArticleView.views))
        .where(col(ArticleView.article_id).in_(by_id))
        .group_by(col(ArticleView.article_id))
    )
    for article_id, total in totals:
        by_id[article_id].views = int(total or 0)


def _cursor(values: Any) -> str:
    key = values[1]
    text = key.isoformat() if isinstance(key, datetime) else str(key)
    return f"{text}~{values[0]}"


def _parse_cursor(text: str | None, sort: str) -> tuple[Any, int] | None:
    """The last row's sort value and id from a paging link; None for anything malformed."""
    value, tilde, last = (text or "").rpartition("~")
    if not tilde or not last.isascii() or not last.isdigit() or int(last) > MAX_ID:
        return None
    if sort == "title":
        return (value, int(last)) if value.isprintable() and len(value) <= 200 else None
    if sort == "views":
        ok = value.isascii() and value.isdigit() and int(value) < 2**63  # a sum: 64 bits
        return (int(value), int(last)) if ok else None
    try:
        moment = datetime.fromisoformat(value)
        # Compared in UTC: a time without a zone, or one that leaves the calendar there, is
        # not a cursor this page made.
        if moment.tzinfo is None:
            return None
        return moment.astimezone(UTC), int(last)
    except (ValueError, OverflowError):
        return None


def state_counts(*, session: Session) -> dict[str, int]:
    """How many columns are in each state."""
    rows = session.exec(select(Article.status, func.count()).group_by(col(Article.status)))
    return {status: count for status, count in rows}


def topic_choices(*, session: Session) -> list[tuple[int, str, str]]:
    """Every topic as (id, slug, name), by name, for the list's filter."""
    rows = session.exec(select(Topic.id, Topic.slug, Topic.name).order_by(col(Topic.name)))
    return [(int(i or 0), slug, name) for i, slug, name in rows]


def read_filter(
    *, state: str, topic: str, author: str, q: str, sort: str, topics: list[tuple[int, str, str]]
) -> ColumnFilter:
    """The filter a list address asks for; a value the list does not offer is left out."""
    topic_ids = {slug: i for i, slug, _ in topics}
    author_id = int(author) if author.isascii() and author.isdigit() else None
    # Control characters (NUL above all) are never in a title; PostgreSQL refuses NUL outright.
    words = "".join(ch for ch in q if ch.isprintable()).strip()
    return ColumnFilter(
        state=state if state in STATES else None,
        topic_id=topic_ids.get(topic),
        author_id=author_id if author_id is not None and 0 < author_id <= MAX_ID else None,
        q=words,
        sort=sort if sort in SORTS else "newest",
    )
