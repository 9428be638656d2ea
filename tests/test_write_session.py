"""A route's writing session on SQLite: it waits at the write gate only once it touches the
database, inside the route, so a wait that times out is the route's own database error (the
form comes back with what was typed), and it lets the gate go when it is done."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db.gate import gate_of
from app.editorial import routes_topics
from app.main import create_app
from app.models import Subscriber
from tests.conftest import make_settings
from tests.editing import csrf_of, log_in, make_staff
from tests.helpers import soup

READER = "patient.reader@example.org"


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the write gate is SQLite's")
    settings = make_settings(database_url, tmp_path / "var", sqlite_busy_timeout_ms=300)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def _sign_up(client: TestClient) -> object:
    box = soup(client.get("/newsletter").text).select_one("form input[name=csrf_token]")
    assert box is not None
    data = {"email": READER, "csrf_token": box["value"], "website": ""}
    return client.post("/newsletter", data=data)


def test_a_gate_held_elsewhere_gives_the_form_back_with_the_address(site: TestClient) -> None:
    gate = gate_of(site.app.state.services.engine)
    assert gate is not None
    gate.enter()  # another writer, for longer than this site waits
    try:
        busy = _sign_up(site)
    finally:
        gate.leave()
    assert busy.status_code == 503  # type: ignore[attr-defined]
    assert soup(busy.text).select_one("#email")["value"] == READER  # type: ignore[attr-defined]
    again = _sign_up(site)
    assert again.headers["location"] == "/newsletter/sent"  # type: ignore[attr-defined]
    with Session(site.app.state.services.engine) as session:
        assert [s.email for s in session.exec(select(Subscriber))] == [READER]


def test_the_gate_is_free_after_every_kind_of_answer(site: TestClient) -> None:
    """Refused, saved and failed writes all let the gate go: the next writer gets in at once."""
    gate = gate_of(site.app.state.services.engine)
    assert gate is not None
    refused = site.post("/newsletter", data={"email": READER})  # no token: refused
    assert refused.status_code == 403
    assert _sign_up(site).headers["location"] == "/newsletter/sent"  # type: ignore[attr-defined]
    gate.timeout, waited = 0.05, gate.timeout
    try:
        gate.enter()  # would raise if a request had kept it
        gate.leave()
    finally:
        gate.timeout = waited


def test_writers_waiting_at_the_gate_never_starve_the_one_inside(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More writers than worker threads: the one holding the gate still gets a thread to commit
    on, so nobody waits out the busy timeout (every save answers, none with a 503)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the write gate is SQLite's")
    settings = make_settings(
        database_url, tmp_path / "var", worker_threads=2, sqlite_busy_timeout_ms=4000
    )
    real = routes_topics.create_topic

    def slow_create(**kwargs: object) -> object:
        time.sleep(0.3)  # inside the gate, while the others queue for it on every thread
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(routes_topics, "create_topic", slow_create)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        log_in(client, "editor")
        token = csrf_of(client, "/admin/topics")

        def add(n: int) -> int:
            data = {"name": f"Topic {n}", "description": "", "csrf_token": token}
            return client.post("/admin/topics", data=data).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(add, range(4)))
        took = time.monotonic() - started
    assert codes == [303, 303, 303, 303]
    assert took < 3.5  # four saves of 0.3 s each, not a wait for the busy timeout
