"""The JSON API for letters: send one, and ask where it stands."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from app import csrf
from app.api_errors import error_responses
from app.deps import SessionDep, services
from app.editorial.reads import DeskReads
from app.editorial.workflow import status_words
from app.models import Article, utcnow
from app.ratelimit import RateLimited
from app.submissions import service
from app.submissions.validation import validate_letter
from app.urls import column_url

router = APIRouter(prefix="/api/v1", tags=["questions"], responses=error_responses(404, 422, 503))


class QuestionIn(BaseModel):
    question: str = Field(max_length=20_000)
    signoff: str = Field(max_length=500)
    email: str | None = Field(default=None, max_length=320)
    topic_hint: str | None = Field(default=None, max_length=80)
    consent: bool = False


class QuestionCreated(BaseModel):
    token: str
    status_url: str


class QuestionStatusOut(BaseModel):
    status: str
    label: str
    message: str
    received_at: datetime
    article_url: str | None = None


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _busy() -> JSONResponse:
    return _error(
        503, "The database is busy; nothing was saved. Try again shortly.", {"Retry-After": "10"}
    )


@router.post(
    "/questions",
    status_code=201,
    response_model=QuestionCreated,
    responses=error_responses(403, 429),
)
async def create_question(
    body: QuestionIn,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> QuestionCreated | JSONResponse:
    """Send a letter. Repeat the same `Idempotency-Key` to retry safely."""
    if not csrf.origin_allowed(request):
        return _error(403, "Cross-site requests are not accepted.")
    try:
        topics = await services(request).part(DeskReads).topic_names()
    except OperationalError:
        return _busy()
    letter, errors = validate_letter(body.model_dump(), topics)
    if letter is None:
        return JSONResponse(
            {"detail": "Please correct the fields listed.", "errors": errors}, status_code=422
        )
    settings = services(request).settings
    key = f"api:{idempotency_key}" if idempotency_key else service.new_submission_key()
    try:
        # The write, and the wait for it, in a worker thread.
        submitted = await run_in_threadpool(
            service.accept_letter, request=request, letter=letter, submission_key=key, now=utcnow()
        )
    except RateLimited as limited:
        return _error(
            429,
            "Too many letters from this client; try again later.",
            {"Retry-After": str(limited.retry_after)},
        )
    except OperationalError:
        return _busy()
    return QuestionCreated(
        token=submitted.token, status_url=f"{settings.base_url}/ask/status/{submitted.token}"
    )


@router.get("/questions/{token}", response_model=QuestionStatusOut)
def question_status(token: str, request: Request, session: SessionDep) -> QuestionStatusOut:
    """Where a letter stands (never the letter's address)."""
    question = service.find_by_token(session=session, token=token)
    if question is None:
        raise HTTPException(404, "No letter has this token.")
    code, label, sentence = status_words(question)
    article = session.get(Article, question.article_id) if question.article_id else None
    article_url = None
    if article is not None and article.status == "published":
        article_url = column_url(services(request).settings.base_url, article.slug)
    return QuestionStatusOut(
        status=code,
        label=label,
        message=sentence,
        received_at=question.received_at,
        article_url=article_url,
    )
