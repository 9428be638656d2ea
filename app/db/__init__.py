"""The database, by concern: engines (`engines`), the public content version
(`content_version`), the SQLite write gate (`gate`), writing
sessions (`sessions`), brief reads on the event loop (`reads`) and the schema (`schema`).

Routes never choose among these: they take a session through the dependencies in
`app.deps`, and services take the session they are given.
"""

from app.db.content_version import mark_public_change, read_content_version
from app.db.engines import SQLITE_BUSY_TIMEOUT_MS, core, make_engine
from app.db.gate import WriteGate
from app.db.reads import BriefReads
from app.db.schema import (
    MIGRATIONS_DIR,
    SEARCH_INDEX_PREFIXES,
    SchemaBehindError,
    alembic_config,
    check_schema,
    current_revision,
    head_revision,
    include_object,
    migrate,
    migrated_engine,
)
from app.db.sessions import request_write_session, session_scope, writer

__all__ = [
    "MIGRATIONS_DIR",
    "SEARCH_INDEX_PREFIXES",
    "SQLITE_BUSY_TIMEOUT_MS",
    "BriefReads",
    "SchemaBehindError",
    "WriteGate",
    "alembic_config",
    "check_schema",
    "core",
    "current_revision",
    "head_revision",
    "include_object",
    "make_engine",
    "mark_public_change",
    "migrate",
    "migrated_engine",
    "read_content_version",
    "request_write_session",
    "session_scope",
    "writer",
]
