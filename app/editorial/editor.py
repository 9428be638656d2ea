"""The column editor as a service: what the form shows around a column, and what becomes of
a press of one of its buttons. The letter page and the columns page both use it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.editorial import guard
from app.editorial.aid import aid_view, apply_aid
from app.editorial.articles import ArticleFields, draft_fields, fields_of
from app.editorial.checklist import ChecklistFailed
from app.editorial.desk import desk_context
from app.editorial.forms import ArticleForm
from app.editorial.images import ImageRejected, store_hero
from app.editorial.resources import callout_choices, callout_for_fields
from app.editorial.revisions import diff_revisions
from app.editorial.topics import topic_choices
from app.editorial.workflow import (
    LIVE,
    ArticleChange,
    FieldRefused,
    IllegalMove,
    NotAllowed,
    StaleVersion,
    change_article,
)
from app.models import Article, CalloutMode, Question, Resource, Staff


@dataclass
class SaveOutcome:
    """What became of a press: saved (with the message to show), or the form again."""

    done: str | None = None  # the message key of a saved change
    status: int = 200
    problems: list[str] = field(default_factory=list)
    preview: bool = False
    stale: bool = False


def editor_fields(
    *, session: Session, article: Article | None, start: ArticleFields
) -> ArticleFields:
    """What the form shows: a live column's draft of changes, the article, or `start`."""
    if article is None:
        return start
    return draft_fields(session=session, article=article) or fields_of(
        session=session, article=article
    )


def editor_context(
    *, session: Session, article: Article | None, fields: ArticleFields, dismissed: str | None
) -> dict[str, Any]:
    """The aid, the review's state and a live column's pending changes, for the form."""
    if dismissed is None:
        dismissed = article.dismissed_details if article else ""
    return {
        "article": article,
        "fields": fields,
        "aid": aid_view(fields, dismissed),
        "review": _review_state(session, article, fields),
        "live_diff": _live_diff(session, article, fields),
        "callout_picker": callout_choices(session=session, fields=fields),
        "callout": callout_for_fields(session=session, fields=fields),
        "topic_choices": topic_choices(session=session),
        **desk_context(fields),
    }


def carry_upload(*, shown: ArticleFields, posted: ArticleFields) -> ArticleFields:
    """The fields shown after a refused save, keeping an image the editor sent with it."""
    if posted.hero_path and posted.hero_path != shown.hero_path:
        shown = replace(shown, hero_path=posted.hero_path, hero_alt=posted.hero_alt)
        shown.hero_width, shown.hero_height = posted.hero_width, posted.hero_height
    return shown


def _settle_callout(session: Session, article: Article, posted: ArticleForm) -> None:
    """A form without the callout field leaves the column's choice; a named one must exist."""
    f = posted.fields
    if not posted.callout_sent:
        f.callout_mode, f.callout_resource_id = article.callout_mode, article.callout_resource_id
    elif f.callout_mode == CalloutMode.resource and (
        f.callout_resource_id is None or session.get(Resource, f.callout_resource_id) is None
    ):
        posted.errors["callout"] = "That resource is no longer in the library: pick another."


def _store_upload(settings: Settings, posted: ArticleForm) -> None:
    """Keep an uploaded image even when other fields need correcting, so it is sent once."""
    if posted.upload is None:
        return
    try:
        stored = store_hero(posted.upload.file.read(), settings.media_dir)
        posted.fields.hero_path, posted.fields.hero_width, posted.fields.hero_height = stored
    except ImageRejected as exc:
        posted.errors["hero"] = str(exc)


def _review_state(
    session: Session, article: Article | None, fields: ArticleFields
) -> dict[str, Any] | None:
    if article is None or article.reviewed_fingerprint is None:
        return None
    reviewer = session.get(Staff, article.reviewed_by) if article.reviewed_by else None
    return {
        "by": (reviewer.name or reviewer.email) if reviewer else "former staff",
        "at": article.reviewed_at,
        "current": article.reviewed_fingerprint == guard.fingerprint(fields),
    }


def _live_diff(
    session: Session, article: Article | None, fields: ArticleFields
) -> dict[str, Any] | None:
    if article is None or article.status not in LIVE:
        return None
    return diff_revisions(fields_of(session=session, article=article), fields, context=1)


def save_column(
    *,
    session: Session,
    settings: Settings,
    staff: Staff,
    article: Article,
    posted: ArticleForm,
    now: datetime,
    question: Question | None = None,
) -> SaveOutcome:
    """Apply one press of the editor's buttons through the workflow; never raises for input."""
    _settle_callout(session, article, posted)
    _store_upload(settings, posted)
    if posted.errors:
        return SaveOutcome(status=422, problems=["Please correct the fields marked below."])
    if posted.remove_hero:
        return SaveOutcome(
            problems=["The image is taken off the form: save to take it off the column too."]
        )
    if posted.aid:
        posted.fields, posted.dismissed = apply_aid(posted.fields, posted.dismissed, posted.aid)
        return SaveOutcome()
    if posted.action == "preview":
        return SaveOutcome(preview=True)
    was_live = article.id is not None and article.status in LIVE
    change = ArticleChange(
        action=posted.action,
        fields=posted.fields,
        expected_version=posted.version,
        reviewed=posted.reviewed,
        publish_at=posted.publish_at,
        question=question,
        dismissed=posted.dismissed,
    )
    try:
        change_article(
            session=session, settings=settings, article=article, change=change, staff=staff, now=now
        )
    except ChecklistFailed as exc:
        session.rollback()
        if exc.review_missing:
            posted.errors["anonymisation_reviewed"] = exc.missing[-1]
        problem = "This cannot go out yet. Missing: " + "; ".join(exc.missing) + "."
        return SaveOutcome(status=422, problems=[problem])
    except FieldRefused as exc:
        session.rollback()
        posted.errors[exc.field] = exc.message
        return SaveOutcome(status=422, problems=["Please correct the fields marked below."])
    except StaleVersion:
        session.rollback()
        return SaveOutcome(status=409, stale=True)
    except NotAllowed as exc:
        session.rollback()
        return SaveOutcome(status=403, problems=[str(exc)])
    except IllegalMove as exc:
        session.rollback()
        return SaveOutcome(status=409, problems=[str(exc)])
    return SaveOutcome(done="save_draft" if posted.action == "save" and was_live else posted.action)
