"""The letter form at /ask and the reader's private status page."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import OperationalError
from starlette.datastructures import FormData

from app import csrf
from app.db import session_scope
from app.deps import SessionDep, services
from app.editorial.reads import DeskReads
from app.editorial.workflow import WITHDRAWABLE, IllegalMove, status_words, withdraw_question
from app.models import Article, utcnow
from app.publishing.pages import SiteTexts
from app.ratelimit import RateLimited
from app.submissions import form_token, service
from app.submissions.validation import QUESTION_MAX, validate_letter
from app.templating import templates

router = APIRouter(include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
FIELDS = ("question", "signoff", "email", "topic_hint", "consent")


def render_form(
    request: Request,
    topics: list[str],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    token: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The letter form, with whatever the reader typed kept in place."""
    secret = services(request).secret_key
    response = templates.TemplateResponse(
        request,
        "ask/form.html",
        {
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
            "topics": topics,
            "question_max": QUESTION_MAX,
            "csrf_token": csrf.csrf_token(request),
            "form_token": token or form_token.issue(secret, service.new_submission_key()),
        },
        status_code=status_code,
        headers={**PRIVATE, **(headers or {})},
    )
    csrf.set_csrf_cookie(request, response)
    return response


@router.get("/ask")
async def ask_form(request: Request) -> Response:
    return render_form(request, await services(request).part(DeskReads).topic_names())


@router.post("/ask")
async def send_letter(request: Request) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FIELDS}
    settings, secret = services(request).settings, services(request).secret_key
    posted_token = form.get("form_token")
    try:
        # A brief read on a connection of its own: none is held while the write below waits.
        topics: list[str] | None = await services(request).part(DeskReads).topic_names()
    except OperationalError:
        topics = None

    def again(
        status: int,
        *,
        notice: str | None = None,
        errors: dict[str, str] | None = None,
        keep_token: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Response:
        token = str(posted_token) if keep_token and isinstance(posted_token, str) else None
        return render_form(
            request,
            topics or [],
            values=values,
            errors=errors,
            notice=notice,
            token=token,
            status_code=status,
            headers=headers,
        )

    if not csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)):
        return again(
            403,
            notice="For your security, this form had expired. "
            "Your letter is still here: please press Send again.",
        )
    if str(form.get("website", "")).strip():
        return again(
            422,
            notice="Please leave the field labelled “Leave this empty” blank, "
            "then press Send again.",
        )
    stamp = form_token.read(secret, posted_token)
    if stamp is None:
        return again(
            422,
            keep_token=False,
            notice="This form was open for a long time, so we "
            "refreshed it. Your letter is still here: please press Send again.",
        )
    if stamp.age_seconds < settings.form_min_seconds:
        return again(
            422,
            notice="That was quicker than we expected from a person. "
            "Please check your letter, then press Send again.",
        )
    if topics is None:
        return _unsaved(again)
    letter, errors = validate_letter(dict(values), topics)
    if letter is None:
        return again(
            422,
            errors=errors,
            notice="Please check the highlighted fields. Everything you wrote is still here.",
        )
    try:
        # In a thread: waiting for the database's write lock must not stall this worker.
        submitted = await run_in_threadpool(
            service.accept_letter,
            request=request,
            letter=letter,
            submission_key=stamp.submission_key,
            now=utcnow(),
        )
    except RateLimited as limited:
        return again(
            429,
            headers={"Retry-After": str(limited.retry_after)},
            notice="You have sent several letters in the last hour. Please wait a while "
            "before sending another; your text is still here.",
        )
    except OperationalError:
        return _unsaved(again)
    return RedirectResponse(f"/ask/status/{submitted.token}", status_code=303)


def _unsaved(again: Callable[..., Response]) -> Response:
    return again(
        503,
        headers={"Retry-After": "10"},
        notice="We could not save your letter just now. Nothing is lost: your text "
        "is still here. Please try again in a few seconds.",
    )


def _private(response: Response) -> Response:
    response.headers.update({**PRIVATE, "Referrer-Policy": "no-referrer"})
    return response


@router.get("/ask/status/{token}")
def letter_status(request: Request, token: str, session: SessionDep) -> Response:
    question = service.find_by_token(session=session, token=token)
    if question is None:
        raise HTTPException(404, headers={**PRIVATE, "Referrer-Policy": "no-referrer"})
    article = session.get(Article, question.article_id) if question.article_id else None
    code, label, sentence = status_words(question)
    response = templates.TemplateResponse(
        request,
        "ask/status.html",
        {
            "question": question,
            "token": token,
            "code": code,
            "label": label,
            "sentence": sentence,
            "article": article if article and article.status == "published" else None,
            "can_withdraw": question.status in WITHDRAWABLE,
            "crisis": services(request).part(SiteTexts).crisis if question.urgent else None,
            "csrf_token": csrf.csrf_token(request),
        },
    )
    csrf.set_csrf_cookie(request, response)
    return _private(response)


@router.post("/ask/status/{token}/withdraw")
async def withdraw(request: Request, token: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_withdraw, request, token, form)


def _withdraw(request: Request, token: str, form: FormData) -> Response:
    if not csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)):
        raise HTTPException(403)
    with session_scope(services(request).engine) as session:
        question = service.find_by_token(session=session, token=token)
        if question is None:
            raise HTTPException(404)
        # Already withdrawn or decided: the status page says where it stands.
        with contextlib.suppress(IllegalMove):
            withdraw_question(session=session, question=question)
    return _private(RedirectResponse(f"/ask/status/{token}", status_code=303))
