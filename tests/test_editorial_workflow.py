"""From letter to column: the answer editor, the checklist, roles, scheduling and races."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.cli import main
from app.editorial.forms import parse_publish_at
from app.mail import deliver_due
from app.main import create_app
from app.models import Article, AuditEntry, Question, QuestionContact
from tests.asking import send_letter
from tests.conftest import make_settings
from tests.editing import answer_form, log_in, log_out, make_staff, post_answer
from tests.helpers import soup
from tests.mailserver import Inbox, text_of
from tests.topic_setup import make_topics

READER = "reader.with.a.question@example.org"
ORIGINAL = (
    "Dear Ethics Consult,\n\nMy client Sarah rang me on 07700 900123 late at night and "
    "wrote from sarah@example.com the next morning. She wants me to meet her partner "
    "without telling the rest of the group. Do I owe the group an explanation?"
)
EDITED = (
    "Dear Ethics Consult,\n\nA client rang me late at night and wrote again the next "
    "morning. She wants me to meet her partner without telling the rest of the group. "
    "Do I owe the group an explanation?"
)
ANSWER = "You owe the group honesty about the frame, not the details. Talk about whirligigs."
READY = {
    "title": "The partner who wanted a private meeting",
    "summary": "A request that tests the frame of group work.",
    "topics": "Boundaries, Group work",
    "letter": EDITED,
    "answer": ANSWER,
    "byline": "Theo Marsh",
    "anonymisation_reviewed": "1",
}


@pytest.fixture
def desk(database_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[TestClient]:
    """A site with staff and a real SMTP server, whose form takes letters at once."""
    settings = make_settings(
        database_url, tmp_path / "var", form_min_seconds=0, smtp_url=f"smtp://127.0.0.1:{smtp[1]}"
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        make_topics(
            client, "Boundaries", "Group work"
        )  # columns are tagged only with topics that exist
        yield client


def _letter(client: TestClient) -> int:
    send_letter(client, question=ORIGINAL, email=READER, signoff="Group Worker")
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Question)).one().id or 0


def _article(client: TestClient) -> Article | None:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Article)).first()


def test_the_letter_page_marks_identifying_details(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    doc = soup(desk.get(f"/admin/questions/{qid}").text)
    marked = [
        m.get_text() for m in doc.select(".marked-field:has(#letter) .marked-field__backdrop mark")
    ]
    assert {"Sarah", "07700 900123", "sarah@example.com"} <= set(marked)
    assert "Sarah rang me" in doc.select_one(".original__text").get_text()


def test_from_letter_to_published_column(desk: TestClient, smtp: tuple[Inbox, int]) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    refused = post_answer(desk, qid, "publish", **{**READY, "topics": ""})
    assert refused.status_code == 422
    assert "at least one topic" in soup(refused.text).select_one(".notice--error").get_text()
    assert _article(desk) is None  # nothing was saved
    response = post_answer(desk, qid, "publish", **READY)
    assert response.status_code == 303
    article = _article(desk)
    assert article is not None and article.status == "published"
    path = f"/columns/{article.slug}"
    assert path in desk.get("/").text
    assert path in desk.get("/topics/boundaries").text
    assert path in desk.get("/topics/group-work").text
    feed = ET.fromstring(desk.get("/feed.xml").content)
    assert any(
        path in (e.get("href") or "") for e in feed.iter("{http://www.w3.org/2005/Atom}link")
    )
    assert path in desk.get("/search?q=whirligigs").text
    page = desk.get(path).text
    assert "rang me late at night" in page and "Sarah" not in page and "07700" not in page
    with Session(desk.app.state.services.engine) as session:
        question = session.get(Question, qid)
        assert question.status == "published" and question.article_id == article.id
        assert session.get(QuestionContact, qid) is None  # the address is gone


def test_the_reader_is_told_and_their_status_page_links_the_column(
    desk: TestClient, smtp: tuple[Inbox, int]
) -> None:
    location = send_letter(desk, question=ORIGINAL, email=READER).headers["location"]
    qid = _letter_id(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "publish", **READY)
    article = _article(desk)
    status = soup(desk.get(location).text)
    assert status.select_one(f'a[href="/columns/{article.slug}"]') is not None
    deliver_due(desk.app.state.services.engine, desk.app.state.services.settings)
    mails = smtp[0].to(READER)
    assert len(mails) == 2  # the receipt, then the answer
    assert f"/columns/{article.slug}" in text_of(mails[-1])


def _letter_id(client: TestClient) -> int:
    with Session(client.app.state.services.engine) as session:
        return max(q.id or 0 for q in session.exec(select(Question)).all())


def test_a_columnist_submits_for_review_and_an_editor_schedules(
    desk: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    qid = _letter(desk)
    log_in(desk, "columnist")
    refused = post_answer(desk, qid, "publish", **READY)
    assert refused.status_code == 403
    assert "Only editors can publish" in refused.text and _article(desk) is None
    assert post_answer(desk, qid, "submit_review", **READY).status_code == 303
    assert _article(desk).status == "in_review"
    log_out(desk)
    log_in(desk, "editor")
    later = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    reviewed = {"anonymisation_reviewed": "1"}  # a review of the text as it is scheduled
    assert post_answer(desk, qid, "schedule", publish_at=later, **reviewed).status_code == 303
    article = _article(desk)
    assert article.status == "scheduled" and article.publish_at is not None
    assert f"/columns/{article.slug}" not in desk.get("/").text
    settings = desk.app.state.services.settings
    monkeypatch.setenv("CONSULT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(settings.var_dir))
    assert main(["publish-due"]) == 0 and "published 0" in capsys.readouterr().out
    with Session(desk.app.state.services.engine) as session:
        due = session.get(Article, article.id)
        due.publish_at = datetime.now(UTC) - timedelta(minutes=1)
        session.add(due)
        session.commit()
    assert main(["publish-due"]) == 0 and "published 1" in capsys.readouterr().out
    assert _article(desk).status == "published"
    assert desk.get(f"/columns/{article.slug}").status_code == 200
    doc = soup(desk.get("/admin/audit").text)
    actions = [row["data-action"] for row in doc.select("table.audit tbody tr[data-action]")]
    assert "article.publish_due" in actions and "login.succeeded" in actions
    assert "article.submit_review" in actions and "article.schedule" in actions


def test_two_editors_publishing_at_once_exactly_one_succeeds(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **READY)
    other = TestClient(desk.app, follow_redirects=False)
    log_in(other, "admin")
    forms = [answer_form(desk, qid), answer_form(other, qid)]
    results: list[int] = []
    start = threading.Barrier(2)

    def publish(client: TestClient, values: dict[str, str]) -> None:
        start.wait()
        data = {**values, "action": "publish", "anonymisation_reviewed": "1"}
        response = client.post(f"/admin/questions/{qid}", data=data)
        results.append(response.status_code)

    threads = [
        threading.Thread(target=publish, args=(c, f))
        for c, f in zip([desk, other], forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303, 409]
    with Session(desk.app.state.services.engine) as session:
        published = session.exec(
            select(AuditEntry).where(AuditEntry.action == "article.publish")
        ).all()
    assert len(published) == 1


def test_a_stale_save_is_refused_and_shows_the_newer_version(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **READY)
    stale = answer_form(desk, qid)
    post_answer(desk, qid, "save", answer="A newer answer from a colleague.")
    response = desk.post(
        f"/admin/questions/{qid}", data={**stale, "answer": "My late edit.", "action": "save"}
    )
    assert response.status_code == 409
    doc = soup(response.text)
    assert (
        doc.find("textarea", attrs={"name": "answer"}).get_text()
        == "A newer answer from a colleague."
    )
    assert "My late edit." in doc.select_one(".unsaved").get_text()
    assert _article(desk).answer_md == "A newer answer from a colleague."


def test_an_illegal_move_is_refused_and_changes_nothing(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **READY)
    before = _article(desk)
    response = post_answer(desk, qid, "unpublish", title="Changed title")
    assert response.status_code == 409 and "cannot be unpublished" in response.text
    after = _article(desk)
    assert (after.status, after.title, after.version) == (
        before.status,
        before.title,
        before.version,
    )


def test_extra_form_fields_are_ignored(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "columnist")
    post_answer(desk, qid, "save", status="published", role="admin", **READY)
    assert _article(desk).status == "draft"


def test_renaming_a_published_column_leaves_a_permanent_redirect(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "publish", **READY)
    old = _article(desk).slug
    renamed = post_answer(desk, qid, "update", slug="a-private-meeting", anonymisation_reviewed="1")
    assert renamed.status_code == 303
    response = desk.get(f"/columns/{old}")
    assert (
        response.status_code == 301 and response.headers["location"] == "/columns/a-private-meeting"
    )


def test_unpublishing_takes_the_column_off_the_site_and_out_of_search(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "publish", **READY)
    slug = _article(desk).slug
    assert post_answer(desk, qid, "unpublish").status_code == 303
    assert desk.get(f"/columns/{slug}").status_code == 404
    assert f"/columns/{slug}" not in desk.get("/search?q=whirligigs").text


def test_preview_renders_without_saving(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "columnist")
    response = post_answer(desk, qid, "preview", answer="Some **bold** advice.")
    assert response.status_code == 200 and _article(desk) is None
    assert soup(response.text).select_one("#preview strong").get_text() == "bold"


def test_publish_at_reads_the_browser_value_in_the_site_zone() -> None:
    zone = ZoneInfo("Europe/London")
    local = parse_publish_at("2026-07-01T09:30", zone)
    assert local.utcoffset() == timedelta(hours=1) and local.hour == 9
    explicit = parse_publish_at("2026-07-01T09:30:00-04:00", zone)
    assert explicit.astimezone(UTC).hour == 13
