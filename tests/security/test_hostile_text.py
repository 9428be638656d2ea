"""Every path that shows user text, fed hostile Markdown and HTML: nothing comes out live."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.main import create_app
from app.markdown import clean_text
from app.models import Article, Question
from tests.asking import LETTER, send_letter
from tests.conftest import make_settings
from tests.editing import log_in, make_staff, post_answer
from tests.helpers import soup
from tests.security.payloads import XSS, assert_inert
from tests.topic_setup import make_topics

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def open_desk(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(
        database_url, tmp_path / "var", form_min_seconds=0, submissions_per_hour=10_000
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        yield client


def _publish(client: TestClient, number: int, text: str) -> dict[str, str]:
    """Send `text` in every field a reader or editor fills, publish it, return its pages."""
    status = send_letter(client, question=f"{LETTER}\n\n{text}", signoff=text[:60] or "x")
    with Session(client.app.state.services.engine) as session:
        qid = session.exec(select(Question.id).order_by(col(Question.id).desc())).first()
    # The topic as the form will read it (control characters removed), made ahead of the save.
    topic = " ".join(clean_text(text).replace(",", " ").split())[:60] or "blank"
    make_topics(client, "Hostile", topic)
    response = post_answer(
        client,
        qid,
        "publish",
        title=f"Case {number} {text}"[:200],
        summary=f"About {text}"[:400],
        topics=f"Hostile, {topic}",
        answer=f"An answer.\n\n{text}",
        byline=f"By {text}"[:120],
        anonymisation_reviewed="1",
        letter=f"Dear Ethics Consult,\n\n{text}",
    )
    assert response.status_code == 303, (number, response.text[:300])
    with Session(client.app.state.services.engine) as session:
        article = session.exec(select(Article).order_by(col(Article.id).desc())).first()
    slug = article.slug
    return {
        "article": client.get(f"/columns/{slug}").text,
        "home": client.get("/").text,
        "topics": client.get("/topics").text,
        "topic": client.get("/topics/hostile").text,
        "search": client.get("/search", params={"q": "answer " + text}).text,
        "status": client.get(status.headers["location"]).text,
        "queue": client.get("/admin/queue?state=all").text,
        "letter page": client.get(f"/admin/questions/{qid}").text,
        "feed": _feed_html(client.get("/feed.xml").content),
        "api": _api_html(client.get(f"/api/v1/columns/{slug}").json()),
    }


def _feed_html(data: bytes) -> str:
    root = ET.fromstring(data)
    return "".join(e.text or "" for e in root.iter(f"{ATOM}content"))


def _api_html(data: dict[str, object]) -> str:
    return f"<div>{data['letter_html']}</div><div>{data['answer_html']}</div>"


def test_hostile_text_never_becomes_markup(open_desk: TestClient) -> None:
    log_in(open_desk, "editor")
    baseline = _publish(open_desk, 0, "plain words only")
    checked = 0
    for number, payload in enumerate(XSS, start=1):
        pages = _publish(open_desk, number, payload)
        for where, markup in pages.items():
            assert_inert(markup, baseline[where], f"{where} / payload {number}: {payload!r}")
            checked += 1
    assert checked == len(XSS) * len(baseline) >= 20 * 10


def test_json_ld_survives_a_title_that_closes_the_script(open_desk: TestClient) -> None:
    log_in(open_desk, "editor")
    pages = _publish(open_desk, 1, "</script><script>alert(1)</script>")
    scripts = soup(pages["article"]).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    assert "</script>" in json.loads(scripts[0].string)["headline"]


def test_template_syntax_is_shown_not_run(open_desk: TestClient) -> None:
    log_in(open_desk, "editor")
    pages = _publish(open_desk, 1, "{{7*7}}")
    assert "{{7*7}}" in soup(pages["article"]).find("h1").get_text()
