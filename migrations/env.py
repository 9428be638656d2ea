"""Alembic environment: the models' metadata, for SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table)
from app.db import include_object, make_engine


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # SQLite alters a table by copying it and dropping the old one; with foreign keys on,
        # that drop deletes every row pointing at it (a column's topics, a letter's column).
        # The pragma only takes effect outside a transaction, so it is set on the driver's
        # connection before SQLAlchemy begins one, and checked and restored after.
        driver = connection.connection.driver_connection if sqlite else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if driver is not None:
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            driver.execute("PRAGMA foreign_keys = ON")
            assert not broken, f"rows point at nothing after migrating: {broken}"
    engine.dispose()


run_migrations()
