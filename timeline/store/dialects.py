"""What differs between SQLite and PostgreSQL, side by side: connection set-up, locks, JSON, triggers.

Everything else in the store is dialect-neutral SQLAlchemy Core; it asks ``dialect_for(name)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, JSON, Engine, Table, any_, bindparam, cast, event, func, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from .errors import UnsupportedDatabaseError

#: Execution option that marks a connection's transactions as read-only (SQLite: deferred BEGIN).
READ_ONLY = "timeline_read_only"

#: Advisory lock keys (PostgreSQL); arbitrary constants, chosen once, never reused for anything else.
APPEND_LOCK_KEY = 7_346_101
#: Serialises projection writers (catch-up, replay) on PostgreSQL.
PROJECTION_LOCK_KEY = 7_346_103
MIGRATE_LOCK_KEY = 7_346_102

#: Seconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_S = 30


@dataclass(frozen=True)
class SQLiteDialect:
    """SQLite: one writer at a time, so writes start with BEGIN IMMEDIATE and need no other lock."""

    name: str = "sqlite"

    def configure(self, engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event (below) issue BEGIN instead of the driver's own
            # implicit, deferred transactions.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # busy_timeout first: switching to WAL takes a lock that a concurrent opener may hold.
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL keeps every commit atomic and the file uncorrupted; it skips the
            # fsync per commit, so a power cut (not a crash of the process) may undo the last
            # commits, which a re-ingest restores. One fsync per article would cap ingest at a few
            # hundred articles a second on an ordinary disk.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A deferred transaction that later writes cannot wait for the write lock (SQLite
            # returns "database is locked" at once, busy_timeout or not); taking the write lock
            # up front makes concurrent writers queue instead. Reads stay deferred so they never
            # wait for a writer (WAL readers see a snapshot).
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    def lock_for_append(self, conn: Connection) -> None:
        """Nothing to do: BEGIN IMMEDIATE already serialises writers."""

    def lock_for_migration(self, conn: Connection) -> None:
        """Nothing to do: BEGIN IMMEDIATE already serialises writers."""

    def lock_for_projections(self, conn: Connection) -> None:
        """Nothing to do: BEGIN IMMEDIATE already serialises writers."""

    def json_text(self, column: ColumnElement[Any], key: str) -> ColumnElement[Any]:
        return func.json_extract(column, f"$.{key}")

    def one_of(self, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
        return column.in_(values)

    def insert_rows(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        recorded_at: datetime,
        after_position: int,
    ) -> list[tuple[str, int]]:
        """Insert ``rows`` (one executemany); returns (event_id, position) pairs in position order."""
        # Text in the form SQLAlchemy's SQLite DateTime reads back (naive UTC, microseconds).
        stamp = recorded_at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        conn.exec_driver_sql(_sqlite_insert(table.name, tuple(columns)), [(stamp, *row) for row in rows])
        # This transaction holds SQLite's only write lock (BEGIN IMMEDIATE), so every row past the
        # last position seen before the insert is one of ours.
        found = conn.exec_driver_sql(
            f"SELECT event_id, position FROM {table.name} WHERE position > ? ORDER BY position",
            (after_position,),
        )
        return [(event_id, position) for event_id, position in found]

    def insert_links(self, conn: Connection, links: Sequence[tuple[int, str | None, str, str]]) -> None:
        """Insert hash-chain rows (position, sentence_sha256, prev_hash, hash): one executemany."""
        conn.exec_driver_sql(
            "INSERT INTO event_chain (position, sentence_sha256, prev_hash, hash) VALUES (?, ?, ?, ?)", links
        )

    def append_only_ddl(self, table: str) -> list[str]:
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
        ]

    def drop_append_only_ddl(self, table: str) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]

    def erase_guard_ddl(self, table: str, blanks: Mapping[str, str | None], kept: Sequence[str]) -> list[str]:
        """Refuse every UPDATE but an audited erase's: blanking ``blanks``, ``kept`` unchanged."""
        allowed = _erase_allowed(blanks, kept, same="IS")
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN NOT ({allowed}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused "
            "(only an audited erase may blank text)'); END",
        ]

    def drop_erase_guard_ddl(self, table: str) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", self.append_only_ddl(table)[0]]

    def is_busy(self, exc: BaseException) -> bool:
        """A write that lost the race for SQLite's lock even after the busy timeout."""
        text = str(getattr(exc, "orig", exc)).lower()
        return "database is locked" in text or "database is busy" in text

    def before_erase(self, conn: Connection) -> None:
        # Freed space is overwritten with zeros, so the erased text does not linger in free pages.
        conn.exec_driver_sql("PRAGMA secure_delete=ON")

    def after_erase(self, engine: Engine) -> None:
        """Copy the WAL back into the file and empty it, so the old pages leave the WAL too."""
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def refuse_function_ddl(self) -> list[str]:
        return []

    def drop_refuse_function_ddl(self) -> list[str]:
        return []


@dataclass(frozen=True)
class PostgreSQLDialect:
    """PostgreSQL: appends are serialised by a transaction-scoped advisory lock."""

    name: str = "postgresql"

    def configure(self, engine: Engine) -> None:
        """Nothing to do: PostgreSQL's defaults (READ COMMITTED, server-side timestamps) suit the store."""

    def lock_for_append(self, conn: Connection) -> None:
        # Positions come from a sequence, drawn at INSERT time but visible only at COMMIT, so
        # two concurrent appenders can commit out of position order: a follower reading
        # "after position N" would skip the smaller position that commits a moment later.
        # Holding one lock from before the INSERT until COMMIT makes position order equal
        # commit order (the eventsourcing library does the same). Released at commit/rollback.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})

    def lock_for_migration(self, conn: Connection) -> None:
        # Two processes opening a new database at once must not both create the tables.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK_KEY})

    def lock_for_projections(self, conn: Connection) -> None:
        # Two processes catching the projections up at once must not fold the same events twice.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PROJECTION_LOCK_KEY})

    def json_text(self, column: ColumnElement[Any], key: str) -> ColumnElement[Any]:
        return cast(column, JSON)[key].as_string()

    def one_of(self, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
        # One array parameter instead of an IN list of thousands of placeholders.
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))

    def insert_rows(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        recorded_at: datetime,
        after_position: int,
    ) -> list[tuple[str, int]]:
        """Insert ``rows`` in one statement (one JSON array of arrays); returns (event_id, position)."""
        # One JSON parameter: psycopg dumps it in C, where per-column arrays or 25,000 placeholders
        # cost more in Python than the insert itself.
        params = {"recorded_at": recorded_at, "rows": json.dumps(rows)}
        found = conn.exec_driver_sql(_postgres_insert(table, tuple(columns)), params)
        return [(event_id, position) for event_id, position in found]

    def insert_links(self, conn: Connection, links: Sequence[tuple[int, str | None, str, str]]) -> None:
        """Insert hash-chain rows (position, sentence_sha256, prev_hash, hash) in one statement."""
        conn.exec_driver_sql(
            "INSERT INTO event_chain (position, sentence_sha256, prev_hash, hash) "
            "SELECT (r->>0)::bigint, r->>1, r->>2, r->>3 FROM jsonb_array_elements(%(rows)s::jsonb) AS r",
            {"rows": json.dumps(links)},
        )

    def append_only_ddl(self, table: str) -> list[str]:
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION timeline_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION timeline_refuse_change()",
        ]

    def drop_append_only_ddl(self, table: str) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]

    def erase_guard_ddl(self, table: str, blanks: Mapping[str, str | None], kept: Sequence[str]) -> list[str]:
        """Refuse every UPDATE but an audited erase's: blanking ``blanks``, ``kept`` unchanged."""
        allowed = _erase_allowed(blanks, kept, same="IS NOT DISTINCT FROM")
        return [
            f"CREATE OR REPLACE FUNCTION timeline_guard_{table}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {allowed} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION '% is append-only: UPDATE refused (only an audited erase may blank text)', "
            "TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; "
            "END $$",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION timeline_refuse_change()",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION timeline_guard_{table}()",
        ]

    def drop_erase_guard_ddl(self, table: str) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
            f"DROP FUNCTION IF EXISTS timeline_guard_{table}()",
            self.append_only_ddl(table)[0],
        ]

    def is_busy(self, exc: BaseException) -> bool:
        """Never: appends queue on the advisory lock instead of failing."""
        return False

    def before_erase(self, conn: Connection) -> None:
        """Nothing to do: the old row versions go at the next VACUUM (see after_erase)."""

    def after_erase(self, engine: Engine) -> None:
        """Vacuum the two tables, so that the erased text's dead row versions are reclaimed."""
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM articles, events")

    def refuse_function_ddl(self) -> list[str]:
        return [
            "CREATE OR REPLACE FUNCTION timeline_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'restrict_violation'; "
            "END $$"
        ]

    def drop_refuse_function_ddl(self) -> list[str]:
        return ["DROP FUNCTION IF EXISTS timeline_refuse_change()"]


def _erase_allowed(blanks: Mapping[str, str | None], kept: Sequence[str], same: str) -> str:
    """SQL true only for an update that blanks ``blanks`` of an erased article and keeps ``kept``.

    The same expression on both databases (``same`` is SQLite's IS or PostgreSQL's IS NOT
    DISTINCT FROM); the article must have a row in ``erasures`` (an append-only table).
    """
    parts = ["EXISTS (SELECT 1 FROM erasures WHERE erasures.article_id = OLD.article_id)"]
    parts += [f"NEW.{col} IS NULL" if to is None else f"NEW.{col} = {to}" for col, to in blanks.items()]
    parts += [f"NEW.{col} {same} OLD.{col}" for col in kept]
    return " AND ".join(parts)


@cache
def _sqlite_insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * (len(columns) + 1))
    return f"INSERT INTO {table} (recorded_at, {', '.join(columns)}) VALUES ({marks})"


@cache
def _postgres_insert(table: Table, columns: tuple[str, ...]) -> str:
    pg = postgresql.dialect()
    values = ", ".join(
        f"(r->>{i})::{table.c[name].type.compile(dialect=pg)}" for i, name in enumerate(columns)
    )
    # WITH ORDINALITY + ORDER BY: positions are drawn in the order the caller gave the events.
    return (
        f"INSERT INTO {table.name} (recorded_at, {', '.join(columns)}) "
        f"SELECT %(recorded_at)s::timestamptz, {values} "
        "FROM jsonb_array_elements(%(rows)s::jsonb) WITH ORDINALITY AS given(r, ordinality) "
        "ORDER BY ordinality RETURNING event_id, position"
    )


Dialect = SQLiteDialect | PostgreSQLDialect

_DIALECTS: dict[str, Dialect] = {"sqlite": SQLiteDialect(), "postgresql": PostgreSQLDialect()}


def dialect_for(name: str) -> Dialect:
    """The store's support for the SQLAlchemy dialect called ``name``."""
    try:
        return _DIALECTS[name]
    except KeyError:
        supported = ", ".join(sorted(_DIALECTS))
        message = f"database {name!r} is not supported (use one of: {supported})"
        raise UnsupportedDatabaseError(message) from None
