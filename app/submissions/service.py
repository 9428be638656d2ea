"""Taking in readers' letters: durable, idempotent, rate-limited, and private."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy import Insert, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import core, session_scope
from app.mail import queue_templated
from app.models import Question, QuestionContact, QuestionStatus, Topic
from app.publishing.search import index_question
from app.ratelimit import RateLimited, client_address, client_hash, require_hourly_allowance
from app.submissions.urgency import urgent_categories
from app.submissions.validation import LetterInput

RATE_BUCKET = "letters"
Q = QuestionStatus


@dataclass(frozen=True)
class Submitted:
    question_id: int
    token: str
    duplicate: bool


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


_TOPIC_NAMES = select(Topic.name).order_by(col(Topic.name))


def topic_names(db: Session | Connection) -> list[str]:
    """The topics a reader may hint at, by name."""
    return list(core(db).execute(_TOPIC_NAMES).scalars())


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


def submit_letter(
    *,
    session: Session,
    settings: Settings,
    question: Question,
    token: str,
    email: str | None,
    client: str,
) -> Submitted:
    """Store a letter (once per submission key), its address apart, and queue the receipt."""
    # Core statements on the session's connection: the ORM's bulk-insert machinery costs more
    # than the INSERT, inside the one write transaction the database allows at a time.
    connection = session.connection()
    stored = connection.execute(_insert_once(session), question.model_dump(exclude={"id"})).scalar()
    if stored is None:  # this form was posted before
        existing = session.exec(
            select(Question.id).where(Question.submission_key == question.submission_key)
        ).one()
        return Submitted(existing or 0, token, duplicate=True)
    question.id = stored
    require_hourly_allowance(  # past the allowance, the whole transaction is rolled back
        session=session,
        bucket=RATE_BUCKET,
        client=client,
        per_hour=settings.submissions_per_hour,
        now=question.received_at,
    )
    index_question(session, question, new=True)
    if email:
        contact = {"question_id": question.id, "email": email, "created_at": question.received_at}
        connection.execute(insert(QuestionContact), contact)
        _queue_receipt(session=session, settings=settings, question=question, to=email, token=token)
    return Submitted(question.id, token, duplicate=False)


def _insert_once(session: Session) -> Insert:
    """INSERT of a letter that does nothing when its submission key is already stored."""
    return _INSERT_ONCE[session.get_bind().dialect.name]


_INSERT_ONCE: dict[str, Insert] = {
    name: make(Question)
    .on_conflict_do_nothing(index_elements=["submission_key"])
    .returning(col(Question.id))
    for name, make in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


def accept_letter(
    *, request: Request, letter: LetterInput, submission_key: str, now: datetime
) -> Submitted:
    """Commit a letter for this request (durably, before any answer goes out).

    Raises RateLimited past the hourly allowance and OperationalError when the database
    cannot take it; a second post of the same form finds the first one's status link.
    """
    secret = request.app.state.secret_key
    token = status_token(secret, submission_key)
    question = new_question(letter=letter, token=token, submission_key=submission_key, now=now)
    client = client_hash(secret, client_address(request), now)
    writer: LetterWriter = request.app.state.letter_writer
    return writer.write(
        PendingLetter(question=question, token=token, email=letter.email, client=client)
    )


@dataclass
class PendingLetter:
    """One letter on its way to the database, and what became of it."""

    question: Question
    token: str
    email: str | None
    client: str
    result: Submitted | None = None
    error: BaseException | None = None

    @property
    def settled(self) -> bool:
        return self.result is not None or self.error is not None


class LetterWriter:
    """Writes the letters of this process, those that arrive together in one transaction.

    Each letter is written under a savepoint of its own, so one refused (over its allowance,
    or sent twice at once) leaves the others whole; the commit, and with it the flush to
    disk, is shared. A thread queues its letter and waits for the writing lock; whoever
    holds it takes every letter queued by then, so a letter is written by the first writer
    after it arrived, and nobody is answered before the commit that holds their letter.
    """

    MAX_BATCH = 64

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._queued: list[PendingLetter] = []
        self._queue_lock = threading.Lock()
        self._writing = threading.Lock()

    def write(self, letter: PendingLetter) -> Submitted:
        """Store the letter, with whatever else is waiting; its outcome, or its error."""
        with self._queue_lock:
            self._queued.append(letter)
        with self._writing:
            while not letter.settled:
                with self._queue_lock:
                    batch = self._queued[: self.MAX_BATCH]
                    del self._queued[: self.MAX_BATCH]
                self._write(batch)
        if letter.error is not None:
            raise letter.error
        assert letter.result is not None  # settled, and without an error
        return letter.result

    def _write(self, batch: list[PendingLetter]) -> None:
        try:
            with session_scope(self.engine) as session:
                for letter in batch:
                    _write_one(session, self.settings, letter)
        except BaseException as error:  # nothing in the batch was committed
            for letter in batch:
                letter.result, letter.error = None, letter.error or error
            if not isinstance(error, Exception):
                raise
            if len(batch) > 1 and not isinstance(error, OperationalError):
                # Not the database being unavailable but something about one letter: each
                # goes again on its own, so that only that letter's writer hears of it.
                for letter in batch:
                    letter.error = None
                    self._write([letter])


def _write_one(session: Session, settings: Settings, letter: PendingLetter) -> None:
    try:
        with session.begin_nested():
            letter.result = submit_letter(
                session=session,
                settings=settings,
                question=letter.question,
                token=letter.token,
                email=letter.email,
                client=letter.client,
            )
    except IntegrityError:
        # The same form posted twice at the same moment: the other request stored it.
        letter.result = Submitted(0, letter.token, duplicate=True)
    except RateLimited as refused:
        letter.error = refused


def _queue_receipt(
    *, session: Session, settings: Settings, question: Question, to: str, token: str
) -> None:
    queue_templated(
        session=session,
        kind="receipt",
        to=to,
        question_id=question.id,
        template="receipt",
        subject=f"We have your letter — {settings.site_name}",
        context={
            "status_url": f"{settings.base_url}/ask/status/{token}",
            "signoff": question.signoff,
            "site_name": settings.site_name,
        },
    )


def find_by_token(*, session: Session, token: str) -> Question | None:
    """The letter behind a status link."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(Question).where(Question.token_hash == hash_token(token))).first()


_NOT_SELECTED = (
    "not-selected",
    "Not selected",
    "We could not take your letter for the column. Thank you for trusting us with it.",
)
STATUS_WORDS = {
    Q.new: ("received", "Received", "Your letter has arrived safely. An editor will read it."),
    Q.shortlisted: ("received", "Received", "Your letter has arrived and an editor has read it."),
    Q.answering: (
        "answering",
        "Being answered",
        "A columnist is writing an answer to your letter.",
    ),
    Q.published: ("published", "Published", "Your letter has been answered and published."),
    Q.declined: _NOT_SELECTED,
    Q.spam: _NOT_SELECTED,
    Q.withdrawn: (
        "withdrawn",
        "Withdrawn",
        "You withdrew this letter. Its text and address are erased.",
    ),
}


def status_words(question: Question) -> tuple[str, str, str]:
    """(code, label, sentence) describing where a letter stands, in plain words."""
    return STATUS_WORDS[QuestionStatus(question.status)]
