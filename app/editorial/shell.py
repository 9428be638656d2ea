"""The admin shell around every page: its sections, which one is open, and the queue's counts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.deps import services
from app.editorial.queue import queue_counts


@dataclass(frozen=True)
class Section:
    """One entry of the admin's navigation."""

    key: str
    label: str
    href: str
    role: str  # the least role that sees it
    paths: tuple[str, ...]  # first path segments under /admin/ that belong to it


SECTIONS = (
    Section("queue", "Queue", "/admin/queue", "columnist", ("queue", "questions")),
    Section("columns", "Columns", "/admin/columns", "columnist", ("columns", "articles")),
    Section("topics", "Topics", "/admin/topics", "editor", ("topics",)),
    Section("resources", "Resources", "/admin/resources", "editor", ("resources",)),
    Section("newsletter", "Newsletter", "/admin/newsletter", "editor", ("newsletter",)),
    Section("audit", "Audit log", "/admin/audit", "editor", ("audit",)),
    Section("staff", "Staff", "/admin/staff", "admin", ("staff",)),
)

# The counts are read at most this often per worker: a glance at the sidebar does not need
# them to the second, and every admin page shows them.
COUNTS_TTL = 3.0


class _Counts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[int, tuple[float, dict[str, int]]] = {}

    def read(self, engine: Engine) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(id(engine))
        if kept and now - kept[0] < COUNTS_TTL:
            return kept[1]
        try:
            with engine.connect() as connection:
                counts = queue_counts(connection).by_state
        except SQLAlchemyError:
            return {}  # the page itself says what is wrong; the shell just shows no counts
        with self._lock:
            self._kept[id(engine)] = (now, counts)
        return counts


_COUNTS = _Counts()


def shell_context(request: Request) -> dict[str, Any]:
    """What the admin's navigation needs to draw itself for this request."""
    segment = request.url.path.removeprefix("/admin/").split("/", 1)[0]
    current = next((s.key for s in SECTIONS if segment in s.paths), "")
    if getattr(request.state, "staff", None) is None:
        return {"sections": SECTIONS, "section": current, "shell_counts": {}}
    return {
        "sections": SECTIONS,
        "section": current,
        "shell_counts": _COUNTS.read(services(request).engine),
    }
