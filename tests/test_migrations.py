"""Migrations and models agree, and migrations run both ways on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from app.db import (
    SchemaBehindError,
    alembic_config,
    head_revision,
    include_object,
    make_engine,
    migrate,
)
from app.main import create_app
from tests.conftest import DatabaseFactory, make_settings


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def test_migrating_an_empty_database_gives_exactly_the_models(
    databases: DatabaseFactory, backend: str
) -> None:
    url = databases.fresh(backend, migrated=False)
    migrate(url)
    assert _diff(url) == []
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"article", "topic", "article_topic", "article_view", "site_state"} <= tables
    assert "article_search" in tables


def test_upgrade_downgrade_upgrade_with_data(databases: DatabaseFactory, backend: str) -> None:
    url = databases.fresh(backend, migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO topic (slug, name, description, created_at) "
                "VALUES ('safety', 'Safety', 'd', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO article (slug, title, summary, letter_md, letter_html, signoff,"
                " answer_md, answer_html, byline, hero_alt, reading_minutes, status, created_at,"
                " updated_at, version)"
                " VALUES ('a', 'A', '', 'l', '<p>l</p>', 's', 'a', '<p>a</p>', 'b', '', 1, 'draft',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            )
        )
        connection.execute(text("INSERT INTO article_topic (article_id, topic_id) VALUES (1, 1)"))
    engine.dispose()
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    assert _diff(url) == []
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article")).scalar() == 0
    engine.dispose()


def test_server_refuses_a_database_that_is_behind(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.fresh(backend, migrated=False)
    app = create_app(make_settings(url, tmp_path / "var"))
    with pytest.raises(SchemaBehindError, match="consult migrate"), TestClient(app):
        pass


def test_sqlite_connections_are_durable_and_checked(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
    engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "busy_timeout": 10000,
        "foreign_keys": 1,
    }


def test_head_revision_is_the_one_alembic_finds() -> None:
    from alembic.script import ScriptDirectory

    from app.db import alembic_config

    alembic_head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head_revision() == alembic_head is not None


def test_a_scheduled_column_reviewed_before_0006_keeps_its_review_bound_to_its_text(
    databases: DatabaseFactory, backend: str
) -> None:
    from app.editorial.articles import fields_of
    from app.editorial.guard import fingerprint
    from app.models import Article

    url = databases.fresh(backend, migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = make_engine(url)
    with engine.begin() as connection:
        for slug, status in (("due", "scheduled"), ("live", "published")):
            connection.execute(
                text(
                    "INSERT INTO article (slug, title, summary, letter_md, letter_html, signoff,"
                    " answer_md, answer_html, byline, hero_alt, reading_minutes, status,"
                    " created_at, updated_at, version, anonymisation_reviewed)"
                    " VALUES (:slug, 'T', 'S', 'Dear Ethics Consult, l', '<p>l</p>', 's', 'a',"
                    " '<p>a</p>', 'b', '', 1, :status, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1,"
                    " :yes)"
                ),
                {"slug": slug, "status": status, "yes": True},
            )
    engine.dispose()
    command.upgrade(config, "head")
    engine = make_engine(url)
    with Session(engine) as session:
        due = session.exec(select(Article).where(Article.slug == "due")).one()
        live = session.exec(select(Article).where(Article.slug == "live")).one()
        assert due.reviewed_fingerprint == fingerprint(fields_of(session=session, article=due))
        assert live.reviewed_fingerprint is None
    engine.dispose()


def test_0007_moves_inline_callouts_into_resources_and_keeps_every_link(
    databases: DatabaseFactory, backend: str
) -> None:
    url = databases.fresh(backend, migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0006")
    engine = make_engine(url)
    course = ("Safety planning", "A short course.", "https://courses.example.org/safety")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO topic (slug, name, description, created_at) "
                "VALUES ('safety', 'Safety', '', CURRENT_TIMESTAMP)"
            )
        )
        other = (course[0], "Other words under the same title and link.", course[2])
        columns = (("a", course), ("b", course), ("c", (None, None, None)), ("d", other))
        for slug, callout in columns:
            connection.execute(
                text(
                    "INSERT INTO article (slug, title, summary, letter_md, letter_html, signoff,"
                    " answer_md, answer_html, byline, hero_alt, reading_minutes, status,"
                    " created_at, updated_at, version, unreviewed_findings, dismissed_details,"
                    " callout_title, callout_text, callout_url)"
                    " VALUES (:slug, 'T', 'S', 'l', '<p>l</p>', 's', 'a', '<p>a</p>', 'b', '', 1,"
                    " 'published', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 0, '', :t, :x, :u)"
                ),
                {"slug": slug, "t": callout[0], "x": callout[1], "u": callout[2]},
            )
        connection.execute(
            text("INSERT INTO article_topic (article_id, topic_id) SELECT id, 1 FROM article")
        )
    engine.dispose()
    command.upgrade(config, "head")
    assert _diff(url) == []
    engine = make_engine(url)
    with engine.connect() as connection:
        resources = connection.execute(
            text("SELECT id, title, text, url, link_text FROM resource ORDER BY id")
        ).all()
        # One resource per callout as readers saw it: the same words share one, other words
        # under the same title and link keep theirs, and the link still says what it said.
        assert [tuple(r[1:4]) for r in resources] == [course, other]
        assert {r[4] for r in resources} == {"Read more"}
        picks = dict(
            connection.execute(text("SELECT slug, callout_mode FROM article")).all()  # type: ignore[arg-type]
        )
        assert picks == {"a": "resource", "b": "resource", "c": "topic", "d": "resource"}
        # Columns keep their topics: the article table is altered in place, not copied.
        assert connection.execute(text("SELECT count(*) FROM article_topic")).scalar() == 4
    engine.dispose()
    command.downgrade(config, "0006")
    engine = make_engine(url)
    with engine.connect() as connection:
        back = connection.execute(
            text("SELECT callout_title, callout_text, callout_url FROM article WHERE slug = 'b'")
        ).one()
        assert tuple(back) == course
        assert connection.execute(text("SELECT count(*) FROM article_topic")).scalar() == 4
    engine.dispose()


def test_migrating_keeps_every_columns_topics(databases: DatabaseFactory, backend: str) -> None:
    # SQLite rebuilds a table to alter it; the rows that point at it must survive that.
    url = databases.fresh(backend, migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (slug, title, summary, letter_md, letter_html, signoff,"
                " answer_md, answer_html, byline, hero_alt, reading_minutes, status,"
                " created_at, updated_at, version, anonymisation_reviewed)"
                " VALUES ('kept', 'T', 'S', 'l', '<p>l</p>', 's', 'a', '<p>a</p>', 'b', '', 1,"
                " 'published', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, :no)"
            ),
            {"no": False},
        )
        connection.execute(
            text(
                "INSERT INTO topic (slug, name, description, created_at)"
                " VALUES ('gifts', 'Gifts', '', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO article_topic (article_id, topic_id)"
                " SELECT article.id, topic.id FROM article, topic"
            )
        )
    engine.dispose()
    command.upgrade(config, "head")
    engine = make_engine(url)
    with engine.connect() as connection:
        tagged = connection.execute(
            text(
                "SELECT topic.name FROM article_topic JOIN topic ON topic.id = topic_id"
                " JOIN article ON article.id = article_id WHERE article.slug = 'kept'"
            )
        ).all()
    engine.dispose()
    assert [row[0] for row in tagged] == ["Gifts"]
