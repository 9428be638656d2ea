"""Readers send letters through /ask: validation that keeps the letter, spam defences,
idempotency, the private status page and withdrawal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.db import make_engine
from app.editorial import reads as desk_reads
from app.main import create_app
from app.models import Question, QuestionContact, RateEvent
from tests.asking import LETTER, form_fields, letter_data, send_letter
from tests.conftest import make_settings
from tests.helpers import soup

STATUS = re.compile(r"^/ask/status/([A-Za-z0-9_\-]{43})$")


def _questions(client: TestClient) -> list[Question]:
    with Session(client.app.state.services.engine) as session:
        return list(session.exec(select(Question)).all())


def test_the_form_has_the_five_fields_each_with_a_label(asking: TestClient) -> None:
    response = asking.get("/ask")
    assert response.headers["cache-control"] == "no-store"
    doc = soup(response.text)
    form = doc.select_one("form.letter-form")
    assert form["method"] == "post" and form["action"] == "/ask"
    for name in ("question", "signoff", "email", "topic_hint", "consent"):
        control = form.find(attrs={"name": name})
        assert control is not None, name
        label = form.find("label", attrs={"for": control["id"]})
        assert label is not None and label.get_text(strip=True), name
    assert not form.find(attrs={"name": "consent"}).has_attr("checked")
    assert form.find("input", attrs={"name": "csrf_token", "type": "hidden"})["value"]
    hints = " ".join(p.get_text() for p in form.select(".field__hint"))
    assert "identifying" in doc.get_text() and "delete" in hints


def test_a_good_letter_is_stored_and_leads_to_its_status_page(asking: TestClient) -> None:
    response = send_letter(asking)
    assert response.status_code == 303
    match = STATUS.match(response.headers["location"])
    assert match, response.headers["location"]
    [question] = _questions(asking)
    assert question.letter == LETTER and question.status == "new" and question.consent
    assert match.group(1) not in question.token_hash  # only a hash of the token is kept
    page = asking.get(response.headers["location"])
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in page.headers["x-robots-tag"]
    doc = soup(page.text)
    assert "Received" in doc.find("h1").get_text()
    assert "A client of mine keeps asking" in doc.select_one(".letter--sent").get_text()


def test_posting_the_same_form_twice_gives_one_letter(asking: TestClient) -> None:
    hidden = form_fields(asking)
    first = send_letter(asking, hidden)
    second = send_letter(asking, hidden)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(_questions(asking)) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": None}, "consent"),
        ({"question": "Too short to be a letter."}, "question"),
        ({"question": "x" * 6001}, "question"),
        ({"signoff": ""}, "signoff"),
        ({"signoff": "y" * 61}, "signoff"),
        ({"email": "not-an-address@"}, "email"),
        ({"topic_hint": "Astrology"}, "topic_hint"),
    ],
)
def test_bad_input_is_422_with_the_message_by_the_field_and_text_kept(
    asking: TestClient, overrides: dict[str, str | None], field: str
) -> None:
    response = send_letter(asking, **overrides)
    assert response.status_code == 422
    doc = soup(response.text)
    error = doc.find(id=f"{field}-error")
    assert error is not None and error.get_text(strip=True)
    expected = overrides.get("question") or LETTER
    assert doc.find("textarea", attrs={"name": "question"}).get_text() == expected
    if field != "signoff":
        assert doc.find("input", attrs={"name": "signoff"})["value"] == "Coffee Refused"
    assert _questions(asking) == []


def test_missing_csrf_token_is_403_and_keeps_the_letter(asking: TestClient) -> None:
    hidden = form_fields(asking)
    hidden.pop("csrf_token")
    response = send_letter(asking, hidden)
    assert response.status_code == 403
    assert soup(response.text).find("textarea").get_text() == LETTER
    assert _questions(asking) == []


def test_a_post_from_another_site_is_refused(asking: TestClient) -> None:
    hidden = form_fields(asking)
    response = asking.post(
        "/ask", data={**hidden, **letter_data()}, headers={"Origin": "https://elsewhere.example"}
    )
    assert response.status_code == 403 and _questions(asking) == []


def test_an_oversized_body_gets_413_with_an_explanation(asking: TestClient) -> None:
    response = asking.post("/ask", data={**form_fields(asking), "question": "x" * 200_000})
    assert response.status_code == 413
    assert "too large" in soup(response.text).find("h1").get_text()


def test_the_honeypot_brings_the_form_back_gently(asking: TestClient) -> None:
    response = send_letter(asking, website="http://spam.example")
    assert response.status_code == 422
    doc = soup(response.text)
    assert "Leave this empty" in doc.select_one("#form-notice").get_text()
    assert doc.find("textarea").get_text() == LETTER and _questions(asking) == []


def test_a_form_sent_too_fast_comes_back_with_the_text(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(database_url, tmp_path / "var", form_min_seconds=30))
    with TestClient(app, follow_redirects=False) as client:
        response = send_letter(client)
        assert response.status_code == 422
        doc = soup(response.text)
        assert "quicker than we expected" in doc.select_one("#form-notice").get_text()
        assert doc.find("textarea").get_text() == LETTER
        with Session(app.state.services.engine) as session:
            assert session.exec(select(Question)).all() == []


def test_a_forged_or_stale_form_token_is_refreshed_with_the_text_kept(asking: TestClient) -> None:
    hidden = form_fields(asking)
    hidden["form_token"] = "forged.token.value"
    response = send_letter(asking, hidden)
    assert response.status_code == 422
    doc = soup(response.text)
    assert doc.find("textarea").get_text() == LETTER
    assert doc.find("input", attrs={"name": "form_token"})["value"] != "forged.token.value"


def test_the_sixth_letter_in_an_hour_is_429_and_keeps_the_text(asking: TestClient) -> None:
    for _ in range(5):
        assert send_letter(asking).status_code == 303
    response = send_letter(asking, question=LETTER + " One more thing.")
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 3600
    assert soup(response.text).find("textarea").get_text() == LETTER + " One more thing."
    assert len(_questions(asking)) == 5
    with Session(asking.app.state.services.engine) as session:
        hashes = {e.client_hash for e in session.exec(select(RateEvent)).all()}
    assert len(hashes) == 1 and "testclient" not in next(iter(hashes))


def test_withdrawing_erases_the_letter_and_address(asking: TestClient) -> None:
    location = send_letter(asking, email="reader@example.org").headers["location"]
    page = soup(asking.get(location).text)
    form = page.select_one("form.withdraw")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    refused = asking.post(form["action"], data={})
    assert refused.status_code == 403
    response = asking.post(form["action"], data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == location
    doc = soup(asking.get(location).text)
    assert "Withdrawn" in doc.find("h1").get_text() and doc.select_one("form.withdraw") is None
    [question] = _questions(asking)
    assert question.status == "withdrawn" and question.letter is None
    with Session(asking.app.state.services.engine) as session:
        assert session.exec(select(QuestionContact)).all() == []


def test_an_unknown_status_token_is_404_and_private(asking: TestClient) -> None:
    response = asking.get("/ask/status/" + "A" * 43)
    assert response.status_code == 404
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_letter_is_committed_before_the_redirect(asking: TestClient) -> None:
    send_letter(asking)
    engine = make_engine(str(asking.app.state.services.settings.database_url))
    with Session(engine) as other_connection:
        assert len(other_connection.exec(select(Question)).all()) == 1
    engine.dispose()


def test_a_database_that_cannot_be_read_gives_503_and_keeps_the_letter(
    asking: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The topics are read before the letter is written; that read failing is the same
    hiccup as a failed write: 503, every word kept, nothing stored."""
    hidden = form_fields(asking)

    def unreadable(_: object) -> list[str]:
        raise OperationalError("SELECT topic.name", {}, RuntimeError("disk I/O error"))

    monkeypatch.setattr(desk_reads, "topic_names", unreadable)
    page = send_letter(asking, hidden, signoff="Still Here")
    api = asking.post(
        "/api/v1/questions", json={"question": LETTER, "signoff": "API", "consent": True}
    )
    assert page.status_code == 503
    assert int(page.headers["retry-after"]) > 0
    doc = soup(page.text)
    assert doc.select_one("textarea[name=question]").get_text() == LETTER
    assert doc.select_one("input[name=signoff]")["value"] == "Still Here"
    assert api.status_code == 503 and api.json()["detail"]
    with Session(asking.app.state.services.engine) as session:
        assert session.exec(select(Question)).all() == []
