"""Writing articles: render once on save, tag, index, and mark public pages stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from app.markdown import reading_minutes, render_markdown, slugify
from app.models import Article, ArticleTopic, Topic, utcnow
from app.publishing.cache import bump_content_version
from app.publishing.search import index_article


@dataclass
class ArticleFields:
    """Everything an editor (or a content file) says about an article."""

    title: str
    slug: str
    letter_md: str
    answer_md: str
    summary: str = ""
    signoff: str = ""
    byline: str = ""
    topics: list[str] = field(default_factory=list)
    hero_path: str | None = None
    hero_alt: str = ""
    hero_width: int | None = None
    hero_height: int | None = None
    callout_title: str | None = None
    callout_text: str | None = None
    callout_url: str | None = None


def apply_fields(*, session: Session, article: Article, fields: ArticleFields) -> None:
    """Copy the fields onto the article, rendering Markdown and reading time once, here."""
    article.title = fields.title.strip()
    article.slug = fields.slug.strip() or slugify(fields.title)
    article.summary = fields.summary.strip()
    article.signoff = fields.signoff.strip()
    article.byline = fields.byline.strip()
    article.letter_md = fields.letter_md.strip()
    article.answer_md = fields.answer_md.strip()
    article.letter_html = render_markdown(article.letter_md)
    article.answer_html = render_markdown(article.answer_md)
    article.reading_minutes = reading_minutes(article.letter_md, article.answer_md)
    article.hero_path = fields.hero_path
    article.hero_alt = fields.hero_alt.strip()
    article.hero_width, article.hero_height = fields.hero_width, fields.hero_height
    article.callout_title = fields.callout_title
    article.callout_text = fields.callout_text
    article.callout_url = fields.callout_url
    article.updated_at = utcnow()
    session.add(article)
    session.flush()
    set_topics(session=session, article=article, names=fields.topics)


def set_topics(*, session: Session, article: Article, names: list[str]) -> list[Topic]:
    """Tag the article with these topics, creating topics that do not exist yet."""
    assert article.id is not None
    topics = [
        ensure_topic(session=session, name=name) for name in dict.fromkeys(names) if name.strip()
    ]
    session.execute(delete(ArticleTopic).where(ArticleTopic.article_id == article.id))  # type: ignore[arg-type]
    for topic in topics:
        assert topic.id is not None
        session.add(ArticleTopic(article_id=article.id, topic_id=topic.id))
    session.flush()
    return topics


def ensure_topic(*, session: Session, name: str, description: str | None = None) -> Topic:
    """The topic with this name (case-insensitive) or slug, created if it is new."""
    name = " ".join(name.split())
    slug = slugify(name)
    topic = session.exec(select(Topic).where(Topic.slug == slug)).first()
    if topic is None:
        topic = Topic(name=name, slug=slug, description=description or "")
        session.add(topic)
        session.flush()
    elif description is not None and topic.description != description:
        topic.description = description
        session.add(topic)
    return topic


def article_topic_names(*, session: Session, article_id: int) -> list[str]:
    """The names of an article's topics, alphabetically."""
    statement = (
        select(Topic.name)
        .join(ArticleTopic, ArticleTopic.topic_id == Topic.id)  # type: ignore[arg-type]
        .where(ArticleTopic.article_id == article_id)
        .order_by(Topic.name)
    )
    return list(session.exec(statement).all())


def after_public_change(*, session: Session, article: Article) -> None:
    """Re-index the article and mark public pages stale, in the caller's transaction."""
    index_article(session, article)
    bump_content_version(session)


def publish_imported(*, session: Session, article: Article, published_at: datetime) -> None:
    """Publish an article that came from a content file, dated as the file says."""
    article.status = "published"
    article.published_at = published_at
    article.publish_at = None
    session.add(article)
    session.flush()
    after_public_change(session=session, article=article)
