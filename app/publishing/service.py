"""What visitors read: published articles, topics, related and popular columns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from app.models import Article, ArticleTopic, ArticleView, SlugRedirect, Topic

POPULAR_DAYS = 30


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


def list_published(
    *, session: Session, page: int = 1, size: int = 10, topic_id: int | None = None
) -> Page:
    """Published articles, newest first, one page at a time."""
    page = max(1, page)
    statement = select(Article).where(_published())
    count = select(func.count()).select_from(Article).where(_published())
    if topic_id is not None:
        in_topic = select(ArticleTopic.article_id).where(ArticleTopic.topic_id == topic_id)
        statement = statement.where(col(Article.id).in_(in_topic))
        count = count.where(col(Article.id).in_(in_topic))
    statement = (
        statement.order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    items = list(session.exec(statement).all())
    return Page(items=items, number=page, total=session.exec(count).one(), size=size)


def get_published_article(*, session: Session, slug: str) -> Article | None:
    """The published article with this slug, or None (drafts are not public)."""
    return session.exec(select(Article).where(Article.slug == slug, _published())).first()


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
    published_count = (
        select(ArticleTopic.topic_id, func.count().label("n"))
        .join(Article, col(Article.id) == ArticleTopic.article_id)
        .where(_published())
        .group_by(col(ArticleTopic.topic_id))
        .subquery()
    )
    rows = session.exec(
        select(Topic, func.coalesce(published_count.c.n, 0))
        .outerjoin(published_count, published_count.c.topic_id == Topic.id)
        .order_by(col(Topic.name))
    ).all()
    return [TopicSummary(t, n) for t, n in rows if include_empty or n > 0]


def get_topic(*, session: Session, slug: str) -> Topic | None:
    """The topic with this slug."""
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


def related_articles(*, session: Session, article: Article, limit: int = 3) -> list[Article]:
    """Other published articles sharing the most topics with this one."""
    mine = select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article.id)
    shared = func.count(col(ArticleTopic.topic_id)).label("shared")
    statement = (
        select(Article)
        .join(ArticleTopic, col(ArticleTopic.article_id) == Article.id)
        .where(_published(), Article.id != article.id, col(ArticleTopic.topic_id).in_(mine))
        .group_by(col(Article.id))
        .order_by(shared.desc(), col(Article.published_at).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def popular_articles(*, session: Session, today: date, limit: int = 5) -> list[Article]:
    """The most-read published articles of the last 30 days."""
    views = func.sum(ArticleView.views).label("views")
    statement = (
        select(Article)
        .join(ArticleView, col(ArticleView.article_id) == Article.id)
        .where(_published(), ArticleView.day > today - timedelta(days=POPULAR_DAYS))
        .group_by(col(Article.id))
        .order_by(views.desc(), col(Article.published_at).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())


def articles_by_ids(*, session: Session, ids: list[int]) -> list[Article]:
    """Published articles in the order of the ids given."""
    if not ids:
        return []
    found = {
        a.id: a for a in session.exec(select(Article).where(col(Article.id).in_(ids), _published()))
    }
    return [found[i] for i in ids if i in found]


def sitemap_entries(*, session: Session) -> list[Article]:
    """Every published article, newest first (slug and dates only are used)."""
    return list(
        session.exec(
            select(Article).where(_published()).order_by(col(Article.published_at).desc())
        ).all()
    )
