"""Disk full (SQLite): a letter that cannot be written gets a 503 page that keeps every word;
once there is room again the same form goes through, once, and the database is intact."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from app.main import create_app
from tests.asking import LETTER, form_fields, send_letter
from tests.conftest import DatabaseFactory, make_settings
from tests.helpers import soup
from tests.reliability.locks import row_counts
from tests.reliability.traffic import sqlite_check, sqlite_path

# Near the 6,000-character limit: it needs overflow pages the capped file cannot grow.
BIG_LETTER = (LETTER + "\n\n" + "I keep going over what I said in that session. " * 120).strip()


@pytest.fixture
def full_disk_site(databases: DatabaseFactory, tmp_path: Path) -> Iterator[TestClient]:
    url = databases.fresh("sqlite")
    with contextlib.closing(sqlite3.connect(sqlite_path(url))) as db:
        db.execute("VACUUM")  # no free pages left inside the file to absorb the letter
    settings = make_settings(url, tmp_path / "var", form_min_seconds=0)
    with TestClient(
        create_app(settings), raise_server_exceptions=False, follow_redirects=False
    ) as client:
        yield client


def _page_count(client: TestClient) -> int:
    with client.app.state.services.engine.connect() as connection:
        return int(connection.execute(text("PRAGMA page_count")).scalar_one())


def test_a_full_disk_gives_a_503_that_keeps_the_letter_then_recovers(
    full_disk_site: TestClient,
) -> None:
    client = full_disk_site
    engine = client.app.state.services.engine
    url = str(engine.url)
    assert 5500 < len(BIG_LETTER) <= 6000
    assert send_letter(client, signoff="Before The Cap").status_code == 303
    hidden = form_fields(client)
    before = row_counts(url)
    cap = _page_count(client)

    def cap_the_file(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {cap}")

    errors: list[str] = []

    def note_error(context: Any) -> None:
        errors.append(str(context.original_exception))

    engine.dispose()
    event.listen(engine, "connect", cap_the_file)
    event.listen(engine, "handle_error", note_error)
    try:
        fields = {"question": BIG_LETTER, "signoff": "Out Of Room", "email": "room@example.org"}
        refused = send_letter(client, hidden, **fields)
        api = client.post("/api/v1/questions", json={**fields, "consent": True})
        reading = client.get("/ask")
    finally:
        event.remove(engine, "connect", cap_the_file)
        event.remove(engine, "handle_error", note_error)
        engine.dispose()

    assert errors and all("database or disk is full" in e for e in errors), errors
    assert refused.status_code == 503, refused.status_code
    assert int(refused.headers["retry-after"]) > 0
    doc = soup(refused.text)
    assert doc.select_one("textarea[name=question]").get_text() == BIG_LETTER
    assert doc.select_one("input[name=signoff]")["value"] == "Out Of Room"
    assert doc.select_one("input[name=email]")["value"] == "room@example.org"
    assert "still here" in doc.get_text()
    assert api.status_code == 503 and int(api.headers["retry-after"]) > 0
    assert reading.status_code == 200, "reading must keep working on a full disk"
    assert row_counts(url) == before, "a refused letter left rows behind"

    # Room again: the re-rendered form (same form token) stores the letter, exactly once.
    again = {
        i["name"]: i.get("value", "") for i in doc.select("form.letter-form input[type=hidden]")
    }
    stored = send_letter(client, again, **fields)
    repeat = send_letter(client, again, **fields)
    assert stored.status_code == repeat.status_code == 303
    assert stored.headers["location"] == repeat.headers["location"]
    assert client.get(stored.headers["location"]).status_code == 200
    after = row_counts(url)
    assert after["question"] == before["question"] + 1
    assert after["question_search"] == before["question_search"] + 1
    assert after["question_contact"] == before["question_contact"] + 1
    assert _page_count(client) > cap
    with engine.connect() as connection:
        letter = connection.execute(
            text("SELECT letter FROM question WHERE signoff = 'Out Of Room'")
        ).scalar_one()
    assert letter == BIG_LETTER
    engine.dispose()
    assert sqlite_check(url) == ("ok", [])
