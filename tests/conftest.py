"""Shared fixtures: a database URL, engine and event store for each supported database.

SQLite runs on a temporary file. PostgreSQL runs when $TIMELINE_TEST_PG_URL names a reachable
server, each test in a fresh schema of its own (dropped afterwards); without it the PostgreSQL
cases are skipped, except in CI (CI=true), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from timeline.store import EventStore, create_engine, migrate

PG_ENV = "TIMELINE_TEST_PG_URL"

# Progress lines of a long ingest come every few seconds off a terminal; on a loaded machine a small
# ingest could print one and change a test's stderr. The tests of progress set their own interval.
os.environ.setdefault("TIMELINE_PROGRESS_SECONDS", "3600")

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@cache
def _postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    url = os.environ.get(PG_ENV)
    if not url:
        return f"PostgreSQL tests need ${PG_ENV} (e.g. postgresql+psycopg://root@127.0.0.1:5432/test)"
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL at ${PG_ENV} is unreachable: {str(exc.orig).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    return None


def _require_postgres() -> str:
    reason = _postgres_unavailable()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; in CI the PostgreSQL tests must run", pytrace=False)
        pytest.skip(reason)
    return os.environ[PG_ENV]


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new, empty schema, dropped after the test."""
    base = _require_postgres()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database (not migrated), one per supported database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'timeline-test.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the latest revision."""
    engine = create_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> EventStore:
    return EventStore(engine)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Skips in one line per reason, with a count ("82 skipped: PostgreSQL tests need ..."),
    instead of one line per skipped test."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    for reason, n in reasons.most_common():
        terminalreporter.write_line(f"SKIPPED {n} {'test' if n == 1 else 'tests'}: {reason}")
