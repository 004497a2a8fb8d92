"""Choosing the database and setting up its connections."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from timeline.store import StoreError, UnsupportedDatabaseError, create_engine, migrate, resolve_url
from timeline.store.database import ENV_VAR


def test_url_comes_from_argument_then_environment_then_local_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'timeline.db'}"
    monkeypatch.setenv(ENV_VAR, "sqlite:///elsewhere.db")
    assert resolve_url() == "sqlite:///elsewhere.db"
    assert resolve_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"


def test_unsupported_database_is_named() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="'mysql' is not supported"):
        create_engine("mysql://somewhere/db")


def test_sqlite_connections_are_set_up_for_concurrent_use(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'set-up.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_a_database_from_a_newer_timeline_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES ('9999')"))
        conn.execute(sa.text("DELETE FROM alembic_version WHERE version_num != '9999'"))
    with pytest.raises(StoreError, match="revision 9999"):
        migrate(engine)
