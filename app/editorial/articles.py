"""Writing articles: render once on save, tag, index, and mark public pages stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.markdown import reading_minutes, render_markdown, slugify
from app.models import Article, ArticleRevision, ArticleTopic, SlugRedirect, Topic, utcnow
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
    if article.id is not None:
        article.version += 1
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


# The fields a revision keeps, by the names ArticleFields and ArticleRevision share.
REVISION_FIELDS = (
    "title",
    "slug",
    "summary",
    "letter_md",
    "signoff",
    "answer_md",
    "byline",
    "hero_path",
    "hero_alt",
    "hero_width",
    "hero_height",
    "callout_title",
    "callout_text",
    "callout_url",
)


# The fields a reader's eye can reach, in this order: everything a revision keeps but the
# image's size (the review's fingerprint and revision comparisons use it).
PUBLIC_FIELDS = tuple(f for f in REVISION_FIELDS if f not in ("hero_width", "hero_height"))


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
        **{name: getattr(fields, name) for name in REVISION_FIELDS},
    )
    session.add(revision)
    return revision


def revision_fields(revision: ArticleRevision) -> ArticleFields:
    """A revision's content, ready to be saved again as the current version."""
    return ArticleFields(
        topics=[t.strip() for t in revision.topics.split(",") if t.strip()],
        **{name: getattr(revision, name) for name in REVISION_FIELDS},
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
        title=article.title,
        slug=article.slug,
        letter_md=article.letter_md,
        answer_md=article.answer_md,
        summary=article.summary,
        signoff=article.signoff,
        byline=article.byline,
        topics=article_topic_names(session=session, article_id=article.id or 0),
        hero_path=article.hero_path,
        hero_alt=article.hero_alt,
        hero_width=article.hero_width,
        hero_height=article.hero_height,
        callout_title=article.callout_title,
        callout_text=article.callout_text,
        callout_url=article.callout_url,
    )
