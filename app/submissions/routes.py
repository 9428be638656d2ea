"""The letter form at /ask and the reader's private status page."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from app import csrf
from app.csrf import CheckedForm
from app.deps import PostedForm, ServicesDep, SessionDep, WriteSession
from app.editorial.reads import Reads
from app.editorial.workflow import WITHDRAWABLE, IllegalMove, status_words, withdraw_question
from app.models import Article, utcnow
from app.publishing.pages import Texts
from app.ratelimit import ClientHash
from app.submissions import form_token, service
from app.submissions.deps import LetterTopics, Writer
from app.submissions.letter_writer import Submitted
from app.submissions.screening import NOTICES, Refusal, Screened, screen_letter
from app.submissions.validation import QUESTION_MAX
from app.templating import PRIVATE, render

router = APIRouter(include_in_schema=False)
FIELDS = ("question", "signoff", "email", "topic_hint", "consent")
# A status link is a secret: no page it opens may pass it on.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def render_form(
    request: Request,
    secret: str,
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
    context = {
        "values": values or {},
        "errors": errors or {},
        "notice": notice,
        "topics": topics,
        "question_max": QUESTION_MAX,
        "form_token": token or form_token.issue(secret, service.new_submission_key()),
    }
    return render(request, "ask/form.html", context, status_code=status_code, headers=headers)


@router.get("/ask")
async def ask_form(request: Request, site: ServicesDep, reads: Reads) -> Response:
    return render_form(request, site.secret_key, await reads.topic_names())


@router.post("/ask")
def send_letter(
    request: Request,
    form: PostedForm,
    site: ServicesDep,
    topics: LetterTopics,
    writer: Writer,
    client: ClientHash,
) -> Response:
    values = {name: str(form.get(name, "")) for name in FIELDS}
    posted_token, now = form.get("form_token"), utcnow()
    outcome: Screened | Submitted | Refusal = screen_letter(
        fields=values,
        posted_token=posted_token,
        csrf_ok=csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)),
        honeypot=str(form.get("website", "")),
        settings=site.settings,
        secret=site.secret_key,
        topics=topics,
        now=now,
    )
    if isinstance(outcome, Screened):
        outcome = service.accept_letter(
            writer=writer, secret=site.secret_key, client=client, screened=outcome, now=now
        )
    if isinstance(outcome, Refusal):
        return _refused(request, site.secret_key, topics or [], values, posted_token, outcome)
    return RedirectResponse(f"/ask/status/{outcome.token}", status_code=303)


def _refused(
    request: Request,
    secret: str,
    topics: list[str],
    values: dict[str, str],
    posted_token: object,
    refusal: Refusal,
) -> Response:
    """The form again, everything typed still in it, saying why the letter was not taken."""
    notice = NOTICES[refusal.key]
    kept = notice.keep_token and isinstance(posted_token, str)
    return render_form(
        request,
        secret,
        topics,
        values=values,
        errors=refusal.errors,
        notice=notice.sentence,
        token=str(posted_token) if kept else None,
        status_code=notice.status_code,
        headers={**notice.headers, **refusal.headers},
    )


@router.get("/ask/status/{token}")
def letter_status(request: Request, token: str, session: SessionDep, texts: Texts) -> Response:
    question = service.find_by_token(session=session, token=token)
    if question is None:
        raise HTTPException(404, headers={**PRIVATE, **NO_REFERRER})
    article = session.get(Article, question.article_id) if question.article_id else None
    code, label, sentence = status_words(question)
    context = {
        "question": question,
        "token": token,
        "code": code,
        "label": label,
        "sentence": sentence,
        "article": article if article and article.status == "published" else None,
        "can_withdraw": question.status in WITHDRAWABLE,
        "crisis": texts.crisis if question.urgent else None,
    }
    return render(request, "ask/status.html", context, headers=NO_REFERRER)


@router.post("/ask/status/{token}/withdraw")
def withdraw(token: str, form: CheckedForm, session: WriteSession) -> Response:
    question = service.find_by_token(session=session, token=token)
    if question is None:
        raise HTTPException(404)
    # Already withdrawn or decided: the status page says where it stands.
    with contextlib.suppress(IllegalMove):
        withdraw_question(session=session, question=question)
    return RedirectResponse(
        f"/ask/status/{token}", status_code=303, headers={**PRIVATE, **NO_REFERRER}
    )
