"""Atom feeds, the sitemap and robots.txt."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse

from app.deps import SessionDep, SettingsDep
from app.models import Article
from app.publishing import service
from app.publishing.http import cacheable
from app.templating import templates

router = APIRouter()
FEED_SIZE = 20
ATOM = "application/atom+xml; charset=utf-8"


def feed_html(article: Article) -> str:
    """An entry's whole column as HTML (the template escapes it once more for the XML)."""
    return (
        f"{article.letter_html}<p>—{escape(article.signoff)}</p><hr>"
        f"{article.answer_html}<p>— {escape(article.byline)}</p>"
    )


def _feed(
    request: Request,
    *,
    session: SessionDep,
    title: str,
    self_path: str,
    alternate: str,
    topic_id: int | None = None,
) -> Response:
    settings = request.app.state.settings
    listing = service.list_published(session=session, size=FEED_SIZE, topic_id=topic_id)
    ids = [a.id for a in listing.items if a.id is not None]
    updated = max((a.updated_at for a in listing.items), default=None)
    rendered = templates.TemplateResponse(
        request,
        "public/feed.xml",
        {
            "title": title,
            "self_url": settings.base_url + self_path,
            "alternate_url": settings.base_url + alternate,
            "articles": listing.items,
            "topics_by_article": service.topics_for(session=session, article_ids=ids),
            "updated": updated,
            "feed_html": feed_html,
        },
    )
    return cacheable(
        request, bytes(rendered.body), media_type=ATOM, max_age=settings.public_max_age
    )


@router.get("/feed.xml", include_in_schema=False)
def site_feed(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return _feed(
        request, session=session, title=settings.site_name, self_path="/feed.xml", alternate="/"
    )


@router.get("/topics/{slug}/feed.xml", include_in_schema=False)
def topic_feed(request: Request, slug: str, session: SessionDep, settings: SettingsDep) -> Response:
    topic = service.get_topic(session=session, slug=slug)
    if topic is None:
        raise HTTPException(404)
    return _feed(
        request,
        session=session,
        title=f"{settings.site_name}: {topic.name}",
        self_path=f"/topics/{slug}/feed.xml",
        alternate=f"/topics/{slug}",
        topic_id=topic.id,
    )


@router.get("/sitemap.xml", include_in_schema=False)
def sitemap(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    rendered = templates.TemplateResponse(
        request,
        "public/sitemap.xml",
        {
            "articles": service.sitemap_entries(session=session),
            "topics": service.list_topics(session=session),
            "pages": list(request.app.state.pages),
        },
    )
    return cacheable(
        request,
        bytes(rendered.body),
        media_type="application/xml; charset=utf-8",
        max_age=settings.public_max_age,
    )


@router.get("/robots.txt", include_in_schema=False)
def robots(settings: SettingsDep) -> PlainTextResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /ask/status/",
        "Disallow: /api/",
        "Allow: /",
        f"Sitemap: {settings.base_url}/sitemap.xml",
    ]
    return PlainTextResponse(
        "\n".join(lines) + "\n", headers={"Cache-Control": "public, max-age=86400"}
    )
