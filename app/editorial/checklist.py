"""What must be true before a column's text goes public: the checklist, and a review by an
editor of exactly the text that goes out. The workflow applies it to every change that makes
text public, whoever calls."""

from __future__ import annotations

from app.editorial import guard
from app.editorial.articles import ArticleFields
from app.editorial.guard import FieldFindings
from app.models import Article


class ChecklistFailed(ValueError):
    """Publishing (or scheduling) is blocked: the listed items are missing."""

    def __init__(self, missing: list[str], *, review_missing: bool = False) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing
        self.review_missing = review_missing  # the last item is then the missing review


def publish_checklist(fields: ArticleFields) -> list[str]:
    """What is missing before an article may go public, the review aside (empty when nothing)."""
    missing = []
    if not fields.title.strip():
        missing.append("a title")
    if not fields.summary.strip():
        missing.append("a summary")
    if not [t for t in fields.topics if t.strip()]:
        missing.append("at least one topic")
    if fields.hero_path and not fields.hero_alt.strip():
        missing.append("alt text for the hero image")
    if not fields.signoff.strip():
        missing.append("the reader’s sign-off")
    if not fields.byline.strip():
        missing.append("the columnist’s byline")
    if not fields.letter_md.strip() or not fields.answer_md.strip():
        missing.append("the letter and the answer")
    return missing


def review_refusal(details: list[FieldFindings]) -> str:
    """Why a change without a review of its exact text is refused, naming what the aid found."""
    if not details:
        return (
            "a review of this exact text for identifying details (the aid found none; read it "
            "and tick “Identifying details reviewed”)"
        )
    return (
        f"a review of {guard.count(details)} possible identifying details in this exact text "
        f"({guard.describe(details)}); change them or tick “Identifying details reviewed”"
    )


def check_ready(
    *, article: Article, fields: ArticleFields, ticked: bool | None, dismissed: str | None
) -> None:
    """Refuse (ChecklistFailed) to make these fields public before they are ready.

    `ticked` is the editor's review tick sent with exactly these fields; None when the change
    came without fields (a button with no form), which then needs the review stored for the
    article's current text.
    """
    missing = publish_checklist(fields)
    if ticked is None:
        ticked = article.reviewed_fingerprint == guard.fingerprint(fields)
    if not ticked:
        words = article.dismissed_details if dismissed is None else dismissed
        details = guard.find_public_details(fields, dismissed=guard.parse_dismissed(words))
        missing.append(review_refusal(details))
    if missing:
        raise ChecklistFailed(missing, review_missing=not ticked)
