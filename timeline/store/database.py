"""Which database, its engine, and bringing its schema to the latest Alembic revision."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Engine
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from .dialects import READ_ONLY, dialect_for
from .downgrade_guard import DataLossRefused, DowngradeReport, compare, tally
from .errors import StoreError

ENV_VAR = "TIMELINE_DATABASE_URL"
DEFAULT_FILE = "timeline.db"
MIGRATIONS = Path(__file__).resolve().parent / "alembic"
#: The newest migration. Every command checks the schema against it, so it is known here without
#: importing Alembic (a fifth of a read command's start-up); a test holds it to Alembic's head.
HEAD_REVISION = "0006"
VERSION_TABLE = "alembic_version"


#: URL schemes people write for PostgreSQL (libpq's, Heroku's), read as psycopg 3, the driver we ship.
POSTGRES_ALIASES = ("postgres://", "postgresql://")
POSTGRES_SCHEME = "postgresql+psycopg://"


class NoDatabase(StoreError):
    """A read found no timeline database at the URL (no file, or no timeline tables in it)."""


def resolve_url(url: str | None = None) -> str:
    """The explicit URL, else $TIMELINE_DATABASE_URL, else a SQLite file timeline.db in the current folder.

    ``postgres://`` and ``postgresql://`` (libpq's spellings) are read as ``postgresql+psycopg://``:
    psycopg 3 is the driver timeline installs, and SQLAlchemy would otherwise look for psycopg2.
    """
    chosen = url or os.environ.get(ENV_VAR) or f"sqlite:///{Path.cwd() / DEFAULT_FILE}"
    for alias in POSTGRES_ALIASES:
        if chosen.startswith(alias):
            return POSTGRES_SCHEME + chosen[len(alias) :]
    return chosen


def where(url: str | None = None) -> str:
    """The database for a message: ``./timeline.db`` for a file here, else the URL without its password."""
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() == "sqlite":
        path = Path(resolved.database or ":memory:")
        if path.is_absolute() and path.parent == Path.cwd():
            return f"./{path.name}"
        return str(path) if path.is_absolute() or str(path).startswith((".", ":")) else f"./{path}"
    return resolved.render_as_string(hide_password=True)


def _sqlite_file_missing(engine: Engine) -> bool:
    """A SQLite file that does not exist yet (connecting would create it); memory counts as missing."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and (
        not database or database == ":memory:" or not Path(database).exists()
    )


def require_database(engine: Engine, url: str | None = None) -> None:
    """NoDatabase unless ``engine`` holds a timeline store (any revision); never creates one.

    Reads use this so that a command in the wrong folder says so instead of creating an empty
    database and answering "(no events)". An existing but empty database (a PostgreSQL schema
    never migrated, an empty file) is the same case.
    """
    missing = _sqlite_file_missing(engine)
    if not missing:
        with engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            missing = _revision(conn) is None
            conn.rollback()
    if missing:
        raise NoDatabase(
            f"no timeline database at {where(url)}; "
            "ingest articles first (timeline ingest PATH) or pass --db URL"
        )


def create_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine set up for the store (SQLite: WAL, busy timeout, foreign keys, BEGIN IMMEDIATE writes)."""
    try:
        resolved = make_url(resolve_url(url))
    except ArgumentError:
        raise StoreError(
            f"{resolve_url(url)!r} is not a database URL; use sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST:PORT/DBNAME"
        ) from None
    dialect = dialect_for(resolved.get_backend_name())
    engine = sqlalchemy.create_engine(resolved, **kwargs)
    dialect.configure(engine)
    return engine


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic configuration for the migrations shipped in the package, without an ini file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision among the shipped migration scripts (Alembic's own reading)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(conn: Connection) -> str | None:
    """The schema revision Alembic recorded (None for a database it never migrated)."""
    if not sqlalchemy.inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.execute(sqlalchemy.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return found[0] if len(found) == 1 else None


def migrate(engine: Engine) -> str | None:
    """Bring the database to the latest revision, if it is not there yet; returns the revision."""
    if not _sqlite_file_missing(engine):
        with engine.connect() as conn:  # the common case, read without a lock or Alembic
            conn.execution_options(**{READ_ONLY: True})
            current = _revision(conn)
            conn.rollback()
        if current == HEAD_REVISION:
            return current
    from alembic import command
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    with engine.connect() as conn, conn.begin():
        dialect_for(engine.dialect.name).lock_for_migration(conn)
        # Checked under the lock: another process may have migrated while we waited.
        found = _revision(conn)
        if found == head:
            return head
        if found is not None and found not in {s.revision for s in scripts.walk_revisions()}:
            raise StoreError(
                f"the database is at schema revision {found}, which this version of timeline does not "
                f"know (its latest is {head}); install the newer timeline that wrote it"
            )
        command.upgrade(alembic_config(conn), "head")
    return head


def _run(url: str | None, action: str, revision: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            dialect_for(engine.dialect.name).lock_for_migration(conn)
            _alembic(action, conn, revision)
        with engine.connect() as conn:
            return _revision(conn)
    finally:
        engine.dispose()


def _alembic(action: str, conn: Connection, revision: str) -> None:
    from alembic import command
    from alembic.util import CommandError

    try:
        getattr(command, action)(alembic_config(conn), revision)
    except CommandError as exc:  # an unknown revision, or one on the wrong side: the operator's mistake
        raise StoreError(f"cannot {action} to {revision}: {exc}") from exc


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """`timeline db upgrade`: migrate up to ``revision``; returns the revision now current."""
    return _run(url, "upgrade", revision)


def downgrade(url: str | None, revision: str, delete_data: bool = False) -> str | None:
    """Migrate down to ``revision`` ("base" drops everything); returns the revision now current.

    Refuses (DataLossRefused, nothing changed) when that would delete events, articles, chain
    links or erasures, unless ``delete_data``.
    """
    return downgrade_report(url, revision, delete_data).revision


def downgrade_report(url: str | None, revision: str, delete_data: bool = False) -> DowngradeReport:
    """`timeline db downgrade REV [--yes]`: :func:`downgrade`, and what it did to the data."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            dialect_for(engine.dialect.name).lock_for_migration(conn)
            # Measured, not predicted: the rows before and after, in the downgrade's own transaction,
            # which the refusal rolls back (DDL is transactional on both databases).
            before = tally(conn)
            _alembic("downgrade", conn, revision)
            report = compare(_revision(conn), before, tally(conn))
            if report.deletes_records and not delete_data:
                raise DataLossRefused(revision, report)
        return report
    finally:
        engine.dispose()


def current(url: str | None = None) -> str | None:
    """`timeline db current`: the database's revision (None for an empty database)."""
    engine = create_engine(url)
    try:
        if _sqlite_file_missing(engine):  # asking must not create the file
            return None
        with engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            return _revision(conn)
    finally:
        engine.dispose()
