"""Fixtures for the command-line tests: a fresh database per test and a runner that calls `timeline`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import FIXTURES, Timeline
from click.testing import CliRunner


@pytest.fixture
def timeline(tmp_path: Path) -> Timeline:
    return Timeline(f"sqlite:///{tmp_path / 'cli.db'}", CliRunner())


@pytest.fixture
def timeline_any(db_url: str) -> Timeline:
    """The same runner on every supported database (SQLite, and PostgreSQL where available)."""
    return Timeline(db_url, CliRunner())


@pytest.fixture
def fixture_text() -> Callable[[str], str]:
    return lambda name: (FIXTURES / name).read_text("utf-8")

