"""Contention: letters wait out another connection's write lock; a lock held too long gives a
503 that keeps the letter; read-then-write transactions take SQLite's write lock up front."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.db import make_engine, session_scope
from app.editorial.auth import TOUCH_EVERY
from app.editorial.staff import create_staff
from app.main import create_app
from app.models import Question, StaffSession, utcnow
from app.publishing.popularity import ViewCounter
from tests.asking import LETTER, form_fields, send_letter
from tests.conftest import BACKENDS, DatabaseFactory, make_settings
from tests.editing import PASSWORD, STAFF, csrf_of, log_in, make_staff, post_answer
from tests.helpers import soup
from tests.reliability.live_server import LiveServer
from tests.reliability.locks import HeldWriteLock, row_counts
from tests.topic_setup import make_topics

SUBMITTERS = 32
HOLD_SECONDS = 2.0
BUSY_TIMEOUT_MS = 5000  # "modest": well above the 2 s hold, well below a client's patience
REQUEST_TIMEOUT = 10.0


def _server(url: str, tmp_path: Path, *, workers: int) -> LiveServer:
    """The site in its own processes, waiting out locks for BUSY_TIMEOUT_MS."""
    env = {"CONSULT_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS)}
    return LiveServer(url, tmp_path / "var", workers=workers, env=env)


def _letter(index: int) -> str:
    return f"{LETTER}\n\n(Letter {index} of the crowd that waited for the lock.)"


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_32_submitters_wait_out_a_2_second_write_lock(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.fresh(backend)
    server = _server(url, tmp_path, workers=2)
    ready = threading.Barrier(SUBMITTERS + 1, timeout=30)
    results: list[tuple[int, float, str]] = []
    results_lock = threading.Lock()

    def submitter(index: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            hidden = form_fields(client)  # type: ignore[arg-type]
            ready.wait()
            started = time.monotonic()
            try:
                response = send_letter(client, hidden, question=_letter(index))  # type: ignore[arg-type]
                outcome = (response.status_code, response.headers.get("location", ""))
            except httpx.HTTPError as exc:
                outcome = (0, repr(exc))
            with results_lock:
                results.append((outcome[0], time.monotonic() - started, outcome[1]))

    try:
        server.start()
        server.wait_healthy(within=30.0)
        before = row_counts(url)
        threads = [threading.Thread(target=submitter, args=(i,)) for i in range(SUBMITTERS)]
        for thread in threads:
            thread.start()
        with HeldWriteLock(url, at_most=HOLD_SECONDS):
            held_at = time.monotonic()
            ready.wait()  # every submitter has its form; they all post into the held lock
            time.sleep(HOLD_SECONDS - (time.monotonic() - held_at))
        for thread in threads:
            thread.join(30)
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            pages = Counter(client.get(location).status_code for _, _, location in results)
    finally:
        server.stop()
    statuses = Counter(status for status, _, _ in results)
    assert statuses == {303: SUBMITTERS}, statuses
    assert pages == {200: SUBMITTERS}
    after = row_counts(url)
    assert after["question"] - before["question"] == SUBMITTERS
    assert after["question_search"] - before["question_search"] == SUBMITTERS
    slowest = max(seconds for _, seconds, _ in results)
    print(
        f"\n[contention {backend}] {SUBMITTERS} submitters, lock held {HOLD_SECONDS}s: "
        f"{dict(statuses)}, slowest {slowest:.2f}s, fastest "
        f"{min(s for _, s, _ in results):.2f}s"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_lock_held_past_the_timeout_gives_503_and_keeps_the_letter(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.fresh(backend)
    settings = make_settings(url, tmp_path / "var", form_min_seconds=0, sqlite_busy_timeout_ms=1000)
    letter = LETTER + "\n\nPS. " + "I have rewritten this letter many times. " * 40
    fields = {"question": letter, "signoff": "Locked Out", "email": "locked.out@example.org"}
    with TestClient(
        create_app(settings), raise_server_exceptions=False, follow_redirects=False
    ) as client:
        hidden = form_fields(client)
        before = row_counts(url)
        # Held for longer than any request may take (10 s): the app must give up first.
        with HeldWriteLock(url, at_most=REQUEST_TIMEOUT + 1):
            started = time.monotonic()
            refused = send_letter(client, hidden, **fields)
            waited = time.monotonic() - started
            assert waited <= REQUEST_TIMEOUT, f"the letter waited {waited:.1f}s for the lock"
            api = client.post("/api/v1/questions", json={**fields, "consent": True})
            during = row_counts(url)
        assert refused.status_code == 503, refused.status_code
        assert int(refused.headers["retry-after"]) > 0
        doc = soup(refused.text)
        assert doc.select_one("textarea[name=question]").get_text() == letter
        assert doc.select_one("input[name=signoff]")["value"] == "Locked Out"
        assert doc.select_one("input[name=email]")["value"] == "locked.out@example.org"
        assert doc.select_one("input[name=consent]").has_attr("checked")
        assert "still here" in doc.get_text()
        assert api.status_code == 503 and int(api.headers["retry-after"]) > 0
        assert api.json()["detail"]
        assert during == before == row_counts(url), "a refused letter left rows behind"

        # The lock is gone: sending the re-rendered form again stores the letter, once.
        again = {
            i["name"]: i.get("value", "") for i in doc.select("form.letter-form input[type=hidden]")
        }
        assert again["form_token"] == hidden["form_token"]
        first = send_letter(client, again, **fields)
        second = send_letter(client, again, **fields)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        assert client.get(first.headers["location"]).status_code == 200
    after = row_counts(url)
    assert after["question"] == before["question"] + 1
    assert after["question_contact"] == before["question_contact"] + 1
    print(f"\n[lock past timeout {backend}] refused after {waited:.2f}s with 503, text kept")


@contextmanager
def _one_worker(url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, httpx.Client]]:
    """The site with one worker, healthy, and a client of it; stopped afterwards."""
    server = _server(url, tmp_path, workers=1)
    try:
        server.start()
        server.wait_healthy(within=30.0)
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            yield server, client
    finally:
        server.stop()


def _health_while_waiting(
    server: LiveServer, url: str, write: Callable[[], None]
) -> tuple[httpx.Response, bool]:
    """Run `write` while another connection holds the write lock, and ask the same worker for
    /healthz meanwhile: its answer, and whether it came while the write was still waiting."""
    with HeldWriteLock(url, at_most=3.0):
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.5)  # the write is now waiting for the lock
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as other:
            health = other.get("/healthz")
            answered_while_waiting = writer.is_alive()
    writer.join(REQUEST_TIMEOUT)
    return health, answered_while_waiting


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_letter_waiting_for_the_lock_does_not_freeze_the_worker(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.fresh(backend)
    outcome: dict[str, int] = {}
    with _one_worker(url, tmp_path) as (server, client):
        hidden = form_fields(client)  # type: ignore[arg-type]

        def post() -> None:
            outcome["status"] = send_letter(client, hidden).status_code  # type: ignore[arg-type]

        health, answered_while_waiting = _health_while_waiting(server, url, post)
    assert outcome.get("status") == 303
    assert health.status_code == 200
    assert answered_while_waiting, "/healthz waited for the letter's write"


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_editor_waiting_for_the_lock_does_not_freeze_the_worker(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    """Editors' forms write in a worker thread: while one waits for the lock, the same worker
    goes on answering everyone else."""
    url = databases.fresh(backend)
    engine = make_engine(url)
    with session_scope(engine) as session:
        create_staff(session=session, email=STAFF["editor"], role="editor", password=PASSWORD)
    engine.dispose()
    outcome: dict[str, int] = {}
    with _one_worker(url, tmp_path) as (server, client):
        assert send_letter(client, form_fields(client)).status_code == 303  # type: ignore[arg-type]
        assert log_in(client, "editor").status_code == 303  # type: ignore[arg-type]
        page = "/admin/questions/1"
        token = csrf_of(client, page)  # type: ignore[arg-type]

        def triage() -> None:
            data = {"action": "shortlist", "csrf_token": token}
            outcome["status"] = client.post(f"{page}/triage", data=data).status_code

        health, answered_while_waiting = _health_while_waiting(server, url, triage)
        shown = soup(client.get(page).text).select_one(".state").get_text()
    assert health.status_code == 200
    assert answered_while_waiting, "/healthz waited for the editor's write"
    assert outcome.get("status") == 303
    assert shown.strip() == "shortlisted"


class BeginModes:
    """Records, per connection, how each transaction began and whether it wrote after reading."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._state: dict[int, tuple[str, bool]] = {}
        self.upgrades: list[tuple[str, str]] = []  # (begin mode, first write after a read)
        self.writes: Counter[str] = Counter()

    def __enter__(self) -> BeginModes:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        for name in ("commit", "rollback"):
            event.listen(self.engine, name, self._end)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        for name in ("commit", "rollback"):
            event.remove(self.engine, name, self._end)

    def _key(self, connection: Any) -> int:
        return id(connection.connection.dbapi_connection)

    def _end(self, connection: Any) -> None:
        self._state.pop(self._key(connection), None)

    def _statement(self, connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        key, words = self._key(connection), statement.lstrip().upper()
        if words.startswith("BEGIN"):
            self._state[key] = (words.split()[1] if " " in words else "DEFERRED", False)
            return
        mode, has_read = self._state.get(key, ("AUTOCOMMIT", False))
        if words.startswith(self.WRITES):
            self.writes[mode] += 1
            if has_read and mode != "IMMEDIATE":
                self.upgrades.append((mode, " ".join(statement.split())[:80]))
            return
        if words.startswith(("SELECT", "WITH")):
            self._state[key] = (mode, True)


@pytest.fixture
def sqlite_newsroom(databases: DatabaseFactory, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(databases.fresh("sqlite"), tmp_path / "var", form_min_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        yield client


def test_editor_transactions_that_read_then_write_begin_immediate(
    sqlite_newsroom: TestClient,
) -> None:
    client = sqlite_newsroom
    engine = client.app.state.services.engine
    with BeginModes(engine) as modes:
        assert send_letter(client).status_code == 303
        assert send_letter(client, email="reader@example.org").status_code == 303
        assert log_in(client, "editor").status_code == 303
        with Session(engine) as session:
            first, second = (q.id for q in session.exec(select(Question)).all())
        token = soup(client.get(f"/admin/questions/{first}").text).find(
            "input", attrs={"name": "csrf_token"}
        )["value"]
        posts = [
            (f"/admin/questions/{first}/triage", {"action": "shortlist"}),
            (f"/admin/questions/{first}/notes", {"body": "Check the dates before publishing."}),
            (f"/admin/questions/{second}/triage", {"action": "decline", "reason": "Off topic"}),
        ]
        for path, data in posts:
            assert client.post(path, data={**data, "csrf_token": token}).status_code == 303
        make_topics(client, "Boundaries")
        published = post_answer(
            client,
            first,
            "publish",
            title="Coffee after the session",
            summary="Holding a kind line.",
            topics="Boundaries",
            answer="Say no once more, warmly, and name the frame.",
            byline="Test Editor",
            anonymisation_reviewed="1",
        )
        assert published.status_code == 303
        client.app.state.services.part(ViewCounter).flush(engine)
    assert modes.writes["IMMEDIATE"] > 10
    assert modes.upgrades == []


def test_a_stale_staff_session_is_touched_without_failing_on_a_busy_database(
    sqlite_newsroom: TestClient,
) -> None:
    client = sqlite_newsroom
    engine = client.app.state.services.engine
    assert log_in(client, "editor").status_code == 303
    with Session(engine) as session:  # the editor last did something a while ago
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - 2 * TOUCH_EVERY))
        session.commit()
    url = str(engine.url)
    with BeginModes(engine) as modes, HeldWriteLock(url, at_most=1.0):
        # Another writer (a reader's letter, another editor) holds the lock for 1 s: well
        # inside busy_timeout, so the editor's page should simply wait for it.
        started = time.monotonic()
        page = client.get("/admin/queue")
        waited = time.monotonic() - started
    assert page.status_code == 200, f"{page.status_code} after {waited:.2f}s"
    assert modes.upgrades == []
    with Session(engine) as session:
        seen = session.exec(select(StaffSession)).one().last_seen_at
    seen = seen if seen.tzinfo else seen.replace(tzinfo=UTC)
    assert utcnow() - seen < timedelta(seconds=30), "the session was not touched"


def test_sqlite_writers_queue_at_the_gate_and_give_up_after_the_busy_timeout(
    tmp_path: Path,
) -> None:
    """Writers wait for one another at a file lock beside the database (not by polling
    SQLite's lock); one held by another process too long ends the wait with the same error
    busy_timeout gives, which the pages answer with 503."""
    database = tmp_path / "gate.db"
    engine = make_engine(f"sqlite:///{database}", busy_timeout_ms=400)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT)"))
    other_process = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(OperationalError), session_scope(engine) as session:
            session.execute(text("INSERT INTO note VALUES ('refused')"))
        waited = time.monotonic() - started
        fcntl.flock(other_process, fcntl.LOCK_UN)
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO note VALUES ('kept')"))
    finally:
        os.close(other_process)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM note")).scalars().all() == ["kept"]
    assert 0.35 < waited < 2.0, waited
    crowd = [threading.Thread(target=_write_note, args=(engine, n)) for n in range(16)]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join(30)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM note")).scalar() == 17
    engine.dispose()


def _write_note(engine: Engine, number: int) -> None:
    with session_scope(engine) as session:
        session.execute(text("INSERT INTO note VALUES (:n)"), {"n": f"note {number}"})
        time.sleep(0.01)  # a transaction that takes a while: the others queue behind it
