"""The library of resources: editors add, edit and delete callouts; a column picks one, none,
or its first topic's default, and the public page shows it with its small print."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.models import Article, ArticleRevision, AuditEntry, Resource, Topic
from tests.editing import csrf_of, form_values, log_in, make_staff
from tests.helpers import soup

SMALL_PRINT = "Complete course information, including CE approvals, is available via the link."
COURSE = {
    "title": "Boundaries in practice",
    "text": "A six-hour course on holding the frame.",
    "link_text": "",
    "url": "https://courses.example.org/boundaries",
    "small_print": SMALL_PRINT,
}
SLUG = "he-said-he-would-hurt-him"


@pytest.fixture
def archive(site_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(site_settings), follow_redirects=False) as client:
        make_staff(client)
        log_in(client, "editor")
        yield client


def _add(client: TestClient, **changes: str) -> int:
    token = csrf_of(client, "/admin/resources/new")
    made = client.post("/admin/resources/new", data={**COURSE, **changes, "csrf_token": token})
    assert made.status_code == 303, made.text
    return int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])


def _column(client: TestClient) -> Article:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Article).where(Article.slug == SLUG)).one()


def _pick(client: TestClient, choice: str) -> None:
    article_id = _column(client).id
    page = soup(client.get(f"/admin/columns/{article_id}").text)
    values = {**form_values(page.select_one("form.answer-form")), "callout": choice}
    values.pop("anonymisation_reviewed", None)
    data = {**values, "action": "update", "anonymisation_reviewed": "1"}
    assert client.post(f"/admin/columns/{article_id}", data=data).status_code == 303


def _public_callout(client: TestClient) -> object:
    return soup(client.get(f"/columns/{SLUG}").text).select_one("aside.callout")


def test_imported_callouts_are_in_the_library_with_their_columns(archive: TestClient) -> None:
    page = soup(archive.get("/admin/resources").text)
    rows = page.select("table.resources-table tbody tr")
    assert rows
    used = [r for r in rows if r.select_one('td[data-label="Columns"]').get_text() != "0"]
    assert used, "every imported callout is named by its column"


def test_a_picked_resource_shows_on_the_article_with_its_button_and_small_print(
    archive: TestClient,
) -> None:
    resource_id = _add(archive)
    _pick(archive, str(resource_id))
    callout = _public_callout(archive)
    assert callout is not None
    assert callout.h2.get_text() == "Boundaries in practice"
    link = callout.select_one("a.button")
    assert link["href"] == COURSE["url"] and link.get_text().startswith("Explore course")
    assert callout.select_one("small").get_text() == SMALL_PRINT
    editor = soup(archive.get(f"/admin/columns/{_column(archive).id}").text)
    assert editor.select_one("select#callout option[selected]")["value"] == str(resource_id)


def test_no_callout_and_the_topics_default(archive: TestClient) -> None:
    resource_id = _add(archive, title="The topic's own course")
    _pick(archive, "none")
    assert _public_callout(archive) is None
    with Session(archive.app.state.services.engine) as session:
        topic_ids = [t.id for t in session.exec(select(Topic).order_by(Topic.name)).all()]
    page = soup(archive.get(f"/admin/columns/{_column(archive).id}").text)
    topics = form_values(page.select_one("form.answer-form"))["topics"]
    first = sorted(t.strip() for t in topics.split(","))[0]
    with Session(archive.app.state.services.engine) as session:
        first_id = session.exec(select(Topic.id).where(Topic.name == first)).one()
    assert first_id in topic_ids
    token = csrf_of(archive, f"/admin/resources/topic/{first_id}")
    chosen = archive.post(
        f"/admin/resources/topic/{first_id}",
        data={"resource": str(resource_id), "csrf_token": token},
    )
    assert chosen.status_code == 303
    _pick(archive, "topic")
    callout = _public_callout(archive)
    assert callout is not None and callout.h2.get_text() == "The topic's own course"


def test_a_resource_picked_by_a_column_cannot_be_deleted(archive: TestClient) -> None:
    resource_id = _add(archive)
    _pick(archive, str(resource_id))
    token = csrf_of(archive, f"/admin/resources/{resource_id}")
    refused = archive.post(f"/admin/resources/{resource_id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "1 column shows this resource" in soup(refused.text).select_one(".notice--error").text
    _pick(archive, "none")
    deleted = archive.post(f"/admin/resources/{resource_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    with Session(archive.app.state.services.engine) as session:
        assert session.get(Resource, resource_id) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "javascript:alert(1)"),
        ("url", "ftp://example.org/x"),
        ("url", "https://user:pw@example.org/"),
        ("title", ""),
        ("title", "T" * 121),
        ("text", "\x00" * 10),
        ("text", "x" * 601),
    ],
)
def test_a_bad_resource_is_refused_with_the_field_marked(
    archive: TestClient, field: str, value: str
) -> None:
    token = csrf_of(archive, "/admin/resources/new")
    refused = archive.post(
        "/admin/resources/new", data={**COURSE, field: value, "csrf_token": token}
    )
    assert refused.status_code == 422
    page = soup(refused.text)
    assert page.select_one(f"#{field}-error") is not None
    with Session(archive.app.state.services.engine) as session:
        assert (
            session.exec(select(Resource).where(Resource.title == COURSE["title"])).first() is None
        )


def test_a_columnist_cannot_open_the_library(archive: TestClient) -> None:
    archive.cookies.clear()
    log_in(archive, "columnist")
    assert archive.get("/admin/resources").status_code == 403


def test_odd_addresses_are_refused_never_a_500(archive: TestClient) -> None:
    for path in (
        "/admin/resources/99999999999999999999",
        "/admin/resources/0",
        "/admin/resources/x",
    ):
        assert archive.get(path).status_code in (400, 404, 422)
    assert "Resource saved" not in archive.get("/admin/resources?done=Resource+saved").text


def test_restoring_a_revision_restores_its_callout_choice(archive: TestClient) -> None:
    resource_id = _add(archive)
    _pick(archive, str(resource_id))
    _pick(archive, "none")
    article = _column(archive)
    with Session(archive.app.state.services.engine) as session:
        picked = session.exec(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .where(ArticleRevision.callout_resource_id == resource_id)
        ).first()
        assert picked is not None and picked.callout_mode == "resource"
    token = csrf_of(archive, f"/admin/articles/{article.id}/revisions")
    restored = archive.post(
        f"/admin/articles/{article.id}/revisions/{picked.id}/restore",
        data={"csrf_token": token, "version": str(article.version)},
    )
    assert restored.status_code == 303
    page = soup(archive.get(f"/admin/columns/{article.id}").text)  # the draft of changes
    assert page.select_one("select#callout option[selected]")["value"] == str(resource_id)


def test_editing_a_resource_changes_the_published_page_at_once_and_is_audited(
    archive: TestClient,
) -> None:
    resource_id = _add(archive)
    _pick(archive, str(resource_id))
    assert _public_callout(archive).h2.get_text() == "Boundaries in practice"  # now in the cache
    token = csrf_of(archive, f"/admin/resources/{resource_id}")
    renamed = {**COURSE, "title": "Holding the frame", "csrf_token": token}
    assert archive.post(f"/admin/resources/{resource_id}", data=renamed).status_code == 303
    assert _public_callout(archive).h2.get_text() == "Holding the frame"
    with Session(archive.app.state.services.engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.target == f"resource:{resource_id}")
        ).all()
    assert sorted(actions) == ["resource.create", "resource.update"]


def test_every_imported_column_shows_its_own_callout_words(archive: TestClient) -> None:
    # Several sample columns share a callout's title and link but not its words.
    checked = 0
    for path in sorted(Path("content/columns").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        callout = meta.get("callout")
        if not isinstance(callout, dict):
            continue
        shown = soup(archive.get(f"/columns/{meta['slug']}").text).select_one("aside.callout")
        assert shown is not None, meta["slug"]
        assert " ".join(callout["text"].split()) in " ".join(shown.get_text().split())
        checked += 1
    assert checked >= 5
