"""Fixtures: a fresh database per test on SQLite and PostgreSQL, the app, and a client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import make_engine, migrate, session_scope
from app.editorial.content_import import import_content
from app.main import create_app
from tests.mailserver import Inbox, smtp_server

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
POSTGRES_URL = os.environ.get("CONSULT_TEST_POSTGRES_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="CONSULT_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


class DatabaseFactory:
    """Hands out fresh databases, copied from templates that are migrated (and loaded) once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.media_dir = root / "media"
        self._templates: dict[tuple[str, bool], str] = {}
        self._created: list[str] = []

    def fresh(self, backend: str, *, loaded: bool = False, migrated: bool = True) -> str:
        if not migrated:
            return self._new_empty(backend)
        template = self._template(backend, loaded)
        if backend == "sqlite":
            target = self.root / f"{uuid.uuid4().hex}.db"
            shutil.copyfile(make_url(template).database or "", target)
            return f"sqlite:///{target}"
        name = f"consult_t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        self._created.append(name)
        return str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))

    def _new_empty(self, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.root / uuid.uuid4().hex}.db"
        name = f"consult_t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))

    def _template(self, backend: str, loaded: bool) -> str:
        key = (backend, loaded)
        if key not in self._templates:
            url = self._new_empty(backend)
            migrate(url)
            if loaded:
                engine = make_engine(url)
                settings = Settings(database_url=url, var_dir=self.root)
                with session_scope(engine) as session:
                    report = import_content(
                        session=session,
                        content_dir=CONTENT_DIR,
                        media_dir=self.media_dir,
                        tz=settings.tz,
                    )
                engine.dispose()
                assert not report.errors, report.errors
            self._templates[key] = url
        return self._templates[key]

    def _admin(self, sql: str) -> None:
        with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True) as connection:
            connection.execute(sql.encode())

    def drop_all(self) -> None:
        for name in self._created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    if POSTGRES_URL:
        factory.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_settings(database_url: str, var_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "var_dir": var_dir,
        "secret_key": "test-secret-key-that-is-long-enough-for-hmac",
        "env": "test",
        "background_tasks": False,
        "content_dir": CONTENT_DIR,
        "base_url": "http://testserver",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def database_url(databases: DatabaseFactory, backend: str) -> str:
    """A migrated, empty database of the backend under test."""
    return databases.fresh(backend)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "var")


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def site_settings(databases: DatabaseFactory, backend: str, tmp_path: Path) -> Settings:
    """Settings for a database that holds the sample columns from content/."""
    url = databases.fresh(backend, loaded=True)
    var_dir = tmp_path / "var"
    shutil.copytree(databases.media_dir, var_dir / "media")
    return make_settings(url, var_dir)


@pytest.fixture
def site(site_settings: Settings) -> Iterator[TestClient]:
    """A client for the site filled with the sample columns."""
    with TestClient(
        create_app(site_settings), raise_server_exceptions=False, follow_redirects=False
    ) as test_client:
        yield test_client


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback: (inbox, port)."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def asking(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A site whose form accepts letters at once (no minimum fill time)."""
    app = create_app(make_settings(database_url, tmp_path / "var", form_min_seconds=0))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def newsroom(asking: TestClient) -> TestClient:
    """The `asking` site with an admin, an editor and a columnist (see tests.editing)."""
    from tests.editing import make_staff

    make_staff(asking)
    return asking
