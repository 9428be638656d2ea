"""Managing topics: create, rename, describe, merge and delete (articles follow, old addresses
redirect), and the names the column editor may pick from."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import case, delete, func, or_, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from app.db import core
from app.editorial import audit
from app.editorial.articles import after_public_change
from app.markdown import clean_text, slugify
from app.models import Article, ArticleRevision, ArticleTopic, SlugRedirect, Staff, Topic

NAME_LIMIT = 80
DESCRIPTION_LIMIT = 2_000


class TopicError(ValueError):
    """A topic change that cannot be made; the message says why."""


@dataclass(frozen=True)
class TopicRow:
    """A topic with how many columns carry it: published ones, and all of them."""

    topic: Topic
    published: int
    total: int


def topic_name(name: str) -> str:
    """A name as a topic keeps it (spaces collapsed, control characters gone), or TopicError."""
    name = " ".join(clean_text(name).split())
    if not name or len(name) > NAME_LIMIT:
        raise TopicError(f"A topic needs a name of at most {NAME_LIMIT} characters.")
    if "," in name:
        raise TopicError("A topic’s name cannot contain a comma: topics are listed with commas.")
    # The address is made from the name's Latin letters and digits: it needs at least one.
    if not any(c.isascii() and c.isalnum() for c in unicodedata.normalize("NFKD", name)):
        raise TopicError("A topic’s name needs at least one letter or digit from A to Z or 0 to 9.")
    return name


def _description(text: str) -> str:
    text = clean_text(text).strip()
    if len(text) > DESCRIPTION_LIMIT:
        raise TopicError(f"Keep the description under {DESCRIPTION_LIMIT:,} characters.")
    return text


def create_topic(*, session: Session, name: str, description: str, by: Staff) -> Topic:
    """Add a topic deliberately; a name whose address is taken is refused."""
    name, description = topic_name(name), _description(description)
    slug = slugify(name)
    clash = session.exec(select(Topic).where(Topic.slug == slug)).first()
    if clash is not None:
        raise TopicError(f"“{clash.name}” already exists.")
    # An address that redirects (a renamed or merged topic) is taken over by the new topic.
    session.execute(
        delete(SlugRedirect).where(
            col(SlugRedirect.kind) == "topic", col(SlugRedirect.old_slug) == slug
        )
    )
    topic = Topic(name=name, slug=slug, description=description)
    session.add(topic)
    session.flush()
    audit.record(
        session=session,
        action="topic.create",
        staff_id=by.id,
        target=f"topic:{topic.id}",
        detail=name,
    )
    return topic


def update_topic(*, session: Session, topic: Topic, name: str, description: str, by: Staff) -> None:
    """Rename and describe a topic; a new name gets a new slug and the old one redirects."""
    name, description = topic_name(name), _description(description)
    new_slug = slugify(name)
    clash = session.exec(select(Topic).where(Topic.slug == new_slug, Topic.id != topic.id)).first()
    if clash is not None:
        raise TopicError(f"“{clash.name}” already uses that name; merge the two instead.")
    if new_slug != topic.slug:
        _redirect(session, old=topic.slug, new=new_slug)
    topic.name, topic.slug, topic.description = name, new_slug, description
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


def delete_topic(*, session: Session, topic: Topic, by: Staff) -> None:
    """Delete a topic no column carries; one in use must be merged into another first."""
    used = session.exec(
        select(func.count()).select_from(ArticleTopic).where(ArticleTopic.topic_id == topic.id)
    ).one()
    if used:
        columns = "1 column uses" if used == 1 else f"{used} columns use"
        raise TopicError(
            f"{columns} “{topic.name}”, so it cannot be deleted: merge it into another topic first."
        )
    # Old addresses that led here would now lead nowhere: let them answer 404 instead.
    session.execute(
        delete(SlugRedirect).where(
            col(SlugRedirect.kind) == "topic", col(SlugRedirect.new_slug) == topic.slug
        )
    )
    session.delete(topic)
    session.flush()
    audit.record(
        session=session,
        action="topic.delete",
        staff_id=by.id,
        target=f"topic:{topic.id}",
        detail=topic.name,
    )


def topic_rows(*, session: Session) -> list[TopicRow]:
    """Every topic by name, with its published and total column counts."""
    published = func.sum(case((col(Article.status) == "published", 1), else_=0))
    counts = {
        topic_id: (int(shown or 0), int(total))
        for topic_id, shown, total in session.exec(
            select(ArticleTopic.topic_id, published, func.count())
            .join(Article, col(Article.id) == ArticleTopic.article_id)
            .group_by(col(ArticleTopic.topic_id))
        ).all()
    }
    topics = session.exec(select(Topic).order_by(col(Topic.name))).all()
    return [TopicRow(t, *counts.get(t.id or 0, (0, 0))) for t in topics]


def topic_columns(*, session: Session, topic_id: int, limit: int = 20) -> list[Article]:
    """The newest columns carrying a topic, for its page."""
    return list(
        session.exec(
            select(Article)
            .join(ArticleTopic, col(ArticleTopic.article_id) == Article.id)
            .where(ArticleTopic.topic_id == topic_id)
            .order_by(col(Article.updated_at).desc(), col(Article.id).desc())
            .limit(limit)
        ).all()
    )


def topic_choices(*, session: Session) -> list[str]:
    """The names of every topic, alphabetically: what the column editor may pick from."""
    return list(session.exec(select(Topic.name).order_by(col(Topic.name))).all())


def resolve_topic_names(*, session: Session, names: list[str]) -> tuple[list[str], list[str]]:
    """The topics these names stand for (their current names, once each) and the names that
    stand for none. A name matches by address, as the public site does: a renamed or merged
    topic is found by its old name."""
    wanted = {slugify(" ".join(n.split())): n for n in names if n.strip()}
    if not wanted:
        return [], []
    redirects = dict(
        session.exec(
            select(SlugRedirect.old_slug, SlugRedirect.new_slug).where(
                SlugRedirect.kind == "topic", col(SlugRedirect.old_slug).in_(wanted)
            )
        ).all()
    )
    slugs = {slug: redirects.get(slug, slug) for slug in wanted}
    found = dict(
        session.exec(
            select(Topic.slug, Topic.name).where(
                or_(col(Topic.slug).in_(set(slugs.values())), col(Topic.slug).in_(wanted))
            )
        ).all()
    )
    known: dict[str, None] = {}
    unknown = []
    for slug, name in wanted.items():
        current = found.get(slug) or found.get(slugs[slug])
        if current is None:
            unknown.append(name)
        else:
            known[current] = None
    return list(known), unknown


def topics_to_tag(
    *, session: Session, article_id: int | None, names: list[str]
) -> tuple[list[str], list[str]]:
    """The existing topics these names stand for, and the names to refuse.

    A name the column carried before (a restored revision naming a topic deleted since) is
    left off rather than refused: no one could pick it again.
    """
    known, unknown = resolve_topic_names(session=session, names=names)
    if not unknown or article_id is None:
        return known, unknown
    kept = session.exec(
        select(ArticleRevision.topics).where(
            ArticleRevision.article_id == article_id, ArticleRevision.kind != "autosave"
        )
    ).all()
    carried = {slugify(name) for line in kept for name in line.split(",") if name.strip()}
    return known, [name for name in unknown if slugify(name) not in carried]


def not_topics_message(names: list[str]) -> str:
    """What the editor is told about names that are not topics."""
    quoted = [f"“{name}”" for name in names]
    if len(quoted) == 1:
        return f"{quoted[0]} is not a topic. Pick an existing topic, or create it first in Topics."
    listed = ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return f"{listed} are not topics. Pick existing topics, or create them first in Topics."


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


_TOPIC_NAMES = select(Topic.name).order_by(col(Topic.name))


def topic_names(db: Session | Connection) -> list[str]:
    """Every topic's name, in order: what a reader may hint at, and what editors filter by."""
    return list(core(db).execute(_TOPIC_NAMES).scalars())
