"""The SQLite write gate: one writing transaction at a time, queued without SQLite's sleeps."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError


class WriteGate:
    """Lets one transaction at a time write to a SQLite file: the threads of this process queue
    on a lock, the processes of the machine on an flock of a file beside the database.

    SQLite alone makes waiting writers poll its lock with sleeps that grow to 100 ms, so under
    load the lock sits free while everyone sleeps. At the gate one thread per process waits,
    trying the file lock every 0.1 ms, and the next writer starts as soon as the last one
    commits. SQLite's own locking still guards correctness; the gate only orders the queue,
    and gives up (as busy_timeout would) after `timeout` seconds.
    """

    POLL_SECONDS = 0.0001

    def __init__(self, database: str, timeout: float) -> None:
        self.path = f"{database}-writers"
        self.timeout = timeout
        self._lock = threading.Lock()
        self._fd: int | None = None

    @contextmanager
    def passage(self) -> Iterator[None]:
        """Through the gate for one writing transaction, in this thread."""
        if PASSING.get() is self:  # nested in this context's own write: let SQLite say
            yield
            return
        self.enter()
        marker = PASSING.set(self)
        try:
            yield
        finally:
            PASSING.reset(marker)
            self.leave()

    def enter(self) -> None:
        """Wait for the gate (OperationalError after `timeout`). Whoever entered must
        `leave`, from whichever thread: a request may enter in one and finish in another."""
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise _busy()
        try:
            self._lock_file(deadline)
        except BaseException:
            self._lock.release()
            raise

    def leave(self) -> None:
        assert self._fd is not None  # entered, so the file is open
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()

    def close(self) -> None:
        """Let go of the lock file (the engine was disposed; it is opened again if needed)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _lock_file(self, deadline: float) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self._fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _busy() from None
                time.sleep(self.POLL_SECONDS)


def _busy() -> OperationalError:
    return OperationalError("write gate", None, TimeoutError("database is locked"))


# The gate a context is inside of, so that a write nested in it does not wait for itself. A
# context, not a thread: a request's writing session is opened on the event loop and used in
# a worker thread, which runs in a copy of the request's context.
PASSING: ContextVar[WriteGate | None] = ContextVar("consult_write_gate", default=None)
_GATES: dict[str, WriteGate] = {}


def add_gate(engine: Engine, database: str, timeout: float) -> None:
    """Give a SQLite file its gate (one per file, whichever engines open it)."""
    gate = _GATES.setdefault(database, WriteGate(database, timeout))
    event.listen(engine, "engine_disposed", lambda _: gate.close())


def gate_of(engine: Engine) -> WriteGate | None:
    """The gate of the engine's SQLite file; None on PostgreSQL, which needs none."""
    return _GATES.get(str(engine.url.database)) if engine.dialect.name == "sqlite" else None
