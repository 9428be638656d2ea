"""The editors' library of resources: the callouts (a course, a guide) shown after an answer.
A column names one, shows none, or takes its first topic's default."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.column_fields import ArticleFields
from app.editorial import audit
from app.markdown import clean_text, slugify
from app.models import Article, ArticleRevision, CalloutMode, Resource, Staff, Topic, utcnow
from app.publishing.service import resolve_callout

# Longest value of each field of the resource form, as the table allows.
LIMITS = {"title": 120, "text": 600, "link_text": 60, "url": 500, "small_print": 600}
DEFAULT_LINK_TEXT = "Explore course"


class ResourceInUse(ValueError):
    """A column names this resource, so it cannot be deleted; the message says how many."""


@dataclass
class ResourceForm:
    """What an editor typed into a resource's form, with a message for each problem."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceUse:
    """A resource with how many columns name it and how many topics make it their default."""

    resource: Resource
    columns: int
    topics: int


def read_resource_form(form: FormData) -> ResourceForm:
    """The resource form's values, trimmed and checked (never raises)."""
    values = {}
    for name in LIMITS:
        raw = form.get(name)
        values[name] = clean_text(raw).strip() if isinstance(raw, str) else ""
    result = ResourceForm(values)
    values["link_text"] = values["link_text"] or DEFAULT_LINK_TEXT
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            result.errors[name] = f"Keep this under {limit} characters."
    for name, words in (("title", "a title"), ("text", "a line or two of text")):
        if not values[name]:
            result.errors[name] = f"A resource needs {words}."
    if "url" not in result.errors and not valid_url(values["url"]):
        result.errors["url"] = "Use a full web address starting with https:// or http://."
    return result


def valid_url(url: str) -> bool:
    """An absolute http or https address with a host, and no spaces or credentials."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not any(c.isspace() for c in url)
    )


def list_resources(*, session: Session) -> list[ResourceUse]:
    """Every resource by title, with the columns that name it and the topics that default to it."""
    columns = dict(
        session.exec(
            select(Article.callout_resource_id, func.count())
            .where(col(Article.callout_resource_id).is_not(None))
            .group_by(col(Article.callout_resource_id))
        ).all()
    )
    topics = dict(
        session.exec(
            select(Topic.default_resource_id, func.count())
            .where(col(Topic.default_resource_id).is_not(None))
            .group_by(col(Topic.default_resource_id))
        ).all()
    )
    resources = session.exec(
        select(Resource).order_by(func.lower(Resource.title), col(Resource.id))
    )
    return [ResourceUse(r, int(columns.get(r.id, 0)), int(topics.get(r.id, 0))) for r in resources]


def save_resource(
    *, session: Session, resource: Resource, values: dict[str, str], by: Staff | None = None
) -> Resource:
    """Write checked values onto a resource (new or existing); the columns showing it change
    with it, so public pages are marked stale."""
    new = resource.id is None
    for name, value in values.items():
        setattr(resource, name, value)
    resource.updated_at = utcnow()
    session.add(resource)
    session.flush()
    if by is not None:
        _record(session, "resource.create" if new else "resource.update", by, resource)
    return resource


def _record(session: Session, action: str, by: Staff, resource: Resource) -> None:
    audit.record(
        session=session,
        action=action,
        staff_id=by.id,
        target=f"resource:{resource.id}",
        detail=resource.title[:200],
    )


def columns_naming(*, session: Session, resource_id: int) -> int:
    """How many columns name this resource, pending drafts of live columns included."""
    drafts = select(ArticleRevision.id).where(ArticleRevision.callout_resource_id == resource_id)
    return int(
        session.exec(
            select(func.count())
            .select_from(Article)
            .where(
                or_(
                    col(Article.callout_resource_id) == resource_id,
                    col(Article.draft_revision_id).in_(drafts),
                )
            )
        ).one()
    )


def delete_resource(*, session: Session, resource: Resource, by: Staff) -> None:
    """Delete a resource no column names (else ResourceInUse); topics lose it as default."""
    assert resource.id is not None
    used = columns_naming(session=session, resource_id=resource.id)
    if used:
        raise ResourceInUse(
            f"{used} column{'s' if used != 1 else ''} show{'s' if used == 1 else ''} this "
            "resource. Pick another callout for them first."
        )
    session.execute(
        update(Topic)
        .where(col(Topic.default_resource_id) == resource.id)
        .values(default_resource_id=None)
    )
    _record(session, "resource.delete", by, resource)
    session.delete(resource)
    session.flush()


def set_topic_default(
    *, session: Session, topic: Topic, resource_id: int | None, by: Staff
) -> None:
    """Make a resource (or none) the callout of the topic's columns that pick no other."""
    topic.default_resource_id = resource_id
    session.add(topic)
    session.flush()
    audit.record(
        session=session,
        action="topic.default_resource",
        staff_id=by.id,
        target=f"topic:{topic.id}",
        detail=topic.name,
    )


def find_or_create(
    *, session: Session, title: str, url: str, text: str, link_text: str, small_print: str
) -> Resource:
    """The resource saying exactly this, or a new one: two columns whose callouts share a
    title and link but not their words each keep their own words."""
    values = {
        "title": title,
        "url": url,
        "text": text,
        "link_text": link_text or DEFAULT_LINK_TEXT,
        "small_print": small_print,
    }
    resource = session.exec(
        select(Resource)
        .where(*(getattr(Resource, name) == value for name, value in values.items()))
        .order_by(col(Resource.id))
    ).first()
    if resource is not None:
        return resource
    return save_resource(session=session, resource=Resource.model_validate(values), values=values)


def callout_for_fields(*, session: Session, fields: ArticleFields) -> Resource | None:
    """The callout a column with these fields shows: its own resource, none, or the default of
    its first topic (by name, as the column lists them)."""
    first = None
    if fields.callout_mode == CalloutMode.topic and fields.topics:
        slugs = [slugify(name) for name in fields.topics]
        first = session.exec(
            select(Topic).where(col(Topic.slug).in_(slugs)).order_by(col(Topic.name))
        ).first()
    return resolve_callout(
        session=session,
        mode=fields.callout_mode,
        resource_id=fields.callout_resource_id,
        first_topic=first,
    )


def callout_value(fields: ArticleFields) -> str:
    """The callout picker's value for these fields: a resource's id, "topic" or "none"."""
    if fields.callout_mode == CalloutMode.resource and fields.callout_resource_id is not None:
        return str(fields.callout_resource_id)
    return str(fields.callout_mode)


def callout_choices(*, session: Session, fields: ArticleFields) -> dict[str, object]:
    """What the column editor's callout picker offers, and which one is chosen."""
    default = None
    if fields.topics:
        as_topic = ArticleFields(topics=fields.topics)
        default = callout_for_fields(session=session, fields=as_topic)
    return {
        "resources": session.exec(select(Resource).order_by(func.lower(Resource.title))).all(),
        "topic_default": default,
        "chosen": callout_value(fields),
    }
