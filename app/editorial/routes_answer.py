"""A letter's page: the original beside the editable letter, and the column editor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session, col, select

from app.csrf import CheckedForm
from app.deps import SessionDep, SettingsDep, WriteSession, found
from app.editorial import letters
from app.editorial.aid import AidView, aid_view
from app.editorial.anonymise import highlight
from app.editorial.answers import Saved, save_from_editor
from app.editorial.articles import ArticleFields
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.editor import EditorPage, editor_context, opened_page
from app.editorial.forms import PostedArticle, read_article_form
from app.editorial.pages import render_admin
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


@router.get("/questions/{question_id}")
def letter_page(request: Request, question_id: int, session: SessionDep) -> Response:
    question = found(session, Question, question_id)
    article = letters.article_for(session=session, question=question)
    page = opened_page(session=session, article=article, start=letters.first_draft(question))
    return _letter_page(request, session, question, page)


@router.post("/questions/{question_id}")
def save_answer(
    request: Request,
    question_id: int,
    staff: CurrentStaff,
    posted: PostedArticle,
    settings: SettingsDep,
    session: WriteSession,
) -> Response:
    """Save the letter's answer and go back to its page, or show the form again."""
    question = found(session, Question, question_id)
    outcome = save_from_editor(
        session=session,
        settings=settings,
        staff=staff,
        posted=posted,
        target=question,
        now=utcnow(),
    )
    if isinstance(outcome, Saved):
        return RedirectResponse(outcome.location, status_code=303)
    return _letter_page(request, session, question, outcome)


def _letter_page(
    request: Request, session: Session, question: Question, page: EditorPage
) -> Response:
    context = letter_context(session, question, page.fields, page.article, page.dismissed)
    return render_admin(
        request, "admin/question.html", {**context, **page.values()}, status_code=page.status
    )


@router.post("/findings")
def live_findings(form: CheckedForm, settings: SettingsDep) -> JSONResponse:
    """The aid's findings for the fields as typed (for marks drawn while the editor types)."""
    posted = read_article_form(form, tz=settings.tz)
    view = aid_view(posted.fields, posted.dismissed)
    panel = templates.get_template("admin/_findings.html").render(aid=view)
    return JSONResponse(
        {"total": view.total, "panel": panel, "marked": view.marked},
        headers={"Cache-Control": "no-store"},
    )
