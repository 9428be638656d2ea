"""The letter page's helpers for JavaScript: the preview and checklist as the editor types, and
autosave of the text (kept as a revision marked autosave, never public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from app.config import Settings
from app.csrf import CheckedForm
from app.deps import SessionDep, SettingsDep, WriteSession, found
from app.editorial import desk, letters
from app.editorial.articles import ArticleFields, revision_fields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.forms import ArticleForm, PostedArticle
from app.editorial.resources import callout_for_fields, callout_value
from app.models import Article, ArticleRevision, Question, Staff, utcnow
from app.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])
PRIVATE = {"Cache-Control": "no-store"}


@router.post("/desk")
def desk_view(posted: PostedArticle, session: SessionDep) -> JSONResponse:
    """The preview (drawn by the public column template), checklist and counts, as typed."""
    if posted.errors:
        return _unkept(posted)
    return JSONResponse(_desk(session, posted.fields), headers=PRIVATE)


def _desk(session: Session, fields: ArticleFields) -> dict[str, Any]:
    context = {
        **desk.desk_context(fields),
        "preview": desk.preview_column(fields),
        "callout": callout_for_fields(session=session, fields=fields),
    }
    return {
        "preview": templates.get_template("admin/_preview.html").render(context),
        "checklist": templates.get_template("admin/_checklist.html").render(context),
        **context["counts"],
    }


@router.get("/questions/{question_id}/autosave")
def letter_autosave(
    question_id: int, session: SessionDep, settings: SettingsDep, staff: CurrentStaff
) -> JSONResponse:
    """This editor's autosaved text for the letter's column, if newer than what was saved."""
    article = letters.article_for(session=session, question=found(session, Question, question_id))
    return _pending(settings, session, article, staff)


@router.get("/columns/{article_id}/autosave")
def column_autosave(
    article_id: int, session: SessionDep, settings: SettingsDep, staff: CurrentStaff
) -> JSONResponse:
    """This editor's autosaved text for the column, if newer than what was saved."""
    return _pending(settings, session, found(session, Article, article_id), staff)


@router.post("/questions/{question_id}/autosave")
def save_letter_autosave(
    question_id: int,
    staff: CurrentStaff,
    form: CheckedForm,
    posted: PostedArticle,
    settings: SettingsDep,
    session: WriteSession,
) -> JSONResponse:
    """Autosave what this editor is typing on the letter's page (or, asked to, forget it)."""
    return _autosave(session, settings, staff, form, posted, Question, question_id)


@router.post("/columns/{article_id}/autosave")
def save_column_autosave(
    article_id: int,
    staff: CurrentStaff,
    form: CheckedForm,
    posted: PostedArticle,
    settings: SettingsDep,
    session: WriteSession,
) -> JSONResponse:
    """Autosave what this editor is typing on the column's page (or, asked to, forget it)."""
    return _autosave(session, settings, staff, form, posted, Article, article_id)


def _autosave(
    session: Session,
    settings: Settings,
    staff: Staff,
    form: FormData,
    posted: ArticleForm,
    kind: type[Question] | type[Article],
    target_id: int,
) -> JSONResponse:
    if posted.errors:  # checked before the target, as the answer's 422 comes first
        return _unkept(posted)
    outcome = desk.autosave_from_editor(
        session=session,
        settings=settings,
        staff=staff,
        target=found(session, kind, target_id),
        fields=posted.fields,
        forget=bool(form.get("forget")),
    )
    return _autosaved(settings, outcome)


def _unkept(posted: ArticleForm) -> JSONResponse:
    """The fields as typed cannot be kept: what is wrong with them."""
    return JSONResponse({"error": " ".join(posted.errors.values())}, 422, headers=PRIVATE)


def _autosaved(settings: Settings, outcome: desk.Autosaved) -> JSONResponse:
    if outcome.forgotten:
        return JSONResponse({"forgotten": True}, headers=PRIVATE)
    if outcome.refused is not None:
        return JSONResponse({"error": outcome.refused}, 409, headers=PRIVATE)
    saved_at = utcnow().astimezone(settings.tz).strftime("%H:%M:%S")
    # Only a column this autosave started gives the form its version: any other page keeps
    # the version it was loaded with, so a save over someone else's is still refused.
    answer: dict[str, object] = {"saved_at": saved_at}
    if outcome.started is not None:
        answer["version"] = outcome.started.version
    return JSONResponse(answer, headers=PRIVATE)


def _pending(
    settings: Settings, session: Session, article: Article | None, staff: Staff
) -> JSONResponse:
    revision = (
        desk.pending_autosave(session=session, article=article, staff=staff) if article else None
    )
    if revision is None:
        return JSONResponse({"pending": False}, headers=PRIVATE)
    at = desk.aware(revision.created_at).astimezone(settings.tz)
    return JSONResponse(
        {"pending": True, "saved_at": at.strftime("%-d %B, %H:%M"), **_form_values(revision)},
        headers=PRIVATE,
    )


def _form_values(revision: ArticleRevision) -> dict[str, Any]:
    fields = revision_fields(revision)
    return {
        "fields": {
            "title": fields.title,
            "slug": fields.slug,
            "summary": fields.summary,
            "letter": fields.letter_md,
            "signoff": fields.signoff,
            "answer": fields.answer_md,
            "byline": fields.byline,
            "topics": ", ".join(fields.topics),
            "hero_alt": fields.hero_alt,
            "callout": callout_value(fields),
        },
    }
