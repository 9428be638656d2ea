"""The JSON API for letters: same rules, same limits, JSON errors per field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Question
from tests.asking import LETTER

GOOD = {"question": LETTER, "signoff": "Api Writer", "consent": True}


def test_post_question_gives_201_with_a_token_and_status_url(asking: TestClient) -> None:
    response = asking.post("/api/v1/questions", json={**GOOD, "email": "api@example.org"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "status_url"} and len(body["token"]) >= 22
    assert body["status_url"] == f"http://testserver/ask/status/{body['token']}"
    status = asking.get(f"/api/v1/questions/{body['token']}")
    assert status.status_code == 200
    data = status.json()
    assert data["status"] == "received" and "email" not in status.text
    assert "api@example.org" not in status.text


def test_errors_are_json_with_a_message_per_field(asking: TestClient) -> None:
    response = asking.post(
        "/api/v1/questions",
        json={"question": "short", "signoff": "", "consent": False, "email": "nope"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"question", "signoff", "consent", "email"}
    assert all(isinstance(message, str) and message for message in errors.values())


def test_malformed_json_is_a_json_422(asking: TestClient) -> None:
    response = asking.post(
        "/api/v1/questions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "errors" in response.json()


def test_the_idempotency_key_makes_retries_safe(asking: TestClient) -> None:
    headers = {"Idempotency-Key": "retry-me-0001"}
    first = asking.post("/api/v1/questions", json=GOOD, headers=headers)
    second = asking.post("/api/v1/questions", json=GOOD, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] == second.json()["token"]
    with Session(asking.app.state.services.engine) as session:
        assert len(session.exec(select(Question)).all()) == 1


def test_the_api_shares_the_hourly_limit(asking: TestClient) -> None:
    for _ in range(5):
        assert asking.post("/api/v1/questions", json=GOOD).status_code == 201
    limited = asking.post("/api/v1/questions", json=GOOD)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_unknown_token_is_404_json(asking: TestClient) -> None:
    response = asking.get("/api/v1/questions/unknown-token")
    assert response.status_code == 404 and response.json()["detail"]
