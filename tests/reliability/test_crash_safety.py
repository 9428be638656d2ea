"""Crash safety: the whole server killed with SIGKILL mid-traffic, or PostgreSQL dropping every
connection, never loses an acknowledged letter, never stores one twice, and recovers by itself.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.main import create_app
from app.models import utcnow
from app.ratelimit import client_hash
from tests.conftest import POSTGRES_URL, DatabaseFactory, _libpq, make_settings
from tests.editing import log_in, make_staff
from tests.helpers import soup
from tests.reliability.live_server import SECRET_KEY, LiveServer
from tests.reliability.traffic import (
    REQUEST_TIMEOUT,
    Traffic,
    check_acknowledged_resolve,
    join_all,
    letter_body,
    resend_pending,
    run_clients,
    sqlite_check,
    sqlite_path,
    stored_letters,
)

CLIENTS = 8
SEEDS = [7, 1009, 424242]
CUT_SEEDS = [31, 8675309]
HEALTHY_WITHIN = 5.0  # seconds from restart to /healthz 200
# The machine is shared: when even a clean start of the server takes longer than 5 s, the
# restart after the crash may take as long as that clean start (plus half), and no longer.
CLEAN_START_SLACK = 1.5

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@pytest.mark.parametrize("seed", SEEDS)
def test_sigkill_mid_traffic_loses_no_acknowledged_letter(
    databases: DatabaseFactory, backend: str, seed: int, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    url = databases.fresh(backend)
    server = LiveServer(url, tmp_path / "var", workers=2)
    traffic = Traffic()
    try:
        server.start()
        first_start = server.wait_healthy(within=30.0)

        stop = threading.Event()
        threads = run_clients(
            server.base_url,
            traffic,
            clients=CLIENTS,
            prefix=f"s{seed}",
            stop=stop,
            retry_same_key=False,
        )
        # A random moment 0.5-2.5 s into the traffic, counted from the first acknowledged
        # letter so that a slow start on a busy machine still leaves something to lose.
        flowing = time.monotonic() + REQUEST_TIMEOUT
        while not traffic.acknowledged and time.monotonic() < flowing:
            time.sleep(0.01)
        kill_after = rng.uniform(0.5, 2.5)
        time.sleep(kill_after)
        server.kill()  # SIGKILL to the master and both workers, mid-request
        stop.set()
        join_all(threads)
        acknowledged_before_kill = dict(traffic.acknowledged)
        wal = Path(f"{sqlite_path(url)}-wal") if backend == "sqlite" else None
        wal_left = wal.stat().st_size if wal is not None and wal.exists() else 0
        if backend == "sqlite":  # the files as the crash left them (WAL and all) are sound
            assert sqlite_check(_copy_of_crashed_files(url, tmp_path / "crashed")) == ("ok", [])

        server.start()  # same port, same database, nothing repaired by hand
        recovery = server.wait_healthy(within=max(HEALTHY_WITHIN, CLEAN_START_SLACK * first_start))

        check_acknowledged_resolve(server.base_url, acknowledged_before_kill)
        stored = stored_letters(url, acknowledged_before_kill)
        assert stored.lost == []
        assert stored.duplicate_keys == [] and stored.duplicate_letters == 0
        assert stored.unindexed == 0, "a letter was stored without its search entry"
        # Letters whose answer the kill swallowed are either wholly there or wholly absent:
        # resending each under its own key stores it at most once.
        in_doubt = len(traffic.pending)
        resend_pending(server.base_url, traffic)
        after = stored_letters(url, traffic.acknowledged)
        assert after.lost == [] and after.duplicate_keys == [] and after.duplicate_letters == 0
        assert after.rows == len(traffic.attempted)
    finally:
        server.stop()
    if backend == "sqlite":
        integrity, foreign = sqlite_check(url)
        assert integrity == "ok" and foreign == []
    assert traffic.unexpected == []
    assert traffic.slowest <= REQUEST_TIMEOUT
    assert len(acknowledged_before_kill) > 0, "the kill came before any letter was stored"
    print(
        f"\n[crash {backend} seed={seed}] first start {first_start:.2f}s, killed after "
        f"{kill_after:.2f}s, acknowledged {len(acknowledged_before_kill)}, lost "
        f"{len(stored.lost)}, in doubt {in_doubt}, stored after resend {after.rows}, "
        f"{f'WAL left by the crash {wal_left} bytes, ' if wal else ''}"
        f"recovered in {recovery:.2f}s, "
        f"outcomes {dict(traffic.statuses)}"
    )


def _copy_of_crashed_files(database_url: str, into: Path) -> str:
    """A copy of the database file with its -wal and -shm, so checking it leaves the original
    exactly as the crash left it for the restarted server."""
    into.mkdir()
    source = Path(sqlite_path(database_url))
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", into / f"copy.db{suffix}")
    return f"sqlite:///{into / 'copy.db'}"


def _terminate_app_connections(database_url: str) -> int:
    """Drop every connection to this test's database (as a PostgreSQL restart would)."""
    name = make_url(database_url).database
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="CONSULT_TEST_POSTGRES_URL is not set")
def test_signed_in_pages_answer_at_once_after_postgres_drops_every_connection(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    """The staff session and the queue's counts are read without a ping first (see
    BriefReads): a connection the server dropped is found dead by the read, which goes again
    on a new one, so the editor sees the page and not an error."""
    url = databases.fresh("postgresql")
    with TestClient(
        create_app(make_settings(url, tmp_path / "var")),
        raise_server_exceptions=False,
        follow_redirects=False,
    ) as client:
        make_staff(client)
        assert log_in(client, "editor").status_code == 303
        assert client.get("/admin/queue").status_code == 200
        assert _terminate_app_connections(url) > 0
        page = client.get("/admin/queue")
    assert page.status_code == 200
    assert soup(page.text).select_one("form[action='/admin/queue/bulk']") is not None


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="CONSULT_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("seed", CUT_SEEDS)
def test_postgres_connection_loss_recovers_without_losing_letters(
    databases: DatabaseFactory, seed: int, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    url = databases.fresh("postgresql")
    server = LiveServer(url, tmp_path / "var", workers=2)
    traffic = Traffic()
    cuts: list[tuple[float, int]] = []
    try:
        server.start()
        server.wait_healthy(within=30.0)
        for _ in range(6):
            with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
                assert client.get("/healthz").status_code == 200
        idle_cut = _terminate_app_connections(url)
        # pool_pre_ping notices the dead idle connections: the next letters just work, in
        # whichever worker they land (a new HTTP connection each).
        after_idle_cut = []
        for n in range(6):
            with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
                after_idle_cut.append(traffic.post(client, f"p{seed}-after-idle-cut-{n}"))
        stop = threading.Event()
        threads = run_clients(
            server.base_url,
            traffic,
            clients=CLIENTS,
            prefix=f"p{seed}",
            stop=stop,
            retry_same_key=True,
        )
        for _ in range(3):
            time.sleep(rng.uniform(0.4, 1.2))
            cuts.append((time.monotonic(), _terminate_app_connections(url)))
        time.sleep(1.5)  # time to recover while the clients keep writing
        stop.set()
        join_all(threads, timeout=2 * REQUEST_TIMEOUT)

        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            health = client.get("/healthz")
        assert health.status_code == 200, "the app did not reconnect by itself"
        resend_pending(server.base_url, traffic)
        check_acknowledged_resolve(server.base_url, traffic.acknowledged)
        stored = stored_letters(url, traffic.acknowledged)
    finally:
        server.stop()
    assert idle_cut > 0 and all(after_idle_cut), "a letter after an idle cut was refused"
    assert sum(n for _, n in cuts) >= len(cuts), "the cuts reached no connection"
    assert traffic.unexpected == []
    assert traffic.slowest <= REQUEST_TIMEOUT
    assert stored.lost == [] and stored.duplicate_keys == [] and stored.duplicate_letters == 0
    assert stored.unindexed == 0
    assert stored.rows == len(traffic.attempted)
    # After each cut, letters are acknowledged again without anyone restarting anything.
    recoveries = []
    for at, _ in cuts:
        later = [t for t in traffic.ack_times if t > at]
        assert later, "no letter was acknowledged after a cut"
        recoveries.append(min(later) - at)
    assert max(recoveries) < 5.0
    print(
        f"\n[pg cut seed={seed}] idle cut {idle_cut} connections then 201 at once; cuts "
        f"under load {[n for _, n in cuts]} connections, acknowledged "
        f"{len(traffic.acknowledged)}, lost {len(stored.lost)}, slowest request "
        f"{traffic.slowest:.2f}s, recovery after cuts {[round(r, 2) for r in recoveries]}s, "
        f"outcomes {dict(traffic.statuses)}"
    )


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, dict[str, str]]:
    """One HTTP/1.1 request and response on a kept-alive socket."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection without answering")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection mid-response")
        body += chunk
    return int(lines[0].split()[1]), headers


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="CONSULT_TEST_POSTGRES_URL is not set")
def test_a_connection_cut_mid_request_gets_a_clean_503(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases.fresh("postgresql")
    server = LiveServer(url, tmp_path / "var", workers=1)
    # The letter's transaction takes this lock (the per-client rate limit): holding it pins
    # the request mid-transaction, with its read session open, while the connections are cut.
    rate_lock = f"letters:{client_hash(SECRET_KEY, '127.0.0.1', utcnow())}"
    body = json.dumps(letter_body("cut-mid-request")).encode()
    post = (
        b"POST /api/v1/questions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nIdempotency-Key: cut-mid-request\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    answers: dict[str, object] = {}
    try:
        server.start()
        server.wait_healthy(within=30.0)
        with (
            psycopg.connect(_libpq(url), autocommit=True) as admin,
            socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT) as sock,
        ):
            admin.execute("SELECT pg_advisory_lock(hashtext(%s))", (rate_lock,))
            poster = threading.Thread(target=lambda: answers.update(first=_exchange(sock, post)))
            poster.start()
            deadline = time.monotonic() + REQUEST_TIMEOUT
            while not admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).fetchone()[0]:  # type: ignore[index]
                assert time.monotonic() < deadline, "the letter never reached the lock"
                time.sleep(0.02)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            poster.join(REQUEST_TIMEOUT)
            time.sleep(0.5)  # a client's next letter, on the kept-alive connection
            try:
                answers["next"] = _exchange(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            except OSError as exc:
                answers["next"] = exc
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            retried = client.post(
                "/api/v1/questions",
                json=letter_body("cut-mid-request"),
                headers={"Idempotency-Key": "cut-mid-request"},
            )
    finally:
        server.stop()
    status, headers = answers["first"]  # type: ignore[misc]
    assert status == 503 and int(headers["retry-after"]) > 0
    assert retried.status_code == 201
    assert stored_letters(url, {"cut-mid-request": retried.json()["token"]}).rows == 1
    assert isinstance(answers["next"], tuple) and answers["next"][0] == 200, answers["next"]
    assert "Exception in ASGI application" not in server.log_path.read_text()


def test_a_worker_that_dies_is_replaced_and_the_site_goes_on(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    """A worker killed outright is replaced by the master, a copy of it with the site's code
    already imported, and the site goes on answering and taking letters meanwhile."""
    server = LiveServer(databases.fresh("sqlite"), tmp_path / "var", workers=2)
    server.start()
    try:
        server.wait_healthy(within=30.0)
        deadline = time.monotonic() + 30
        while len(workers := server.workers_now()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        # Copies of the master (forked), not new interpreters that import the site again.
        assert {_command_of(pid) for pid in workers} == {_command_of(server.pid)}
        assert len(workers) == 2, server.log_tail()
        os.kill(workers[0], signal.SIGKILL)
        now: list[int] = []
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            while time.monotonic() < deadline:
                now = server.workers_now()
                if len(now) == 2 and workers[0] not in now:
                    break
                time.sleep(0.1)
            assert len(now) == 2 and workers[0] not in now, server.log_tail()
            assert {_command_of(pid) for pid in now} == {_command_of(server.pid)}
            answers = [client.get("/healthz").status_code for _ in range(20)]
            sent = client.post("/api/v1/questions", json=letter_body("replaced"))
        assert answers == [200] * 20
        assert sent.status_code == 201, sent.text
    finally:
        server.stop()


def _command_of(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()
