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
from app.deps import SessionDep, services
from app.editorial.articles import ArticleFields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.desk import preview_column
from app.editorial.editor import (
    SaveOutcome,
    carry_upload,
    editor_context,
    editor_fields,
    save_column,
)
from app.editorial.forms import ArticleForm, read_article_form
from app.editorial.pages import checked_form, render_admin
from app.models import MAX_ID, Article, Question, Staff, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def _load(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id) if 0 < article_id <= MAX_ID else None
    if article is None:
        raise HTTPException(404)
    return article


def _context(
    session: Session, article: Article, fields: ArticleFields, dismissed: str | None = None
) -> dict[str, Any]:
    if article.id is None:  # a new column, not saved yet
        return {
            **editor_context(session=session, article=article, fields=fields, dismissed=dismissed),
            "form_action": "/admin/columns/new",
            "letter_id": None,
        }
    letter = session.exec(select(Question.id).where(Question.article_id == article.id)).first()
    return {
        **editor_context(session=session, article=article, fields=fields, dismissed=dismissed),
        "form_action": f"/admin/columns/{article.id}",
        "letter_id": letter,
    }


def _template(article: Article) -> str:
    return "admin/column_new.html" if article.id is None else "admin/column.html"


# Before /columns/{article_id}, which would take "new" for an id.
@router.get("/columns/new")
def new_column_page(request: Request, session: SessionDep) -> Response:
    article = Article(title="", slug="")
    return render_admin(
        request,
        "admin/column_new.html",
        {
            **_context(session, article, ArticleFields()),
            "version": 0,
            "publish_at": "",
            "errors": {},
            "problems": [],
        },
    )


@router.post("/columns/new")
async def create_column(request: Request, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    try:
        return await run_in_threadpool(_save, request, None, staff, form)
    finally:
        await form.close()


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


def _save(request: Request, article_id: int | None, staff: Staff, form: FormData) -> Response:
    """Save a column (a new one when `article_id` is None) and go back to its page."""
    settings = services(request).settings
    with session_scope(services(request).engine) as session:
        article = _load(session, article_id) if article_id else Article(title="", slug="")
        current = (article.hero_path, article.hero_width, article.hero_height)
        posted = read_article_form(
            form, tz=settings.tz, current_hero=current, media_dir=settings.media_dir
        )
        is_new = article.id is None
        if is_new and not posted.fields.title:
            posted.errors["title"] = "A new column needs a title."
        outcome = save_column(
            session=session,
            settings=settings,
            staff=staff,
            article=article,
            posted=posted,
            now=utcnow(),
        )
        if outcome.done is None:
            if is_new:
                article.id = None  # rolled back: still a column to be created
            return _again(request, session, article, posted, outcome)
        article_id = article.id
    return RedirectResponse(f"/admin/columns/{article_id}?done={outcome.done}", status_code=303)


def _again(
    request: Request, session: Session, article: Article, posted: ArticleForm, outcome: SaveOutcome
) -> Response:
    """The editor again with everything typed (or, after a stale save, the newer version)."""
    if article.id is not None and article in session:
        session.refresh(article)
    fields = posted.fields
    extra: dict[str, Any] = {"version": posted.version, "publish_at": posted.publish_at_text}
    if outcome.stale:
        newer = editor_fields(session=session, article=article, start=posted.fields)
        fields = carry_upload(shown=newer, posted=posted.fields)
        extra = {"version": article.version, "publish_at": "", "unsaved": posted.fields}
        outcome.problems = [
            "Someone else saved this column while you were editing. Nothing you typed was "
            "saved: the form now shows their version, and your text is below it."
        ]
    context = _context(session, article, fields, None if outcome.stale else posted.dismissed)
    if outcome.preview:
        context["preview"] = preview_column(fields)
    return render_admin(
        request,
        _template(article),
        {**context, **extra, "errors": posted.errors, "problems": outcome.problems},
        status_code=outcome.status,
    )
