"""The reading site as a visitor sees it: home, articles, topics, static and error pages."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine
from app.models import Article, SlugRedirect
from app.publishing import service
from app.publishing.popularity import ViewCounter
from tests.helpers import soup

ARTICLE = "/columns/the-client-who-would-not-leave"


def _first_article_links(html: str) -> list[str]:
    return [a["href"] for a in soup(html).select(".card__title a")]


def test_home_lists_the_latest_columns_newest_first_and_paginates(site: TestClient) -> None:
    page1 = site.get("/")
    assert page1.status_code == 200
    doc = soup(page1.text)
    assert doc.find("h1").get_text(strip=True)
    links = _first_article_links(page1.text)
    assert len(links) == 10
    dates = [t["datetime"] for t in doc.select(".card time")]
    assert dates == sorted(dates, reverse=True)
    older = doc.find("a", rel="next")
    assert older is not None and older["href"] == "/?page=2"
    page2 = site.get("/?page=2")
    assert page2.status_code == 200
    assert set(_first_article_links(page2.text)).isdisjoint(links)
    assert site.get("/?page=99").status_code == 404


def test_article_page_has_every_part(site: TestClient) -> None:
    response = site.get(ARTICLE)
    assert response.status_code == 200
    doc = soup(response.text)
    assert doc.find("h1").get_text(strip=True) == "The client who would not leave my office"
    hero = doc.select_one(".column__hero img")
    assert hero["src"].startswith("/media/") and len(hero["alt"]) > 20
    assert doc.select_one(".column__header time")["datetime"].startswith("20")
    assert "min read" in doc.select_one(".column__header .meta").get_text()
    assert [a["href"] for a in doc.select(".column__header .topic-tags a")]
    letter = doc.select_one(".letter")
    assert letter.select_one(".letter__text p").get_text().startswith("Dear Ethics Consult,")
    assert letter.select_one(".letter__signoff").get_text(strip=True).startswith("—")
    answer = doc.select_one(".answer")
    assert len(answer.select(".answer__text p")) >= 3
    assert answer.select_one(".answer__signoff").get_text(strip=True).startswith("— ")
    share = [a["href"] for a in doc.select(".share a")]
    assert any(h.startswith("mailto:") for h in share) and len(share) >= 3
    assert doc.select(".column__more .card"), "related columns are listed"
    assert doc.select_one('.ask-call a[href="/ask"]') is not None


def test_article_page_metadata_for_sharing_and_search_engines(site: TestClient) -> None:
    doc = soup(site.get(ARTICLE).text)
    canonical = doc.find("link", rel="canonical")["href"]
    assert canonical == "http://testserver" + ARTICLE
    assert doc.find("meta", property="og:title")["content"].startswith("The client who would")
    assert doc.find("meta", property="og:image")["content"].startswith("http://testserver/media/")
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["@type"] == "Article" and data["headline"].startswith("The client")
    assert data["mainEntityOfPage"] == canonical and data["author"]["name"]


def test_pages_load_nothing_from_other_hosts(site: TestClient) -> None:
    for path in ("/", ARTICLE, "/topics", "/topics/safety", "/search?q=client", "/about"):
        doc = soup(site.get(path).text)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in doc.find_all(tag):
                value = element.get(attr)
                if value and not (tag == "link" and element.get("rel") in (["canonical"],)):
                    assert value.startswith("/"), f"{path}: {tag} {value}"


def test_related_articles_share_a_topic(site: TestClient, site_settings: Settings) -> None:
    engine = make_engine(site_settings.database_url)
    with Session(engine) as session:
        article = session.exec(
            select(Article).where(Article.slug == ARTICLE.rsplit("/", 1)[1])
        ).one()
        related = service.related_articles(session=session, article=article)
        assert related
        mine = {
            t.id for t in service.topics_for(session=session, article_ids=[article.id])[article.id]
        }
        for other in related:
            theirs = service.topics_for(session=session, article_ids=[other.id])[other.id]
            assert mine & {t.id for t in theirs}
    engine.dispose()


def test_popular_articles_come_from_counted_views(site: TestClient) -> None:
    for _ in range(3):
        site.get("/columns/i-forgot-her-session")
    site.get(ARTICLE)
    site.app.state.services.part(ViewCounter).flush(site.app.state.services.engine)
    doc = soup(site.get("/").text)
    popular = [a["href"] for a in doc.select("#popular-title + ol a")]
    assert popular[:2] == ["/columns/i-forgot-her-session", ARTICLE]


def test_drafts_are_not_public(site: TestClient, site_settings: Settings) -> None:
    engine = make_engine(site_settings.database_url)
    with Session(engine) as session:
        session.add(Article(slug="secret-draft", title="Draft", status="draft"))
        session.commit()
    engine.dispose()
    assert site.get("/columns/secret-draft").status_code == 404
    assert "secret-draft" not in site.get("/").text
    assert site.get("/api/v1/columns/secret-draft").status_code == 404


def test_an_old_slug_redirects_permanently(site: TestClient, site_settings: Settings) -> None:
    engine = make_engine(site_settings.database_url)
    with Session(engine) as session:
        session.add(
            SlugRedirect(kind="article", old_slug="old-name", new_slug="i-forgot-her-session")
        )
        session.commit()
    engine.dispose()
    response = site.get("/columns/old-name")
    assert response.status_code == 301
    assert response.headers["location"] == "/columns/i-forgot-her-session"


def test_topics_index_and_topic_page(site: TestClient) -> None:
    doc = soup(site.get("/topics").text)
    names = [a.get_text(strip=True) for a in doc.select(".topic-grid h2 a")]
    assert {"Safety", "Apologies", "Termination"} <= set(names)
    topic = soup(site.get("/topics/apologies").text)
    assert topic.find("h1").get_text(strip=True) == "Apologies"
    for card in topic.select(".card"):
        assert "Apologies" in [a.get_text(strip=True) for a in card.select(".topic-tags a")]
    assert site.get("/topics/no-such-topic").status_code == 404


@pytest.mark.parametrize("slug", ["about", "write-for-us", "privacy"])
def test_static_pages_are_served_from_content(site: TestClient, slug: str) -> None:
    response = site.get(f"/{slug}")
    assert response.status_code == 200
    doc = soup(response.text)
    assert doc.find("h1").get_text(strip=True)
    assert len(doc.select(".prose p")) >= 2


def test_not_found_page_is_in_the_site_look(site: TestClient) -> None:
    response = site.get("/columns/does-not-exist")
    assert response.status_code == 404
    doc = soup(response.text)
    assert doc.find("h1").get_text(strip=True) == "We could not find that page"
    assert doc.find("nav", attrs={"aria-label": "Main"}) is not None


def test_a_crash_shows_the_generic_error_page_without_details(
    site: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(**_: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "list_published", explode)
    response = site.get("/")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert soup(response.text).find("h1").get_text(strip=True) == "Something went wrong on our side"


def test_healthz_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"
    healthy = client.app.state.services.engine
    client.app.state.services.engine = create_engine("sqlite:////nonexistent-dir/consult.db")
    try:
        down = client.get("/healthz")
    finally:
        client.app.state.services.engine = healthy
    assert down.status_code == 503 and down.json()["database"] == "down"


def test_empty_site_says_so(client: TestClient) -> None:
    doc = soup(client.get("/").text)
    assert "No columns are published yet" in doc.select_one(".empty").get_text()


def test_security_headers_on_public_pages(site: TestClient) -> None:
    headers = site.get("/").headers
    csp = headers["content-security-policy"]
    for part in (
        "script-src 'self' 'nonce-",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert part in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
