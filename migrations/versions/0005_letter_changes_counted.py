"""letter changes counted beside the counts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every write to a letter now also adds one to `changes` on the row of its state, so the sum
# of `changes` moves whenever anything the queue shows moves: the editors' queue keeps its
# rendered rows until it does. A letter's write touched that row already when it was added,
# deleted or moved; an edit that keeps the state now touches it too.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER question_count_insert AFTER INSERT ON question BEGIN
        INSERT INTO question_count (status, n, changes) VALUES (NEW.status, 1, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1, changes = changes + 1;
    END""",
    """CREATE TRIGGER question_count_delete AFTER DELETE ON question BEGIN
        UPDATE question_count SET n = n - 1, changes = changes + 1 WHERE status = OLD.status;
    END""",
    """CREATE TRIGGER question_count_update AFTER UPDATE OF status ON question
        WHEN OLD.status IS NOT NEW.status BEGIN
        INSERT INTO question_count (status, n) VALUES (NEW.status, 0) ON CONFLICT DO NOTHING;
        UPDATE question_count
            SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END, changes = changes + 1
            WHERE status IN (OLD.status, NEW.status);
    END""",
    """CREATE TRIGGER question_count_edit AFTER UPDATE ON question
        WHEN OLD.status IS NEW.status BEGIN
        UPDATE question_count SET changes = changes + 1 WHERE status = NEW.status;
    END""",
)

POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION question_count_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE question_count SET n = n - 1, changes = changes + 1 WHERE status = OLD.status;
            RETURN NULL;
        END IF;
        INSERT INTO question_count (status, n) VALUES (NEW.status, 0) ON CONFLICT DO NOTHING;
        IF TG_OP = 'INSERT' THEN
            UPDATE question_count SET n = n + 1, changes = changes + 1 WHERE status = NEW.status;
        ELSIF OLD.status IS NOT DISTINCT FROM NEW.status THEN
            UPDATE question_count SET changes = changes + 1 WHERE status = NEW.status;
        ELSE
            UPDATE question_count
                SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END,
                    changes = changes + 1
                WHERE status IN (OLD.status, NEW.status);
        END IF;
        RETURN NULL;
    END $$"""

POSTGRES_UPDATE_TRIGGER = """CREATE TRIGGER question_count_update AFTER UPDATE ON question
    FOR EACH ROW EXECUTE FUNCTION question_count_change()"""

# As migration 0004 left them.
OLD_SQLITE_TRIGGERS = (
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

OLD_POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION question_count_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
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
    END $$"""

OLD_POSTGRES_UPDATE_TRIGGER = """CREATE TRIGGER question_count_update AFTER UPDATE OF status
    ON question FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION question_count_change()"""


def _drop_sqlite_triggers() -> None:
    for name in ("insert", "delete", "update", "edit"):
        op.execute(f"DROP TRIGGER IF EXISTS question_count_{name}")


def upgrade() -> None:
    op.add_column(
        "question_count",
        sa.Column("changes", sa.BigInteger(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_triggers()
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute("DROP TRIGGER IF EXISTS question_count_update ON question")
        op.execute(POSTGRES_UPDATE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_triggers()
        with op.batch_alter_table("question_count") as batch:
            batch.drop_column("changes")
        for statement in OLD_SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute("DROP TRIGGER IF EXISTS question_count_update ON question")
        op.execute(OLD_POSTGRES_FUNCTION)
        op.execute(OLD_POSTGRES_UPDATE_TRIGGER)
        op.drop_column("question_count", "changes")
