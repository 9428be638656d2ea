"""Public pages: home, articles, topics, search and static pages."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.config import Settings
from app.deps import SessionDep, SettingsDep, services
from app.publishing import service
from app.publishing.cache import Shelf
from app.publishing.http import cacheable, mark_article
from app.publishing.pages import Texts
from app.publishing.popularity import Views
from app.search import search_articles
from app.templating import templates
from app.urls import column_path, column_url

router = APIRouter()
PageNumber = Query(1, ge=1, le=10_000)


def render_public(
    request: Request,
    template: str,
    context: dict[str, object],
    status_code: int = 200,
    *,
    keep: Shelf | None = "pages",
) -> Response:
    """Render a public page as a cacheable response, kept by the page cache on the `keep`
    shelf."""
    rendered = templates.TemplateResponse(request, template, context)
    settings = services(request).settings
    return cacheable(
        request,
        bytes(rendered.body),
        media_type="text/html; charset=utf-8",
        max_age=settings.public_max_age,
        status_code=status_code,
        keep=keep,
    )


@router.get("/", include_in_schema=False)
def home(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    views: Views,
    page: int = PageNumber,
) -> Response:
    listing = service.list_published(session=session, page=page, size=settings.page_size)
    if page > 1 and not listing.items:
        raise HTTPException(404)
    ids = [a.id for a in listing.items if a.id is not None]
    return render_public(
        request,
        "public/home.html",
        {
            "listing": listing,
            "topics_by_article": service.topics_for(session=session, article_ids=ids),
            "popular": views.popular(session, _today(settings)),
            "topics": service.list_topics(session=session),
        },
    )


@router.get("/columns/{slug}", include_in_schema=False)
def article_page(
    request: Request, slug: str, session: SessionDep, settings: SettingsDep, views: Views
) -> Response:
    article = service.get_published_article(session=session, slug=slug)
    if article is None:
        new_slug = service.find_redirect(session=session, kind="article", slug=slug)
        if new_slug:
            return RedirectResponse(column_path(new_slug), status_code=301)
        raise HTTPException(404)
    assert article.id is not None
    views.record(article.id, _today(settings))
    mark_article(request, article.id)
    related = service.related_articles(session=session, article=article)
    popular = [a for a in views.popular(session, _today(settings)) if a.id != article.id]
    topics = service.topics_for(session=session, article_ids=[article.id])[article.id]
    return render_public(
        request,
        "public/article.html",
        {
            "article": article,
            "topics": topics,
            "callout": service.article_callout(session=session, article=article, topics=topics),
            "related": related,
            "popular": popular[:4],
            "canonical": column_url(settings.base_url, article.slug),
        },
    )


@router.get("/topics", include_in_schema=False)
def topics_index(request: Request, session: SessionDep) -> Response:
    return render_public(
        request, "public/topics.html", {"topics": service.list_topics(session=session)}
    )


@router.get("/topics/{slug}", include_in_schema=False)
def topic_page(
    request: Request, slug: str, session: SessionDep, settings: SettingsDep, page: int = PageNumber
) -> Response:
    topic = service.get_topic(session=session, slug=slug)
    if topic is None:
        new_slug = service.find_redirect(session=session, kind="topic", slug=slug)
        if new_slug:
            return RedirectResponse(f"/topics/{new_slug}", status_code=301)
        raise HTTPException(404)
    listing = service.list_published(
        session=session, page=page, size=settings.page_size, topic_id=topic.id
    )
    if page > 1 and not listing.items:
        raise HTTPException(404)
    ids = [a.id for a in listing.items if a.id is not None]
    return render_public(
        request,
        "public/topic.html",
        {
            "topic": topic,
            "listing": listing,
            "topics_by_article": service.topics_for(session=session, article_ids=ids),
        },
    )


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: str = Query("", max_length=500),
    page: int = PageNumber,
) -> Response:
    size = settings.page_size
    hits = search_articles(session, q, limit=size + 1, offset=(page - 1) * size)
    articles = service.articles_by_ids(session=session, ids=[h.article_id for h in hits[:size]])
    snippets = {h.article_id: h.snippet_html for h in hits}
    return render_public(
        request,
        "public/search.html",
        {
            "q": q.strip(),
            "articles": articles,
            "snippets": snippets,
            "page": page,
            "has_next": len(hits) > size,
            "topics_by_article": service.topics_for(
                session=session, article_ids=[a.id for a in articles if a.id]
            ),
        },
        keep="searches",
    )


def _today(settings: Settings) -> date:
    return datetime.now(settings.tz).date()


@router.get("/{page_slug}", include_in_schema=False)
def static_page(request: Request, page_slug: str, texts: Texts) -> Response:
    page = texts.pages.get(page_slug)
    if page is None:
        raise HTTPException(404)
    return render_public(request, "public/page.html", {"page": page})
