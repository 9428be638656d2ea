"""Letter traffic against a live server, and the checks that nothing acknowledged was lost."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.submissions.service import hash_token

REQUEST_TIMEOUT = 10.0  # every HTTP call; the PostgreSQL tests also check each took ≤ this


def letter_body(key: str) -> dict[str, object]:
    """A valid letter that names its own key, so a stored row can be traced to its request."""
    return {
        "question": (
            "Dear Ethics Consult,\n\nA client of mine keeps asking to meet for coffee after "
            f"our sessions. I have said no twice. (Reference {key}.)\n\nHow do I hold this line?"
        ),
        "signoff": "Coffee Refused",
        "consent": True,
    }


@dataclass
class Traffic:
    """What the clients sent and what the server acknowledged."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> token
    ack_times: list[float] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pending(self) -> list[str]:
        """Keys sent at least once but never acknowledged (their fate is unknown)."""
        return [k for k in self.attempted if k not in self.acknowledged]

    @property
    def slowest(self) -> float:
        return max(self.durations, default=0.0)

    def post(self, client: httpx.Client, key: str) -> bool:
        """Send the letter for `key` once; True when the server acknowledged it (201)."""
        with self.lock:
            if key not in self.attempted:
                self.attempted.append(key)
        started = time.monotonic()
        try:
            response = client.post(
                "/api/v1/questions", json=letter_body(key), headers={"Idempotency-Key": key}
            )
        except httpx.TimeoutException:
            self._note(started, "timeout", f"{key}: no answer within {REQUEST_TIMEOUT} s")
            return False
        except httpx.TransportError as exc:
            self._note(started, type(exc).__name__)
            return False
        if response.status_code == 201:
            token = response.json()["token"]
            with self.lock:
                self.acknowledged[key] = token
                self.ack_times.append(time.monotonic())
            self._note(started, "201")
            return True
        if response.status_code == 503:
            assert response.headers.get("retry-after"), "a 503 must say when to retry"
            self._note(started, "503")
            return False
        self._note(started, str(response.status_code), f"{key}: {response.text[:300]}")
        return False

    def _note(self, started: float, outcome: str, problem: str | None = None) -> None:
        with self.lock:
            self.durations.append(time.monotonic() - started)
            self.statuses[outcome] += 1
            if problem is not None:
                self.unexpected.append(problem)


def run_clients(
    base_url: str,
    traffic: Traffic,
    *,
    clients: int,
    prefix: str,
    stop: threading.Event,
    retry_same_key: bool,
) -> list[threading.Thread]:
    """Start `clients` threads, each sending letters with fresh Idempotency-Keys until `stop`.

    With `retry_same_key` a client resends an unacknowledged letter under the same key (as a
    careful API client does) before moving on; otherwise it moves straight on."""

    def client_loop(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
            n = 0
            while not stop.is_set():
                key = f"{prefix}-c{index}-n{n}"
                while not traffic.post(client, key) and retry_same_key and not stop.is_set():
                    time.sleep(0.05)
                if key not in traffic.acknowledged:
                    time.sleep(0.05)  # the server is gone or struggling: do not spin
                n += 1

    threads = [
        threading.Thread(target=client_loop, args=(i,), daemon=True, name=f"client-{i}")
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "a client thread hung"


def resend_pending(base_url: str, traffic: Traffic, attempts: int = 5) -> None:
    """Resend every unacknowledged letter under its own key; each must now be acknowledged."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        for key in traffic.pending:
            for _ in range(attempts):
                if traffic.post(client, key):
                    break
                time.sleep(0.2)
            assert key in traffic.acknowledged, f"resending {key} was never acknowledged"


def check_acknowledged_resolve(base_url: str, tokens: dict[str, str]) -> None:
    """Every acknowledged letter's status link answers."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        for key, token in tokens.items():
            response = client.get(f"/api/v1/questions/{token}")
            assert response.status_code == 200, f"acknowledged letter {key} is gone"
            assert response.json()["status"] == "received"


@dataclass(frozen=True)
class StoredLetters:
    rows: int
    lost: list[str]
    duplicate_keys: list[str]
    duplicate_letters: int
    unindexed: int


def stored_letters(database_url: str, acknowledged: dict[str, str]) -> StoredLetters:
    """What the database holds, compared with what the server acknowledged."""
    engine = make_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, submission_key, token_hash, letter FROM question")
            ).all()
            indexed = {
                r[0]
                for r in connection.execute(
                    text(f"SELECT {'rowid' if sqlite else 'question_id'} FROM question_search")
                )
            }
    finally:
        engine.dispose()
    by_key = {row.submission_key: row for row in rows}
    lost = [
        key
        for key, token in acknowledged.items()
        if (row := by_key.get(f"api:{key}")) is None
        or row.token_hash != hash_token(token)
        or f"(Reference {key}.)" not in (row.letter or "")
    ]
    keys = Counter(row.submission_key for row in rows)
    letters = Counter(row.letter for row in rows)
    return StoredLetters(
        rows=len(rows),
        lost=lost,
        duplicate_keys=[k for k, n in keys.items() if n > 1],
        duplicate_letters=sum(n - 1 for n in letters.values() if n > 1),
        unindexed=len({row.id for row in rows} - indexed),
    )


def sqlite_path(database_url: str) -> str:
    return make_url(database_url).database or ""


def sqlite_check(database_url: str) -> tuple[str, list[tuple[object, ...]]]:
    """(PRAGMA integrity_check, PRAGMA foreign_key_check rows) of an SQLite database."""
    with contextlib.closing(sqlite3.connect(sqlite_path(database_url))) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    return str(integrity), foreign
