"""Reading the admin's article form into fields, with a message for each problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData, UploadFile

from app.editorial.articles import ArticleFields
from app.markdown import clean_text


@dataclass
class ArticleForm:
    """What the editor sent, kept as typed so a refused form can be shown again."""

    fields: ArticleFields
    action: str
    version: int
    reviewed: bool
    publish_at_text: str
    publish_at: datetime | None = None
    dismissed: str = ""  # words the editor marked "not identifying", one per line
    aid: str = ""  # an aid button pressed (a replacement or a dismissal), instead of an action
    upload: UploadFile | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return clean_text(value) if isinstance(value, str) else ""


def parse_publish_at(value: str, tz: ZoneInfo) -> datetime:
    """A browser's datetime-local (in the site's zone) or ISO 8601 with an offset."""
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def read_article_form(
    form: FormData, *, tz: ZoneInfo, current_hero: tuple[str | None, int | None, int | None]
) -> ArticleForm:
    """The article form as fields; problems are collected in `errors`, never raised."""
    hero_path, width, height = current_hero
    if form.get("remove_hero"):
        hero_path, width, height = None, None, None
    topics = [t.strip() for t in _text(form, "topics").split(",") if t.strip()]
    fields = ArticleFields(
        title=_text(form, "title").strip(),
        slug=_text(form, "slug").strip(),
        summary=_text(form, "summary").strip(),
        letter_md=_text(form, "letter"),
        signoff=_text(form, "signoff").strip(),
        answer_md=_text(form, "answer"),
        byline=_text(form, "byline").strip(),
        topics=topics,
        hero_path=hero_path,
        hero_alt=_text(form, "hero_alt").strip(),
        hero_width=width,
        hero_height=height,
    )
    version_text = _text(form, "version")
    result = ArticleForm(
        fields=fields,
        action=_text(form, "action") or "save",
        version=int(version_text) if version_text.isdigit() else 0,
        reviewed=bool(form.get("anonymisation_reviewed")),
        publish_at_text=_text(form, "publish_at").strip(),
        dismissed=_text(form, "dismissed")[:20_000],
        aid=_text(form, "aid")[:2_000],
    )
    upload = form.get("hero")
    if isinstance(upload, UploadFile) and upload.filename:
        result.upload = upload
    _check(result, tz)
    return result


def _check(result: ArticleForm, tz: ZoneInfo) -> None:
    f = result.fields
    limits = {
        "title": (f.title, 200),
        "summary": (f.summary, 400),
        "signoff": (f.signoff, 60),
        "byline": (f.byline, 120),
        "hero_alt": (f.hero_alt, 300),
        "slug": (f.slug, 120),
    }
    for name, (value, limit) in limits.items():
        if len(value) > limit:
            result.errors[name] = f"Keep this under {limit} characters."
    if any(len(t) > 80 for t in f.topics):
        result.errors["topics"] = "Topic names are at most 80 characters each."
    if result.publish_at_text:
        try:
            result.publish_at = parse_publish_at(result.publish_at_text, tz)
        except ValueError:
            result.errors["publish_at"] = "Use a date and time, such as 2026-12-01T09:00."
