"""Every state change of letters and articles, in one place: the form, the API, the CLI and
the scheduler all come through here, so the rules hold whichever way a change arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.config import Settings
from app.editorial import audit
from app.editorial.articles import (
    ArticleFields,
    after_public_change,
    apply_fields,
    fields_of,
    leave_redirect,
    snapshot,
    unique_slug,
)
from app.editorial.auth import has_role
from app.editorial.notify import notify_published
from app.mail import cancel_mail_for_question
from app.markdown import slugify
from app.models import (
    Article,
    ArticleStatus,
    Question,
    QuestionContact,
    QuestionStatus,
    Role,
    Staff,
    utcnow,
)
from app.publishing.search import index_question

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
    index_question(session, question)
    assert question.id is not None
    erase_submitter_email(session=session, question_id=question.id)
    cancel_mail_for_question(session=session, question_id=question.id)


def erase_submitter_email(*, session: Session, question_id: int) -> None:
    """Forget a reader's email address."""
    session.execute(delete(QuestionContact).where(QuestionContact.question_id == question_id))  # type: ignore[arg-type]


# ---- Articles -------------------------------------------------------------------------

A = ArticleStatus
ARTICLE_MOVES: dict[str, set[str]] = {
    A.draft: {A.in_review, A.scheduled, A.published},
    A.in_review: {A.draft, A.scheduled, A.published},
    A.scheduled: {A.draft, A.scheduled, A.published, A.unpublished},
    A.published: {A.unpublished},
    A.unpublished: {A.draft, A.in_review, A.scheduled, A.published},
}
# What each button does: the least role that may press it, and the state it leads to.
ACTIONS: dict[str, tuple[Role, str | None]] = {
    "save": (Role.columnist, None),
    "submit_review": (Role.columnist, A.in_review),
    "to_draft": (Role.columnist, A.draft),
    "schedule": (Role.editor, A.scheduled),
    "publish": (Role.editor, A.published),
    "unpublish": (Role.editor, A.unpublished),
}
COLUMNIST_MAY_EDIT = {A.draft, A.in_review, A.unpublished}
ACTION_WORDS = {
    "publish": "publish",
    "schedule": "schedule",
    "unpublish": "unpublish",
    "submit_review": "submit for review",
    "to_draft": "send back to draft",
}
DONE = {
    "publish": "published",
    "schedule": "scheduled",
    "unpublish": "unpublished",
    "submit_review": "submitted for review",
    "to_draft": "sent back to draft",
}


class NotAllowed(PermissionError):
    """The staff member's role does not allow this action."""


class StaleVersion(Exception):
    """Someone saved the article since this form was loaded."""


class ChecklistFailed(ValueError):
    """Publishing (or scheduling) is blocked: the listed items are missing."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class ArticleChange:
    """One press of a button on the article form."""

    action: str
    fields: ArticleFields | None
    expected_version: int
    reviewed: bool = False
    identifying_details: int = 0
    publish_at: datetime | None = None
    question: Question | None = None  # the letter a new article answers


def publish_checklist(
    fields: ArticleFields, *, reviewed: bool, identifying_details: int
) -> list[str]:
    """What is missing before an article may go public (empty when nothing is)."""
    missing = []
    if not fields.title.strip():
        missing.append("a title")
    if not fields.summary.strip():
        missing.append("a summary")
    if not [t for t in fields.topics if t.strip()]:
        missing.append("at least one topic")
    if fields.hero_path and not fields.hero_alt.strip():
        missing.append("alt text for the hero image")
    if identifying_details and not reviewed:
        missing.append(
            f"a review of the {identifying_details} possible identifying details "
            "(tick “identifying details reviewed”)"
        )
    if not fields.signoff.strip():
        missing.append("the reader’s sign-off")
    if not fields.byline.strip():
        missing.append("the columnist’s byline")
    if not fields.letter_md.strip() or not fields.answer_md.strip():
        missing.append("the letter and the answer")
    return missing


def change_article(
    *,
    session: Session,
    settings: Settings,
    article: Article,
    change: ArticleChange,
    staff: Staff,
    now: datetime,
) -> None:
    """Save and/or move an article, enforcing role, workflow, checklist and version."""
    if change.action not in ACTIONS:
        raise IllegalMove(f"Unknown action {change.action!r}.")
    least_role, target = ACTIONS[change.action]
    if not has_role(staff, least_role):
        raise NotAllowed(f"Only editors can {ACTION_WORDS.get(change.action, change.action)}.")
    if article.id is not None and article.version != change.expected_version:
        raise StaleVersion()
    if not has_role(staff, Role.editor) and article.status not in COLUMNIST_MAY_EDIT:
        raise NotAllowed("Only editors can change a scheduled or published article.")
    if target is not None and target not in ARTICLE_MOVES[article.status]:
        state = article.status.replace("_", " ")
        raise IllegalMove(f"This article is {state}, so it cannot be {DONE[change.action]}.")
    fields = change.fields or fields_of(session=session, article=article)
    if target in (A.published, A.scheduled):
        missing = publish_checklist(
            fields, reviewed=change.reviewed, identifying_details=change.identifying_details
        )
        if missing:
            raise ChecklistFailed(missing)
    if target == A.scheduled and (change.publish_at is None or change.publish_at <= now):
        raise ChecklistFailed(["a publish time in the future"])
    try:
        _apply(
            session=session,
            settings=settings,
            article=article,
            change=change,
            fields=fields,
            target=target,
            staff=staff,
            now=now,
        )
    except StaleDataError as exc:
        # Another worker updated the row between our read and our write.
        raise StaleVersion() from exc


def _apply(
    *,
    session: Session,
    settings: Settings,
    article: Article,
    change: ArticleChange,
    fields: ArticleFields,
    target: str | None,
    staff: Staff,
    now: datetime,
) -> None:
    was_public, old_slug = article.status == A.published, article.slug
    if change.fields is not None:
        fields.slug = unique_slug(
            session=session, wanted=slugify(fields.slug or fields.title), article_id=article.id
        )
        article.anonymisation_reviewed = change.reviewed
        apply_fields(session=session, article=article, fields=fields)
    elif article.id is not None:
        article.version += 1
    if target is not None:
        article.status = target
        article.publish_at = change.publish_at if target == A.scheduled else None
        if target == A.published:
            article.published_at = article.published_at or now
    article.author_id = article.author_id or staff.id
    session.add(article)
    session.flush()
    if change.question is not None and change.question.article_id is None:
        _link_question(session=session, question=change.question, article=article, now=now)
    if was_public and article.slug != old_slug:
        leave_redirect(session=session, old_slug=old_slug, new_slug=article.slug)
    if was_public or article.status == A.published:
        after_public_change(session=session, article=article)
    if target == A.published and not was_public:
        on_first_publication(session=session, settings=settings, article=article, now=now)
    snapshot(session=session, article=article, staff_id=staff.id)
    audit.record(
        session=session,
        action=f"article.{change.action}",
        staff_id=staff.id,
        target=f"article:{article.id}",
        detail=article.title,
    )


def _link_question(
    *, session: Session, question: Question, article: Article, now: datetime
) -> None:
    """Tie a new article to its letter, and mark the letter as being answered."""
    question.article_id = article.id
    if question.status in (Q.new, Q.shortlisted):
        move_question(session=session, question=question, to=Q.answering, now=now)
    session.add(question)
    session.flush()


def on_first_publication(
    *, session: Session, settings: Settings, article: Article, now: datetime
) -> None:
    """The letter behind the article is published: tell its writer, then forget the address."""
    question = session.exec(select(Question).where(Question.article_id == article.id)).first()
    if question is None or question.id is None:
        return
    if question.status in QUESTION_MOVES and Q.published in QUESTION_MOVES[question.status]:
        move_question(session=session, question=question, to=Q.published, now=now)
    contact = session.get(QuestionContact, question.id)
    if contact is not None:
        notify_published(
            session=session, settings=settings, question=question, article=article, to=contact.email
        )
        question.outcome_notified_at = now
        erase_submitter_email(session=session, question_id=question.id)
        audit.record(
            session=session, action="question.email_erased", target=f"question:{question.id}"
        )


def publish_due(*, session: Session, settings: Settings, now: datetime) -> list[int]:
    """Publish every scheduled article whose time has come; safe to run in many workers."""
    due = session.exec(
        select(Article.id).where(Article.status == A.scheduled, col(Article.publish_at) <= now)
    ).all()
    published = []
    for article_id in due:
        # One conditional update: whichever worker matches the row publishes it.
        claimed = session.execute(
            update(Article)
            .where(col(Article.id) == article_id, col(Article.status) == A.scheduled)
            .values(
                status=A.published,
                published_at=Article.publish_at,
                publish_at=None,
                version=Article.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        article = session.get(Article, article_id, populate_existing=True)
        assert article is not None
        after_public_change(session=session, article=article)
        on_first_publication(session=session, settings=settings, article=article, now=now)
        snapshot(session=session, article=article, staff_id=None)
        audit.record(
            session=session,
            action="article.publish_due",
            target=f"article:{article_id}",
            detail=article.title,
        )
        published.append(article_id or 0)
    return published
