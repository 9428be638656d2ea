"""A letter's page: the original beside the editable letter, and the column editor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep, services
from app.editorial import letters
from app.editorial.aid import AidView, aid_view
from app.editorial.anonymise import highlight
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
from app.editorial.letters import load_question
from app.editorial.pages import checked_form, render_admin
from app.editorial.staff import staff_names
from app.editorial.workflow import status_words
from app.models import Article, Question, Staff, utcnow
from app.publishing.service import articles_by_ids
from app.search import similar_articles, similar_letters
from app.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def letter_context(
    session: Session,
    question: Question,
    fields: ArticleFields,
    article: Article | None,
    dismissed: str | None = None,
) -> dict[str, Any]:
    """Everything the letter page shows around the form."""
    context = editor_context(session=session, article=article, fields=fields, dismissed=dismissed)
    aid: AidView = context["aid"]
    findings = [m.finding for label, marks in aid.fields if label == "letter" for m in marks]
    similar_ids = similar_letters(session, question.letter or "", exclude_id=question.id or 0)
    similar_qs = session.exec(select(Question).where(col(Question.id).in_(similar_ids))).all()
    columnists = session.exec(
        select(Staff).where(col(Staff.active).is_(True)).order_by(col(Staff.email))
    ).all()
    return {
        **context,
        "question": question,
        "form_action": f"/admin/questions/{question.id}",
        "status": status_words(question),
        "findings": findings,
        "marked_letter": highlight(fields.letter_md, findings),
        "notes": letters.list_notes(session=session, question_id=question.id or 0),
        "similar_letters": sorted(similar_qs, key=lambda q: similar_ids.index(q.id or 0)),
        "similar_articles": articles_by_ids(
            session=session, ids=similar_articles(session, question.letter or "")
        ),
        "columnists": columnists,
        "staff_names": staff_names(session),
        "today": utcnow().date(),
    }


def _form_fields(session: Session, question: Question, article: Article | None) -> ArticleFields:
    return editor_fields(session=session, article=article, start=letters.first_draft(question))


@router.get("/questions/{question_id}")
def letter_page(request: Request, question_id: int, session: SessionDep) -> Response:
    question = load_question(session, question_id)
    article = letters.article_for(session=session, question=question)
    fields = _form_fields(session, question, article)
    return render_admin(
        request,
        "admin/question.html",
        {
            **letter_context(session, question, fields, article),
            "version": article.version if article else 0,
            "publish_at": "",
            "errors": {},
            "problems": [],
        },
    )


@router.post("/questions/{question_id}")
async def save_answer(request: Request, question_id: int, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    try:
        return await run_in_threadpool(_save_answer, request, question_id, staff, form)
    finally:
        await form.close()  # uploads wait in temporary files until closed


def _save_answer(request: Request, question_id: int, staff: Staff, form: FormData) -> Response:
    settings = services(request).settings
    with session_scope(services(request).engine) as session:
        question = load_question(session, question_id)
        article = letters.article_for(session=session, question=question)
        current = (article.hero_path, article.hero_width, article.hero_height) if article else None
        posted = read_article_form(
            form, tz=settings.tz, current_hero=current or (None,) * 3, media_dir=settings.media_dir
        )
        if not posted.fields.slug and not posted.fields.title:
            posted.fields.slug = f"letter-{question_id}"
        outcome = save_column(
            session=session,
            settings=settings,
            staff=staff,
            article=article or Article(title=posted.fields.title, slug=f"letter-{question_id}"),
            posted=posted,
            now=utcnow(),
            question=question,
        )
        if outcome.stale:
            return _stale(request, session, question, posted)
        if outcome.done is None:
            return _again(request, session, question, article, posted, outcome)
    return RedirectResponse(f"/admin/questions/{question_id}?done={outcome.done}", status_code=303)


def _again(
    request: Request,
    session: Session,
    question: Question,
    article: Article | None,
    posted: ArticleForm,
    outcome: SaveOutcome,
) -> Response:
    """The page again with everything the editor typed, and what went wrong."""
    context = letter_context(session, question, posted.fields, article, posted.dismissed)
    if outcome.preview:
        context["preview"] = preview_column(posted.fields)
    return render_admin(
        request,
        "admin/question.html",
        {
            **context,
            "version": posted.version,
            "publish_at": posted.publish_at_text,
            "errors": posted.errors,
            "problems": outcome.problems,
        },
        status_code=outcome.status,
    )


def _stale(request: Request, session: Session, question: Question, posted: ArticleForm) -> Response:
    """Refuse a save based on an old version: show the newer one, and what was typed."""
    article = letters.article_for(session=session, question=question)
    assert article is not None
    newer = carry_upload(shown=_form_fields(session, question, article), posted=posted.fields)
    return render_admin(
        request,
        "admin/question.html",
        {
            **letter_context(session, question, newer, article),
            "version": article.version,
            "publish_at": "",
            "errors": {},
            "unsaved": posted.fields,
            "problems": [
                "Someone else saved this article while you were editing. Nothing you typed "
                "was saved: the form now shows their version, and your text is below it."
            ],
        },
        status_code=409,
    )


@router.post("/findings")
async def live_findings(request: Request) -> JSONResponse:
    """The aid's findings for the fields as typed (for marks drawn while the editor types)."""
    form = await checked_form(request)
    posted = read_article_form(form, tz=services(request).settings.tz, current_hero=(None,) * 3)
    view = await run_in_threadpool(aid_view, posted.fields, posted.dismissed)
    panel = templates.get_template("admin/_findings.html").render(aid=view)
    return JSONResponse(
        {"total": view.total, "panel": panel, "marked": view.marked},
        headers={"Cache-Control": "no-store"},
    )
