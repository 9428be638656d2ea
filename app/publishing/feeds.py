"""Atom feeds, the sitemap and robots.txt."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse

from app.config import Settings
from app.deps import SessionDep, SettingsDep
from app.models import Article
from app.publishing import service, sitemaps
from app.publishing.http import cacheable
from app.publishing.pages import SiteTexts, Texts
from app.templating import templates

router = APIRouter()
FEED_SIZE = 20
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
# URLs in one sitemap file: the sitemaps.org cap (50,000 URLs of ~100 bytes stay far below its
# 50 MB). Past it, /sitemap.xml becomes an index of files. Tests lower it.
SITEMAP_LIMIT = 50_000


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
    settings: Settings,
    topic_id: int | None = None,
) -> Response:
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
        request,
        session=session,
        settings=settings,
        title=settings.site_name,
        self_path="/feed.xml",
        alternate="/",
    )


@router.get("/topics/{slug}/feed.xml", include_in_schema=False)
def topic_feed(request: Request, slug: str, session: SessionDep, settings: SettingsDep) -> Response:
    topic = service.get_topic(session=session, slug=slug)
    if topic is None:
        raise HTTPException(404)
    return _feed(
        request,
        session=session,
        settings=settings,
        title=f"{settings.site_name}: {topic.name}",
        self_path=f"/topics/{slug}/feed.xml",
        alternate=f"/topics/{slug}",
        topic_id=topic.id,
    )


def _site_urls(session: SessionDep, texts: SiteTexts) -> dict[str, Any]:
    """What the sitemap lists besides articles: home, the topics and the static pages."""
    return {
        "site_pages": True,
        "topics": service.list_topics(session=session),
        "pages": list(texts.pages),
    }


def _fits_one_file(session: SessionDep, site: dict[str, Any]) -> bool:
    urls = 2 + len(site["topics"]) + len(site["pages"])  # 2: home and /topics
    return urls + sitemaps.count_published(session=session) <= SITEMAP_LIMIT


def _xml(request: Request, template: str, context: dict[str, Any], max_age: int) -> Response:
    rendered = templates.TemplateResponse(request, template, context)
    return cacheable(request, bytes(rendered.body), media_type=XML, max_age=max_age)


@router.get("/sitemap.xml", include_in_schema=False)
def sitemap(request: Request, session: SessionDep, settings: SettingsDep, texts: Texts) -> Response:
    """Every public URL in one file or, once they outgrow one, an index of smaller files."""
    site = _site_urls(session, texts)
    if _fits_one_file(session, site):
        articles = service.sitemap_entries(session=session)
        return _xml(
            request, "public/sitemap.xml", {**site, "articles": articles}, settings.public_max_age
        )
    files = sitemaps.article_files(session=session, size=SITEMAP_LIMIT)
    return _xml(request, "public/sitemap_index.xml", {"files": files}, settings.public_max_age)


@router.get("/sitemaps/pages.xml", include_in_schema=False)
def sitemap_pages(
    request: Request, session: SessionDep, settings: SettingsDep, texts: Texts
) -> Response:
    site = _site_urls(session, texts)
    if _fits_one_file(session, site):
        raise HTTPException(404)  # /sitemap.xml lists these itself
    return _xml(request, "public/sitemap.xml", {**site, "articles": []}, settings.public_max_age)


@router.get("/sitemaps/articles-{number:int}.xml", include_in_schema=False)
def sitemap_articles(
    request: Request, number: int, session: SessionDep, settings: SettingsDep, texts: Texts
) -> Response:
    if _fits_one_file(session, _site_urls(session, texts)):
        raise HTTPException(404)
    articles = sitemaps.article_file_entries(session=session, number=number, size=SITEMAP_LIMIT)
    if not articles:
        raise HTTPException(404)
    return _xml(request, "public/sitemap.xml", {"articles": articles}, settings.public_max_age)


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
