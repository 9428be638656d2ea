"""Revisions of an article: list, compare two, restore one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.column_fields import LABELS, PUBLIC_FIELDS, ArticleFields
from app.models import ArticleRevision, Staff

# What a comparison shows: the public fields, and the topics.
DIFF_FIELDS = (*PUBLIC_FIELDS, "topics")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", or "folded" (unchanged lines left out)
    text: str


def list_revisions(*, session: Session, article_id: int) -> list[tuple[ArticleRevision, str]]:
    """Every revision of an article, newest first, with who saved it (an editor's autosave of
    what they are typing is theirs alone, and not one of them)."""
    rows = session.exec(
        select(ArticleRevision, Staff.email)
        .outerjoin(Staff, col(Staff.id) == ArticleRevision.staff_id)
        .where(ArticleRevision.article_id == article_id, ArticleRevision.kind != "autosave")
        .order_by(col(ArticleRevision.id).desc())
    ).all()
    return [(revision, email or "scheduler") for revision, email in rows]


def _text(value: object) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def diff_revisions(
    old: ArticleRevision | ArticleFields,
    new: ArticleRevision | ArticleFields,
    *,
    context: int | None = None,
) -> dict[str, list[DiffLine]]:
    """Line-by-line changes per field, only for fields that changed (revisions or fields);
    with `context`, unchanged lines further than that from a change are folded into "…"."""
    changes: dict[str, list[DiffLine]] = {}
    for name in DIFF_FIELDS:
        before, after = _text(getattr(old, name)), _text(getattr(new, name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            tag, text = line[:2], line[2:]
            if tag == "? ":
                continue
            kind = {"+ ": "added", "- ": "removed"}.get(tag, "same")
            lines.append(DiffLine(kind, text))
        changes[LABELS.get(name, name)] = lines if context is None else _fold(lines, context)
    return changes


def _fold(lines: list[DiffLine], context: int) -> list[DiffLine]:
    """Unchanged lines far from any change, each run of them as one "…" line."""
    changed = [i for i, line in enumerate(lines) if line.kind != "same"]
    folded: list[DiffLine] = []
    for i, line in enumerate(lines):
        if not changed or any(abs(i - c) <= context for c in changed):
            folded.append(line)
        elif not folded or folded[-1].kind != "folded":
            folded.append(DiffLine("folded", "…"))
    return folded
