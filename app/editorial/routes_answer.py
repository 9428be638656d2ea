"""A letter's page: the original beside the editable letter, and the answer editor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep
from app.editorial import letters
from app.editorial.anonymise import find_identifying_details, highlight
from app.editorial.articles import ArticleFields, fields_of
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.forms import ArticleForm, read_article_form
from app.editorial.images import ImageRejected, store_hero
from app.editorial.pages import checked_form, render_admin
from app.editorial.routes_letters import load_question, staff_names
from app.editorial.workflow import (
    ArticleChange,
    ChecklistFailed,
    IllegalMove,
    NotAllowed,
    StaleVersion,
    change_article,
)
from app.markdown import render_markdown
from app.models import Article, Question, Staff, utcnow
from app.publishing.search import similar_articles, similar_letters
from app.publishing.service import articles_by_ids
from app.submissions.service import status_words

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def letter_context(
    session: Session, question: Question, fields: ArticleFields, article: Article | None
) -> dict[str, Any]:
    """Everything the letter page shows around the form."""
    findings = find_identifying_details(fields.letter_md)
    similar_ids = similar_letters(session, question.letter or "", exclude_id=question.id or 0)
    similar_qs = session.exec(select(Question).where(col(Question.id).in_(similar_ids))).all()
    columnists = session.exec(
        select(Staff).where(col(Staff.active).is_(True)).order_by(col(Staff.email))
    ).all()
    return {
        "question": question,
        "article": article,
        "fields": fields,
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


@router.get("/questions/{question_id}")
def letter_page(request: Request, question_id: int, session: SessionDep) -> Response:
    question = load_question(session, question_id)
    article = letters.article_for(session=session, question=question)
    fields = (
        fields_of(session=session, article=article) if article else letters.first_draft(question)
    )
    return render_admin(
        request,
        "admin/question.html",
        {
            **letter_context(session, question, fields, article),
            "version": article.version if article else 0,
            "reviewed": bool(article and article.anonymisation_reviewed),
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
    settings = request.app.state.settings
    with session_scope(request.app.state.engine) as session:
        question = load_question(session, question_id)
        article = letters.article_for(session=session, question=question)
        current = (
            (article.hero_path, article.hero_width, article.hero_height)
            if article
            else (None, None, None)
        )
        posted = read_article_form(form, tz=settings.tz, current_hero=current)
        if posted.upload is not None and not posted.errors:
            try:
                data = posted.upload.file.read()
                name, width, height = store_hero(data, settings.media_dir)
                posted.fields.hero_path, posted.fields.hero_width, posted.fields.hero_height = (
                    name,
                    width,
                    height,
                )
            except ImageRejected as exc:
                posted.errors["hero"] = str(exc)
        if posted.errors:
            return _again(
                request,
                session,
                question,
                article,
                posted,
                422,
                ["Please correct the fields marked below."],
            )
        if not posted.fields.slug and not posted.fields.title:
            posted.fields.slug = f"letter-{question_id}"
        if posted.action == "preview":
            return _again(request, session, question, article, posted, 200, [], preview=True)
        findings = find_identifying_details(posted.fields.letter_md)
        change = ArticleChange(
            action=posted.action,
            fields=posted.fields,
            expected_version=posted.version,
            reviewed=posted.reviewed,
            identifying_details=len(findings),
            publish_at=posted.publish_at,
            question=question,
        )
        target = article or Article(title=posted.fields.title, slug=f"letter-{question_id}")
        try:
            change_article(
                session=session,
                settings=settings,
                article=target,
                change=change,
                staff=staff,
                now=utcnow(),
            )
        except ChecklistFailed as exc:
            session.rollback()
            return _again(
                request,
                session,
                question,
                article,
                posted,
                422,
                ["This cannot go out yet. Missing: " + "; ".join(exc.missing) + "."],
            )
        except StaleVersion:
            session.rollback()
            return _stale(request, session, question, posted)
        except NotAllowed as exc:
            session.rollback()
            return _again(request, session, question, article, posted, 403, [str(exc)])
        except IllegalMove as exc:
            session.rollback()
            return _again(request, session, question, article, posted, 409, [str(exc)])
    return RedirectResponse(f"/admin/questions/{question_id}?done={posted.action}", status_code=303)


def _again(
    request: Request,
    session: Session,
    question: Question,
    article: Article | None,
    posted: ArticleForm,
    status: int,
    problems: list[str],
    preview: bool = False,
) -> Response:
    """The page again with everything the editor typed, and what went wrong."""
    context = letter_context(session, question, posted.fields, article)
    if preview:
        context["preview"] = {
            "letter_html": render_markdown(posted.fields.letter_md),
            "answer_html": render_markdown(posted.fields.answer_md),
        }
    return render_admin(
        request,
        "admin/question.html",
        {
            **context,
            "version": posted.version,
            "reviewed": posted.reviewed,
            "publish_at": posted.publish_at_text,
            "errors": posted.errors,
            "problems": problems,
        },
        status_code=status,
    )


def _stale(request: Request, session: Session, question: Question, posted: ArticleForm) -> Response:
    """Refuse a save based on an old version: show the newer one, and what was typed."""
    article = letters.article_for(session=session, question=question)
    assert article is not None
    newer = fields_of(session=session, article=article)
    return render_admin(
        request,
        "admin/question.html",
        {
            **letter_context(session, question, newer, article),
            "version": article.version,
            "reviewed": article.anonymisation_reviewed,
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


@router.post("/preview")
async def live_preview(request: Request) -> JSONResponse:
    """The letter and answer rendered exactly as they would be published (for live preview)."""
    form = await checked_form(request)
    letter, answer = str(form.get("letter", "")), str(form.get("answer", ""))
    letter_html, answer_html = await run_in_threadpool(
        lambda: (render_markdown(letter), render_markdown(answer))
    )
    return JSONResponse(
        {"letter_html": letter_html, "answer_html": answer_html},
        headers={"Cache-Control": "no-store"},
    )
