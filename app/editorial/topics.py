"""Managing topics: rename, describe, merge (articles follow, old addresses redirect)."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.editorial import audit
from app.editorial.articles import after_public_change
from app.markdown import slugify
from app.models import Article, ArticleTopic, SlugRedirect, Staff, Topic
from app.publishing.cache import bump_content_version


class TopicError(ValueError):
    """A topic change that cannot be made; the message says why."""


def update_topic(*, session: Session, topic: Topic, name: str, description: str, by: Staff) -> None:
    """Rename and describe a topic; a new name gets a new slug and the old one redirects."""
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise TopicError("A topic needs a name of at most 80 characters.")
    new_slug = slugify(name)
    clash = session.exec(select(Topic).where(Topic.slug == new_slug, Topic.id != topic.id)).first()
    if clash is not None:
        raise TopicError(f"“{clash.name}” already uses that name; merge the two instead.")
    if new_slug != topic.slug:
        _redirect(session, old=topic.slug, new=new_slug)
    topic.name, topic.slug, topic.description = name, new_slug, description.strip()
    session.add(topic)
    session.flush()
    _refresh_articles(session, topic.id)
    audit.record(
        session=session,
        action="topic.update",
        staff_id=by.id,
        target=f"topic:{topic.id}",
        detail=name,
    )


def merge_topics(*, session: Session, source: Topic, into: Topic, by: Staff) -> None:
    """Move every article of `source` to `into`, delete `source`, redirect its address."""
    if source.id == into.id:
        raise TopicError("Choose two different topics to merge.")
    tagged = session.exec(
        select(ArticleTopic.article_id).where(ArticleTopic.topic_id == source.id)
    ).all()
    already = set(
        session.exec(select(ArticleTopic.article_id).where(ArticleTopic.topic_id == into.id)).all()
    )
    for article_id in tagged:
        if article_id not in already:
            session.add(ArticleTopic(article_id=article_id, topic_id=into.id or 0))
    session.execute(delete(ArticleTopic).where(col(ArticleTopic.topic_id) == source.id))
    _redirect(session, old=source.slug, new=into.slug)
    session.delete(source)
    session.flush()
    _refresh_articles(session, into.id)
    audit.record(
        session=session,
        action="topic.merge",
        staff_id=by.id,
        target=f"topic:{into.id}",
        detail=f"{source.name} → {into.name}",
    )


def _redirect(session: Session, *, old: str, new: str) -> None:
    session.execute(
        update(SlugRedirect)
        .where(col(SlugRedirect.kind) == "topic", col(SlugRedirect.new_slug) == old)
        .values(new_slug=new)
    )
    session.execute(
        delete(SlugRedirect).where(
            col(SlugRedirect.kind) == "topic", col(SlugRedirect.old_slug).in_([old, new])
        )
    )
    session.add(SlugRedirect(kind="topic", old_slug=old, new_slug=new))


def _refresh_articles(session: Session, topic_id: int | None) -> None:
    articles = session.exec(
        select(Article)
        .join(ArticleTopic, col(ArticleTopic.article_id) == Article.id)
        .where(ArticleTopic.topic_id == topic_id, Article.status == "published")
    ).all()
    for article in articles:
        after_public_change(session=session, article=article)
    bump_content_version(session)
