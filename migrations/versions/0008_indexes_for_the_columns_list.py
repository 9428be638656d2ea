"""Indexes for the editors' columns list: its orders (date, last update, title) and the
author filter, so a page of 10,000 columns is read from an index, not the whole table.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_updated_at", "article", ["updated_at", "id"])
    op.create_index("ix_article_title", "article", ["title", "id"])
    op.create_index("ix_article_author_id", "article", ["author_id"])
    op.create_index(
        "ix_expr_article_list_date",
        "article",
        [sa.text("coalesce(published_at, publish_at, created_at)"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_expr_article_list_date", table_name="article")
    op.drop_index("ix_article_author_id", table_name="article")
    op.drop_index("ix_article_title", table_name="article")
    op.drop_index("ix_article_updated_at", table_name="article")
