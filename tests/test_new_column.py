""" "New column": the editor without a letter; saving creates a draft through the workflow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.main import create_app
from app.models import Article, ArticleRevision, Question
from tests.conftest import make_settings
from tests.editing import csrf_of, log_in, make_staff
from tests.helpers import soup
from tests.topic_setup import make_topics

COLUMN = {
    "title": "Notes in the waiting room",
    "summary": "When a client reads what was not meant for them.",
    "topics": "Confidentiality",
    "letter": "Dear Ethics Consult,\n\nA client saw my notes on the desk.",
    "answer": "Tell them what they saw, and what you will change.",
    "signoff": "Left Open",
    "byline": "Theo Marsh",
    "callout": "topic",
}


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(
        create_app(make_settings(database_url, tmp_path / "var")), follow_redirects=False
    ) as client:
        make_staff(client)
        make_topics(client, "Confidentiality")
        yield client


def _create(client: TestClient, **changes: str) -> object:
    token = csrf_of(client, "/admin/columns/new")
    return client.post("/admin/columns/new", data={**COLUMN, "csrf_token": token, **changes})


def test_the_new_column_page_is_the_editor_without_a_letter(office: TestClient) -> None:
    log_in(office, "columnist")
    page = soup(office.get("/admin/columns/new").text)
    assert page.h1.get_text() == "New column"
    form = page.select_one("form.answer-form")
    assert form["action"] == "/admin/columns/new"
    for name in ("title", "slug", "summary", "letter", "answer", "topics", "hero_alt", "callout"):
        assert form.find(attrs={"name": name}) is not None, name
    assert page.find("label", attrs={"for": "callout"}) is not None


def test_a_columnist_creates_a_draft_and_lands_on_its_page(office: TestClient) -> None:
    log_in(office, "columnist")
    made = _create(office, action="save")
    assert made.status_code == 303  # type: ignore[attr-defined]
    with Session(office.app.state.services.engine) as session:
        article = session.exec(select(Article)).one()
        assert (article.title, article.status) == (COLUMN["title"], "draft")
        assert session.exec(select(Question)).first() is None
        kept = session.exec(
            select(ArticleRevision).where(col(ArticleRevision.article_id) == article.id)
        ).all()
        assert len(kept) == 1
    assert made.headers["location"] == f"/admin/columns/{article.id}?done=save"  # type: ignore[attr-defined]
    page = soup(office.get(f"/admin/columns/{article.id}").text)
    assert page.find("input", attrs={"name": "title"})["value"] == COLUMN["title"]


def test_a_columnist_may_not_publish_a_new_column(office: TestClient) -> None:
    log_in(office, "columnist")
    refused = _create(office, action="publish", anonymisation_reviewed="1")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    with Session(office.app.state.services.engine) as session:
        assert session.exec(select(Article)).first() is None


def test_an_editor_publishes_a_new_column_with_the_review(office: TestClient) -> None:
    log_in(office, "editor")
    made = _create(office, action="publish", anonymisation_reviewed="1")
    assert made.status_code == 303  # type: ignore[attr-defined]
    public = soup(office.get("/columns/notes-in-the-waiting-room").text)
    assert public.h1.get_text() == COLUMN["title"]


def test_a_new_column_without_a_title_is_refused_with_what_was_typed(office: TestClient) -> None:
    log_in(office, "editor")
    refused = _create(office, action="save", title="", slug="my-own-slug")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    page = soup(refused.text)  # type: ignore[attr-defined]
    assert page.select_one("#title-error") is not None
    assert page.find("textarea", attrs={"name": "answer"}).get_text() == COLUMN["answer"]
    assert page.select_one("form.answer-form")["action"] == "/admin/columns/new"
    with Session(office.app.state.services.engine) as session:
        assert session.exec(select(Article)).first() is None
