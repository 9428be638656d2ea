"""The JSON read API under /api/v1/: columns and topics."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from app.api_errors import error_responses
from app.column_fields import FIELDS
from app.deps import SessionDep, SettingsDep
from app.models import Article, Topic
from app.publishing import service
from app.urls import column_url

router = APIRouter(prefix="/api/v1", tags=["columns"], responses=error_responses(404, 422, 503))


class TopicPublic(BaseModel):
    slug: str
    name: str
    description: str
    articles: int


class ColumnSummary(BaseModel):
    slug: str
    title: str
    summary: str
    url: str
    published_at: datetime
    reading_minutes: int
    topics: list[str]
    byline: str


class CalloutPublic(BaseModel):
    title: str
    text: str
    link_text: str
    url: str
    small_print: str


class ColumnDetail(ColumnSummary):
    signoff: str
    letter_html: str
    answer_html: str
    hero_url: str | None
    hero_alt: str | None
    callout: CalloutPublic | None


class ColumnPage(BaseModel):
    items: list[ColumnSummary]
    page: int
    pages: int
    total: int


def _summary(article: Article, topics: list[Topic], base_url: str) -> dict[str, object]:
    # Every field the column's description gives an API key (each model keeps its own).
    return {
        **{spec.api: getattr(article, spec.name) for spec in FIELDS if spec.api},
        "url": column_url(base_url, article.slug),
        "published_at": article.published_at,
        "reading_minutes": article.reading_minutes,
        "topics": [t.name for t in topics],
    }


@router.get("/columns", response_model=ColumnPage)
def list_columns(
    session: SessionDep,
    settings: SettingsDep,
    page: int = Query(1, ge=1, le=10_000),
    topic: str | None = Query(None, max_length=80),
) -> ColumnPage:
    """Published columns, newest first; `topic` filters by a topic's slug."""
    topic_id = None
    if topic:
        found = service.get_topic(session=session, slug=topic)
        if found is None:
            raise HTTPException(404, "No such topic.")
        topic_id = found.id
    listing = service.list_published(
        session=session, page=page, size=settings.page_size, topic_id=topic_id
    )
    topics = service.topics_for(session=session, article_ids=[a.id for a in listing.items if a.id])
    items = [
        ColumnSummary.model_validate(_summary(a, topics[a.id or 0], settings.base_url))
        for a in listing.items
    ]
    return ColumnPage(items=items, page=listing.number, pages=listing.pages, total=listing.total)


@router.get("/columns/{slug}", response_model=ColumnDetail)
def get_column(slug: str, session: SessionDep, settings: SettingsDep) -> ColumnDetail:
    """One published column, with its letter and answer as HTML."""
    article = service.get_published_article(session=session, slug=slug)
    if article is None or article.id is None:
        raise HTTPException(404, "No such column.")
    topics = service.topics_for(session=session, article_ids=[article.id])[article.id]
    callout = service.article_callout(session=session, article=article, topics=topics)
    return ColumnDetail.model_validate(
        {
            **_summary(article, topics, settings.base_url),
            "callout": callout.model_dump() if callout else None,
            "letter_html": article.letter_html,
            "answer_html": article.answer_html,
            "hero_url": f"{settings.base_url}/media/{article.hero_path}"
            if article.hero_path
            else None,
            "hero_alt": article.hero_alt or None,
        }
    )


@router.get("/topics", response_model=list[TopicPublic])
def list_topics(session: SessionDep) -> list[TopicPublic]:
    """Topics that have published columns, with their counts."""
    return [
        TopicPublic(
            slug=s.topic.slug,
            name=s.topic.name,
            description=s.topic.description,
            articles=s.articles,
        )
        for s in service.list_topics(session=session)
    ]
