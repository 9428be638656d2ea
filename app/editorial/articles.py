"""Writing articles: render once on save, tag, index, and mark public pages stale."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.column_fields import PUBLIC_FIELDS, REVISION_FIELDS, STORED_FIELDS, ArticleFields
from app.markdown import reading_minutes, render_markdown, slugify
from app.models import (
    Article,
    ArticleRevision,
    ArticleTopic,
    CalloutMode,
    Resource,
    SlugRedirect,
    Topic,
    utcnow,
)

# Described in column_fields; named here too, where the rest of the editorial code looks.
__all__ = ["PUBLIC_FIELDS", "REVISION_FIELDS", "ArticleFields"]
from app.search import index_article


def apply_fields(*, session: Session, article: Article, fields: ArticleFields) -> None:
    """Copy the fields onto the article, rendering Markdown and reading time once, here."""
    for name in STORED_FIELDS:
        value = getattr(fields, name)
        setattr(article, name, value.strip() if isinstance(value, str) else value)
    article.slug = article.slug or slugify(fields.title)
    article.letter_html = render_markdown(article.letter_md)
    article.answer_html = render_markdown(article.answer_md)
    article.reading_minutes = reading_minutes(article.letter_md, article.answer_md)
    _settle_callout(session, article)
    article.updated_at = utcnow()
    if article.id is not None:
        article.version += 1
    session.add(article)
    session.flush()
    set_topics(session=session, article=article, names=fields.topics)


def _settle_callout(session: Session, article: Article) -> None:
    """A named resource that no longer exists (a restored revision's) falls back to the topic's
    default; only a named resource is kept by id."""
    named = article.callout_resource_id
    if article.callout_mode != CalloutMode.resource or named is None:
        article.callout_resource_id = None
        if article.callout_mode not in (CalloutMode.none, CalloutMode.topic):
            article.callout_mode = CalloutMode.topic
    elif session.get(Resource, named) is None:
        article.callout_mode, article.callout_resource_id = CalloutMode.topic, None


def set_topics(*, session: Session, article: Article, names: list[str]) -> list[Topic]:
    """Tag the article with these topics, creating topics that do not exist yet."""
    assert article.id is not None
    topics = [
        ensure_topic(session=session, name=name) for name in dict.fromkeys(names) if name.strip()
    ]
    # Row by row, so the session layer can tell whether a public page changed.
    links = session.exec(select(ArticleTopic).where(ArticleTopic.article_id == article.id))
    current = {link.topic_id: link for link in links}
    wanted = {topic.id for topic in topics}
    for topic_id, link in current.items():
        if topic_id not in wanted:
            session.delete(link)
    for topic in topics:
        assert topic.id is not None
        if topic.id not in current:
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
    """Re-index the article, in the caller's transaction (the session layer marks public pages
    stale: see app.db.content_version)."""
    index_article(session, article)


def new_answer(*, question_id: int | None, fields: ArticleFields) -> Article:
    """A letter's first column, named after the letter until it has a title or a slug."""
    if not fields.slug and not fields.title:
        fields.slug = f"letter-{question_id}"
    return Article(title=fields.title, slug=fields.slug or f"letter-{question_id}")


def unique_slug(*, session: Session, wanted: str, article_id: int | None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... whichever no other article (old or new) uses."""
    current = session.get(Article, article_id) if article_id else None
    candidate, number = wanted, 1
    while _slug_taken(session, candidate, article_id, current.slug if current else None):
        number += 1
        candidate = f"{wanted[:110]}-{number}"
    return candidate


def _slug_taken(session: Session, slug: str, article_id: int | None, current: str | None) -> bool:
    owner = session.exec(select(Article.id).where(Article.slug == slug)).first()
    if owner is not None and owner != article_id:
        return True
    points_to = session.exec(
        select(SlugRedirect.new_slug).where(
            SlugRedirect.kind == "article", SlugRedirect.old_slug == slug
        )
    ).first()
    return points_to is not None and points_to != current


def leave_redirect(*, session: Session, old_slug: str, new_slug: str) -> None:
    """Make the old slug answer with a 301 to the new one (and keep older chains short)."""
    session.execute(
        update(SlugRedirect)
        .where(col(SlugRedirect.kind) == "article", col(SlugRedirect.new_slug) == old_slug)
        .values(new_slug=new_slug)
    )
    session.execute(
        delete(SlugRedirect).where(
            col(SlugRedirect.kind) == "article", col(SlugRedirect.old_slug) == new_slug
        )
    )
    existing = session.exec(
        select(SlugRedirect).where(
            SlugRedirect.kind == "article", SlugRedirect.old_slug == old_slug
        )
    ).first()
    if existing is None:
        session.add(SlugRedirect(kind="article", old_slug=old_slug, new_slug=new_slug))


def snapshot(
    *,
    session: Session,
    article: Article,
    staff_id: int | None,
    fields: ArticleFields | None = None,
    kind: str = "saved",
) -> ArticleRevision:
    """Keep what the article says now (or a draft of what it will say) as a revision."""
    assert article.id is not None
    fields = fields or fields_of(session=session, article=article)
    revision = ArticleRevision(
        article_id=article.id,
        version=article.version,
        staff_id=staff_id,
        kind=kind,
        topics=", ".join(fields.topics),
        **{name: getattr(fields, name) for name in STORED_FIELDS},
    )
    session.add(revision)
    return revision


def revision_fields(revision: ArticleRevision) -> ArticleFields:
    """A revision's content, ready to be saved again as the current version."""
    return ArticleFields(
        topics=[t.strip() for t in revision.topics.split(",") if t.strip()],
        **{name: getattr(revision, name) for name in STORED_FIELDS},
    )


def draft_fields(*, session: Session, article: Article) -> ArticleFields | None:
    """The pending change of a live column, if one was saved."""
    if article.draft_revision_id is None:
        return None
    revision = session.get(ArticleRevision, article.draft_revision_id)
    return revision_fields(revision) if revision is not None else None


def fields_of(*, session: Session, article: Article) -> ArticleFields:
    """The article's current fields, for filling in a form."""
    return ArticleFields(
        topics=article_topic_names(session=session, article_id=article.id or 0),
        **{name: getattr(article, name) for name in STORED_FIELDS},
    )
