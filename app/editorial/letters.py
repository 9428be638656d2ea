"""Working on letters: triage, notes, assignment, and starting the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.config import Settings
from app.editorial import audit
from app.editorial.articles import ArticleFields
from app.editorial.auth import has_role
from app.editorial.notify import notify_not_selected
from app.editorial.workflow import NotAllowed, erase_submitter_email, move_question
from app.models import (
    Article,
    Question,
    QuestionContact,
    QuestionNote,
    QuestionStatus,
    Role,
    Staff,
)

TRIAGE = {
    "shortlist": QuestionStatus.shortlisted,
    "answering": QuestionStatus.answering,
    "decline": QuestionStatus.declined,
    "spam": QuestionStatus.spam,
    "reopen": QuestionStatus.new,
}


@dataclass(frozen=True)
class NoteView:
    note: QuestionNote
    author: str


def triage(
    *,
    session: Session,
    settings: Settings,
    question: Question,
    action: str,
    staff: Staff,
    now: datetime,
    reason: str = "",
    kind_line: str = "",
) -> None:
    """Move a letter in the queue (editors only); a decline may carry a kind line."""
    if not has_role(staff, Role.editor):
        raise NotAllowed("Only editors can triage letters.")
    target = TRIAGE[action]
    move_question(session=session, question=question, to=target, now=now)
    if target == QuestionStatus.declined:
        question.decline_reason = reason.strip()[:500] or None
        question.decline_note = kind_line.strip()[:300] or None
    if target in (QuestionStatus.declined, QuestionStatus.spam):
        _tell_outcome(
            session=session,
            settings=settings,
            question=question,
            now=now,
            send=target == QuestionStatus.declined,
        )
    audit.record(
        session=session,
        action=f"question.{target}",
        staff_id=staff.id,
        target=f"question:{question.id}",
        detail=reason.strip()[:200],
    )


def _tell_outcome(
    *, session: Session, settings: Settings, question: Question, now: datetime, send: bool
) -> None:
    assert question.id is not None
    contact = session.get(QuestionContact, question.id)
    if contact is None:
        return
    if send:
        notify_not_selected(session=session, settings=settings, question=question, to=contact.email)
    question.outcome_notified_at = now
    erase_submitter_email(session=session, question_id=question.id)


def bulk_triage(
    *,
    session: Session,
    settings: Settings,
    ids: list[int],
    action: str,
    staff: Staff,
    now: datetime,
) -> tuple[int, int]:
    """Decline or mark as spam many letters; returns (moved, skipped)."""
    moved = skipped = 0
    for question in session.exec(select(Question).where(col(Question.id).in_(ids))).all():
        try:
            triage(
                session=session,
                settings=settings,
                question=question,
                action=action,
                staff=staff,
                now=now,
            )
            moved += 1
        except ValueError:
            skipped += 1
    return moved, skipped


def add_note(
    *, session: Session, question: Question, staff: Staff, body: str, now: datetime
) -> None:
    """Add an internal note to a letter."""
    session.add(
        QuestionNote(
            question_id=question.id or 0, staff_id=staff.id, body=body.strip(), created_at=now
        )
    )
    audit.record(
        session=session, action="question.note", staff_id=staff.id, target=f"question:{question.id}"
    )


def list_notes(*, session: Session, question_id: int) -> list[NoteView]:
    """A letter's notes, oldest first, with their authors."""
    rows = session.exec(
        select(QuestionNote, Staff.email)
        .outerjoin(Staff, col(Staff.id) == QuestionNote.staff_id)
        .where(QuestionNote.question_id == question_id)
        .order_by(col(QuestionNote.id))
    ).all()
    return [NoteView(note, email or "former staff") for note, email in rows]


def assign(
    *,
    session: Session,
    question: Question,
    staff: Staff,
    assignee_id: int | None,
    due_on: date | None,
) -> None:
    """Give a letter to a columnist, with a due date (editors only)."""
    if not has_role(staff, Role.editor):
        raise NotAllowed("Only editors can assign letters.")
    if assignee_id is not None:
        assignee = session.get(Staff, assignee_id)
        if assignee is None or not assignee.active:
            raise ValueError("Choose an active member of staff.")
    question.assigned_to, question.due_on = assignee_id, due_on
    session.add(question)
    audit.record(
        session=session,
        action="question.assign",
        staff_id=staff.id,
        target=f"question:{question.id}",
        detail=f"staff:{assignee_id} due:{due_on}",
    )


def article_for(*, session: Session, question: Question) -> Article | None:
    """The article answering this letter, if one has been started."""
    return session.get(Article, question.article_id) if question.article_id else None


def first_draft(question: Question) -> ArticleFields:
    """What the answer form starts with: the letter as sent, ready to edit."""
    letter = question.letter or ""
    if not letter.lower().startswith("dear ethics consult"):
        letter = f"Dear Ethics Consult,\n\n{letter}"
    return ArticleFields(
        title="",
        slug="",
        letter_md=letter,
        answer_md="",
        signoff=question.signoff,
        topics=[question.topic_hint] if question.topic_hint else [],
    )
