"""Every column, imported or answered from a letter: the list, and the same editor the letter
page uses, at /admin/columns/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlmodel import col, func, select

from app.deps import SessionDep
from app.editorial.auth import require_staff
from app.editorial.pages import render_admin
from app.models import Article, ArticleStatus

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])
PAGE_SIZE = 50
STATES = [s.value for s in ArticleStatus]


@router.get("/columns")
def columns(
    request: Request,
    session: SessionDep,
    state: str = Query("", max_length=20),
    q: str = Query("", max_length=200),
    before: int | None = Query(None, ge=1, le=2**62),
) -> Response:
    """Every column, newest first, by state and title."""
    statement = select(Article)
    if state in STATES:
        statement = statement.where(col(Article.status) == state)
    if q.strip():
        statement = statement.where(func.lower(col(Article.title)).contains(q.strip().lower()))
    if before is not None:
        statement = statement.where(col(Article.id) < before)
    rows = session.exec(statement.order_by(col(Article.id).desc()).limit(PAGE_SIZE + 1)).all()
    return render_admin(
        request,
        "admin/columns.html",
        {
            "rows": rows[:PAGE_SIZE],
            "next": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
            "state": state if state in STATES else "",
            "q": q,
            "states": STATES,
        },
    )
