"""Benchmark databases: N generated articles and 100,000 letters, written in bulk (minutes for
100,000 articles), plus column files for timing `consult content import`."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import yaml
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, make_url
from words import BYLINES, PEN_NAMES, TextMaker, markdown_and_html

from app.db import head_revision, make_engine, migrate, session_scope
from app.editorial.staff import create_staff
from app.models import Article, ArticleTopic, ArticleView, Question, SiteState, Topic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "work"
GENERATOR_VERSION = 1
EDITOR_EMAIL = "bench-editor@example.org"
EDITOR_PASSWORD = "bench-editor-passphrase-1"
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BATCH = 2000
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LETTER_STATES = [
    ("new", 20),
    ("shortlisted", 5),
    ("answering", 3),
    ("published", 10),
    ("declined", 50),
    ("spam", 10),
    ("withdrawn", 2),
]


def _pg_admin(sql: str) -> None:
    libpq = make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(sql.encode())


def _url(backend: str, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{WORK / (name + '.db')}"
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(False)


def template_database(backend: str, articles: int, letters: int) -> str:
    """The URL of a generated database for this size, built the first time it is asked for."""
    # The schema's revision in the name: a new migration means a new database.
    name = f"bench_{backend}_{articles}_{letters}_v{GENERATOR_VERSION}_s{head_revision()}"
    url = _url(backend, name)
    WORK.mkdir(parents=True, exist_ok=True)
    marker = WORK / f"{name}.done"
    if marker.exists():
        return url
    started = time.monotonic()
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / name) + ".db" + suffix).unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')
    fill_database(url, articles=articles, letters=letters)
    marker.write_text(f"{time.monotonic() - started:.1f}\n")
    print(f"  generated {name} in {time.monotonic() - started:.0f} s", flush=True)
    return url


def working_copy(backend: str, template_url: str, label: str) -> str:
    """A throw-away copy of a template database for one server run (the run writes to it)."""
    name = f"run_{label}"
    if backend == "sqlite":
        source = Path(make_url(template_url).database or "")
        target = WORK / f"{name}.db"
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, target)
        # On disk before the server starts: start-up is not to share the disk with the
        # write-back of a copy that is a gigabyte at 100,000 articles.
        os.sync()
        return f"sqlite:///{target}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"')
    return _url(backend, name)


def drop_working_copy(backend: str, url: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path((make_url(url).database or "") + suffix).unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def load_topics() -> list[dict[str, str]]:
    entries = yaml.safe_load((ROOT / "content" / "topics.yaml").read_text(encoding="utf-8"))
    keys = ("name", "slug", "description")
    return [{key: entry[key] for key in keys} for entry in entries]


def fill_database(url: str, *, articles: int, letters: int, seed: int = 7) -> None:
    """Migrate, then write topics, articles, views, letters, both search indexes and an editor."""
    migrate(url)
    engine = make_engine(url)
    maker = TextMaker(seed)
    rng = random.Random(seed)
    with engine.begin() as connection:
        topic_ids = _insert_topics(connection)
        _insert_articles(connection, maker, rng, articles, topic_ids)
        _insert_letters(connection, maker, rng, letters, [t["name"] for t in load_topics()])
        connection.execute(insert(SiteState), [{"key": "content_version", "value": 1}])
        _fill_search_indexes(connection)
    with session_scope(engine) as session:
        create_staff(session=session, email=EDITOR_EMAIL, role="editor", password=EDITOR_PASSWORD)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _insert_topics(connection: Connection) -> list[int]:
    rows = [{**t, "created_at": NOW} for t in load_topics()]
    connection.execute(insert(Topic), rows)
    return [int(i) for i in connection.execute(text("SELECT id FROM topic ORDER BY id")).scalars()]


def _batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _insert_articles(
    connection: Connection, maker: TextMaker, rng: random.Random, count: int, topic_ids: list[int]
) -> None:
    # Newest last, one every few hours back from NOW, so ids and dates rise together.
    step = timedelta(hours=max(1, 24 * 365 * 8 // max(count, 1)))
    for start in range(0, count, BATCH):
        rows, tags, views = [], [], []
        for i in range(start, min(count, start + BATCH)):
            number = i + 1
            letter_md, letter_html = markdown_and_html(maker.paragraphs(rng.randint(3, 5)))
            answer_md, answer_html = markdown_and_html(maker.paragraphs(rng.randint(7, 11)))
            title = maker.title()
            published = NOW - step * (count - i)
            rows.append(
                {
                    "id": number,
                    "slug": f"column-{number}",
                    "title": title,
                    "summary": maker.paragraphs(1, (2, 2))[0][:380],
                    "letter_md": "Dear Ethics Consult,\n\n" + letter_md,
                    "letter_html": "<p>Dear Ethics Consult,</p>\n" + letter_html,
                    "signoff": rng.choice(PEN_NAMES),
                    "answer_md": answer_md,
                    "answer_html": answer_html,
                    "byline": rng.choice(BYLINES),
                    "hero_alt": "",
                    "reading_minutes": max(1, (len(letter_md) + len(answer_md)) // 1400),
                    "status": "published" if number % 100 else "draft",
                    "published_at": published if number % 100 else None,
                    "created_at": published,
                    "updated_at": published,
                    "version": 1,
                }
            )
            for topic_id in rng.sample(topic_ids, k=rng.randint(1, 3)):
                tags.append({"article_id": number, "topic_id": topic_id})
            for day in {rng.randint(0, 45) for _ in range(rng.randint(1, 2))}:
                day_date = (NOW - timedelta(days=day)).date()
                views.append({"article_id": number, "day": day_date, "views": rng.randint(1, 500)})
        connection.execute(insert(Article), rows)
        connection.execute(insert(ArticleTopic), tags)
        connection.execute(insert(ArticleView), views)


def _insert_letters(
    connection: Connection, maker: TextMaker, rng: random.Random, count: int, topics: list[str]
) -> None:
    states = [s for s, _ in LETTER_STATES]
    weights = [w for _, w in LETTER_STATES]
    step = timedelta(seconds=max(1, 2 * 365 * 24 * 3600 // max(count, 1)))
    rows = []
    for i in range(count):
        received = NOW - step * (count - i)
        rows.append(
            {
                "id": i + 1,
                "status": rng.choices(states, weights)[0],
                "letter": "Dear Ethics Consult,\n\n" + "\n\n".join(maker.paragraphs(2, (2, 4))),
                "signoff": rng.choice(PEN_NAMES),
                "topic_hint": rng.choice(topics) if i % 3 else None,
                "consent": True,
                "urgent": i % 50 == 0,
                "urgent_categories": "self-harm" if i % 50 == 0 else "",
                "token_hash": hashlib.sha256(f"bench-token-{i}".encode()).hexdigest(),
                "submission_key": f"bench-{i}",
                "received_at": received,
                "updated_at": received,
                "status_changed_at": received,
            }
        )
    for batch in _batches(rows):
        connection.execute(insert(Question), batch)


def _fill_search_indexes(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(
            text(
                "INSERT INTO article_search (rowid, title, summary, letter, answer) "
                "SELECT id, title, summary, letter_md, answer_md FROM article "
                "WHERE status = 'published'"
            )
        )
        connection.execute(
            text("INSERT INTO question_search (rowid, letter) SELECT id, letter FROM question")
        )
        return
    connection.execute(
        text(
            "INSERT INTO article_search (article_id, title, summary, letter, answer, document) "
            "SELECT id, title, summary, letter_md, answer_md, "
            "setweight(to_tsvector('english', title), 'A') || "
            "setweight(to_tsvector('english', summary), 'B') || "
            "setweight(to_tsvector('english', answer_md), 'C') || "
            "setweight(to_tsvector('english', letter_md), 'D') "
            "FROM article WHERE status = 'published'"
        )
    )
    connection.execute(
        text(
            "INSERT INTO question_search (question_id, letter, document) "
            "SELECT id, letter, to_tsvector('english', letter) FROM question"
        )
    )
    for table in ("article", "question", "topic", "staff"):
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def write_column_files(directory: Path, count: int, seed: int = 11) -> Path:
    """`count` column files (and topics.yaml) in the content-file format, for `content import`."""
    if directory.exists():
        shutil.rmtree(directory)
    (directory / "columns").mkdir(parents=True)
    shutil.copyfile(ROOT / "content" / "topics.yaml", directory / "topics.yaml")
    maker, rng = TextMaker(seed, sentences=3000), random.Random(seed)
    names = [t["name"] for t in load_topics()]
    for number in range(1, count + 1):
        letter = "\n\n".join(["Dear Ethics Consult,", *maker.paragraphs(rng.randint(3, 5))])
        answer = "\n\n".join(maker.paragraphs(rng.randint(7, 11)))
        day = (NOW - timedelta(days=count - number)).date().isoformat()
        front = {
            "title": maker.title(),
            "slug": f"imported-column-{number}",
            "date": day,
            "topics": rng.sample(names, k=rng.randint(1, 3)),
            "signoff": rng.choice(PEN_NAMES),
            "byline": rng.choice(BYLINES),
            "summary": maker.paragraphs(1, (2, 2))[0][:380],
        }
        (directory / "columns" / f"imported-column-{number}.md").write_text(
            "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n"
            f"{letter}\n---answer---\n{answer}\n",
            encoding="utf-8",
        )
    return directory
