"""Every state change of letters and articles, in one place: the form, the API, the CLI and
the scheduler all come through here, so the rules hold whichever way a change arrives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session

from app.mail import cancel_mail_for_question
from app.models import Question, QuestionContact, QuestionStatus, utcnow

Q = QuestionStatus
QUESTION_MOVES: dict[str, set[str]] = {
    Q.new: {Q.shortlisted, Q.answering, Q.declined, Q.spam, Q.withdrawn},
    Q.shortlisted: {Q.new, Q.answering, Q.declined, Q.spam, Q.withdrawn},
    Q.answering: {Q.shortlisted, Q.published, Q.declined, Q.withdrawn},
    Q.published: set(),
    Q.declined: {Q.new},
    Q.spam: {Q.new},
    Q.withdrawn: set(),
}
WITHDRAWABLE = {Q.new, Q.shortlisted, Q.answering}


class IllegalMove(ValueError):
    """A state change the workflow does not allow; nothing was changed."""


def move_question(
    *, session: Session, question: Question, to: str, now: datetime | None = None
) -> None:
    """Change a letter's state if the workflow allows it, else raise IllegalMove."""
    if to not in QUESTION_MOVES.get(question.status, set()):
        raise IllegalMove(f"A letter that is {question.status} cannot become {to}.")
    question.status = to
    question.status_changed_at = question.updated_at = now or utcnow()
    session.add(question)


def withdraw_question(*, session: Session, question: Question, now: datetime | None = None) -> None:
    """The reader takes the letter back: its text and address are erased, a tombstone stays."""
    move_question(session=session, question=question, to=Q.withdrawn, now=now)
    question.letter = None
    question.letter_purged_at = question.updated_at
    assert question.id is not None
    erase_submitter_email(session=session, question_id=question.id)
    cancel_mail_for_question(session=session, question_id=question.id)


def erase_submitter_email(*, session: Session, question_id: int) -> None:
    """Forget a reader's email address."""
    session.execute(delete(QuestionContact).where(QuestionContact.question_id == question_id))  # type: ignore[arg-type]
