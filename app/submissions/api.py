"""The JSON API for letters: send one, and ask where it stands."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app import csrf
from app.api_errors import error_responses
from app.deps import ServicesDep, SessionDep, SettingsDep
from app.editorial.workflow import status_words
from app.models import Article, utcnow
from app.ratelimit import ClientHash
from app.submissions import service
from app.submissions.deps import LetterTopics, Writer
from app.submissions.letter_writer import Submitted
from app.submissions.screening import Refusal, RefusalKey, Screened, check_letter
from app.submissions.validation import LetterInput
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


# What the API answers for each refusal it can meet (its wording is for programs, not readers).
REFUSALS: dict[RefusalKey, tuple[int, str, dict[str, str]]] = {
    "invalid": (422, "Please correct the fields listed.", {}),
    "rate_limited": (429, "Too many letters from this client; try again later.", {}),
    "unsaved": (
        503,
        "The database is busy; nothing was saved. Try again shortly.",
        {"Retry-After": "10"},
    ),
}


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _refused(refusal: Refusal) -> JSONResponse:
    status, detail, headers = REFUSALS[refusal.key]
    body: dict[str, object] = {"detail": detail}
    if refusal.errors:
        body["errors"] = refusal.errors
    return JSONResponse(body, status_code=status, headers={**headers, **refusal.headers})


@router.post(
    "/questions",
    status_code=201,
    response_model=QuestionCreated,
    responses=error_responses(403, 429),
)
def create_question(
    body: QuestionIn,
    request: Request,
    site: ServicesDep,
    topics: LetterTopics,
    writer: Writer,
    client: ClientHash,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> JSONResponse:
    """Send a letter. Repeat the same `Idempotency-Key` to retry safely."""
    if not csrf.origin_allowed(request):
        return _error(403, "Cross-site requests are not accepted.")
    key = f"api:{idempotency_key}" if idempotency_key else service.new_submission_key()
    outcome: LetterInput | Submitted | Refusal = check_letter(body.model_dump(), topics)
    if isinstance(outcome, LetterInput):
        outcome = service.accept_letter(
            writer=writer,
            secret=site.secret_key,
            client=client,
            screened=Screened(outcome, key),
            now=utcnow(),
        )
    if isinstance(outcome, Refusal):
        return _refused(outcome)
    status_url = f"{site.settings.base_url}/ask/status/{outcome.token}"
    # A response, not the model: FastAPI would check a model against `response_model` in a
    # second trip to a worker thread.
    created = QuestionCreated(token=outcome.token, status_url=status_url)
    return JSONResponse(created.model_dump(), status_code=201)


@router.get("/questions/{token}", response_model=QuestionStatusOut)
def question_status(token: str, session: SessionDep, settings: SettingsDep) -> QuestionStatusOut:
    """Where a letter stands (never the letter's address)."""
    question = service.find_by_token(session=session, token=token)
    if question is None:
        raise HTTPException(404, "No letter has this token.")
    code, label, sentence = status_words(question)
    article = session.get(Article, question.article_id) if question.article_id else None
    article_url = None
    if article is not None and article.status == "published":
        article_url = column_url(settings.base_url, article.slug)
    return QuestionStatusOut(
        status=code,
        label=label,
        message=sentence,
        received_at=question.received_at,
        article_url=article_url,
    )
