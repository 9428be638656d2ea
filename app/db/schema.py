"""Migrations and the schema check: the database must be at the code's head revision."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from app.config import project_dir
from app.db.engines import make_engine

MIGRATIONS_DIR = project_dir() / "migrations"


# Search indexes are made by hand for each database engine and are not part of the models.
SEARCH_INDEX_PREFIXES = ("article_search", "question_search")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the hand-made search index tables and the expression indexes
    (which the models cannot describe) out of model comparison."""
    if type_ == "table" and name and name.startswith(SEARCH_INDEX_PREFIXES):
        return False
    return not (type_ == "index" and name and name.startswith(("ix_search_", "ix_expr_")))


class SchemaBehindError(RuntimeError):
    """The database is not migrated to the code's head revision."""


def alembic_config(database_url: str) -> Any:
    """An Alembic configuration pointing at this project's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


# `revision: str = "0004"` and `down_revision: str | None = "0003"` in each migration file.
_REVISION_LINE = re.compile(r"^(down_)?revision:[^=]*=\s*['\"]?(\w+)", re.MULTILINE)


def head_revision() -> str:
    """The newest migration the code knows: the one no other migration revises.

    Read from the files' own lines rather than through Alembic, which costs each worker
    10 MB of memory at start-up for a check it makes once.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value != "None":
                (revised if down else revisions).add(value)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse to serve a database that is behind the code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaBehindError(
            f"The database is {where} but the code needs {head}: run `consult migrate` first."
        )


def migrated_engine(database_url: str) -> Engine:
    """An engine for a database that is at the code's schema (else SchemaBehindError)."""
    engine = make_engine(database_url)
    try:
        check_schema(engine)
    except Exception:
        engine.dispose()
        raise
    return engine
