"""reviews bound to the text, drafts of live columns, revisions that hold every field

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:30:00.000000
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The public fields a review fingerprint covers, in order (PUBLIC_FIELDS, app/editorial/). Kept here
# as it was when this migration was written, so that the migration's result never changes.
FINGERPRINTED = (
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


def _fingerprint(row: sa.Row) -> str:  # type: ignore[type-arg]
    values = [row._mapping[name] or "" for name in FINGERPRINTED]
    return hashlib.sha256(json.dumps(["v1", *values]).encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("unreviewed_findings", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("dismissed_details", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("draft_revision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_article_reviewed_by_staff", "staff", ["reviewed_by"], ["id"], ondelete="SET NULL"
        )
    # A scheduled column reviewed under the old rule keeps its review, now bound to its text,
    # so the scheduler still publishes it; every other review was spent when it went out.
    connection = op.get_bind()
    names = ", ".join(FINGERPRINTED)
    rows = connection.execute(
        sa.text(
            f"SELECT id, {names} FROM article "  # noqa: S608 (fixed column names)
            "WHERE status = 'scheduled' AND anonymisation_reviewed"
        )
    ).all()
    for row in rows:
        connection.execute(
            sa.text("UPDATE article SET reviewed_fingerprint = :f WHERE id = :id"),
            {"f": _fingerprint(row), "id": row.id},
        )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("anonymisation_reviewed")

    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.alter_column(
            "topics", existing_type=sa.String(length=1000), type_=sa.Text(), existing_nullable=False
        )
        batch_op.add_column(sa.Column("hero_width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hero_height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("callout_title", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("callout_text", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("callout_url", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="saved")
        )


def downgrade() -> None:
    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.drop_column("kind")
        batch_op.drop_column("callout_url")
        batch_op.drop_column("callout_text")
        batch_op.drop_column("callout_title")
        batch_op.drop_column("hero_height")
        batch_op.drop_column("hero_width")
        batch_op.alter_column(
            "topics", existing_type=sa.Text(), type_=sa.String(length=1000), existing_nullable=False
        )
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "anonymisation_reviewed", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.execute("UPDATE article SET anonymisation_reviewed = reviewed_fingerprint IS NOT NULL")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_constraint("fk_article_reviewed_by_staff", type_="foreignkey")
        batch_op.drop_column("draft_revision_id")
        batch_op.drop_column("dismissed_details")
        batch_op.drop_column("unreviewed_findings")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_fingerprint")
