"""schemathesis against /openapi.json, in-process: no 5xx, every response matches its schema."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.main import create_app
from tests.conftest import DatabaseFactory, make_settings

EXAMPLES = 60


@pytest.fixture
def api_app(databases: DatabaseFactory, tmp_path: Path) -> Iterator[FastAPI]:
    """The site filled with the sample columns (fuzzing is about code paths: SQLite is enough)."""
    url = databases.fresh("sqlite", loaded=True)
    shutil.copytree(databases.media_dir, tmp_path / "var" / "media")
    app = create_app(make_settings(url, tmp_path / "var", form_min_seconds=0))
    with TestClient(app):  # runs the lifespan: the schema check
        yield app


def test_the_api_keeps_its_promises(api_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    paths = {f"{op.method.upper()} {op.path}" for op in operations}
    assert {
        "GET /api/v1/columns",
        "GET /api/v1/columns/{slug}",
        "GET /api/v1/topics",
        "POST /api/v1/questions",
        "GET /api/v1/questions/{token}",
    } <= paths
    for operation in operations:
        _fuzz(operation)


def _fuzz(operation: Any) -> None:
    # Letters have rules a schema cannot say (50 characters after trimming, consent ticked),
    # so schema-valid letters may be refused with 422 and a message per field.
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Case) -> None:
        case.call_and_validate(excluded_checks=excluded)

    check()
