"""Reading the admin's article form into fields, with a message for each problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends
from starlette.datastructures import FormData, UploadFile

from app.column_fields import TEXT_FIELDS, ArticleFields
from app.csrf import CheckedForm
from app.deps import SettingsDep
from app.editorial.images import stored_hero
from app.markdown import clean_text
from app.models import CalloutMode

Hero = tuple[str | None, int | None, int | None]  # an image's name, width and height


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
    remove_hero: bool = False  # "Remove image" was pressed: the form again, without it
    callout_sent: bool = False  # the form had the callout field (else the column keeps its own)
    hero_named: bool = False  # the form named its image (kept or removed), else the column's
    errors: dict[str, str] = field(default_factory=dict)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return clean_text(value) if isinstance(value, str) else ""


def parse_publish_at(value: str, tz: ZoneInfo) -> datetime:
    """A browser's datetime-local (in the site's zone) or ISO 8601 with an offset."""
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def read_article_form(
    form: FormData,
    *,
    tz: ZoneInfo,
    current_hero: Hero = (None, None, None),
    media_dir: Path | None = None,
) -> ArticleForm:
    """The article form as fields; problems are collected in `errors`, never raised.

    The hero image is the one the form carries (its hidden `hero_kept` field, checked against
    the media folder), else `current_hero`; "Remove image" clears it from the form.
    """
    values: dict[str, Any] = {
        spec.name: _text(form, spec.form).strip() if spec.kind == "text" else _text(form, spec.form)
        for spec in TEXT_FIELDS
        if spec.form
    }
    fields = ArticleFields(**values, topics=read_topics(form))
    remove = bool(form.get("remove_hero"))
    named = (None, None, None) if remove else _kept_hero(form, media_dir)
    fields.hero_path, fields.hero_width, fields.hero_height = named or current_hero
    version_text = _text(form, "version")
    result = ArticleForm(
        fields=fields,
        action=_text(form, "action") or "save",
        version=int(version_text)
        if version_text.isascii() and version_text.isdigit() and len(version_text) < 12
        else 0,
        reviewed=bool(form.get("anonymisation_reviewed")),
        publish_at_text=_text(form, "publish_at").strip(),
        dismissed=_text(form, "dismissed")[:20_000],
        aid=_text(form, "aid")[:2_000],
        remove_hero=remove,
        callout_sent="callout" in form,
        hero_named=named is not None,
    )
    upload = form.get("hero")
    if isinstance(upload, UploadFile) and upload.filename:
        result.upload = upload
    _read_callout(result, _text(form, "callout").strip())
    _check(result, tz)
    return result


def posted_article(form: CheckedForm, settings: SettingsDep) -> ArticleForm:
    """The editor's form as posted (its CSRF token checked), with the column's own image still
    to be given (`keep_current_hero`); an upload stays open until the route returns."""
    return read_article_form(form, tz=settings.tz, media_dir=settings.media_dir)


PostedArticle = Annotated[ArticleForm, Depends(posted_article)]


def read_topics(form: FormData) -> list[str]:
    """The topics as one comma-separated value, or one value per topic, or both."""
    names = (clean_text(v) for v in form.getlist("topics") if isinstance(v, str))
    return list(dict.fromkeys(t.strip() for value in names for t in value.split(",") if t.strip()))


def keep_current_hero(posted: ArticleForm, current: Hero) -> None:
    """Give the form the column's own image when the form named none."""
    if not posted.hero_named:
        f = posted.fields
        f.hero_path, f.hero_width, f.hero_height = current


def _kept_hero(form: FormData, media_dir: Path | None) -> Hero | None:
    """The image the form names in `hero_kept`, or None when it names none we made."""
    kept = form.get("hero_kept")
    if not isinstance(kept, str) or media_dir is None:
        return None
    if not kept:
        return None, None, None
    return stored_hero(kept, media_dir)  # a name we did not make is ignored


def _read_callout(result: ArticleForm, value: str) -> None:
    f = result.fields
    if not result.callout_sent or value in ("", CalloutMode.topic):
        f.callout_mode, f.callout_resource_id = CalloutMode.topic, None
    elif value == CalloutMode.none:
        f.callout_mode, f.callout_resource_id = CalloutMode.none, None
    elif value.isascii() and value.isdigit() and len(value) < 10:
        f.callout_mode, f.callout_resource_id = CalloutMode.resource, int(value)
    else:
        result.errors["callout"] = "Pick a resource from the list."


def _check(result: ArticleForm, tz: ZoneInfo) -> None:
    f = result.fields
    for spec in TEXT_FIELDS:
        if spec.limit is not None and len(getattr(f, spec.name)) > spec.limit:
            result.errors[spec.form or spec.name] = f"Keep this under {spec.limit} characters."
    if any(len(t) > 80 for t in f.topics):
        result.errors["topics"] = "Topic names are at most 80 characters each."
    if result.publish_at_text:
        try:
            result.publish_at = parse_publish_at(result.publish_at_text, tz)
        except ValueError:
            result.errors["publish_at"] = "Use a date and time, such as 2026-12-01T09:00."
