"""The reliability tests' own marker: `slow` marks the tests that run the real server."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts `consult serve` as a subprocess (deselect with -m 'not slow')"
    )
