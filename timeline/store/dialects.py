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

from timeline.names import FOLD_FROM, FOLD_TO, fold

from .errors import UnsupportedDatabaseError

#: Execution option that marks a connection's transactions as read-only (SQLite: deferred BEGIN).
READ_ONLY = "timeline_read_only"

#: Advisory lock keys (PostgreSQL); arbitrary constants, chosen once, never reused for anything else.
APPEND_LOCK_KEY = 7_346_101
#: Serialises projection writers (catch-up, replay) on PostgreSQL.
PROJECTION_LOCK_KEY = 7_346_103
MIGRATE_LOCK_KEY = 7_346_102

#: How long an erase's checkpoint waits for SQLite readers before it reports them (milliseconds).
ERASE_CHECKPOINT_WAIT_MS = 2000

#: What a PostgreSQL operator must do after an erase for the text to leave the disk (README too).
POSTGRES_ERASE_NOTES = (
    "note: PostgreSQL keeps the old row versions (text, title, URL) in the table files until they "
    "are rewritten: run `VACUUM FULL articles, events;` (it locks both tables while it runs), "
    "then `CHECKPOINT;`",
    "note: WAL segments written before the erase still hold the text until they are recycled: "
    "delete archived WAL (archive_command/restore location) older than this erase, and check "
    "wal_keep_size and replication slots, which keep old segments",
    "note: backups and dumps taken before the erase (pg_dump, pg_basebackup, snapshots) still hold "
    "the text: delete them or erase it there too",
)

#: Tables whose UPDATE trigger lets an audited erase through (migration 0003); the rest refuse all.
ERASE_GUARDED = ("articles", "events")

#: The SQLite function that folds a name for the --actor/--target filters (registered per connection).
SQLITE_FOLD = "timeline_fold"


def _fold_or_null(value: str | None) -> str | None:
    return fold(value) if isinstance(value, str) else None


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
            # SQLite has no translate(): the name filter's folding is Python's own.
            dbapi_connection.create_function(SQLITE_FOLD, 1, _fold_or_null, deterministic=True)

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

    def folded(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A name without accents or case, as ``timeline.names.fold`` writes it."""
        return getattr(func, SQLITE_FOLD)(column)

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

    def insert_links(self, conn: Connection, links: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        """Insert hash-chain rows (values in ``columns`` order): one executemany."""
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO event_chain ({', '.join(columns)}) VALUES ({marks})", links)

    def redacted_payload(self, column: str, keys: Sequence[str]) -> str:
        """SQL for a JSON payload without ``keys`` (an erase's UPDATE and the guard use the same)."""
        paths = ", ".join(f"'$.{key}'" for key in keys)
        return f"json_remove({column}, {paths})"

    def triggers(self, conn: Connection) -> dict[str, bool]:
        """The triggers in the database, and whether each is enabled (SQLite's always are)."""
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name: True for (name,) in rows}

    def guard_trigger_names(self, table: str) -> tuple[str, ...]:
        """The triggers that keep ``table`` append-only (or erase-guarded), as migrations name them."""
        return (f"{table}_no_update", f"{table}_no_delete")

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
        # Freed space is overwritten with zeros, so the erased text does not linger in free pages
        # or in the unused part of a page (cheaper than a VACUUM, which rewrites the whole file).
        conn.exec_driver_sql("PRAGMA secure_delete=ON")

    def after_erase(self, engine: Engine) -> list[str]:
        """Copy the WAL into the file and empty it, so that no old page with the text stays there.

        Returns warnings for the operator when it cannot: a reader holding a snapshot keeps the
        old pages (with the text) in the file and the WAL until it closes.
        """
        raw = engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
            # Outside any transaction (a checkpoint cannot run in one), and without waiting the
            # writers' 30 s for readers to go: a reader still there is reported instead.
            cursor.execute(f"PRAGMA busy_timeout={ERASE_CHECKPOINT_WAIT_MS}")
            busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        finally:
            raw.close()
        if not busy:
            return []
        where = engine.url.database or "the database"
        return [
            f"warning: another connection is reading {where}, so the erased text is still in {where} "
            f"and {where}-wal; when no other timeline process is running, run: "
            f"sqlite3 {where} 'PRAGMA wal_checkpoint(TRUNCATE)'",
        ]

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

    def folded(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A name without accents or case: the letters ``timeline.names.fold`` maps, mapped alike."""
        return func.lower(func.translate(column, FOLD_FROM, FOLD_TO))

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

    def insert_links(self, conn: Connection, links: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        """Insert hash-chain rows (values in ``columns`` order, position first) in one statement."""
        values = ", ".join(["(r->>0)::bigint", *(f"r->>{i}" for i in range(1, len(columns)))])
        conn.exec_driver_sql(
            f"INSERT INTO event_chain ({', '.join(columns)}) "
            f"SELECT {values} FROM jsonb_array_elements(%(rows)s::jsonb) AS r",
            {"rows": json.dumps(links)},
        )

    def redacted_payload(self, column: str, keys: Sequence[str]) -> str:
        """SQL for a JSON payload without ``keys`` (an erase's UPDATE and the guard use the same)."""
        return f"({column}::jsonb - '{{{','.join(keys)}}}'::text[])::text"

    def triggers(self, conn: Connection) -> dict[str, bool]:
        """The user triggers on the store's tables, and whether each is enabled (not DISABLEd)."""
        rows = conn.exec_driver_sql(
            "SELECT t.tgname, t.tgenabled <> 'D' FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(current_schema())"
        )
        return {name: bool(enabled) for name, enabled in rows}

    def guard_trigger_names(self, table: str) -> tuple[str, ...]:
        """The triggers that keep ``table`` append-only (or erase-guarded), as migrations name them."""
        if table in ERASE_GUARDED:
            return (f"{table}_no_update", f"{table}_no_delete", f"{table}_no_truncate")
        return (f"{table}_append_only", f"{table}_no_truncate")

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

    def after_erase(self, engine: Engine) -> list[str]:
        """Vacuum the two tables (dead row versions reusable), and say what only the operator can do.

        A plain VACUUM does not rewrite pages, and the WAL, archives and backups still hold
        the text: the notes name the commands and places.
        """
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM articles, events")
        return list(POSTGRES_ERASE_NOTES)

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
