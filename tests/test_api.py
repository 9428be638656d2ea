"""The JSON read API under /api/v1/: columns, one column, topics, and its OpenAPI description."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.editorial.content_import import parse_column
from app.models import Article
from tests.conftest import CONTENT_DIR
from tests.helpers import soup

BASE = "http://testserver"
COLUMNS = {p.stem: parse_column(p) for p in sorted((CONTENT_DIR / "columns").glob("*.md"))}
SUMMARY_KEYS = {
    "slug",
    "title",
    "summary",
    "url",
    "published_at",
    "reading_minutes",
    "topics",
    "byline",
}
DETAIL_KEYS = SUMMARY_KEYS | {
    "signoff",
    "letter_html",
    "answer_html",
    "hero_url",
    "hero_alt",
    "callout",
}


def _json(client: TestClient, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _all_items(client: TestClient, query: str = "") -> list[dict[str, Any]]:
    first = _json(client, f"/api/v1/columns?page=1{query}")
    items = list(first["items"])
    for page in range(2, first["pages"] + 1):
        items += _json(client, f"/api/v1/columns?page={page}{query}")["items"]
    return items


def _keys(data: Any) -> set[str]:
    """Every key of every object in a JSON document."""
    if isinstance(data, dict):
        return set(data) | {k for value in data.values() for k in _keys(value)}
    if isinstance(data, list):
        return {k for value in data for k in _keys(value)}
    return set()


# /api/v1/columns


def test_columns_are_paginated_newest_first(site: TestClient, site_settings: Settings) -> None:
    first = _json(site, "/api/v1/columns")
    size = site_settings.page_size
    assert first["page"] == 1 and first["total"] == len(COLUMNS)
    assert first["pages"] == -(-len(COLUMNS) // size) >= 2
    assert len(first["items"]) == size
    assert set(first["items"][0]) == SUMMARY_KEYS
    items = _all_items(site)
    assert sorted(item["slug"] for item in items) == sorted(COLUMNS)
    dates = [datetime.fromisoformat(item["published_at"]) for item in items]
    assert dates == sorted(dates, reverse=True)
    assert items[0]["url"] == f"{BASE}/columns/{items[0]['slug']}"


def test_columns_filter_by_topic(site: TestClient) -> None:
    safety = {slug for slug, (meta, _, _) in COLUMNS.items() if "Safety" in meta.topics}
    page = _json(site, "/api/v1/columns?topic=safety")
    assert page["total"] == len(safety) >= 2
    assert {item["slug"] for item in page["items"]} == safety
    for item in page["items"]:
        assert "Safety" in item["topics"]


def test_columns_of_an_unknown_topic_are_a_json_404(site: TestClient) -> None:
    body = _json(site, "/api/v1/columns?topic=no-such-topic", status=404)
    assert body == {"detail": "No such topic."}


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc"])
def test_a_bad_page_number_is_a_json_422(site: TestClient, query: str) -> None:
    body = _json(site, f"/api/v1/columns?{query}", status=422)
    assert list(body["errors"]) == ["page"]
    assert all(body["errors"].values())


# /api/v1/columns/{slug}


def test_one_column_has_its_letter_and_answer_as_html(site: TestClient) -> None:
    meta, _, _ = COLUMNS["the-client-who-would-not-leave"]
    body = _json(site, "/api/v1/columns/the-client-who-would-not-leave")
    assert set(body) == DETAIL_KEYS
    assert body["title"] == meta.title and body["signoff"] == meta.signoff
    assert sorted(body["topics"]) == sorted(meta.topics)
    letter = soup(body["letter_html"])
    assert letter.find("p").get_text().startswith("Dear Ethics Consult,")
    answer = soup(body["answer_html"])
    assert len(answer.find_all("p")) >= 3 and answer.find("strong") is not None
    assert body["hero_alt"] == meta.hero_alt
    assert body["hero_url"].startswith(f"{BASE}/media/")
    image = site.get(body["hero_url"].removeprefix(BASE))
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"


def test_drafts_and_unknown_columns_are_a_json_404(
    site: TestClient, site_settings: Settings
) -> None:
    engine = make_engine(site_settings.database_url)
    with Session(engine) as session:
        session.add(Article(slug="secret-draft", title="Draft", status="draft"))
        session.commit()
    engine.dispose()
    assert _json(site, "/api/v1/columns/secret-draft", status=404) == {"detail": "No such column."}
    assert _json(site, "/api/v1/columns/nothing-here", status=404) == {"detail": "No such column."}
    assert "secret-draft" not in {item["slug"] for item in _all_items(site)}


# /api/v1/topics


def test_topics_match_the_topics_page(site: TestClient) -> None:
    topics = _json(site, "/api/v1/topics")
    doc = soup(site.get("/topics").text)
    on_page = {}
    for item in doc.select(".topic-grid li"):
        count = re.match(r"(\d+) column", item.select_one(".meta").get_text(strip=True))
        assert count is not None
        on_page[item.select_one("h2 a").get_text(strip=True)] = int(count.group(1))
    assert {t["name"]: t["articles"] for t in topics} == on_page
    used = {name for meta, _, _ in COLUMNS.values() for name in meta.topics}
    assert set(on_page) == used
    assert all(t["slug"] and t["description"] for t in topics)


# OpenAPI and privacy

API_PATHS = ["/api/v1/columns", "/api/v1/columns/{slug}", "/api/v1/topics"]


def _schema_of(openapi: dict[str, Any], path: str) -> dict[str, Any]:
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = schema["schema"]
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
    assert ref, schema
    return dict(openapi["components"]["schemas"][ref.rsplit("/", 1)[1]])


def test_openapi_documents_the_read_api(site: TestClient) -> None:
    openapi = _json(site, "/openapi.json")
    assert set(API_PATHS) <= set(openapi["paths"])
    assert set(_schema_of(openapi, "/api/v1/columns")["properties"]) == {
        "items",
        "page",
        "pages",
        "total",
    }
    assert set(_schema_of(openapi, "/api/v1/columns/{slug}")["properties"]) == DETAIL_KEYS
    topic = _schema_of(openapi, "/api/v1/topics")["properties"]
    assert {"slug", "name", "articles"} <= set(topic)


def test_no_api_response_has_an_email_field(site: TestClient) -> None:
    documents = [
        _json(site, "/api/v1/columns"),
        _json(site, "/api/v1/columns?topic=safety"),
        _json(site, "/api/v1/topics"),
        _json(site, "/api/v1/columns?page=0", status=422),
        _json(site, "/api/v1/columns/nothing-here", status=404),
    ]
    documents += [_json(site, f"/api/v1/columns/{slug}") for slug in COLUMNS]
    keys = set().union(*(_keys(document) for document in documents))
    assert {"slug", "letter_html", "articles"} <= keys
    assert not [key for key in keys if "email" in key.lower()]


def _response_properties(openapi: dict[str, Any]) -> set[str]:
    """Every property name of every documented /api/ response schema, following $refs."""
    schemas, seen, names = openapi["components"]["schemas"], set(), set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref not in seen:
                seen.add(ref)
                walk(schemas[ref.rsplit("/", 1)[1]])
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)

    for path, operations in openapi["paths"].items():
        if path.startswith("/api/"):
            walk([operation.get("responses", {}) for operation in operations.values()])
    return names


def test_no_documented_api_response_has_an_email_field(site: TestClient) -> None:
    names = _response_properties(_json(site, "/openapi.json"))
    assert {"items", "letter_html", "articles"} <= names
    assert not [name for name in names if "email" in name.lower()]


def test_a_column_gives_its_callout_as_the_page_shows_it(site: TestClient) -> None:
    slug = "he-said-he-would-hurt-him"
    callout = _json(site, f"/api/v1/columns/{slug}")["callout"]
    assert set(callout) == {"title", "text", "link_text", "url", "small_print"}
    shown = soup(site.get(f"/columns/{slug}").text).select_one("aside.callout")
    assert shown.h2.get_text() == callout["title"]
    assert shown.select_one("a.button")["href"] == callout["url"]
