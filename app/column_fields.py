"""A column's fields, described once: the form, the checks, revisions, the review's
fingerprint, the aid, content files and the API all read this description, so a field added
here (and to `models.ArticleContent`) appears everywhere without another list to edit."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

# How a field travels: "text" (one line, trimmed), "markdown" (rendered to HTML on save),
# or one of the fields with a reader of their own: "topics", "hero", "size", "callout".
Kind = Literal["text", "markdown", "topics", "hero", "size", "callout"]


@dataclass(frozen=True)
class FieldSpec:
    """What the site knows about one field of a column."""

    name: str  # the attribute on ArticleFields, Article and ArticleRevision
    kind: Kind
    form: str | None  # the form input's name
    limit: int | None  # longest value the form accepts, in characters
    label: str  # the editor's word for it (aid, comparisons)
    public: bool  # a visitor can see it: the review's fingerprint and comparisons cover it
    scanned: bool  # the aid looks for identifying details in it
    content: str | None  # its key in a content file's front matter
    api: str | None  # its key in the JSON API's column


def _spec(
    default: Any = "",
    *,
    kind: Kind = "text",
    form: str | None = None,
    limit: int | None = None,
    label: str = "",
    public: bool = True,
    scanned: bool = False,
    content: str | None = None,
    api: str | None = None,
) -> Any:
    spec = FieldSpec("", kind, form, limit, label, public, scanned, content, api)
    if isinstance(default, list):
        return field(default_factory=list, metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


@dataclass
class ArticleFields:
    """Everything an editor (or a content file) says about a column."""

    title: str = _spec(
        form="title", limit=200, label="title", scanned=True, content="title", api="title"
    )
    slug: str = _spec(form="slug", limit=120, label="slug", content="slug", api="slug")
    letter_md: str = _spec(kind="markdown", form="letter", label="letter", scanned=True)
    answer_md: str = _spec(kind="markdown", form="answer", label="answer", scanned=True)
    summary: str = _spec(
        form="summary", limit=400, label="summary", scanned=True, content="summary", api="summary"
    )
    signoff: str = _spec(
        form="signoff", limit=60, label="sign-off", scanned=True, content="signoff", api="signoff"
    )
    # The columnist's own name: fingerprinted, not scanned.
    byline: str = _spec(form="byline", limit=120, label="byline", content="byline", api="byline")
    topics: list[str] = _spec([], kind="topics", form="topics", label="topics", public=False)  # noqa: RUF009
    hero_path: str | None = _spec(None, kind="hero", form="hero", label="hero image file")
    hero_alt: str = _spec(
        form="hero_alt",
        limit=300,
        label="hero alt text",
        scanned=True,
        content="hero_alt",
        api="hero_alt",
    )
    hero_width: int | None = _spec(None, kind="size", public=False)
    hero_height: int | None = _spec(None, kind="size", public=False)
    # "topic" (the first topic's default), "resource" (the one named below) or "none".
    callout_mode: str = _spec("topic", kind="callout", form="callout", label="callout")
    callout_resource_id: int | None = _spec(None, kind="callout", label="callout resource")


FIELDS: tuple[FieldSpec, ...] = tuple(
    dataclasses.replace(f.metadata["spec"], name=f.name) for f in dataclasses.fields(ArticleFields)
)
SPECS = {spec.name: spec for spec in FIELDS}
# Fields copied as they are between the fields, the article and its revisions (topics live in
# their own table, and as one line of text in a revision).
STORED_FIELDS = tuple(s.name for s in FIELDS if s.kind != "topics")
# The fields a revision keeps, by the names ArticleFields and ArticleRevision share.
REVISION_FIELDS = STORED_FIELDS
# The fields a reader's eye can reach, in this order (the review's fingerprint uses it).
PUBLIC_FIELDS = tuple(s.name for s in FIELDS if s.public)
# Fields read from the form as typed text.
TEXT_FIELDS = tuple(s for s in FIELDS if s.kind in ("text", "markdown") and s.form)
# The fields the aid scans, with the word an editor knows each by.
SCANNED_FIELDS = {s.name: s.label for s in FIELDS if s.scanned}
# The form's names for fields it names differently from ArticleFields.
FORM_NAMES = {s.name: s.form for s in FIELDS if s.form and s.form != s.name}
LABELS = {s.name: s.label for s in FIELDS if s.label}
