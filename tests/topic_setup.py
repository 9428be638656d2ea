"""Topics made ahead of a test: columns may only be tagged with topics that exist."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import session_scope
from app.editorial.articles import ensure_topic


def make_topics(client: TestClient, *names: str) -> list[int]:
    """Create these topics (those that do not exist yet); their ids, in order."""
    with session_scope(client.app.state.services.engine) as session:
        return [ensure_topic(session=session, name=name).id or 0 for name in names]
