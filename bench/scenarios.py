"""What the benchmark asks of the site: the pages, the requests that fetch them, and how."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote_plus

import httpx
from generate import NOW, load_topics
from words import TextMaker

ARTICLE_WORKING_SET = 500
SEARCH_QUERIES = 2000
COLD_REQUESTS = 30_000
# Both workers render each of the 500 pages once (~10 ms each) before the cache is warm.
ARTICLE_WARMUP = 30.0
# ... and each of the 2,000 result pages of search.
SEARCH_WARMUP = 60.0


@dataclass
class Scenario:
    key: str
    label: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    post_json: str | None = None
    connections: int = 64
    compare_with_bare: bool = True
    warmup: float | None = None  # seconds (at most, when `settle`); None: the --warmup given
    settle: bool = False  # warm up until the server's CPU per answer stops falling


def article_paths(articles: int) -> list[str]:
    """A working set spread evenly over the whole archive (every 100th article is a draft)."""
    count = min(ARTICLE_WORKING_SET, articles)
    numbers = [1 + (i * articles) // count for i in range(count)]
    return [f"/columns/column-{n if n % 100 else n + 1}" for n in numbers]


def letter_body() -> str:
    return json.dumps(
        {
            "question": "Dear Ethics Consult, a client of mine keeps arriving late and then asks "
            "for the full hour. Should I hold the ending time or give in to keep the peace?",
            "signoff": "Late Again",
            "consent": True,
        }
    )


def columns_paths(articles: int, queries: list[str], topics: list[str]) -> list[str]:
    """The editors' list of columns as editors use it: each order, each filter, a search, and
    pages deep in the archive (a keyset cursor at dates spread over its whole span)."""
    span = timedelta(hours=max(1, 24 * 365 * 8 // max(articles, 1))) * articles
    deep = [
        f"/admin/columns?after={quote_plus((NOW - span * i / 40).isoformat())}~{2**31 - 1}"
        for i in range(1, 40)
    ]
    orders = [f"/admin/columns?sort={sort}" for sort in ("oldest", "updated", "title", "views")]
    filters = ["/admin/columns?state=draft", "/admin/columns?state=published&sort=views"]
    filters += [f"/admin/columns?topic={slug}" for slug in topics[:6]]
    searches = [f"/admin/columns?q={quote_plus(q)}" for q in queries[:20]]
    return ["/admin/columns", *orders, *filters, *searches, *deep]


def build_scenarios(base_url: str, articles: int, cookie: str) -> list[Scenario]:
    """The eight rows of the table; the article page, search and the queue with every request
    a miss; the columns list; and low-concurrency latency rows."""
    articles_set = article_paths(articles)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        etag = client.get(articles_set[0]).headers.get("etag", '"none"')
    queries = TextMaker(7).search_queries(SEARCH_QUERIES)
    search = [f"/search?q={quote_plus(q)}" for q in queries]
    topics = [f"/topics/{t['slug']}" for t in load_topics()]
    queue_headers = {"Cookie": cookie}
    # A query string the page ignores makes every request a page the cache has not seen.
    cold = [f"{articles_set[i % len(articles_set)]}?cold={i}" for i in range(COLD_REQUESTS)]
    search_cold = [f"{search[i % len(search)]}&cold={i}" for i in range(COLD_REQUESTS)]
    # A cursor of its own on every request (ten minutes apart, from the oldest letters on): a
    # page of the queue that no worker has kept, each read and rendered in full.
    oldest = (NOW - timedelta(days=730)).timestamp()
    queue_cold = [f"/admin/queue?after=0~{oldest + 600 * i:.6f}~0" for i in range(COLD_REQUESTS)]
    columns = columns_paths(articles, queries, [t["slug"] for t in load_topics()])
    return [
        Scenario("article", "Article page", articles_set, warmup=ARTICLE_WARMUP, settle=True),
        Scenario("article_304", "Article page, 304", articles_set[:1], {"If-None-Match": etag}),
        Scenario("home", "Home page", ["/"]),
        Scenario("topic", "Topic page", topics),
        Scenario("search", "Search", search, warmup=SEARCH_WARMUP, settle=True),
        Scenario("feed", "Feed (Atom)", ["/feed.xml"]),
        Scenario("queue", "Editors' queue, signed in", ["/admin/queue"], queue_headers),
        Scenario(
            "submit", "Letter submission (POST)", ["/api/v1/questions"], post_json=letter_body()
        ),
        Scenario("article_cold", "Article page, not cached", cold, warmup=0),
        Scenario("search_cold", "Search, not cached", search_cold, warmup=0),
        Scenario("queue_cold", "Editors' queue, not kept", queue_cold, queue_headers, warmup=0),
        Scenario("columns", "Columns list, signed in", columns, queue_headers, warmup=0),
        Scenario(
            "columns_c4",
            "Columns list, 4 connections",
            columns,
            queue_headers,
            connections=4,
            compare_with_bare=False,
        ),
        Scenario(
            "search_c4",
            "Search, not cached, 4 connections",
            search_cold,
            connections=4,
            compare_with_bare=False,
        ),
        Scenario(
            "queue_c4",
            "Editors' queue, 4 connections",
            ["/admin/queue"],
            queue_headers,
            connections=4,
            compare_with_bare=False,
        ),
    ]
