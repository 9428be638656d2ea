"""Backup and restore: `consult backup` then `consult restore` into a fresh database gives back
every row of every table, and a backup taken while letters arrive is consistent."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table is in the metadata)
from app.cli import main
from app.db import SEARCH_INDEX_PREFIXES, make_engine
from app.main import create_app
from app.publishing.popularity import ViewCounter
from tests.asking import LETTER, form_fields, send_letter
from tests.conftest import DatabaseFactory, make_settings
from tests.editing import log_in, make_staff, post_answer
from tests.helpers import soup
from tests.reliability.traffic import sqlite_check
from tests.topic_setup import make_topics

Snapshot = dict[str, list[tuple[str, ...]]]


def snapshot(database_url: str) -> tuple[Snapshot, dict[str, int]]:
    """Every row of every model table (sorted), and the row count of each search index."""
    engine = make_engine(database_url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            rows: Snapshot = {}
            for table in [*SQLModel.metadata.sorted_tables]:
                assert table.name in present, f"{table.name} is missing"
                result = connection.execute(table.select()).all()
                rows[table.name] = sorted(tuple(repr(v) for v in row) for row in result)
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            rows["alembic_version"] = sorted((repr(v),) for (v,) in versions)
            counts = {
                name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
                for name in SEARCH_INDEX_PREFIXES
            }
        # Nothing in the database escapes the comparison (FTS5 shadow tables follow their index).
        compared = set(rows) | set(SEARCH_INDEX_PREFIXES)
        unknown = {t for t in present - compared if not t.startswith(SEARCH_INDEX_PREFIXES)}
        assert unknown == set(), f"tables the comparison does not cover: {unknown}"
    finally:
        engine.dispose()
    return rows, counts


def fill(client: TestClient) -> dict[str, str]:
    """Letters (with and without addresses), staff, a signed-in editor, a published answer,
    notes and a newsletter sign-up; returns the readers' status links by sign-off."""
    make_staff(client)
    links = {}
    for index, email in enumerate(["", "first.reader@example.org", "", "second@example.org"]):
        signoff = f"Reader Number {index}"
        response = send_letter(
            client, question=f"{LETTER}\n\nLetter {index}.", signoff=signoff, email=email
        )
        assert response.status_code == 303
        links[signoff] = response.headers["location"]
    assert log_in(client, "editor").status_code == 303
    queue = soup(client.get("/admin/queue").text)
    ids = sorted(
        int(a["href"].rsplit("/", 1)[1])
        for a in queue.select('a[href^="/admin/questions/"]')
        if a["href"].rsplit("/", 1)[1].isdigit()
    )
    token = soup(client.get(f"/admin/questions/{ids[0]}").text).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]
    client.post(f"/admin/questions/{ids[0]}/notes", data={"body": "A note.", "csrf_token": token})
    make_topics(client, "Boundaries", "Saying no")
    published = post_answer(
        client,
        ids[0],
        "publish",
        title="Coffee after the session, kept kind",
        summary="Holding a line without rejection.",
        topics="Boundaries, Saying no",
        answer="Say no once more, warmly, and name the frame you both work inside.",
        byline="Test Editor",
        anonymisation_reviewed="1",
    )
    assert published.status_code == 303
    renamed = post_answer(  # a slug redirect
        client, ids[0], "update", slug="coffee-kept-kind", anonymisation_reviewed="1"
    )
    assert renamed.status_code == 303
    assert client.get("/columns/coffee-kept-kind").status_code == 200  # a view to count
    client.app.state.services.part(ViewCounter).flush(client.app.state.services.engine)
    newsletter_token = soup(client.get("/newsletter").text).find(
        "input", attrs={"name": "csrf_token"}
    )["value"]
    signed_up = client.post(
        "/newsletter", data={"email": "list@example.org", "csrf_token": newsletter_token}
    )
    assert signed_up.status_code in (200, 303)
    return links


def _use(monkeypatch: pytest.MonkeyPatch, database_url: str, var_dir: Path) -> None:
    monkeypatch.setenv("CONSULT_DATABASE_URL", database_url)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(var_dir))


def test_restore_into_a_fresh_database_gives_back_every_row(
    databases: DatabaseFactory,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = databases.fresh(backend, loaded=True)  # the sample columns, topics, search index
    var_dir = tmp_path / "var"
    settings = make_settings(source, var_dir, form_min_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        links = fill(client)
    original, original_counts = snapshot(source)
    filled = sorted(name for name, rows in original.items() if rows)
    for needed in ("question", "staff_session", "article", "slug_redirect", "article_view"):
        assert needed in filled, f"{needed} has no rows: the comparison would prove little"
    assert min(original_counts.values()) > 0

    backup_file = tmp_path / "backups" / ("site.db" if backend == "sqlite" else "site.dump")
    _use(monkeypatch, source, var_dir)
    assert main(["backup", str(backup_file)]) == 0, capsys.readouterr().err
    assert backup_file.stat().st_size > 0
    if backend == "sqlite":
        assert sqlite_check(f"sqlite:///{backup_file}") == ("ok", [])

    target = databases.fresh(backend)  # migrated and empty
    _use(monkeypatch, target, var_dir)
    assert main(["restore", str(backup_file)]) == 0, capsys.readouterr().err
    restored, restored_counts = snapshot(target)
    assert restored.keys() == original.keys()
    for table in original:
        assert restored[table] == original[table], f"{table} differs after restore"
    assert restored_counts == original_counts
    if backend == "sqlite":
        assert sqlite_check(target) == ("ok", [])

    # The restored site works: readers' links answer, search finds the columns, and new
    # letters get fresh ids (sequences came back too).
    with TestClient(
        create_app(make_settings(target, var_dir, form_min_seconds=0)), follow_redirects=False
    ) as client:
        for link in links.values():
            assert client.get(link).status_code == 200
        assert "Coffee after the session" in client.get("/search?q=warmly").text
        assert client.get("/columns/coffee-after-the-session-kept-kind").status_code == 301
        assert send_letter(client, signoff="After Restore").status_code == 303
    print(
        f"\n[backup {backend}] {len(original)} tables compared row by row "
        f"({len(filled)} with rows: {', '.join(filled)}; "
        f"{sum(len(r) for r in original.values())} rows), "
        f"search indexes {original_counts}"
    )


def test_a_backup_taken_while_letters_arrive_is_consistent(
    databases: DatabaseFactory,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = databases.fresh(backend)
    var_dir = tmp_path / "var"
    settings = make_settings(source, var_dir, form_min_seconds=0, submissions_per_hour=1000)
    backup_file = tmp_path / ("online.db" if backend == "sqlite" else "online.dump")
    stop = threading.Event()
    sent: list[int] = []
    with TestClient(create_app(settings), follow_redirects=False) as client:

        def keep_writing() -> None:
            hidden = form_fields(client)
            while not stop.is_set():
                response = send_letter(client, dict(hidden), signoff=f"Busy {len(sent)}")
                assert response.status_code == 303
                hidden = form_fields(client)
                sent.append(1)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            while len(sent) < 5:
                stop.wait(0.05)
            _use(monkeypatch, source, var_dir)
            assert main(["backup", str(backup_file)]) == 0, capsys.readouterr().err
        finally:
            stop.set()
            writer.join(30)
    target = databases.fresh(backend)
    _use(monkeypatch, target, var_dir)
    assert main(["restore", str(backup_file)]) == 0, capsys.readouterr().err
    engine = make_engine(target)
    try:
        with engine.connect() as connection:
            letters = connection.execute(text("SELECT count(*) FROM question")).scalar_one()
            indexed = connection.execute(text("SELECT count(*) FROM question_search")).scalar_one()
            limits = connection.execute(text("SELECT count(*) FROM rate_event")).scalar_one()
    finally:
        engine.dispose()
    # Every letter in the copy came with its search entry and its rate-limit count: the copy
    # is one moment of the database, not a mix of several.
    assert 5 <= letters <= len(sent) + 1
    assert indexed == letters == limits
    if backend == "sqlite":
        assert sqlite_check(target) == ("ok", [])


def test_restoring_a_missing_backup_says_so(
    databases: DatabaseFactory,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = databases.fresh(backend)
    _use(monkeypatch, target, tmp_path / "var")
    assert main(["restore", str(tmp_path / "no-such-backup")]) == 1
    assert "no backup file" in capsys.readouterr().err
