"""Every state change of letters and articles, in one place: the form, the API, the CLI and
the scheduler all come through here, so the rules hold whichever way a change arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import mark_public_change
from app.editorial import audit, guard
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
from app.editorial.checklist import ChecklistFailed, check_ready
from app.editorial.notify import notify_published
from app.editorial.topics import not_topics_message, topics_to_tag
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
from app.search import index_question

QUESTION_MOVES: dict[str, set[str]] = {
    QuestionStatus.new: {
        QuestionStatus.shortlisted,
        QuestionStatus.answering,
        QuestionStatus.declined,
        QuestionStatus.spam,
        QuestionStatus.withdrawn,
    },
    QuestionStatus.shortlisted: {
        QuestionStatus.new,
        QuestionStatus.answering,
        QuestionStatus.declined,
        QuestionStatus.spam,
        QuestionStatus.withdrawn,
    },
    QuestionStatus.answering: {
        QuestionStatus.shortlisted,
        QuestionStatus.published,
        QuestionStatus.declined,
        QuestionStatus.withdrawn,
    },
    QuestionStatus.published: set(),
    QuestionStatus.declined: {QuestionStatus.new},
    QuestionStatus.spam: {QuestionStatus.new},
    QuestionStatus.withdrawn: set(),
}
WITHDRAWABLE = {QuestionStatus.new, QuestionStatus.shortlisted, QuestionStatus.answering}


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
    move_question(session=session, question=question, to=QuestionStatus.withdrawn, now=now)
    question.letter = None
    question.letter_purged_at = question.updated_at
    index_question(session, question)
    assert question.id is not None
    erase_submitter_email(session=session, question_id=question.id)
    cancel_mail_for_question(session=session, question_id=question.id)


def erase_submitter_email(*, session: Session, question_id: int) -> None:
    """Forget a reader's email address."""
    session.execute(delete(QuestionContact).where(QuestionContact.question_id == question_id))  # type: ignore[arg-type]


# What a letter's state means to its writer: (code, label, sentence) on the status page.
_NOT_SELECTED = (
    "not-selected",
    "Not selected",
    "We could not take your letter for the column. Thank you for trusting us with it.",
)
STATUS_WORDS = {
    QuestionStatus.new: (
        "received",
        "Received",
        "Your letter has arrived safely. An editor will read it.",
    ),
    QuestionStatus.shortlisted: (
        "received",
        "Received",
        "Your letter has arrived and an editor has read it.",
    ),
    QuestionStatus.answering: (
        "answering",
        "Being answered",
        "A columnist is writing an answer to your letter.",
    ),
    QuestionStatus.published: (
        "published",
        "Published",
        "Your letter has been answered and published.",
    ),
    QuestionStatus.declined: _NOT_SELECTED,
    QuestionStatus.spam: _NOT_SELECTED,
    QuestionStatus.withdrawn: (
        "withdrawn",
        "Withdrawn",
        "You withdrew this letter. Its text and address are erased.",
    ),
}


def status_words(question: Question) -> tuple[str, str, str]:
    """(code, label, sentence) describing where a letter stands, in plain words."""
    return STATUS_WORDS[QuestionStatus(question.status)]


# ---- Articles -------------------------------------------------------------------------

ARTICLE_MOVES: dict[str, set[str]] = {
    ArticleStatus.draft: {
        ArticleStatus.in_review,
        ArticleStatus.scheduled,
        ArticleStatus.published,
    },
    ArticleStatus.in_review: {
        ArticleStatus.draft,
        ArticleStatus.scheduled,
        ArticleStatus.published,
    },
    ArticleStatus.scheduled: {
        ArticleStatus.draft,
        ArticleStatus.scheduled,
        ArticleStatus.published,
        ArticleStatus.unpublished,
    },
    ArticleStatus.published: {ArticleStatus.unpublished},
    ArticleStatus.unpublished: {
        ArticleStatus.draft,
        ArticleStatus.in_review,
        ArticleStatus.scheduled,
        ArticleStatus.published,
    },
}
# What each button does: the least role that may press it, and the state it leads to.
ACTIONS: dict[str, tuple[Role, str | None]] = {
    "save": (Role.columnist, None),
    "submit_review": (Role.columnist, ArticleStatus.in_review),
    "to_draft": (Role.columnist, ArticleStatus.draft),
    "schedule": (Role.editor, ArticleStatus.scheduled),
    "publish": (Role.editor, ArticleStatus.published),
    "update": (Role.editor, None),
    "unpublish": (Role.editor, ArticleStatus.unpublished),
    "discard_draft": (Role.columnist, None),
}
# A live column's public page shows its own fields; "save" keeps a draft beside them, and
# only "update" (or publishing a scheduled one now) puts a change live.
LIVE = {ArticleStatus.published, ArticleStatus.scheduled}
# Presses that put text in front of readers, now or at a set time: each needs the whole
# checklist, the review of that exact text included.
MAKES_PUBLIC = {"publish", "schedule", "update"}
COLUMNIST_MAY_EDIT = {ArticleStatus.draft, ArticleStatus.in_review, ArticleStatus.unpublished}
COLUMNIST_MAY_DRAFT = {"save", "discard_draft"}
ACTION_WORDS = {
    "publish": "publish",
    "schedule": "schedule",
    "update": "update a live column",
    "unpublish": "unpublish",
    "submit_review": "submit for review",
    "to_draft": "send back to draft",
    "discard_draft": "discard the draft",
}
DONE = {
    "publish": "published",
    "schedule": "scheduled",
    "update": "updated",
    "unpublish": "unpublished",
    "submit_review": "submitted for review",
    "to_draft": "sent back to draft",
    "discard_draft": "discarded",
}


class NotAllowed(PermissionError):
    """The staff member's role does not allow this action."""


class StaleVersion(Exception):
    """Someone saved the article since this form was loaded."""


class FieldRefused(ValueError):
    """A field's value the workflow will not save (an unknown topic, say); nothing changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class ArticleChange:
    """One press of a button on the article form (or its equivalent from another path).

    `reviewed` is the editor's "identifying details reviewed" tick for exactly the fields sent
    with this change; a change without fields relies on the review stored for the article's
    current text. `dismissed` is the editor's list of words that are not identifying.
    """

    action: str
    fields: ArticleFields | None
    expected_version: int
    reviewed: bool = False
    publish_at: datetime | None = None
    question: Question | None = None  # the letter a new article answers
    dismissed: str | None = None


def change_article(
    *,
    session: Session,
    settings: Settings,
    article: Article,
    change: ArticleChange,
    staff: Staff,
    now: datetime,
) -> None:
    """Save and/or move an article, enforcing role, workflow, checklist, review and version."""
    target = _allowed_target(article=article, change=change, staff=staff)
    if change.fields is not None and change.action != "discard_draft":
        _pick_existing_topics(session=session, article=article, fields=change.fields)
    fields = change.fields or fields_of(session=session, article=article)
    if change.action in MAKES_PUBLIC:
        ticked = change.reviewed if change.fields is not None else None
        check_ready(article=article, fields=fields, ticked=ticked, dismissed=change.dismissed)
    if target == ArticleStatus.scheduled and (
        change.publish_at is None or change.publish_at <= now
    ):
        raise ChecklistFailed(["a publish time in the future"])
    try:
        if change.action == "discard_draft":
            _discard_draft(session=session, article=article, staff=staff)
        elif change.action == "save" and article.status in LIVE:
            _keep_draft(session=session, article=article, change=change, fields=fields, staff=staff)
        else:
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


def _allowed_target(*, article: Article, change: ArticleChange, staff: Staff) -> str | None:
    """The state this change leads to, once role, version and workflow allow it."""
    if change.action not in ACTIONS:
        raise IllegalMove(f"Unknown action {change.action!r}.")
    least_role, target = ACTIONS[change.action]
    if not has_role(staff, least_role):
        raise NotAllowed(f"Only editors can {ACTION_WORDS.get(change.action, change.action)}.")
    if article.id is not None and article.version != change.expected_version:
        raise StaleVersion()
    if (
        not has_role(staff, Role.editor)
        and article.status not in COLUMNIST_MAY_EDIT
        and change.action not in COLUMNIST_MAY_DRAFT
    ):
        raise NotAllowed("Only editors can change a scheduled or published article.")
    state = article.status.replace("_", " ")
    if change.action == "update" and article.status not in LIVE:
        raise IllegalMove(f"This article is {state}: only a live column can be updated.")
    if change.action == "discard_draft" and article.draft_revision_id is None:
        raise IllegalMove("There is no draft of changes to discard.")
    if target is not None and target not in ARTICLE_MOVES[article.status]:
        raise IllegalMove(f"This article is {state}, so it cannot be {DONE[change.action]}.")
    return target


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
    was_public, old_slug = article.status == ArticleStatus.published, article.slug
    if change.fields is not None:
        fields.slug = unique_slug(
            session=session, wanted=slugify(fields.slug or fields.title), article_id=article.id
        )
        apply_fields(session=session, article=article, fields=fields)
        # The review binds the fields as stored (trimmed), which is what the scheduler and any
        # later check compare against.
        fields = fields_of(session=session, article=article)
        if change.reviewed and has_role(staff, Role.editor):  # only an editor's review counts
            _record_review(article=article, fields=fields, staff=staff, now=now)
    elif article.id is not None:
        article.version += 1
    if target is not None:
        article.status = target
        article.publish_at = change.publish_at if target == ArticleStatus.scheduled else None
        if target == ArticleStatus.published:
            article.published_at = article.published_at or now
    article.author_id = article.author_id or staff.id
    article.draft_revision_id = None  # whatever was pending is now the article, or given up
    _store_noting_aid(session=session, article=article, change=change, fields=fields)
    if change.question is not None and change.question.article_id is None:
        _link_question(session=session, question=change.question, article=article, now=now)
    if was_public and article.status == ArticleStatus.published and article.slug != old_slug:
        leave_redirect(session=session, old_slug=old_slug, new_slug=article.slug)
    if was_public or article.status == ArticleStatus.published:
        after_public_change(session=session, article=article)
    if target == ArticleStatus.published and not was_public:
        on_first_publication(session=session, settings=settings, article=article, now=now)
    snapshot(session=session, article=article, staff_id=staff.id)
    _audit(session=session, article=article, action=change.action, staff=staff)


def _keep_draft(
    *,
    session: Session,
    article: Article,
    change: ArticleChange,
    fields: ArticleFields,
    staff: Staff,
) -> None:
    """Keep a live column's change as a draft beside it: the public page stays as it is."""
    fields.slug = slugify(fields.slug or fields.title)
    article.version += 1
    _store_noting_aid(session=session, article=article, change=change, fields=fields)
    revision = snapshot(
        session=session, article=article, staff_id=staff.id, fields=fields, kind="draft"
    )
    session.flush()
    article.draft_revision_id = revision.id
    session.add(article)
    session.flush()
    _audit(session=session, article=article, action="save_draft", staff=staff)


def _discard_draft(*, session: Session, article: Article, staff: Staff) -> None:
    """Give up a live column's pending change; the live text is what the editor sees again."""
    article.version += 1
    article.draft_revision_id = None
    live = fields_of(session=session, article=article)
    _store_noting_aid(session=session, article=article, change=None, fields=live)
    _audit(session=session, article=article, action="discard_draft", staff=staff)


def _pick_existing_topics(*, session: Session, article: Article, fields: ArticleFields) -> None:
    """Tag only with topics that exist, by their current names: a typo never makes a topic."""
    known, refused = topics_to_tag(session=session, article_id=article.id, names=fields.topics)
    if refused:
        raise FieldRefused("topics", not_topics_message(refused))
    fields.topics = known


def _record_review(*, article: Article, fields: ArticleFields, staff: Staff, now: datetime) -> None:
    """Bind the editor's review to exactly these public fields."""
    article.reviewed_fingerprint = guard.fingerprint(fields)
    article.reviewed_by, article.reviewed_at = staff.id, now


def _note_aid(*, article: Article, change: ArticleChange | None, fields: ArticleFields) -> None:
    """Keep the editor's dismissals and the count of findings still to review (for the queue)."""
    if change is not None and change.dismissed is not None:
        article.dismissed_details = change.dismissed
    if article.reviewed_fingerprint == guard.fingerprint(fields):
        article.unreviewed_findings = 0
        return
    dismissed = guard.parse_dismissed(article.dismissed_details)
    article.unreviewed_findings = guard.count(
        guard.find_public_details(fields, dismissed=dismissed)
    )


def _store_noting_aid(
    *, session: Session, article: Article, change: ArticleChange | None, fields: ArticleFields
) -> None:
    """Write the article with the aid's notes, and move the queue if its count changed."""
    findings_before = article.unreviewed_findings
    _note_aid(article=article, change=change, fields=fields)
    session.add(article)
    session.flush()
    _touch_letter(session=session, article=article, findings_before=findings_before)


def _touch_letter(*, session: Session, article: Article, findings_before: int) -> None:
    """A write to the letter moves the queue's version, so its kept pages show the new count."""
    if article.id is not None and article.unreviewed_findings != findings_before:
        session.execute(
            update(Question)
            .where(col(Question.article_id) == article.id)
            .values(updated_at=utcnow())
        )


def _audit(*, session: Session, article: Article, action: str, staff: Staff | None) -> None:
    audit.record(
        session=session,
        action=f"article.{action}",
        staff_id=staff.id if staff else None,
        target=f"article:{article.id}",
        detail=article.title,
    )


def _link_question(
    *, session: Session, question: Question, article: Article, now: datetime
) -> None:
    """Tie a new article to its letter, and mark the letter as being answered."""
    question.article_id = article.id
    if question.status in (QuestionStatus.new, QuestionStatus.shortlisted):
        move_question(session=session, question=question, to=QuestionStatus.answering, now=now)
    session.add(question)
    session.flush()


def on_first_publication(
    *, session: Session, settings: Settings, article: Article, now: datetime
) -> None:
    """The letter behind the article is published: tell its writer, then forget the address."""
    question = session.exec(select(Question).where(Question.article_id == article.id)).first()
    if question is None or question.id is None:
        return
    if (
        question.status in QUESTION_MOVES
        and QuestionStatus.published in QUESTION_MOVES[question.status]
    ):
        move_question(session=session, question=question, to=QuestionStatus.published, now=now)
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
    """Publish every scheduled article whose time has come; safe to run in many workers.

    Only the reviewed text goes out: a scheduled column whose public fields are no longer the
    ones its review was given for goes back to draft instead.
    """
    due = session.exec(
        select(Article).where(
            Article.status == ArticleStatus.scheduled, col(Article.publish_at) <= now
        )
    ).all()
    published = []
    for article in due:
        fields = fields_of(session=session, article=article)
        if article.reviewed_fingerprint != guard.fingerprint(fields):
            held = {"status": ArticleStatus.draft, "publish_at": None, "draft_revision_id": None}
            if _claim_scheduled(session, article, **held):
                _audit(session=session, article=article, action="schedule_unreviewed", staff=None)
            continue
        if not _claim_scheduled(
            session,
            article,
            status=ArticleStatus.published,
            published_at=Article.publish_at,
            publish_at=None,
        ):
            continue
        after_public_change(session=session, article=article)
        on_first_publication(session=session, settings=settings, article=article, now=now)
        snapshot(session=session, article=article, staff_id=None)
        _audit(session=session, article=article, action="publish_due", staff=None)
        published.append(article.id or 0)
    return published


def publish_imported(*, session: Session, article: Article, published_at: datetime) -> None:
    """Publish a column that came from a content file, dated as the file says. The file is the
    text as its author meant it to read; what the aid finds in it is reported to whoever ran
    the import."""
    article.status = ArticleStatus.published
    article.published_at = published_at
    article.publish_at = None
    session.add(article)
    session.flush()
    after_public_change(session=session, article=article)


def _claim_scheduled(session: Session, article: Article, **values: Any) -> bool:
    """Move a scheduled article as it was read, in one conditional update: whichever worker
    matches the row moves it, and an edit made since then wins over the scheduler."""
    claimed = session.execute(
        update(Article)
        .where(
            col(Article.id) == article.id,
            col(Article.status) == ArticleStatus.scheduled,
            col(Article.version) == article.version,
        )
        .values(**values, version=Article.version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    session.refresh(article)
    if article.status == ArticleStatus.published:
        mark_public_change(session)
    return True
