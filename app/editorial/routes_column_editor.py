"""The column editor at /admin/columns/{id}: the same editor the letter page uses, for every
column, imported or answered from a letter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep
from app.editorial.articles import ArticleFields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.editor import (
    SaveOutcome,
    editor_context,
    editor_fields,
    preview_of,
    save_column,
)
from app.editorial.forms import ArticleForm, read_article_form
from app.editorial.pages import checked_form, render_admin
from app.models import Article, Question, Staff, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def _load(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id) if 0 < article_id < 2**62 else None
    if article is None:
        raise HTTPException(404)
    return article


def _context(
    session: Session, article: Article, fields: ArticleFields, dismissed: str | None = None
) -> dict[str, Any]:
    letter = session.exec(select(Question.id).where(Question.article_id == article.id)).first()
    return {
        **editor_context(session=session, article=article, fields=fields, dismissed=dismissed),
        "form_action": f"/admin/columns/{article.id}",
        "letter_id": letter,
    }


@router.get("/columns/{article_id}")
def column_page(request: Request, article_id: int, session: SessionDep) -> Response:
    article = _load(session, article_id)
    fields = editor_fields(session=session, article=article, start=ArticleFields("", "", "", ""))
    return render_admin(
        request,
        "admin/column.html",
        {
            **_context(session, article, fields),
            "version": article.version,
            "publish_at": "",
            "errors": {},
            "problems": [],
        },
    )


@router.post("/columns/{article_id}")
async def save_column_page(request: Request, article_id: int, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    try:
        return await run_in_threadpool(_save, request, article_id, staff, form)
    finally:
        await form.close()  # uploads wait in temporary files until closed


def _save(request: Request, article_id: int, staff: Staff, form: FormData) -> Response:
    settings = request.app.state.settings
    with session_scope(request.app.state.engine) as session:
        article = _load(session, article_id)
        current = (article.hero_path, article.hero_width, article.hero_height)
        posted = read_article_form(form, tz=settings.tz, current_hero=current)
        outcome = save_column(
            session=session,
            settings=settings,
            staff=staff,
            article=article,
            posted=posted,
            now=utcnow(),
        )
        if outcome.done is None:
            return _again(request, session, article, posted, outcome)
    return RedirectResponse(f"/admin/columns/{article_id}?done={outcome.done}", status_code=303)


def _again(
    request: Request, session: Session, article: Article, posted: ArticleForm, outcome: SaveOutcome
) -> Response:
    """The editor again with everything typed (or, after a stale save, the newer version)."""
    session.refresh(article)
    fields = posted.fields
    extra: dict[str, Any] = {"version": posted.version, "publish_at": posted.publish_at_text}
    if outcome.stale:
        fields = editor_fields(session=session, article=article, start=posted.fields)
        extra = {"version": article.version, "publish_at": "", "unsaved": posted.fields}
        outcome.problems = [
            "Someone else saved this column while you were editing. Nothing you typed was "
            "saved: the form now shows their version, and your text is below it."
        ]
    context = _context(session, article, fields, None if outcome.stale else posted.dismissed)
    if outcome.preview:
        context["preview"] = preview_of(fields)
    return render_admin(
        request,
        "admin/column.html",
        {**context, **extra, "errors": posted.errors, "problems": outcome.problems},
        status_code=outcome.status,
    )
