"""The reads made on every admin page, and on every letter sent, by name.

Each is a few rows through an index, made as a brief read (in place on SQLite, in a worker
thread over a network: see `app.db.reads.BriefReads`). Routes call these by name and never
choose how a read is made.
"""

from __future__ import annotations

from typing import Annotated, Any

from sqlalchemy import Row, bindparam
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from app.db import BriefReads
from app.deps import part
from app.editorial.queue import QueueCounts, queue_counts
from app.editorial.staff import session_hash, staff_names
from app.editorial.topics import topic_names
from app.models import Staff, StaffSession

STAFF_FIELDS = tuple(Staff.model_fields)
# A session and its staff member in one read, through Core: this runs on every admin page.
_SIGNED_IN = (
    select(
        col(StaffSession.expires_at),
        col(StaffSession.last_seen_at),
        *(getattr(Staff, name) for name in STAFF_FIELDS),
    )
    .join_from(StaffSession, Staff, col(StaffSession.staff_id) == col(Staff.id))
    .where(col(StaffSession.id_hash) == bindparam("key"))
)


class DeskReads:
    """Brief reads for the editors' desk and the letter form."""

    def __init__(self, brief: BriefReads) -> None:
        self._brief = brief

    async def topic_names(self) -> list[str]:
        """Every topic's name, in order."""
        return await self._brief(topic_names)

    async def signed_in(self, session_id: str) -> Row[Any] | None:
        """The session with this id and its staff member's fields, if it exists."""
        return await self._brief(_signed_in, session_id)

    async def queue_facts(self) -> tuple[QueueCounts, dict[int, str], list[str]]:
        """The queue's counts and version, the staff's names and the topics: what every
        queue page is drawn with, whichever letters it lists."""
        return await self._brief(_queue_facts)


def _signed_in(connection: Connection, session_id: str) -> Row[Any] | None:
    return connection.execute(_SIGNED_IN, {"key": session_hash(session_id)}).first()


def _queue_facts(connection: Connection) -> tuple[QueueCounts, dict[int, str], list[str]]:
    return queue_counts(connection), staff_names(connection), topic_names(connection)


Reads = Annotated[DeskReads, part(DeskReads)]
