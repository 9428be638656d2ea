"""Content as files: the shipped columns, and `consult content import/export` from the CLI."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import cli
from app.config import Settings
from app.db import make_engine, schema
from app.editorial.articles import article_topic_names
from app.editorial.content_import import parse_column
from app.main import create_app
from app.models import Article, Resource
from tests.conftest import CONTENT_DIR, DatabaseFactory, make_settings
from tests.helpers import soup, write_column

COLUMN_FILES = sorted((CONTENT_DIR / "columns").glob("*.md"))
TEXT_FIELDS = ("title", "summary", "letter_md", "answer_md", "signoff", "byline", "hero_alt")
ROUND_TRIP_FIELDS = (*TEXT_FIELDS, "published_at", "topics", "callout")
Breaker = Callable[[Path], None]
COUNTS = ("changes", "created", "updated", "unchanged")
REPORT = re.compile(r"(\d+) changes: (\d+) created, (\d+) updated, (\d+) unchanged")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def counts(self) -> dict[str, int]:
        match = REPORT.search(self.out)
        assert match, self.out
        return {k: int(v) for k, v in zip(COUNTS, match.groups(), strict=True)}


Consult = Callable[..., Run]


@pytest.fixture
def consult(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Consult]:
    """Run the `consult` command against a database, a var dir and a content dir."""
    engines: list[Engine] = []

    def tracked_engine(url: str) -> Engine:
        engines.append(make_engine(url))
        return engines[-1]

    # Engines a command leaves open (when it crashes) are closed after the test.
    monkeypatch.setattr(schema, "make_engine", tracked_engine)

    def run(url: str, var_dir: Path, *args: str, content_dir: Path = CONTENT_DIR) -> Run:
        monkeypatch.setenv("CONSULT_DATABASE_URL", url)
        monkeypatch.setenv("CONSULT_VAR_DIR", str(var_dir))
        monkeypatch.setenv("CONSULT_CONTENT_DIR", str(content_dir))
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return Run(code, out, err)

    yield run
    for engine in engines:
        engine.dispose()


def _articles(url: str) -> dict[str, dict[str, object]]:
    """Every article in the database by slug, with its fields and topic names."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = {
            a.slug: {
                **a.model_dump(),
                "topics": article_topic_names(session=session, article_id=a.id or 0),
                "callout": _callout(session, a),
            }
            for a in session.exec(select(Article)).all()
        }
    engine.dispose()
    return rows


def _callout(session: Session, article: Article) -> object:
    """The column's callout choice: the words of the resource it names, or the mode."""
    resource = session.get(Resource, article.callout_resource_id or 0)
    if resource is None:
        return article.callout_mode
    return (resource.title, resource.text, resource.url, resource.link_text, resource.small_print)


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


# The shipped content


def test_shipped_content_has_enough_columns_and_topics() -> None:
    assert len(COLUMN_FILES) >= 10
    topics = {name for path in COLUMN_FILES for name in parse_column(path)[0].topics}
    assert len(topics) >= 7
    assert {"Safety", "Apologies", "Termination"} <= topics


@pytest.mark.parametrize("path", COLUMN_FILES, ids=lambda p: p.stem)
def test_every_shipped_column_is_complete(path: Path) -> None:
    meta, letter, answer = parse_column(path)
    assert letter.startswith("Dear Ethics Consult,")
    assert len(answer.split()) > 100
    assert meta.signoff.strip() and meta.byline.strip()
    assert meta.hero and (path.parent / meta.hero).is_file()
    assert meta.hero_alt and meta.hero_alt.strip()
    assert meta.slug == path.stem


def test_shipped_static_pages_exist() -> None:
    pages = {p.stem for p in (CONTENT_DIR / "pages").glob("*.md")}
    assert {"about", "write-for-us", "privacy"} <= pages


# consult content import


def test_import_creates_every_column_then_changes_nothing(
    consult: Consult, databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.fresh(backend)
    first = consult(url, tmp_path / "var", "content", "import")
    assert first.code == 0 and first.err == ""
    assert first.counts()["created"] == len(COLUMN_FILES)
    rows = _articles(url)
    assert set(rows) == {p.stem for p in COLUMN_FILES}
    assert {r["status"] for r in rows.values()} == {"published"}
    assert sorted(rows["the-client-who-would-not-leave"]["topics"]) == ["Boundaries", "Safety"]
    again = consult(url, tmp_path / "var", "content", "import")
    assert again.code == 0
    assert again.out.startswith("0 changes")
    assert again.counts()["unchanged"] == len(COLUMN_FILES)


def test_editing_one_file_updates_only_that_column(
    consult: Consult, databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url, var_dir = databases.fresh(backend), tmp_path / "var"
    content = _copy_content(tmp_path)
    assert consult(url, var_dir, "content", "import", content_dir=content).code == 0
    path = content / "columns" / "i-forgot-her-session.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA postscript about forgiving yourself.\n",
        encoding="utf-8",
    )
    run = consult(url, var_dir, "content", "import", content_dir=content)
    assert run.code == 0
    assert run.counts() == dict(changes=1, created=0, updated=1, unchanged=len(COLUMN_FILES) - 1)
    row = _articles(url)["i-forgot-her-session"]
    assert str(row["answer_md"]).endswith("A postscript about forgiving yourself.")
    assert row["version"] == 2
    settings = make_settings(url, var_dir, content_dir=content)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        page = soup(client.get("/columns/i-forgot-her-session").text)
    last = page.select(".answer__text p")[-1].get_text(strip=True)
    assert last == "A postscript about forgiving yourself."


def _missing_title(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*\n", "", text, flags=re.M), encoding="utf-8")


def _broken_yaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: [unclosed ", 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("breaker", "topics", "field"),
    [
        (_missing_title, ("Safety",), "title"),
        (None, (), "topics"),
        (_broken_yaml, ("Safety",), "front matter"),
    ],
    ids=["missing-title", "no-topics", "invalid-yaml"],
)
def test_a_bad_file_is_reported_and_skipped(
    consult: Consult,
    databases: DatabaseFactory,
    backend: str,
    tmp_path: Path,
    breaker: Breaker | None,
    topics: tuple[str, ...],
    field: str,
) -> None:
    content = tmp_path / "content"
    write_column(content, "good-one", title="The first good one")
    write_column(content, "good-two", title="The second good one")
    bad = write_column(content, "bad-one", topics=topics)
    if breaker:
        breaker(bad)
    url = databases.fresh(backend)
    run = consult(url, tmp_path / "var", "content", "import", content_dir=content)
    assert run.code != 0
    assert run.counts()["created"] == 2
    complaints = [line for line in run.err.splitlines() if str(bad) in line]
    assert len(complaints) == 1 and field in complaints[0]
    assert set(_articles(url)) == {"good-one", "good-two"}


# consult content export


def test_export_then_import_round_trips(
    consult: Consult,
    site_settings: Settings,
    databases: DatabaseFactory,
    backend: str,
    tmp_path: Path,
) -> None:
    source_url, source_var = site_settings.database_url, site_settings.var_dir
    exported = consult(source_url, source_var, "content", "export", str(tmp_path / "export"))
    assert exported.code == 0
    assert exported.out.strip() == f"exported {len(COLUMN_FILES)} columns to {tmp_path / 'export'}"
    copy_url, copy_var = databases.fresh(backend), tmp_path / "copy-var"
    imported = consult(copy_url, copy_var, "content", "import", str(tmp_path / "export"))
    assert imported.code == 0 and imported.counts()["created"] == len(COLUMN_FILES)
    source, copy = _articles(source_url), _articles(copy_url)
    assert set(source) == set(copy) == {p.stem for p in COLUMN_FILES}
    for slug, original in source.items():
        for name in ROUND_TRIP_FIELDS:
            assert copy[slug][name] == original[name], (slug, name)
        original_hero = (source_var / "media" / str(original["hero_path"])).read_bytes()
        assert (copy_var / "media" / str(copy[slug]["hero_path"])).read_bytes() == original_hero
    assert any(isinstance(row["callout"], tuple) for row in copy.values())


def test_importing_an_export_back_changes_nothing(
    consult: Consult, site_settings: Settings, tmp_path: Path
) -> None:
    url, var_dir = site_settings.database_url, site_settings.var_dir
    assert consult(url, var_dir, "content", "export", str(tmp_path / "export")).code == 0
    again = consult(url, var_dir, "content", "import", str(tmp_path / "export"))
    assert again.code == 0
    assert again.counts() == dict(changes=0, created=0, updated=0, unchanged=len(COLUMN_FILES))


@pytest.mark.parametrize("command", ["import", "export"])
def test_content_commands_refuse_an_unmigrated_database(
    consult: Consult, databases: DatabaseFactory, backend: str, tmp_path: Path, command: str
) -> None:
    url = databases.fresh(backend, migrated=False)
    run = consult(url, tmp_path / "var", "content", command, str(tmp_path / "dir"))
    assert run.code != 0
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "consult migrate" in lines[0]


def test_a_file_that_is_not_utf8_is_reported_and_skipped(
    consult: Consult, databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    write_column(content, "good-one")
    bad = write_column(content, "latin-one", title="Le café du coin")
    bad.write_bytes(bad.read_text(encoding="utf-8").encode("latin-1"))
    url = databases.fresh(backend)
    run = consult(url, tmp_path / "var", "content", "import", content_dir=content)
    assert run.code != 0 and str(bad) in run.err
    assert set(_articles(url)) == {"good-one"}


def test_two_files_with_the_same_slug_are_reported(
    consult: Consult, databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    write_column(content, "first-file", title="The first file")
    second = write_column(content, "second-file", title="The second file")
    text = second.read_text(encoding="utf-8").replace("slug: second-file", "slug: first-file")
    second.write_text(text, encoding="utf-8")
    url = databases.fresh(backend)
    run = consult(url, tmp_path / "var", "content", "import", content_dir=content)
    assert run.code != 0
    assert [line for line in run.err.splitlines() if str(second) in line and "slug" in line]
    assert _articles(url)["first-file"]["title"] == "The first file"
