"""The column editor at /admin/columns/{id}: the same editor the letter page uses, for every
column, imported or answered from a letter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select

from app.deps import SessionDep, SettingsDep, WriteSession, found
from app.editorial.answers import EditorOutcome, Saved, save_from_editor
from app.editorial.articles import ArticleFields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.editor import EditorPage, editor_context, opened_page
from app.editorial.forms import PostedArticle
from app.editorial.pages import render_admin
from app.models import Article, Question, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


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
    page = EditorPage(article=Article(title="", slug=""), fields=ArticleFields(), version=0)
    return _column_page(request, session, page)


@router.post("/columns/new")
def create_column(
    request: Request,
    staff: CurrentStaff,
    posted: PostedArticle,
    settings: SettingsDep,
    session: WriteSession,
) -> Response:
    """Create the column and go to its page, or show the form again."""
    outcome = save_from_editor(
        session=session,
        settings=settings,
        staff=staff,
        posted=posted,
        target=Article(title="", slug=""),
        now=utcnow(),
    )
    return _saved_or_again(request, session, outcome)


@router.get("/columns/{article_id}")
def column_page(request: Request, article_id: int, session: SessionDep) -> Response:
    article = found(session, Article, article_id)
    page = opened_page(session=session, article=article, start=ArticleFields("", "", "", ""))
    return _column_page(request, session, page)


@router.post("/columns/{article_id}")
def save_column_page(
    request: Request,
    article_id: int,
    staff: CurrentStaff,
    posted: PostedArticle,
    settings: SettingsDep,
    session: WriteSession,
) -> Response:
    """Save the column and go back to its page, or show the form again."""
    outcome = save_from_editor(
        session=session,
        settings=settings,
        staff=staff,
        posted=posted,
        target=found(session, Article, article_id),
        now=utcnow(),
    )
    return _saved_or_again(request, session, outcome)


def _saved_or_again(request: Request, session: Session, outcome: EditorOutcome) -> Response:
    if isinstance(outcome, Saved):
        return RedirectResponse(outcome.location, status_code=303)
    return _column_page(request, session, outcome)


def _column_page(request: Request, session: Session, page: EditorPage) -> Response:
    """The editor: as it opens, again with everything typed, or with the newer version."""
    assert page.article is not None
    context = _context(session, page.article, page.fields, page.dismissed)
    return render_admin(
        request, _template(page.article), {**context, **page.values()}, status_code=page.status
    )
