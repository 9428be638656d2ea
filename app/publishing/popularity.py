"""On-site view counts: tallied in memory per worker and added to the database in batches."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date
from typing import Annotated

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.deps import part
from app.models import ArticleView
from app.publishing import service
from app.publishing.service import ArticleCard

# How long a worker keeps its most-read list before summing the month's views again.
POPULAR_SECONDS = 30.0


class ViewCounter:
    """Counts article views; nothing about the visitor is kept."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[int, date]] = Counter()
        self._lock = threading.Lock()
        self.flushes = 0  # how many batches this worker added: its popular lists are stale
        self._popular: tuple[object, float, list[int]] | None = None

    def record(self, article_id: int, day: date) -> None:
        with self._lock:
            self._counts[(article_id, day)] += 1

    def popular(self, session: Session, today: date) -> list[ArticleCard]:
        """The most-read list, worked out at most every POPULAR_SECONDS per worker (it sums a
        month of view counts) and at once after this worker added its own counts."""
        key, memo = (today, self.flushes), self._popular
        if memo is None or memo[0] != key or time.monotonic() > memo[1]:
            articles = service.popular_articles(session=session, today=today)
            self._popular = (
                key,
                time.monotonic() + POPULAR_SECONDS,
                [a.id for a in articles if a.id],
            )
            return articles
        return service.articles_by_ids(session=session, ids=memo[2])

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


Views = Annotated[ViewCounter, part(ViewCounter)]
