"""Taking in readers' letters: durable, idempotent, rate-limited, and private."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.models import Question
from app.ratelimit import RateLimited
from app.submissions.letter_writer import LetterWriter, PendingLetter, Submitted
from app.submissions.screening import Refusal, Screened
from app.submissions.urgency import urgent_categories
from app.submissions.validation import LetterInput


def new_submission_key() -> str:
    """A random key that makes one filled-in form one letter, however often it is posted."""
    return secrets.token_urlsafe(24)


def status_token(secret: str, submission_key: str) -> str:
    """The private status link's token: 256 bits derived from the submission key, so a
    repeated post finds the same link while only a hash of it is stored."""
    digest = hmac.new(secret.encode(), f"status:{submission_key}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_question(
    *, letter: LetterInput, token: str, submission_key: str, now: datetime
) -> Question:
    """The row a letter becomes (built before the write transaction, which then holds only SQL)."""
    categories = urgent_categories(letter.question)
    return Question(
        letter=letter.question,
        signoff=letter.signoff,
        topic_hint=letter.topic_hint,
        consent=letter.consent,
        urgent=bool(categories),
        urgent_categories=",".join(categories),
        token_hash=hash_token(token),
        submission_key=submission_key,
        received_at=now,
        updated_at=now,
        status_changed_at=now,
    )


def accept_letter(
    *, writer: LetterWriter, secret: str, client: str, screened: Screened, now: datetime
) -> Submitted | Refusal:
    """Commit a letter from this client (durably, before any answer goes out), or refuse it
    past the hourly allowance or when the database cannot take it; a second post of the same
    form finds the first one's status link."""
    key, letter = screened.submission_key, screened.letter
    token = status_token(secret, key)
    question = new_question(letter=letter, token=token, submission_key=key, now=now)
    pending = PendingLetter(question=question, token=token, email=letter.email, client=client)
    try:
        return writer.write(pending)
    except RateLimited as limited:
        return Refusal("rate_limited", headers={"Retry-After": str(limited.retry_after)})
    except OperationalError:
        return Refusal("unsaved")


def find_by_token(*, session: Session, token: str) -> Question | None:
    """The letter behind a status link."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(Question).where(Question.token_hash == hash_token(token))).first()
