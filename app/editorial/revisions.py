"""Revisions of an article: list, compare two, restore one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.editorial.articles import ArticleFields
from app.models import ArticleRevision, Staff

DIFF_FIELDS = (
    "title",
    "slug",
    "summary",
    "letter_md",
    "signoff",
    "answer_md",
    "byline",
    "topics",
    "hero_alt",
)
FIELD_LABELS = {"letter_md": "letter", "answer_md": "answer", "hero_alt": "hero alt text"}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def list_revisions(*, session: Session, article_id: int) -> list[tuple[ArticleRevision, str]]:
    """Every revision of an article, newest first, with who saved it."""
    rows = session.exec(
        select(ArticleRevision, Staff.email)
        .outerjoin(Staff, col(Staff.id) == ArticleRevision.staff_id)
        .where(ArticleRevision.article_id == article_id)
        .order_by(col(ArticleRevision.id).desc())
    ).all()
    return [(revision, email or "scheduler") for revision, email in rows]


def diff_revisions(old: ArticleRevision, new: ArticleRevision) -> dict[str, list[DiffLine]]:
    """Line-by-line changes per field, only for fields that changed."""
    changes: dict[str, list[DiffLine]] = {}
    for name in DIFF_FIELDS:
        before, after = str(getattr(old, name) or ""), str(getattr(new, name) or "")
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            tag, text = line[:2], line[2:]
            if tag == "? ":
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(tag, "same")
            lines.append(DiffLine(kind, text))
        changes[FIELD_LABELS.get(name, name)] = lines
    return changes


def revision_fields(revision: ArticleRevision) -> ArticleFields:
    """A revision's content, ready to be saved again as the current version."""
    return ArticleFields(
        title=revision.title,
        slug=revision.slug,
        letter_md=revision.letter_md,
        answer_md=revision.answer_md,
        summary=revision.summary,
        signoff=revision.signoff,
        byline=revision.byline,
        topics=[t.strip() for t in revision.topics.split(",") if t.strip()],
        hero_path=revision.hero_path,
        hero_alt=revision.hero_alt,
    )
