"""On-site view counts: tallied in memory per worker and added to the database in batches."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import ArticleView


class ViewCounter:
    """Counts article views; nothing about the visitor is kept."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[int, date]] = Counter()
        self._lock = threading.Lock()
        self.flushes = 0  # how many batches this worker added: its popular lists are stale

    def record(self, article_id: int, day: date) -> None:
        with self._lock:
            self._counts[(article_id, day)] += 1

    def flush(self, engine: Engine) -> int:
        """Add the tallies to the database; returns how many rows were touched."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        if not counts:
            return 0
        insert = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert
        rows = [{"article_id": a, "day": d, "views": n} for (a, d), n in counts.items()]
        statement = insert(ArticleView).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["article_id", "day"],
            set_={"views": ArticleView.__table__.c.views + statement.excluded.views},  # type: ignore[attr-defined]
        )
        try:
            with engine.begin() as connection:
                connection.execute(statement)
            self.flushes += 1
        except Exception:
            # Put the tallies back so a busy database costs no counts.
            with self._lock:
                self._counts.update(counts)
            raise
        return len(rows)
