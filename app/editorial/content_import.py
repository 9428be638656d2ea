"""Columns, topics and pages as files: import (idempotent, by slug) and export (round-trips)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlmodel import Session, select

from app.column_fields import FIELDS, STORED_FIELDS
from app.editorial import guard
from app.editorial.articles import (
    ArticleFields,
    apply_fields,
    ensure_topic,
    fields_of,
)
from app.editorial.resources import find_or_create
from app.editorial.workflow import publish_imported
from app.frontmatter import ContentError, split_front_matter
from app.markdown import slugify
from app.models import Article, CalloutMode, Topic

ANSWER_SEPARATOR = "---answer---"


class Callout(BaseModel):
    """A `callout:` block: the resource a column shows, found in the library by title and URL
    (or added to it)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=600)
    url: HttpUrl
    link_text: str = Field(default="Explore course", min_length=1, max_length=60)
    small_print: str = Field(default="", max_length=600)


class ColumnMeta(BaseModel):
    """The front matter of a column file."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)
    date: datetime | date
    topics: list[str] = Field(min_length=1)
    signoff: str = Field(min_length=1, max_length=60)
    byline: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=400)
    hero: str | None = None
    hero_alt: str | None = Field(default=None, max_length=300, validate_default=True)
    # A block names the column's resource; `none` shows none; left out, the first topic's default.
    callout: Callout | Literal["none"] | None = None

    @field_validator("hero_alt")
    @classmethod
    def _alt_with_hero(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("hero") and not (value or "").strip():
            raise ValueError("alt text is required when hero is set")
        return value


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    topics_changed: int = 0
    errors: list[str] = field(default_factory=list)
    # Imported files are trusted, but what the aid finds in a new or changed column is told.
    findings: list[tuple[str, str]] = field(default_factory=list)  # (slug, the findings)

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.topics_changed


def parse_column(path: Path) -> tuple[ColumnMeta, str, str]:
    """A column file's metadata, letter and answer; ContentError names what is wrong."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError("the file is not UTF-8 text") from exc
    meta, body = split_front_matter(source)
    try:
        column = ColumnMeta.model_validate(meta)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "front matter"
        raise ContentError(f"field '{where}': {first['msg']}") from exc
    letter, sep, answer = body.partition(f"\n{ANSWER_SEPARATOR}\n")
    if not sep:
        raise ContentError(f"body: no '{ANSWER_SEPARATOR}' line between the letter and the answer")
    if not letter.strip() or not answer.strip():
        raise ContentError("body: the letter and the answer must both have text")
    return column, letter.strip(), answer.strip()


def import_content(
    *, session: Session, content_dir: Path, media_dir: Path, tz: ZoneInfo
) -> ImportReport:
    """Import topics.yaml and columns/*.md; files with errors are reported and skipped."""
    report = ImportReport()
    _import_topics(session=session, content_dir=content_dir, report=report)
    seen: dict[str, Path] = {}
    for path in sorted((content_dir / "columns").glob("*.md")):
        try:
            column, letter, answer = parse_column(path)
            if column.slug in seen:
                raise ContentError(
                    f"field 'slug': {column.slug!r} is already used by {seen[column.slug]}"
                )
            seen[column.slug] = path
            _import_column(
                session=session,
                path=path,
                column=column,
                letter=letter,
                answer=answer,
                media_dir=media_dir,
                tz=tz,
                report=report,
            )
        except ContentError as exc:
            report.errors.append(f"{path}: {exc}")
    return report


def _import_topics(*, session: Session, content_dir: Path, report: ImportReport) -> None:
    path = content_dir / "topics.yaml"
    if not path.exists():
        return
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError:
        report.errors.append(f"{path}: not valid YAML")
        return
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            report.errors.append(f"{path}: entry {number}: field 'name' is required")
            continue
        before = session.exec(select(Topic).where(Topic.name == entry["name"])).first()
        old = (before.name, before.description) if before else None
        topic = ensure_topic(
            session=session,
            name=str(entry["name"]),
            description=str(entry.get("description", "")).strip(),
        )
        if old != (topic.name, topic.description):
            report.topics_changed += 1
    session.flush()


def _import_column(
    *,
    session: Session,
    path: Path,
    column: ColumnMeta,
    letter: str,
    answer: str,
    media_dir: Path,
    tz: ZoneInfo,
    report: ImportReport,
) -> None:
    hero_path, width, height = None, None, None
    if column.hero:
        hero_path, width, height = store_image(path.parent / column.hero, media_dir)
    meta = column.model_dump()
    values: dict[str, Any] = {
        spec.name: meta[spec.content] or "" for spec in FIELDS if spec.content
    }
    fields = ArticleFields(
        **values,
        letter_md=letter,
        answer_md=answer,
        topics=column.topics,
        hero_path=hero_path,
        hero_width=width,
        hero_height=height,
    )
    _read_callout(session, column.callout, fields)
    published_at = _as_datetime(column.date, tz)
    article = session.exec(select(Article).where(Article.slug == column.slug)).first()
    if article is not None and _unchanged(session, article, fields, published_at):
        report.unchanged += 1
        return
    if article is None:
        article = Article(title=column.title, slug=column.slug)
        report.created += 1
    else:
        report.updated += 1
    apply_fields(session=session, article=article, fields=fields)
    publish_imported(session=session, article=article, published_at=published_at)
    details = guard.find_public_details(fields)
    if details:
        report.findings.append((column.slug, guard.describe(details)))


def _read_callout(session: Session, callout: Callout | str | None, fields: ArticleFields) -> None:
    if isinstance(callout, Callout):
        resource = find_or_create(
            session=session,
            title=callout.title.strip(),
            url=str(callout.url),
            text=callout.text.strip(),
            link_text=callout.link_text.strip(),
            small_print=callout.small_print.strip(),
        )
        fields.callout_mode, fields.callout_resource_id = CalloutMode.resource, resource.id
    elif callout == CalloutMode.none:
        fields.callout_mode = CalloutMode.none


def _unchanged(
    session: Session, article: Article, fields: ArticleFields, published_at: datetime
) -> bool:
    """Whether the article already says what the file says (topics compared by slug)."""
    current = fields_of(session=session, article=article)
    same = all(
        getattr(current, name) == getattr(fields, name)
        for name in STORED_FIELDS
        if name not in ("slug", "hero_width", "hero_height")
    )
    topics = {slugify(name) for name in current.topics}
    wanted = {slugify(name) for name in fields.topics if name.strip()}
    return (
        same
        and topics == wanted
        and (article.published_at, article.status)
        == (
            published_at,
            "published",
        )
    )


def _as_datetime(value: datetime | date, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, time(0, 0), tzinfo=tz)


def store_image(source: Path, media_dir: Path) -> tuple[str, int, int]:
    """Copy a checked image into the media folder under a name made from its bytes."""
    if not source.is_file():
        raise ContentError(f"field 'hero': no image at {source}")
    data = source.read_bytes()
    from PIL import Image  # only imports and uploads need it: not loaded in every worker

    try:
        with Image.open(source) as image:
            image.verify()
        with Image.open(source) as image:
            width, height = image.size
            kind = (image.format or "").lower()
    except Exception as exc:
        raise ContentError(f"field 'hero': {source.name} is not a readable image") from exc
    if kind not in ("jpeg", "png", "webp"):
        raise ContentError(f"field 'hero': {source.name} must be JPEG, PNG or WebP")
    name = f"{hashlib.sha256(data).hexdigest()[:20]}.{'jpg' if kind == 'jpeg' else kind}"
    media_dir.mkdir(parents=True, exist_ok=True)
    target = media_dir / name
    if not target.exists():
        shutil.copyfile(source, target)
    return name, width, height
