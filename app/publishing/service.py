"""What visitors read: published articles, topics, related and popular columns.

Lists find ids first, through the (status, published_at) index and the small link tables, and
load whole articles only for the few a page shows. An article row carries its Markdown and HTML
in overflow pages, so a query that touches every row costs more with every column published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, tuple_
from sqlmodel import Session, col, select

from app.models import (
    Article,
    ArticleStatus,
    ArticleTopic,
    ArticleView,
    CalloutMode,
    Resource,
    SlugRedirect,
    Topic,
)

POPULAR_DAYS = 30
NOT_PUBLISHED = [s.value for s in ArticleStatus if s is not ArticleStatus.published]


@dataclass(frozen=True)
class Page:
    """One page of a paginated list."""

    items: list[Article]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _published() -> ColumnElement[bool]:
    return col(Article.status) == "published"


def _unpublished_ids() -> Select[Any]:
    # The few articles that are not public, straight from the status index.
    return select(Article.id).where(col(Article.status).in_(NOT_PUBLISHED))


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """What a card or a list entry shows of an article: a few short columns, no body."""

    id: int
    slug: str
    title: str
    summary: str
    published_at: datetime | None
    reading_minutes: int
    hero_path: str | None
    hero_alt: str
    hero_width: int | None
    hero_height: int | None


_CARD_COLUMNS = [getattr(Article, f) for f in ArticleCard.__dataclass_fields__]


def _in_order(session: Session, ids: Sequence[int]) -> list[Article]:
    """Whole articles for these ids, in the order given."""
    if not ids:
        return []
    found = {a.id: a for a in session.exec(select(Article).where(col(Article.id).in_(ids)))}
    return [found[i] for i in ids if i in found]


def cards(session: Session, ids: Sequence[int], *, published: bool = False) -> list[ArticleCard]:
    """Cards for these ids, in the order given (only published articles' with `published`)."""
    if not ids:
        return []
    statement = select(*_CARD_COLUMNS).where(col(Article.id).in_(ids))
    if published:
        statement = statement.where(_published())
    found = {row[0]: ArticleCard(*row) for row in session.execute(statement)}
    return [found[i] for i in ids if i in found]


def list_published(
    *, session: Session, page: int = 1, size: int = 10, topic_id: int | None = None
) -> Page:
    """Published articles, newest first, one page at a time."""
    page = max(1, page)
    newest = select(Article.id).where(_published())
    if topic_id is None:
        total = session.exec(select(func.count()).select_from(Article).where(_published())).one()
    else:
        in_topic = select(ArticleTopic.article_id).where(ArticleTopic.topic_id == topic_id)
        # `id + 0`: walk the date index newest first and test membership, rather than look up
        # every article of the topic by id.
        newest = newest.where((col(Article.id) + 0).in_(in_topic))
        total = _count_in_topic(session, topic_id)
    ids = session.exec(
        newest.order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    items = _in_order(session, [i for i in ids if i is not None])
    return Page(items=items, number=page, total=total, size=size)


def _count_in_topic(session: Session, topic_id: int) -> int:
    tagged = select(func.count()).select_from(ArticleTopic).where(ArticleTopic.topic_id == topic_id)
    hidden = tagged.where(col(ArticleTopic.article_id).in_(_unpublished_ids()))
    return int(session.exec(tagged).one()) - int(session.exec(hidden).one())


def get_published_article(*, session: Session, slug: str) -> Article | None:
    """The published article with this slug, or None (drafts are not public)."""
    return session.exec(select(Article).where(Article.slug == slug, _published())).first()


def resolve_callout(
    *, session: Session, mode: str, resource_id: int | None, first_topic: Topic | None
) -> Resource | None:
    """The callout a column shows: the resource it names, none, or its first topic's default
    (at most one read, by primary key)."""
    if mode == CalloutMode.resource:
        wanted = resource_id
    elif mode == CalloutMode.topic and first_topic is not None:
        wanted = first_topic.default_resource_id
    else:
        return None
    return session.get(Resource, wanted) if wanted is not None else None


def article_callout(*, session: Session, article: Article, topics: list[Topic]) -> Resource | None:
    """The callout of a published article whose topics (by name) are already loaded."""
    return resolve_callout(
        session=session,
        mode=article.callout_mode,
        resource_id=article.callout_resource_id,
        first_topic=topics[0] if topics else None,
    )


def find_redirect(*, session: Session, kind: str, slug: str) -> str | None:
    """The slug that replaced an old one, if any."""
    row = session.exec(
        select(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == slug)
    ).first()
    return row.new_slug if row else None


def topics_for(*, session: Session, article_ids: list[int]) -> dict[int, list[Topic]]:
    """Each article's topics, alphabetically, in one query."""
    result: dict[int, list[Topic]] = defaultdict(list)
    if not article_ids:
        return result
    rows = session.exec(
        select(ArticleTopic.article_id, Topic)
        .join(Topic, col(Topic.id) == ArticleTopic.topic_id)
        .where(col(ArticleTopic.article_id).in_(article_ids))
        .order_by(col(Topic.name))
    ).all()
    for article_id, topic in rows:
        result[article_id].append(topic)
    return result


@dataclass(frozen=True)
class TopicSummary:
    topic: Topic
    articles: int


def list_topics(*, session: Session, include_empty: bool = False) -> list[TopicSummary]:
    """Topics with the number of published articles in each, by name."""
    counts = dict(
        session.exec(
            select(ArticleTopic.topic_id, func.count())
            .where(col(ArticleTopic.article_id).not_in(_unpublished_ids()))
            .group_by(col(ArticleTopic.topic_id))
        ).all()
    )
    topics = session.exec(select(Topic).order_by(col(Topic.name))).all()
    summaries = [TopicSummary(t, int(counts.get(t.id or 0, 0))) for t in topics]
    return [s for s in summaries if include_empty or s.articles > 0]


def get_topic(*, session: Session, slug: str) -> Topic | None:
    """The topic with this slug."""
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


def related_articles(*, session: Session, article: Article, limit: int = 3) -> list[ArticleCard]:
    """Other published articles sharing the most topics with this one (newest first among
    equals).

    Walks the archive newest first in growing batches and stops once `limit` articles share
    every topic: nothing older can beat them, so only a little of a large archive is read.
    """
    mine = set(
        session.exec(
            select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article.id)
        ).all()
    )
    if not mine:
        return []
    found: list[tuple[int, int]] = []  # (shared topics, id), newest first
    after: tuple[datetime | None, int] | None = None
    batch = 64
    while sum(1 for shared, _ in found if shared == len(mine)) < limit:
        rows = _newest_published(session, after=after, exclude=article.id, limit=batch)
        if not rows:
            break
        shared = _shared_topics(session, [i for i, _ in rows], mine)
        found += [(shared[i], i) for i, _ in rows if shared.get(i)]
        after = (rows[-1][1], rows[-1][0])
        batch = min(batch * 4, 4096)
    found.sort(key=lambda pair: -pair[0])  # stable: newest first within equal counts
    return cards(session, [i for _, i in found[:limit]])


def _newest_published(
    session: Session, *, after: tuple[datetime | None, int] | None, exclude: int | None, limit: int
) -> list[tuple[int, datetime | None]]:
    statement = select(Article.id, Article.published_at).where(_published(), Article.id != exclude)
    if after is not None:
        statement = statement.where(tuple_(Article.published_at, Article.id) < after)
    statement = statement.order_by(col(Article.published_at).desc(), col(Article.id).desc())
    return [(int(i), at) for i, at in session.exec(statement.limit(limit)).all() if i is not None]


def _shared_topics(session: Session, ids: list[int], topics: set[int]) -> dict[int, int]:
    rows = session.exec(
        select(ArticleTopic.article_id, func.count())
        .where(col(ArticleTopic.article_id).in_(ids), col(ArticleTopic.topic_id).in_(topics))
        .group_by(col(ArticleTopic.article_id))
    ).all()
    return {int(i): int(n) for i, n in rows}


def popular_articles(*, session: Session, today: date, limit: int = 5) -> list[ArticleCard]:
    """The most-read published articles of the last 30 days (newest first among equals)."""
    views = func.sum(ArticleView.views).label("views")
    totals = (
        select(ArticleView.article_id, views)
        .where(
            ArticleView.day > today - timedelta(days=POPULAR_DAYS),
            col(ArticleView.article_id).not_in(_unpublished_ids()),
        )
        .group_by(col(ArticleView.article_id))
    )
    rows = session.exec(totals.order_by(views.desc()).limit(limit * 4)).all()
    if len(rows) > limit:
        cut = rows[limit - 1][1]
        if rows[-1][1] == cut:  # ties at the cut may go on past what was fetched
            rows = session.exec(totals.having(views >= cut)).all()
        rows = [r for r in rows if r[1] >= cut]
    dates = dict(
        session.exec(
            select(Article.id, Article.published_at).where(
                col(Article.id).in_([r[0] for r in rows])
            )
        ).all()
    )
    never = datetime.min.replace(tzinfo=UTC)

    def rank(row: Any) -> tuple[int, datetime]:
        return int(row[1]), dates.get(row[0]) or never

    ranked = sorted(rows, key=rank, reverse=True)
    return cards(session, [int(r[0]) for r in ranked[:limit]])


def articles_by_ids(*, session: Session, ids: list[int]) -> list[ArticleCard]:
    """Published articles in the order of the ids given, as cards."""
    return cards(session, ids, published=True)


@dataclass(frozen=True)
class SitemapEntry:
    slug: str
    updated_at: datetime


def sitemap_entries(*, session: Session) -> list[SitemapEntry]:
    """Every published article's slug and last change, newest first (no article bodies)."""
    rows = session.exec(
        select(Article.slug, Article.updated_at)
        .where(_published())
        .order_by(col(Article.published_at).desc())
    ).all()
    return [SitemapEntry(slug, updated) for slug, updated in rows]
