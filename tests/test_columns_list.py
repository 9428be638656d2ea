"""The editors' list of every column: what each row shows, filters, search, sorting and paging."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import Tag
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import session_scope
from app.models import Article, ArticleTopic, ArticleView, Staff, Topic
from tests.editing import STAFF, log_in
from tests.helpers import soup

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def _staff_id(client: TestClient, role: str) -> int:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Staff.id).where(Staff.email == STAFF[role])).one() or 0


def _add_columns(client: TestClient, count: int, **fields: object) -> list[int]:
    """`count` columns, one a day from START (published, unless told), ids in that order."""
    ids = []
    with session_scope(client.app.state.services.engine) as session:
        for n in range(count):
            day = START + timedelta(days=n)
            values: dict[str, object] = {
                "slug": f"column-{n}-{fields.get('status', 'published')}",
                "title": f"Column {n:03d}",
                "status": "published",
                "published_at": day,
                "created_at": day,
                "updated_at": day,
                **fields,
            }
            article = Article(**values)  # type: ignore[arg-type]
            session.add(article)
            session.flush()
            ids.append(article.id or 0)
    return ids


def _topic(client: TestClient, name: str, article_ids: list[int]) -> None:
    with session_scope(client.app.state.services.engine) as session:
        topic = Topic(name=name, slug=name.lower())
        session.add(topic)
        session.flush()
        for article_id in article_ids:
            session.add(ArticleTopic(article_id=article_id, topic_id=topic.id or 0))


def _views(client: TestClient, counts: dict[int, list[int]]) -> None:
    with session_scope(client.app.state.services.engine) as session:
        for article_id, per_day in counts.items():
            for n, views in enumerate(per_day):
                day = date(2026, 1, 1) + timedelta(days=n)
                session.add(ArticleView(article_id=article_id, day=day, views=views))


def _rows(client: TestClient, query: str = "") -> list[Tag]:
    page = client.get(f"/admin/columns{query}")
    assert page.status_code == 200, page.text
    return soup(page.text).select("table.columns-list tbody tr")


def _titles(client: TestClient, query: str = "") -> list[str]:
    return [row.select_one("a.queue__link").get_text() for row in _rows(client, query)]


def _cell(row: Tag, label: str) -> str:
    return " ".join(row.select_one(f'td[data-label="{label}"]').get_text(" ").split())


def test_each_row_shows_state_topics_author_dates_and_views(newsroom: TestClient) -> None:
    editor = _staff_id(newsroom, "editor")
    [live] = _add_columns(newsroom, 1, author_id=editor, byline="Edith Writes")
    [due] = _add_columns(
        newsroom, 1, status="scheduled", published_at=None, publish_at=START + timedelta(days=400)
    )
    _topic(newsroom, "Endings", [live])
    _topic(newsroom, "Apologies", [live])
    _views(newsroom, {live: [1200, 34]})
    log_in(newsroom, "columnist")
    rows = {row.select_one("a")["href"]: row for row in _rows(newsroom)}
    row = rows[f"/admin/columns/{live}"]
    assert _cell(row, "State") == "published"
    assert _cell(row, "Topics") == "Apologies, Endings"
    assert _cell(row, "Author") == "Test Editor byline: Edith Writes"
    assert _cell(row, "Dates") == "Published 1 Jan 2025 Created 1 Jan 2025 Updated 1 Jan 2025"
    assert _cell(row, "Views") == "1,234"
    scheduled = rows[f"/admin/columns/{due}"]
    assert _cell(scheduled, "Dates").startswith("Scheduled for 5 Feb 2026")
    assert (_cell(scheduled, "Author"), _cell(scheduled, "Views")) == ("—", "0")
    new = soup(newsroom.get("/admin/columns").text).select_one('a[href="/admin/columns/new"]')
    assert new is not None and new.get_text() == "New column"


def test_filters_by_state_topic_and_author(newsroom: TestClient) -> None:
    editor = _staff_id(newsroom, "editor")
    published = _add_columns(newsroom, 3)
    [draft] = _add_columns(newsroom, 1, status="draft", published_at=None, title="A draft")
    [mine] = _add_columns(newsroom, 1, status="in_review", published_at=None, author_id=editor)
    _topic(newsroom, "Safety", [published[1], draft])
    log_in(newsroom, "editor")
    assert _titles(newsroom, "?state=draft") == ["A draft"]
    assert _titles(newsroom, "?topic=safety") == ["Column 001", "A draft"]
    assert _titles(newsroom, "?topic=safety&state=published") == ["Column 001"]
    assert [r.select_one("a")["href"] for r in _rows(newsroom, f"?author={editor}")] == [
        f"/admin/columns/{mine}"
    ]
    doc = soup(newsroom.get("/admin/columns?state=draft").text)
    assert doc.select_one("#state option[selected]").get_text() == "Draft (1)"
    # A value the list does not offer is left out rather than guessed at.
    assert len(_rows(newsroom, "?state=gone&topic=nope&author=abc")) == 5


def test_search_finds_titles_and_summaries_whatever_the_case(newsroom: TestClient) -> None:
    _add_columns(newsroom, 1, title="The Scarf She Knitted", slug="scarf")
    _add_columns(newsroom, 1, title="Late again", slug="late", summary="A SCARF, and 100% wool")
    _add_columns(newsroom, 1, title="Nothing to see", slug="other")
    log_in(newsroom, "editor")
    assert _titles(newsroom, "?q=scarf") == ["Late again", "The Scarf She Knitted"]
    assert _titles(newsroom, "?q=100%25") == ["Late again"]
    assert _titles(newsroom, "?q=1_0") == []  # wildcards in the words match only themselves


def test_each_order(newsroom: TestClient) -> None:
    a, b, c = _add_columns(newsroom, 3)
    _add_columns(newsroom, 1, status="draft", published_at=None, created_at=START, slug="d")
    with session_scope(newsroom.app.state.services.engine) as session:
        first = session.get(Article, a)
        assert first is not None
        first.title, first.updated_at = "zebra crossing", START + timedelta(days=90)
        session.add(first)
    _views(newsroom, {b: [5, 5], c: [3]})
    log_in(newsroom, "editor")
    # The draft and the first column share a date: the later one comes first.
    assert _titles(newsroom) == ["Column 002", "Column 001", "Column 000", "zebra crossing"]
    assert _titles(newsroom, "?sort=oldest")[-1] == "Column 002"
    assert _titles(newsroom, "?sort=updated")[0] == "zebra crossing"
    assert _titles(newsroom, "?sort=title") == [
        "Column 000",
        "Column 001",
        "Column 002",
        "zebra crossing",
    ]
    assert _titles(newsroom, "?sort=views")[:2] == ["Column 001", "Column 002"]


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated", "title", "views"])
def test_paging_walks_every_column_once_in_order(newsroom: TestClient, sort: str) -> None:
    ids = _add_columns(newsroom, 120)
    # Ties on every sort value, so the pages must fall back on the id.
    _views(newsroom, {i: [i % 7] for i in ids})
    with session_scope(newsroom.app.state.services.engine) as session:
        for article in session.exec(select(Article)).all():
            article.updated_at = START + timedelta(days=(article.id or 0) % 5)
            session.add(article)
    log_in(newsroom, "editor")
    seen: list[str] = []
    first = _titles(newsroom, f"?sort={sort}")
    query = f"?sort={sort}"
    for _ in range(5):
        doc = soup(newsroom.get(f"/admin/columns{query}").text)
        seen += [a.get_text() for a in doc.select("table.columns-list a.queue__link")]
        following = doc.select_one('a[rel="next"]')
        if following is None:
            break
        parts = parse_qs(urlsplit(following["href"]).query)
        assert parts["sort"] == [sort]
        query = "?" + urlsplit(following["href"]).query
    assert len(seen) == len(set(seen)) == 120
    assert seen[:50] == first


@pytest.mark.parametrize(
    "query",
    [
        "?q=%00",
        "?q=a%00b",
        "?after=%00",
        "?after=9999-99-99~1",
        "?after=2025-01-01T00:00:00~99999999999999999999999",
        "?sort=views&after=99999999999999999999999~1",
        "?sort=title&after=x",
        "?author=99999999999999999999999",
        "?author=2147483648",
        "?after=2025-01-01T00:00:00~2147483648",
        "?after=2025-01-01T00:00:00%2B05:00~2147483647",
        "?sort=views&after=9223372036854775808~1",
        "?author=%D9%A3",
        "?topic=%00",
        "?state=" + "x" * 500,
        "?sort=%F0%9F%98%80",
    ],
)
def test_odd_addresses_are_answered_never_a_server_error(newsroom: TestClient, query: str) -> None:
    _add_columns(newsroom, 3)
    log_in(newsroom, "editor")
    response = newsroom.get(f"/admin/columns{query}")
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        assert len(soup(response.text).select("table.columns-list tbody tr")) in (0, 3)


def test_a_search_is_not_echoed_unescaped(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    page = newsroom.get("/admin/columns?q=<script>alert(1)</script>")
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert soup(page.text).select_one("#q")["value"] == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("sort", "after"),
    [
        ("newest", "2026-01-01T00:00:00~5"),
        ("updated", "2026-01-01T00:00:00~5"),
        ("oldest", "0001-01-01T00:00:00+14:00~1"),
        ("newest", "9999-12-31T23:59:59-14:00~1"),
        ("title", "\x00~1"),
    ],
)
def test_a_cursor_the_page_never_made_is_ignored_never_a_500(
    newsroom: TestClient, sort: str, after: str
) -> None:
    _add_columns(newsroom, 3)
    log_in(newsroom, "editor")
    answer = newsroom.get("/admin/columns", params={"sort": sort, "after": after})
    assert answer.status_code == 200
    assert len(_rows(newsroom, f"?sort={sort}")) == 3
