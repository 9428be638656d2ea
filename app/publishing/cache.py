"""The public content version: one counter every worker reads to know when pages went stale."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

CONTENT_VERSION = "content_version"


def bump_content_version(session: Session) -> None:
    """Mark every public page stale (called in the same transaction as the change)."""
    updated = session.execute(
        text("UPDATE site_state SET value = value + 1 WHERE key = :key"), {"key": CONTENT_VERSION}
    )
    if getattr(updated, "rowcount", 0) == 0:
        session.execute(
            text("INSERT INTO site_state (key, value) VALUES (:key, 1)"), {"key": CONTENT_VERSION}
        )


def read_content_version(engine: Engine) -> int:
    """The current content version (0 before anything was published)."""
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT value FROM site_state WHERE key = :key"), {"key": CONTENT_VERSION}
        ).scalar()
    return int(value or 0)
