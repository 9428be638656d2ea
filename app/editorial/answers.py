"""Saving the editor's form, on a letter's page or a column's page: a press of one of its
buttons becomes a saved change, the form again with what went wrong, or the newer version."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session

from app.config import Settings
from app.editorial import letters
from app.editorial.aid import apply_aid
from app.editorial.articles import ArticleFields, new_answer
from app.editorial.checklist import ChecklistFailed
from app.editorial.editor import EditorPage, editor_fields
from app.editorial.forms import ArticleForm, Hero, keep_current_hero
from app.editorial.images import ImageRejected, store_hero
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

CORRECT = "Please correct the fields marked below."


class Refused(EditorPage):
    """Nothing saved: the form again as typed, with why (or, with 200, what a preview or an
    aid button asked for)."""


class Stale(EditorPage):
    """Nothing saved over a newer version: the form shows that one, the typed text below it."""


@dataclass(frozen=True)
class Saved:
    """The change is made: the editor goes to `location`, whose `?done=` key says what."""

    location: str


EditorOutcome = Saved | Refused | Stale


def save_from_editor(
    *,
    session: Session,
    settings: Settings,
    staff: Staff,
    posted: ArticleForm,
    target: Question | Article,
    now: datetime,
) -> EditorOutcome:
    """Apply one press of the editor's buttons to a letter's answer or to a column (a new one
    while its id is None), through the workflow; never raises for what was typed."""
    if isinstance(target, Question):
        question: Question | None = target
        article = letters.article_for(session=session, question=target)
        column = _answer_column(target, article, posted)
    else:
        question, article, column = None, target, target
        if target.id is None and not posted.fields.title:
            posted.errors["title"] = "A new column needs a title."
    keep_current_hero(posted, _hero_of(article))
    is_new = column.id is None
    pressed = _press(session, settings, staff, column, posted, now, question)
    if pressed.done is not None:
        return Saved(f"{_address(question, column)}?done={pressed.done}")
    if is_new:
        column.id = None  # rolled back: still a column to be created
    if pressed.stale:
        assert article is not None
        return _stale(session, article, posted, "article" if question else "column")
    return Refused(
        article=article,
        fields=posted.fields,
        version=posted.version,
        dismissed=posted.dismissed,
        publish_at=posted.publish_at_text,
        errors=posted.errors,
        problems=pressed.problems,
        status=pressed.status,
        preview=pressed.preview,
    )


def _answer_column(question: Question, article: Article | None, posted: ArticleForm) -> Article:
    """The column answering the letter: its own, or a new one named after the letter."""
    made = new_answer(question_id=question.id, fields=posted.fields)  # names a blank one too
    return article or made


def _address(question: Question | None, column: Article) -> str:
    return f"/admin/questions/{question.id}" if question else f"/admin/columns/{column.id}"


def _hero_of(article: Article | None) -> Hero:
    if article is None:
        return None, None, None
    return article.hero_path, article.hero_width, article.hero_height


def _stale(session: Session, article: Article, posted: ArticleForm, noun: str) -> Stale:
    """The newer version in the form (with an image the editor sent), the typed text apart."""
    newer = editor_fields(session=session, article=article, start=posted.fields)
    return Stale(
        article=article,
        fields=_carry_upload(shown=newer, posted=posted.fields),
        version=article.version,
        problems=[
            f"Someone else saved this {noun} while you were editing. Nothing you typed was "
            "saved: the form now shows their version, and your text is below it."
        ],
        status=409,
        unsaved=posted.fields,
    )


def _carry_upload(*, shown: ArticleFields, posted: ArticleFields) -> ArticleFields:
    """The fields shown after a refused save, keeping an image the editor sent with it."""
    if posted.hero_path and posted.hero_path != shown.hero_path:
        shown = replace(shown, hero_path=posted.hero_path, hero_alt=posted.hero_alt)
        shown.hero_width, shown.hero_height = posted.hero_width, posted.hero_height
    return shown


@dataclass
class _Pressed:
    """What became of a press: saved (with its message key), or the form again."""

    done: str | None = None
    status: int = 200
    problems: list[str] = field(default_factory=list)
    preview: bool = False
    stale: bool = False


def _press(
    session: Session,
    settings: Settings,
    staff: Staff,
    article: Article,
    posted: ArticleForm,
    now: datetime,
    question: Question | None,
) -> _Pressed:
    _settle_callout(session, article, posted)
    _store_upload(settings, posted)
    if posted.errors:
        return _Pressed(status=422, problems=[CORRECT])
    if posted.remove_hero:
        return _Pressed(
            problems=["The image is taken off the form: save to take it off the column too."]
        )
    if posted.aid:
        posted.fields, posted.dismissed = apply_aid(posted.fields, posted.dismissed, posted.aid)
        return _Pressed()
    if posted.action == "preview":
        return _Pressed(preview=True)
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
        return _Pressed(status=422, problems=[problem])
    except FieldRefused as exc:
        session.rollback()
        posted.errors[exc.field] = exc.message
        return _Pressed(status=422, problems=[CORRECT])
    except StaleVersion:
        session.rollback()
        return _Pressed(status=409, stale=True)
    except NotAllowed as exc:
        session.rollback()
        return _Pressed(status=403, problems=[str(exc)])
    except IllegalMove as exc:
        session.rollback()
        return _Pressed(status=409, problems=[str(exc)])
    return _Pressed(done="save_draft" if posted.action == "save" and was_live else posted.action)


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
