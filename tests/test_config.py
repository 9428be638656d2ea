"""Settings: the secret key rules and the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from app.config import ConfigError, Settings
from app.main import create_app
from tests.conftest import make_settings


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, secret_key="")
    first = settings.resolved_secret_key()
    assert len(first) >= 40
    assert (tmp_path / "secret_key").read_text() == first
    assert Settings(var_dir=tmp_path, secret_key="").resolved_secret_key() == first


def test_production_without_secret_key_refuses_with_the_variable_named(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, env="production", secret_key="")
    with pytest.raises(ConfigError, match="CONSULT_SECRET_KEY"):
        create_app(settings)
    assert not (tmp_path / "secret_key").exists()


def test_cli_names_the_missing_secret_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    monkeypatch.setenv("CONSULT_ENV", "production")
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(tmp_path))
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "CONSULT_SECRET_KEY" in err


def test_defaults_put_the_database_under_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    settings = Settings(var_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'consult.db'}"
    assert settings.submissions_per_hour == 5
    assert settings.form_min_seconds == 3


def test_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CONSULT_TIMEZONE"):
        Settings(var_dir=tmp_path, timezone="Mars/Olympus")


def test_the_worker_thread_pool_has_the_configured_size(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path / "var", worker_threads=7)
    with TestClient(create_app(settings)) as client:
        assert client.portal is not None
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
        assert client.get("/healthz").status_code == 200
    assert tokens == 7
