"""An article's revisions: the list, a comparison of any two, and restoring one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select

from app.csrf import CheckedForm
from app.deps import SessionDep, SettingsDep, WriteSession, found
from app.editorial.articles import revision_fields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.pages import render_admin
from app.editorial.revisions import diff_revisions, list_revisions
from app.editorial.workflow import (
    LIVE,
    ArticleChange,
    IllegalMove,
    NotAllowed,
    StaleVersion,
    change_article,
)
from app.models import MAX_ID, Article, ArticleRevision, Question, parse_id, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def _back_link(session: Session, article: Article) -> str:
    question = session.exec(select(Question.id).where(Question.article_id == article.id)).first()
    return f"/admin/questions/{question}" if question else f"/admin/columns/{article.id}"


@router.get("/articles/{article_id}/revisions")
def revisions(
    request: Request,
    article_id: int,
    session: SessionDep,
    a: int | None = Query(None),
    b: int | None = Query(None),
) -> Response:
    article = found(session, Article, article_id)
    rows = list_revisions(session=session, article_id=article_id)
    by_id = {revision.id: revision for revision, _ in rows}
    diff = None
    if a in by_id and b in by_id:
        diff = diff_revisions(by_id[a], by_id[b])
    elif len(rows) >= 2 and a is None and b is None:
        a, b = rows[1][0].id, rows[0][0].id
        diff = diff_revisions(rows[1][0], rows[0][0])
    return render_admin(
        request,
        "admin/revisions.html",
        {
            "article": article,
            "rows": rows,
            "current_id": next((r.id for r, _ in rows if r.kind == "saved"), None),
            "diff": diff,
            "a": a,
            "b": b,
            "back": _back_link(session, article),
        },
    )


@router.post("/articles/{article_id}/revisions/{revision_id}/restore")
def restore(
    article_id: int,
    revision_id: int,
    staff: CurrentStaff,
    form: CheckedForm,
    session: WriteSession,
    settings: SettingsDep,
) -> Response:
    version = str(form.get("version", ""))
    article = found(session, Article, article_id)
    revision = session.get(ArticleRevision, revision_id) if revision_id <= MAX_ID else None
    # An autosave is what one editor was typing: never a revision anyone may restore.
    if revision is None or revision.article_id != article_id or revision.kind == "autosave":
        raise HTTPException(404)
    fields = revision_fields(revision)
    if fields.hero_path == article.hero_path and fields.hero_width is None:
        fields.hero_width, fields.hero_height = article.hero_width, article.hero_height
    # A restore is a save: on a live column it becomes a draft of changes, which goes out
    # only through "Update live column" and its review.
    change = ArticleChange(
        action="save",
        fields=fields,
        expected_version=parse_id(version) or -1,
    )
    try:
        change_article(
            session=session,
            settings=settings,
            article=article,
            change=change,
            staff=staff,
            now=utcnow(),
        )
    except StaleVersion:
        raise HTTPException(409, "The article changed since you opened this page.") from None
    except (NotAllowed, IllegalMove) as exc:
        raise HTTPException(403, str(exc)) from exc
    done = "restored_draft" if article.status in LIVE else "restored"
    return RedirectResponse(f"/admin/articles/{article_id}/revisions?done={done}", status_code=303)
