"""letter counts kept by triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("new", "shortlisted", "answering", "published", "declined", "spam", "withdrawn")

# One row per state. Every change of state moves one letter from a row to another in a single
# UPDATE; rows are found through the primary key, so two transactions lock them in the same
# order and cannot deadlock each other.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER question_count_insert AFTER INSERT ON question BEGIN
        INSERT INTO question_count (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER question_count_delete AFTER DELETE ON question BEGIN
        UPDATE question_count SET n = n - 1 WHERE status = OLD.status;
    END""",
    """CREATE TRIGGER question_count_update AFTER UPDATE OF status ON question
        WHEN OLD.status IS NOT NEW.status BEGIN
        INSERT INTO question_count (status, n) VALUES (NEW.status, 0) ON CONFLICT DO NOTHING;
        UPDATE question_count SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
            WHERE status IN (OLD.status, NEW.status);
    END""",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION question_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE question_count SET n = n - 1 WHERE status = OLD.status;
            RETURN NULL;
        END IF;
        INSERT INTO question_count (status, n) VALUES (NEW.status, 0) ON CONFLICT DO NOTHING;
        IF TG_OP = 'INSERT' THEN
            UPDATE question_count SET n = n + 1 WHERE status = NEW.status;
        ELSE
            UPDATE question_count SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
                WHERE status IN (OLD.status, NEW.status);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER question_count_insert_delete AFTER INSERT OR DELETE ON question
        FOR EACH ROW EXECUTE FUNCTION question_count_change()""",
    """CREATE TRIGGER question_count_update AFTER UPDATE OF status ON question
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION question_count_change()""",
)


def upgrade() -> None:
    op.create_table(
        "question_count",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status"),
    )
    counts = sa.table("question_count", sa.column("status"), sa.column("n"))
    op.bulk_insert(counts, [{"status": state, "n": 0} for state in STATES])
    op.execute(
        "UPDATE question_count SET n = "
        "(SELECT count(*) FROM question WHERE question.status = question_count.status)"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS question_count_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS question_count_insert_delete ON question")
        op.execute("DROP TRIGGER IF EXISTS question_count_update ON question")
        op.execute("DROP FUNCTION IF EXISTS question_count_change()")
    op.drop_table("question_count")
