"""a library of resources for callouts: columns pick one (or their first topic's default)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:00:00.000000

Every column's inline callout becomes a resource (one per title and link), the column names it,
and a review given for a column's text stays bound to that same text.

On SQLite the columns are added and dropped in place (ALTER TABLE), never by copying the
article table: dropping a table with foreign keys on deletes the rows that refer to it.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The public fields a review's fingerprint covered before this migration and after it, in
# order, as they were when it was written, so that its result never changes.
FINGERPRINTED_BEFORE = (
    "title",
    "slug",
    "summary",
    "letter_md",
    "signoff",
    "answer_md",
    "byline",
    "hero_path",
    "hero_alt",
    "callout_title",
    "callout_text",
    "callout_url",
)
FINGERPRINTED_AFTER = (
    "title",
    "slug",
    "letter_md",
    "answer_md",
    "summary",
    "signoff",
    "byline",
    "hero_path",
    "hero_alt",
    "callout_mode",
    "callout_resource_id",
)
INLINE = ("callout_title", "callout_text", "callout_url")

RESOURCE = sa.table(
    "resource",
    sa.column("id", sa.Integer()),
    sa.column("title", sa.String()),
    sa.column("text", sa.String()),
    sa.column("link_text", sa.String()),
    sa.column("url", sa.String()),
    sa.column("small_print", sa.String()),
    sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
)


def _fingerprint(row: sa.Row, names: Sequence[str], version: str) -> str:  # type: ignore[type-arg]
    values = [row._mapping[name] or "" for name in names]
    return hashlib.sha256(json.dumps([version, *values]).encode()).hexdigest()


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_reference(table: str, column: str) -> None:
    """A column naming a resource, which then cannot be deleted while it is named."""
    if _sqlite():
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES resource (id)")
    else:
        op.add_column(
            table, sa.Column(column, sa.Integer(), sa.ForeignKey("resource.id"), nullable=True)
        )


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("link_text", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("small_print", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _add_reference("topic", "default_resource_id")
    for table in ("article", "article_revision"):
        op.add_column(
            table,
            sa.Column("callout_mode", sa.String(length=10), nullable=False, server_default="topic"),
        )
    _add_reference("article", "callout_resource_id")
    op.create_index("ix_article_callout_resource_id", "article", ["callout_resource_id"])
    op.add_column("article_revision", sa.Column("callout_resource_id", sa.Integer(), nullable=True))
    _move_callouts_into_resources()
    _rebind_reviews(FINGERPRINTED_BEFORE, "v1", FINGERPRINTED_AFTER, "v2")
    for table in ("article", "article_revision"):
        for name in INLINE:
            op.drop_column(table, name)


def _move_callouts_into_resources() -> None:
    """One resource per callout title and link, named by every column and revision that had it."""
    connection = op.get_bind()
    found: dict[tuple[str, str, str], int] = {}
    now = datetime.now(UTC)
    for table in ("article", "article_revision"):
        rows = connection.execute(
            sa.text(
                f"SELECT id, callout_title, callout_text, callout_url FROM {table} "  # noqa: S608
                "WHERE callout_title IS NOT NULL AND callout_url IS NOT NULL ORDER BY id"
            )
        ).all()
        for row in rows:
            # One resource per callout as readers saw it (title, link and text), so no column's
            # public text changes in the move.
            key = (row.callout_title.strip(), row.callout_url.strip())
            if not all(key):
                continue
            seen = (*key, (row.callout_text or "").strip())
            if seen not in found:
                found[seen] = _insert_resource(key, row.callout_text or "", now)
            connection.execute(
                sa.text(
                    f"UPDATE {table} SET callout_mode = 'resource', "  # noqa: S608
                    "callout_resource_id = :resource WHERE id = :id"
                ),
                {"resource": found[seen], "id": row.id},
            )


def _insert_resource(key: tuple[str, str], text: str, now: datetime) -> int:
    connection = op.get_bind()
    connection.execute(
        RESOURCE.insert().values(
            title=key[0][:120],
            text=text.strip()[:600],
            link_text="Read more",  # what these callouts' links said before
            url=key[1][:500],
            small_print="",
            created_at=now,
            updated_at=now,
        )
    )
    return int(
        connection.execute(
            sa.text("SELECT max(id) FROM resource WHERE title = :title AND url = :url"),
            {"title": key[0][:120], "url": key[1][:500]},
        ).scalar_one()
    )


def _rebind_reviews(before: Sequence[str], old: str, after: Sequence[str], new: str) -> None:
    """A review that was bound to a column's current text stays bound to it."""
    connection = op.get_bind()
    names = ", ".join(dict.fromkeys((*before, *after)))
    rows = connection.execute(
        sa.text(
            f"SELECT id, reviewed_fingerprint, {names} FROM article "  # noqa: S608
            "WHERE reviewed_fingerprint IS NOT NULL"
        )
    ).all()
    for row in rows:
        if row.reviewed_fingerprint == _fingerprint(row, before, old):
            connection.execute(
                sa.text("UPDATE article SET reviewed_fingerprint = :f WHERE id = :id"),
                {"f": _fingerprint(row, after, new), "id": row.id},
            )


def downgrade() -> None:
    connection = op.get_bind()
    for table in ("article", "article_revision"):
        op.add_column(table, sa.Column("callout_title", sa.String(length=120), nullable=True))
        op.add_column(table, sa.Column("callout_text", sa.String(length=300), nullable=True))
        op.add_column(table, sa.Column("callout_url", sa.String(length=500), nullable=True))
        rows = connection.execute(
            sa.text(
                f"SELECT t.id, r.title, r.text, r.url FROM {table} t "  # noqa: S608
                "JOIN resource r ON r.id = t.callout_resource_id "
                "WHERE t.callout_mode = 'resource'"
            )
        ).all()
        for row in rows:
            connection.execute(
                sa.text(
                    f"UPDATE {table} SET callout_title = :title, "  # noqa: S608
                    "callout_text = :text, callout_url = :url WHERE id = :id"
                ),
                {"title": row.title, "text": row.text[:300], "url": row.url, "id": row.id},
            )
    _rebind_reviews(FINGERPRINTED_AFTER, "v2", FINGERPRINTED_BEFORE, "v1")
    op.drop_index("ix_article_callout_resource_id", table_name="article")
    for table, column in (
        ("article", "callout_resource_id"),
        ("article", "callout_mode"),
        ("article_revision", "callout_resource_id"),
        ("article_revision", "callout_mode"),
        ("topic", "default_resource_id"),
    ):
        op.drop_column(table, column)
    op.drop_table("resource")
