"""The letter page's working aids: the checklist as it fills, word counts, the preview drawn by
the public column template, and autosave of what the editor is typing (never public)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.config import Settings
from app.editorial.articles import ArticleFields, new_answer, snapshot
from app.editorial.checklist import publish_checklist
from app.editorial.workflow import (
    ArticleChange,
    FieldRefused,
    IllegalMove,
    NotAllowed,
    StaleVersion,
    change_article,
)
from app.markdown import reading_minutes, render_markdown, slugify
from app.models import Article, ArticleRevision, Question, Staff, utcnow

AUTOSAVE = "autosave"
# Everything the checklist can ask for: asked of a column with nothing in it but an image.
_EVERY_ITEM = publish_checklist(ArticleFields("", "", "", "", hero_path="-"))


@dataclass(frozen=True)
class ChecklistItem:
    """One thing a column needs before it goes out, and whether it has it yet."""

    label: str
    done: bool


def checklist(fields: ArticleFields) -> list[ChecklistItem]:
    """The workflow's checklist for these fields, item by item (the review is shown apart)."""
    missing = set(publish_checklist(fields))
    items = [ChecklistItem(label, label not in missing) for label in _EVERY_ITEM]
    if not fields.hero_path:
        items = [i for i in items if "hero image" not in i.label]
    return items


def word_count(fields: ArticleFields) -> dict[str, int]:
    """Words in the letter and the answer, and the minutes a reader takes over them."""
    words = len(fields.letter_md.split()) + len(fields.answer_md.split())
    return {"words": words, "minutes": reading_minutes(fields.letter_md, fields.answer_md)}


def preview_column(fields: ArticleFields) -> SimpleNamespace:
    """The fields as the public column template reads an article, rendered as published."""
    return SimpleNamespace(
        title=fields.title,
        slug=fields.slug,
        summary=fields.summary,
        byline=fields.byline,
        signoff=fields.signoff,
        letter_html=render_markdown(fields.letter_md),
        answer_html=render_markdown(fields.answer_md),
        hero_path=fields.hero_path,
        hero_alt=fields.hero_alt,
        hero_width=fields.hero_width,
        hero_height=fields.hero_height,
        reading_minutes=reading_minutes(fields.letter_md, fields.answer_md),
        published_at=None,
        topics=[SimpleNamespace(name=t, slug=slugify(t)) for t in fields.topics],
    )


def desk_context(fields: ArticleFields) -> dict[str, Any]:
    """What the letter page shows around the form from the fields alone."""
    return {"checklist": checklist(fields), "counts": word_count(fields)}


def autosave(
    *, session: Session, article: Article, staff: Staff, fields: ArticleFields
) -> datetime:
    """Keep what this editor is typing as the article's autosave (one per editor): a revision
    marked autosave, which changes nothing public and nothing another editor sees."""
    assert article.id is not None
    _forget(session, article.id, staff.id)
    revision = snapshot(
        session=session, article=article, staff_id=staff.id, fields=fields, kind=AUTOSAVE
    )
    session.flush()
    return revision.created_at


def pending_autosave(*, session: Session, article: Article, staff: Staff) -> ArticleRevision | None:
    """This editor's autosave of the article if it is newer than anything saved since."""
    revision = session.exec(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.staff_id == staff.id,
            ArticleRevision.kind == AUTOSAVE,
        )
    ).first()
    if revision is None:
        return None
    saved = [article.updated_at]
    if article.draft_revision_id is not None:
        draft = session.get(ArticleRevision, article.draft_revision_id)
        if draft is not None:
            saved.append(draft.created_at)
    newest = max(aware(t) for t in saved)
    return revision if aware(revision.created_at) > newest else None


def forget_autosave(*, session: Session, article: Article, staff: Staff) -> None:
    """Drop this editor's autosave of the article (they chose not to restore it)."""
    if article.id is not None:
        _forget(session, article.id, staff.id)


def _forget(session: Session, article_id: int, staff_id: int | None) -> None:
    session.execute(
        delete(ArticleRevision).where(
            col(ArticleRevision.article_id) == article_id,
            col(ArticleRevision.staff_id) == staff_id,
            col(ArticleRevision.kind) == AUTOSAVE,
        )
    )


def aware(moment: datetime) -> datetime:
    """The moment with its time zone (UTC when the database gave none back)."""
    # SQLite hands back naive UTC times; PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def autosave_answer(
    *,
    session: Session,
    settings: Settings,
    question: Question,
    staff: Staff,
    fields: ArticleFields,
) -> Article | None:
    """Autosave on a letter's page: a letter not yet answered gets its draft column, saved
    through the workflow as "Save draft" would (a draft is never public); that new column is
    returned, so the form can take its version. Otherwise the text is kept as an autosave."""
    article = _answering(session, question)
    if article is not None:
        autosave(session=session, article=article, staff=staff, fields=fields)
        return None
    article = new_answer(question_id=question.id, fields=fields)
    change = ArticleChange(action="save", fields=fields, expected_version=0, question=question)
    change_article(
        session=session,
        settings=settings,
        article=article,
        change=change,
        staff=staff,
        now=utcnow(),
    )
    return article


@dataclass(frozen=True)
class Autosaved:
    """What became of an autosave: kept, forgotten, or refused with why."""

    forgotten: bool = False
    refused: str | None = None
    started: Article | None = None  # the letter's column this autosave started


def autosave_from_editor(
    *,
    session: Session,
    settings: Settings,
    staff: Staff,
    target: Question | Article,
    fields: ArticleFields,
    forget: bool = False,
) -> Autosaved:
    """Autosave what this editor is typing on a letter's page or a column's page; with
    `forget`, drop their autosave instead (they chose to keep the saved text)."""
    if forget:
        article = target if isinstance(target, Article) else _answering(session, target)
        if article is not None:
            forget_autosave(session=session, article=article, staff=staff)
        return Autosaved(forgotten=True)
    started = None
    try:
        if isinstance(target, Question):
            started = autosave_answer(
                session=session, settings=settings, question=target, staff=staff, fields=fields
            )
        else:
            autosave(session=session, article=target, staff=staff, fields=fields)
    except (FieldRefused, IllegalMove, NotAllowed, StaleVersion) as exc:
        session.rollback()
        return Autosaved(refused=str(exc) or "Not autosaved.")
    return Autosaved(started=started)


def _answering(session: Session, question: Question) -> Article | None:
    return session.get(Article, question.article_id) if question.article_id else None
