"""Write published columns, topics and their images back out as content files."""

from __future__ import annotations

import shutil
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import Session, col, select

from app.column_fields import FIELDS
from app.editorial.articles import article_topic_names
from app.editorial.content_import import ANSWER_SEPARATOR
from app.models import Article, CalloutMode, Resource, Topic


def export_content(*, session: Session, target: Path, media_dir: Path, tz: ZoneInfo) -> int:
    """Export every published article and all topics; returns the number of columns written."""
    columns_dir = target / "columns"
    images_dir = columns_dir / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    topics = session.exec(select(Topic).order_by(col(Topic.name))).all()
    topic_entries = [{"name": t.name, "slug": t.slug, "description": t.description} for t in topics]
    (target / "topics.yaml").write_text(_dump(topic_entries), encoding="utf-8")
    articles = session.exec(
        select(Article).where(Article.status == "published").order_by(col(Article.slug))
    ).all()
    for article in articles:
        assert article.id is not None
        meta = _front_matter(
            session, article, article_topic_names(session=session, article_id=article.id), tz
        )
        if article.hero_path:
            suffix = Path(article.hero_path).suffix
            shutil.copyfile(media_dir / article.hero_path, images_dir / f"{article.slug}{suffix}")
            meta["hero"] = f"images/{article.slug}{suffix}"
            meta["hero_alt"] = article.hero_alt
        text = (
            f"---\n{_dump(meta)}---\n{article.letter_md}\n{ANSWER_SEPARATOR}\n{article.answer_md}\n"
        )
        (columns_dir / f"{article.slug}.md").write_text(text, encoding="utf-8")
    return len(articles)


def _front_matter(
    session: Session, article: Article, topics: list[str], tz: ZoneInfo
) -> dict[str, Any]:
    assert article.published_at is not None
    meta: dict[str, Any] = {
        "title": article.title,
        "slug": article.slug,
        "date": _date_value(article.published_at, tz),
        "topics": topics,
    }
    for spec in FIELDS:
        if spec.content and spec.content not in meta and spec.content != "hero_alt":
            meta[spec.content] = getattr(article, spec.name)
    callout = _callout(session, article)
    if callout is not None:
        meta["callout"] = callout
    return meta


def _callout(session: Session, article: Article) -> dict[str, str] | str | None:
    """The column's own callout choice: a resource's words, `none`, or nothing (the topic's)."""
    if article.callout_mode == CalloutMode.none:
        return "none"
    resource = (
        session.get(Resource, article.callout_resource_id)
        if article.callout_mode == CalloutMode.resource and article.callout_resource_id
        else None
    )
    if resource is None:
        return None
    block = {"title": resource.title, "text": resource.text, "url": resource.url}
    if resource.link_text != "Explore course":
        block["link_text"] = resource.link_text
    if resource.small_print:
        block["small_print"] = resource.small_print
    return block


def _date_value(moment: datetime, tz: ZoneInfo) -> Any:
    local = moment.astimezone(tz)
    return local.date() if local.time() == time(0, 0) else local.isoformat()


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
