"""Letters on their way into the database: each stored once per submission key, with its
address apart and its receipt queued, and those that arrive together written in one
transaction."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Insert, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import session_scope
from app.mail import queue_templated
from app.models import Question, QuestionContact
from app.ratelimit import RateLimited, require_hourly_allowance
from app.search import index_question

RATE_BUCKET = "letters"


@dataclass(frozen=True)
class Submitted:
    question_id: int
    token: str
    duplicate: bool


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
