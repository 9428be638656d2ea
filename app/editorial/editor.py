"""The column editor's form: what it shows around a column. The letter page and the columns
page both use it (`app.editorial.answers` saves it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.editorial import guard
from app.editorial.aid import aid_view
from app.editorial.articles import ArticleFields, draft_fields, fields_of
from app.editorial.desk import desk_context, preview_column
from app.editorial.resources import callout_choices, callout_for_fields
from app.editorial.revisions import diff_revisions
from app.editorial.topics import topic_choices
from app.editorial.workflow import LIVE
from app.models import Article, Staff


@dataclass
class EditorPage:
    """What the editor's form shows: the column (None for a letter not answered yet), the
    fields in the form, and what went wrong."""

    article: Article | None
    fields: ArticleFields
    version: int
    dismissed: str | None = None  # words marked "not identifying"; None: the column's own
    publish_at: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    status: int = 200
    preview: bool = False
    unsaved: ArticleFields | None = None  # the text of a save refused as stale

    def values(self) -> dict[str, Any]:
        """The form's own values for the template; the page adds what surrounds the form."""
        shown: dict[str, Any] = {
            "version": self.version,
            "publish_at": self.publish_at,
            "errors": self.errors,
            "problems": self.problems,
        }
        if self.preview:
            shown["preview"] = preview_column(self.fields)
        if self.unsaved is not None:
            shown["unsaved"] = self.unsaved
        return shown


def opened_page(*, session: Session, article: Article | None, start: ArticleFields) -> EditorPage:
    """The form as it opens: a live column's draft of changes, the column, or `start`."""
    fields = editor_fields(session=session, article=article, start=start)
    return EditorPage(article=article, fields=fields, version=article.version if article else 0)


def editor_fields(
    *, session: Session, article: Article | None, start: ArticleFields
) -> ArticleFields:
    """What the form shows: a live column's draft of changes, the article, or `start`."""
    if article is None:
        return start
    return draft_fields(session=session, article=article) or fields_of(
        session=session, article=article
    )


def editor_context(
    *, session: Session, article: Article | None, fields: ArticleFields, dismissed: str | None
) -> dict[str, Any]:
    """The aid, the review's state and a live column's pending changes, for the form."""
    if dismissed is None:
        dismissed = article.dismissed_details if article else ""
    return {
        "article": article,
        "fields": fields,
        "aid": aid_view(fields, dismissed),
        "review": _review_state(session, article, fields),
        "live_diff": _live_diff(session, article, fields),
        "callout_picker": callout_choices(session=session, fields=fields),
        "callout": callout_for_fields(session=session, fields=fields),
        "topic_choices": topic_choices(session=session),
        **desk_context(fields),
    }


def _review_state(
    session: Session, article: Article | None, fields: ArticleFields
) -> dict[str, Any] | None:
    if article is None or article.reviewed_fingerprint is None:
        return None
    reviewer = session.get(Staff, article.reviewed_by) if article.reviewed_by else None
    return {
        "by": (reviewer.name or reviewer.email) if reviewer else "former staff",
        "at": article.reviewed_at,
        "current": article.reviewed_fingerprint == guard.fingerprint(fields),
    }


def _live_diff(
    session: Session, article: Article | None, fields: ArticleFields
) -> dict[str, Any] | None:
    if article is None or article.status not in LIVE:
        return None
    return diff_revisions(fields_of(session=session, article=article), fields, context=1)
