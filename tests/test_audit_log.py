"""The audit log reads as sentences, links to what each entry was about, and filters by
person and by action."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app.db import session_scope
from app.editorial import audit, workflow
from app.editorial.audit_log import ACTIONS
from app.editorial.letters import TRIAGE
from app.models import Article, AuditEntry, Question, QuestionContact, Staff
from tests.asking import send_letter
from tests.editing import STAFF, log_in, log_out
from tests.helpers import soup

READER = "reader.who.wrote@example.org"


def _rows(client: TestClient, query: str = "") -> list[tuple[str, str, list[str]]]:
    """(action, sentence, links) of each row of the log."""
    page = client.get(f"/admin/audit{query}")
    assert page.status_code == 200, page.text
    rows = soup(page.text).select("table.audit tbody tr[data-action]")
    return [
        (
            row["data-action"],
            " ".join(row.select_one(".audit__what").get_text().split()),
            [a["href"] for a in row.select("a")],
        )
        for row in rows
    ]


def _staff_id(client: TestClient, role: str) -> int:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Staff.id).where(Staff.email == STAFF[role])).one() or 0


def _published(client: TestClient, title: str) -> tuple[int, int]:
    """A letter answered by a column the editor published, logged as the workflow logs it:
    (letter id, column id). Signs the editor in."""
    assert send_letter(client, email=READER).status_code == 303
    log_in(client, "editor")
    editor = _staff_id(client, "editor")
    with session_scope(client.app.state.services.engine) as session:
        article = Article(slug=f"column-{len(title)}", title=title, status="published")
        session.add(article)
        session.flush()
        question = session.exec(select(Question)).one()
        question.article_id = article.id
        target = f"article:{article.id}"
        audit.record(
            session=session, action="article.publish", staff_id=editor, target=target, detail=title
        )
        audit.record(
            session=session, action="question.email_erased", target=f"question:{question.id}"
        )
        return question.id or 0, article.id or 0


def test_entries_read_as_sentences_with_links(newsroom: TestClient) -> None:
    qid, article_id = _published(newsroom, "The client who would not leave")
    rows = _rows(newsroom)
    by_action = {action: (sentence, links) for action, sentence, links in rows}
    assert by_action["article.publish"] == (
        "Test Editor published ‘The client who would not leave’.",
        [f"/admin/columns/{article_id}"],
    )
    assert by_action["login.succeeded"] == ("Test Editor signed in.", [])
    erased, links = by_action["question.email_erased"]
    assert erased.startswith(f"The writer’s email address for letter #{qid} from ")
    assert links == [f"/admin/questions/{qid}"]
    page = newsroom.get("/admin/audit").text
    assert READER not in page and "login.succeeded" not in soup(page).select_one("table").text
    assert "article:" not in soup(page).select_one("table").text


def test_the_title_shown_is_the_columns_current_one(newsroom: TestClient) -> None:
    _, article_id = _published(newsroom, "A first title")
    with session_scope(newsroom.app.state.services.engine) as session:
        article = session.get(Article, article_id)
        assert article is not None
        article.title = "A better title"
        session.add(article)
    sentences = [s for a, s, _ in _rows(newsroom) if a == "article.publish"]
    assert sentences == ["Test Editor published ‘A better title’."]


def test_filters_by_person_and_by_action_with_readable_names(newsroom: TestClient) -> None:
    _published(newsroom, "Gifts at the last session")
    log_out(newsroom)
    log_in(newsroom, "columnist")
    log_out(newsroom)
    log_in(newsroom, "editor")
    doc = soup(newsroom.get("/admin/audit").text)
    labels = {o["value"]: o.get_text() for o in doc.select("#action option") if o["value"]}
    assert labels["article.publish"] == "Column published"
    assert labels["login.succeeded"] == "Signed in"
    assert labels["article."] == "Columns: all"
    people = [o.get_text() for o in doc.select("#person option")][1:]
    assert "Test Editor" in people and STAFF["editor"] not in people
    assert {a for a, _, _ in _rows(newsroom, "?action=article.publish")} == {"article.publish"}
    assert {a for a, _, _ in _rows(newsroom, "?action=article.")} == {"article.publish"}
    columnist = _staff_id(newsroom, "columnist")
    mine = _rows(newsroom, f"?person={columnist}")
    assert [s for _, s, _ in mine] == ["Test Columnist signed out.", "Test Columnist signed in."]


def test_unknown_actions_and_vanished_targets_still_read_sensibly(newsroom: TestClient) -> None:
    editor = _staff_id(newsroom, "editor")
    with session_scope(newsroom.app.state.services.engine) as session:
        audit.record(session=session, action="resource.archive", staff_id=editor)
        audit.record(session=session, action="article.publish", target="article:999", detail="Old")
        audit.record(session=session, action="login.failed", detail="unknown account")
        audit.record(session=session, action="question.note", target="question:99999999999")
        for action, target, detail in (
            ("topic.delete", "topic:999", "Gifts"),
            ("resource.update", "resource:7", "Ethics course"),
        ):
            audit.record(
                session=session, action=action, staff_id=editor, target=target, detail=detail
            )
    log_in(newsroom, "editor")
    sentences = [s for _, s, _ in _rows(newsroom)]
    assert "Test Editor did “Resource: archive”." in sentences
    assert "Someone at the command line published ‘Old’ (since deleted)." in sentences
    assert "A sign-in as an unknown account failed." in sentences
    assert "Someone at the command line added a note to letter #99999999999." in sentences
    assert "Test Editor deleted the topic ‘Gifts’ (since removed)." in sentences
    assert (
        "resource.update",
        "Test Editor edited the resource ‘Ethics course’.",
        ["/admin/resources/7"],
    ) in _rows(newsroom)


@pytest.mark.parametrize(
    "query",
    [
        "?action=%00",
        "?action=<script>",
        "?person=99999999999999999999",
        "?person=2147483648",
        "?before=2147483648",
        "?before=-1",
    ],
)
def test_odd_filters_are_refused_or_ignored(newsroom: TestClient, query: str) -> None:
    log_in(newsroom, "editor")
    response = newsroom.get(f"/admin/audit{query}")
    assert response.status_code in (200, 400, 422)
    assert "<script>" not in response.text


def test_one_query_per_kind_of_target_however_many_rows(newsroom: TestClient) -> None:
    editor = _staff_id(newsroom, "editor")
    with session_scope(newsroom.app.state.services.engine) as session:
        for n in range(40):
            session.add(
                Question(
                    letter=f"Letter {n}",
                    signoff=f"Pen {n}",
                    token_hash=f"t{n}",
                    submission_key=f"k{n}",
                )
            )
        session.flush()
        for question in session.exec(select(Question)).all():
            audit.record(
                session=session,
                action="question.note",
                staff_id=editor,
                target=f"question:{question.id}",
            )
    log_in(newsroom, "editor")
    statements: list[str] = []
    engine = newsroom.app.state.services.engine

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert len(_rows(newsroom, "?action=question.note")) == 40
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum(bool(re.search(r"FROM question\b", s)) for s in statements) == 1
    assert sum(bool(re.search(r"FROM staff\b", s)) for s in statements) <= 3


def test_every_action_the_code_records_has_a_sentence() -> None:
    source = "\n".join(p.read_text() for p in Path("app").rglob("*.py"))
    recorded = set(re.findall(r'action="([a-z_]+\.[a-z_]+|logout)"', source))
    # ... and any such name handed to a helper that records it ("resource.create").
    for line in source.splitlines():
        if "record(" in line:
            recorded |= set(re.findall(r'"([a-z]+\.[a-z_]+)"', line))
    # Actions recorded through a helper that adds the kind: the workflow's `_audit`, and triage.
    recorded |= {f"article.{a}" for a in re.findall(r'_audit\([^)]*action="([a-z_]+)"', source)}
    recorded |= {f"article.{a}" for a in workflow.ACTIONS}
    recorded |= {f"question.{status}" for status in TRIAGE.values()}
    assert len(recorded) > 20
    assert recorded - set(ACTIONS) == set()


def test_a_readers_contact_never_reaches_the_log(newsroom: TestClient) -> None:
    assert send_letter(newsroom, email=READER).status_code == 303
    with Session(newsroom.app.state.services.engine) as session:
        assert session.exec(select(QuestionContact)).first() is not None
        details = " ".join(e.detail + e.target for e in session.exec(select(AuditEntry)).all())
    assert READER not in details
