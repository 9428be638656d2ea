"""The letter page's helpers for JavaScript: the preview and checklist as the editor types, and
autosave of the text (kept as a revision marked autosave, never public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep, services
from app.editorial import desk
from app.editorial.articles import ArticleFields, revision_fields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.forms import read_article_form
from app.editorial.pages import checked_form
from app.editorial.resources import callout_for_fields, callout_value
from app.editorial.workflow import FieldRefused, IllegalMove, NotAllowed, StaleVersion
from app.models import MAX_ID, Article, ArticleRevision, Question, Staff, utcnow
from app.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])
PRIVATE = {"Cache-Control": "no-store"}


@router.post("/desk")
async def desk_view(request: Request) -> JSONResponse:
    """The preview (drawn by the public column template), checklist and counts, as typed."""
    form = await checked_form(request)
    fields = _fields(request, form)
    if isinstance(fields, JSONResponse):
        return fields
    view = await run_in_threadpool(_desk, services(request).engine, fields)
    return JSONResponse(view, headers=PRIVATE)


def _desk(engine: Engine, fields: ArticleFields) -> dict[str, Any]:
    with Session(engine) as session:
        callout = callout_for_fields(session=session, fields=fields)
    context = {
        **desk.desk_context(fields),
        "preview": desk.preview_column(fields),
        "callout": callout,
    }
    return {
        "preview": templates.get_template("admin/_preview.html").render(context),
        "checklist": templates.get_template("admin/_checklist.html").render(context),
        **context["counts"],
    }


@router.get("/questions/{question_id}/autosave")
def letter_autosave(
    request: Request, question_id: int, session: SessionDep, staff: CurrentStaff
) -> JSONResponse:
    """This editor's autosaved text for the letter's column, if newer than what was saved."""
    return _pending(request, session, _target_article(session, ("question", question_id)), staff)


@router.get("/columns/{article_id}/autosave")
def column_autosave(
    request: Request, article_id: int, session: SessionDep, staff: CurrentStaff
) -> JSONResponse:
    """This editor's autosaved text for the column, if newer than what was saved."""
    return _pending(request, session, _article(session, article_id), staff)


@router.post("/questions/{question_id}/autosave")
async def save_letter_autosave(
    request: Request, question_id: int, staff: CurrentStaff
) -> JSONResponse:
    form = await checked_form(request)
    return await run_in_threadpool(_autosave, request, ("question", question_id), staff, form)


@router.post("/columns/{article_id}/autosave")
async def save_column_autosave(
    request: Request, article_id: int, staff: CurrentStaff
) -> JSONResponse:
    form = await checked_form(request)
    return await run_in_threadpool(_autosave, request, ("column", article_id), staff, form)


def _autosave(
    request: Request, target: tuple[str, int], staff: Staff, form: FormData
) -> JSONResponse:
    fields = _fields(request, form)
    if isinstance(fields, JSONResponse):
        return fields
    with session_scope(services(request).engine) as session:
        if form.get("forget"):
            article = _target_article(session, target)
            if article is not None:
                desk.forget_autosave(session=session, article=article, staff=staff)
            return JSONResponse({"forgotten": True}, headers=PRIVATE)
        started = None
        try:
            if target[0] == "question":
                started = desk.autosave_answer(
                    session=session,
                    settings=services(request).settings,
                    question=_question(session, target[1]),
                    staff=staff,
                    fields=fields,
                )
            else:
                desk.autosave(
                    session=session,
                    article=_article(session, target[1]),
                    staff=staff,
                    fields=fields,
                )
        except (FieldRefused, IllegalMove, NotAllowed, StaleVersion) as exc:
            session.rollback()
            return JSONResponse({"error": str(exc) or "Not autosaved."}, 409, headers=PRIVATE)
        saved_at = utcnow().astimezone(services(request).settings.tz).strftime("%H:%M:%S")
        # Only a column this autosave started gives the form its version: any other page keeps
        # the version it was loaded with, so a save over someone else's is still refused.
        answer: dict[str, object] = {"saved_at": saved_at}
        if started is not None:
            answer["version"] = started.version
        return JSONResponse(answer, headers=PRIVATE)


def _fields(request: Request, form: FormData) -> ArticleFields | JSONResponse:
    """The fields as typed, or the answer to send when they cannot be kept (what is wrong)."""
    settings = services(request).settings
    posted = read_article_form(
        form, tz=settings.tz, current_hero=(None,) * 3, media_dir=settings.media_dir
    )
    if posted.errors:
        return JSONResponse({"error": " ".join(posted.errors.values())}, 422, headers=PRIVATE)
    return posted.fields


def _pending(
    request: Request, session: Session, article: Article | None, staff: Staff
) -> JSONResponse:
    revision = (
        desk.pending_autosave(session=session, article=article, staff=staff) if article else None
    )
    if revision is None:
        return JSONResponse({"pending": False}, headers=PRIVATE)
    at = desk.aware(revision.created_at).astimezone(services(request).settings.tz)
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


def _question(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
    if question is None:
        raise HTTPException(404)
    return question


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id) if 0 < article_id <= MAX_ID else None
    if article is None:
        raise HTTPException(404)
    return article


def _target_article(session: Session, target: tuple[str, int]) -> Article | None:
    if target[0] == "column":
        return _article(session, target[1])
    question = _question(session, target[1])
    return session.get(Article, question.article_id) if question.article_id else None
