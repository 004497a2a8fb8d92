"""The projection tables, row by row: checkpoints, partition states, members and snapshots.

The store knows rows, not folds. Which events a partition must fold, when a late event refolds
it and from which snapshot is decided by the pure runner (:mod:`timeline.projections.runner`),
which drives these tables through :class:`ProjectionRows`, one transaction at a time. States
and digests arrive here as JSON text and leave as JSON-able dicts.

Tables (:mod:`timeline.store.projection_tables`): a checkpoint per projection (the last
position folded, its record time and the fold version), one row per partition with its
watermark, its items in chunks beside it (a partition's state is its row's JSON with the chunks'
items put back into the list its first key holds: see :func:`joined_items`), the partition's
members (the events it folded, as (date, position)) and a few snapshots per partition.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, or_, select, true
from sqlalchemy.engine import Connection

from timeline.domain.events import Event

from . import filters
from .dialects import READ_ONLY
from .eventstore import EventStore
from .projection_tables import (
    PROJECTION_TABLES,
    projection_checkpoints,
    projection_chunks,
    projection_members,
    projection_partitions,
    projection_snapshots,
)
from .rows import EVENT_COLUMNS, events_from_rows
from .tables import events

#: Rows per INSERT statement.
INSERT_CHUNK = 5000
#: Ids per "IN (...)" lookup.
LOOKUP_CHUNK = 500

#: A sort key as the runner gives it: (ISO date, position).
Key = tuple[str, int]
#: (version, position, recorded_at) of one projection's checkpoint.
MarkRow = tuple[str, int, datetime | None]
#: A member: (partition, occurred_on, position).
MemberRow = tuple[str, date, int]
#: A chunk of a partition's items: (chunk, the items' JSON joined by commas).
ChunkRow = tuple[int, str]
#: A partition: (partition, through_on ISO, through_position, members, state JSON, digest JSON or
#: None, its chunks in order: empty when the state holds its items itself).
PartitionRow = tuple[str, str, int, int, str, str | None, tuple[ChunkRow, ...]]
#: A snapshot: (partition, through_on ISO, through_position, state JSON).
SnapshotRow = tuple[str, str, int, str]


def _after(table: Any, on: str, at: str, key: Key | None) -> Any:
    """Rows whose (date, position) come strictly after ``key``."""
    if key is None:
        return true()
    day = date.fromisoformat(key[0])
    return or_(table.c[on] > day, and_(table.c[on] == day, table.c[at] > key[1]))


def joined_items(state: str, items: Sequence[str]) -> str:
    """A partition's state JSON with its chunks' ``items`` (each the JSON of a run of items, joined
    by commas) put back, in order, into the list its first key holds, which the row keeps empty."""
    if not items:
        return state
    at = state.find('":[]')
    if not state.startswith('{"') or at < 0:
        raise ValueError("a chunked partition's state must begin with its empty list of items")
    at += 3
    return "".join([state[:at], ",".join(items), state[at:]])


def _iso(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _cell(value: Any, sqlite: bool) -> Any:
    # SQLite keeps dates as ISO text (as SQLAlchemy's Date does there); psycopg adapts date itself.
    return value.isoformat() if sqlite and isinstance(value, date) else value


class ProjectionRows:
    """One transaction on the projection tables (and a read of the events beside them)."""

    def __init__(self, conn: Connection, store: EventStore) -> None:
        self.conn = conn
        self.store = store
        self.sqlite = conn.dialect.name == "sqlite"

    # -- the stream -----------------------------------------------------------------------------

    def _events(self, stmt: Select[Any]) -> Iterator[Event]:
        result = self.conn.execute(stmt.execution_options(yield_per=self.store.batch_size))
        return map(self.store.upcast, events_from_rows(result))

    def last_event(self) -> tuple[int, datetime | None]:
        """The last position of the stream and its record time ((0, None) when empty)."""
        row = self.conn.execute(
            select(events.c.position, events.c.recorded_at).order_by(events.c.position.desc()).limit(1)
        ).first()
        return (0, None) if row is None else (int(row.position), row.recorded_at)

    def retracted_ids(self, upto: int) -> set[str]:
        """The ids every retraction up to position ``upto`` names."""
        stmt = select(events.c.payload).where(
            events.c.type == filters.RETRACTION_TYPE, events.c.position <= upto
        )
        found = set()
        for (payload,) in self.conn.execute(stmt):
            named = json.loads(payload).get(filters.RETRACTED_KEY)
            if named:
                found.add(str(named))
        return found

    def events_in_valid_order(self, upto: int) -> Iterator[Event]:
        """Every event up to position ``upto``, by (occurred_on, position), streamed.

        On SQLite through the driver's cursor (in this transaction), which halves the cost of
        this long read.
        """
        stmt = (
            select(*EVENT_COLUMNS)
            .where(events.c.position <= upto)
            .order_by(events.c.occurred_on, events.c.position)
        )
        if not self.sqlite:
            return self._events(stmt)
        compiled = stmt.compile(dialect=self.conn.dialect, compile_kwargs={"literal_binds": True})
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.arraysize = self.store.batch_size
        return map(self.store.upcast, events_from_rows(cursor.execute(str(compiled))))

    def events_after(self, position: int, upto: int) -> list[Event]:
        """The events after ``position`` up to ``upto``, in position order."""
        stmt = select(*EVENT_COLUMNS).where(events.c.position > position, events.c.position <= upto)
        return list(self._events(stmt.order_by(events.c.position)))

    def events_by_ids(self, ids: Iterable[str]) -> list[Event]:
        wanted = sorted(ids)
        found: list[Event] = []
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            found += self._events(select(*EVENT_COLUMNS).where(events.c.event_id.in_(chunk)))
        return found

    def member_events(
        self, projection: str, partition: str, after: Key | None, limit: int | None = None
    ) -> list[Event]:
        """A partition's member events after the sort key ``after`` (None: all), in valid-time order;
        at most ``limit`` of them (a refold that may stop early reads a page at a time)."""
        m = projection_members.c
        stmt = (
            select(*EVENT_COLUMNS)
            .select_from(events.join(projection_members, m.position == events.c.position))
            .where(
                m.projection == projection,
                m.partition == partition,
                _after(projection_members, "occurred_on", "position", after),
            )
            .order_by(m.occurred_on, m.position)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self._events(stmt))

    # -- checkpoints ----------------------------------------------------------------------------

    def marks(self) -> dict[str, MarkRow]:
        """Each projection's checkpoint: (fold version, position, record time of that position)."""
        rows = self.conn.execute(select(projection_checkpoints))
        return {r.projection: (r.version, int(r.position), r.recorded_at) for r in rows}

    def set_marks(self, versions: Mapping[str, str], position: int, recorded_at: datetime | None) -> None:
        """Every projection named in ``versions`` is folded up to ``position`` (others are dropped)."""
        self.conn.execute(delete(projection_checkpoints))
        now = datetime.now(UTC)
        self.conn.execute(
            insert(projection_checkpoints),
            [
                {"projection": name, "version": version, "position": position,
                 "recorded_at": recorded_at, "updated_at": now}
                for name, version in versions.items()
            ],
        )  # fmt: skip

    def clear(self) -> None:
        """Empty every projection table."""
        for table in reversed(PROJECTION_TABLES):
            self.conn.execute(delete(table))

    # -- partitions -----------------------------------------------------------------------------

    def watermark(self, projection: str, partition: str) -> tuple[Key, int] | None:
        """A partition's watermark and member count, without its state (None when it has no row)."""
        p = projection_partitions.c
        row = self.conn.execute(
            select(p.through_on, p.through_position, p.members).where(
                p.projection == projection, p.partition == partition
            )
        ).first()
        return None if row is None else ((_iso(row.through_on), int(row.through_position)), int(row.members))

    def load_partition(self, projection: str, partition: str) -> tuple[dict[str, Any] | None, int]:
        """A partition's state (its chunks' items put back) and member count ((None, 0): no row)."""
        p = projection_partitions.c
        row = self.conn.execute(
            select(p.members, p.state).where(p.projection == projection, p.partition == partition)
        ).first()
        if row is None:
            return None, 0
        items = [text for _, text in self.chunk_texts(projection, partition)]
        return json.loads(joined_items(row.state, items)), int(row.members)

    def chunk_texts(
        self, projection: str, partition: str, first: int | None = None, last: int | None = None
    ) -> list[ChunkRow]:
        """A partition's chunks from ``first`` to ``last`` (None: unbounded), in order, undecoded."""
        c = projection_chunks.c
        stmt = select(c.chunk, c["items"]).where(c.projection == projection, c.partition == partition)
        if first is not None:
            stmt = stmt.where(c.chunk >= first)
        if last is not None:
            stmt = stmt.where(c.chunk <= last)
        return [(int(chunk), items) for chunk, items in self.conn.execute(stmt.order_by(c.chunk))]

    def partition_texts(self, projection: str, partition: str) -> tuple[str | None, str | None]:
        """A partition's row state (without its chunks' items: see :meth:`chunk_texts`) and digest, as
        the JSON text stored, undecoded ((None, None): no row)."""
        p = projection_partitions.c
        row = self.conn.execute(
            select(p.state, p.digest).where(p.projection == projection, p.partition == partition)
        ).first()
        return (None, None) if row is None else (row.state, row.digest)

    def replace_partition(self, projection: str, partition: str, row: PartitionRow | None) -> None:
        """Replace a partition's row and all its chunks by ``row`` (None: drop them, and its snapshots)."""
        p, c = projection_partitions.c, projection_chunks.c
        self.conn.execute(
            delete(projection_partitions).where(p.projection == projection, p.partition == partition)
        )
        self.conn.execute(
            delete(projection_chunks).where(c.projection == projection, c.partition == partition)
        )
        if row is None:
            self.delete_snapshots(projection, partition)
        else:
            self.insert_partitions(projection, [row])

    def update_partition(
        self, projection: str, partition: str, row: PartitionRow, chunks: Mapping[int, str | None]
    ) -> None:
        """Replace a partition's row by ``row`` (whose own chunks are ignored) and only the chunks
        named in ``chunks`` (None: drop that chunk); the others stay as they are."""
        p, c = projection_partitions.c, projection_chunks.c
        self.conn.execute(
            delete(projection_partitions).where(p.projection == projection, p.partition == partition)
        )
        self.insert_partitions(projection, [(*row[:6], ())])
        for chunk in sorted(chunks):
            self.conn.execute(
                delete(projection_chunks).where(
                    c.projection == projection, c.partition == partition, c.chunk == chunk
                )
            )
        self._insert_values(
            projection_chunks,
            ("projection", "partition", "chunk", "items"),
            [(projection, partition, chunk, text) for chunk, text in sorted(chunks.items()) if text],
        )

    def insert_partitions(self, projection: str, rows: Sequence[PartitionRow]) -> None:
        self._insert(projection_partitions, [
            {"projection": projection, "partition": key, "through_on": date.fromisoformat(on),
             "through_position": at, "members": members, "state": state, "digest": digest}
            for key, on, at, members, state, digest, _ in rows
        ])  # fmt: skip
        self._insert_values(
            projection_chunks,
            ("projection", "partition", "chunk", "items"),
            [(projection, row[0], chunk, text) for row in rows for chunk, text in row[6]],
        )

    # -- members --------------------------------------------------------------------------------

    def insert_members(self, projection: str, members: Iterable[MemberRow]) -> None:
        # A replay writes one row per event and projection: tuples straight to the driver.
        iso = self.sqlite
        self._insert_values(
            projection_members,
            ("projection", "partition", "occurred_on", "position"),
            [(projection, key, day.isoformat() if iso else day, position) for key, day, position in members],
        )

    def delete_members(self, projection: str, members: Iterable[MemberRow]) -> None:
        m = projection_members.c
        for key, day, position in members:
            self.conn.execute(
                delete(projection_members).where(
                    m.projection == projection,
                    m.partition == key,
                    m.occurred_on == day,
                    m.position == position,
                )
            )

    def count_members(self, projection: str, partition: str) -> int:
        m = projection_members.c
        stmt = (
            select(func.count())
            .select_from(projection_members)
            .where(m.projection == projection, m.partition == partition)
        )
        return int(self.conn.execute(stmt).scalar_one())

    # -- snapshots ------------------------------------------------------------------------------

    def snapshot_keys(self, projection: str, partition: str) -> list[Key]:
        """The sort keys of a partition's snapshots, in order."""
        s = projection_snapshots.c
        rows = self.conn.execute(
            select(s.through_on, s.through_position)
            .where(s.projection == projection, s.partition == partition)
            .order_by(s.through_on, s.through_position)
        )
        return [(_iso(on), int(at)) for on, at in rows]

    def snapshot_text(self, projection: str, partition: str, at: Key) -> str | None:
        """The JSON of the snapshot taken right after the member at ``at`` (None: there is none)."""
        s = projection_snapshots.c
        stmt = select(s.state).where(
            s.projection == projection,
            s.partition == partition,
            s.through_on == date.fromisoformat(at[0]),
            s.through_position == at[1],
        )
        return self.conn.execute(stmt).scalar_one_or_none()

    def delete_snapshots(self, projection: str, partition: str, keys: Iterable[Key] | None = None) -> None:
        """Drop a partition's snapshots: all of them, or those at the sort keys given."""
        s = projection_snapshots.c
        where = [s.projection == projection, s.partition == partition]
        if keys is None:
            self.conn.execute(delete(projection_snapshots).where(*where))
            return
        for on, at in keys:
            self.conn.execute(
                delete(projection_snapshots).where(
                    *where, s.through_on == date.fromisoformat(on), s.through_position == at
                )
            )

    def insert_snapshots(self, projection: str, rows: Sequence[SnapshotRow]) -> None:
        self._insert(projection_snapshots, [
            {"projection": projection, "partition": key, "through_on": date.fromisoformat(on),
             "through_position": at, "state": state}
            for key, on, at, state in rows
        ])  # fmt: skip

    # -- everything of one projection (verify) --------------------------------------------------

    def stored(self, projection: str) -> dict[str, set[tuple[Any, ...]]]:
        """Every row of one projection, as :data:`PartitionRow` (its chunks with it),
        :data:`MemberRow` (ISO date) and :data:`SnapshotRow` tuples."""
        p, m, s = projection_partitions.c, projection_members.c, projection_snapshots.c
        c = projection_chunks.c
        chunks: dict[str, list[ChunkRow]] = {}
        found = select(c.partition, c.chunk, c["items"]).where(c.projection == projection)
        for key, chunk, items in self.conn.execute(found.order_by(c.partition, c.chunk)):
            chunks.setdefault(key, []).append((int(chunk), items))
        parts = self.conn.execute(
            select(p.partition, p.through_on, p.through_position, p.members, p.state, p.digest).where(
                p.projection == projection
            )
        )
        members = self.conn.execute(
            select(m.partition, m.occurred_on, m.position).where(m.projection == projection)
        )
        snaps = self.conn.execute(
            select(s.partition, s.through_on, s.through_position, s.state).where(
                s.projection == projection
            )
        )
        return {
            "partitions": {
                (k, _iso(d), int(tp), int(n), st, dg, tuple(chunks.get(k, ())))
                for k, d, tp, n, st, dg in parts
            },
            "members": {(k, _iso(d), int(pos)) for k, d, pos in members},
            "snapshots": {(k, _iso(d), int(tp), st) for k, d, tp, st in snaps},
        }

    def _insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        """Insert through the driver's executemany (SQLAlchemy's per-row work costs more than SQLite)."""
        if not rows:
            return
        columns = list(rows[0])
        self._insert_values(table, columns, [tuple(_cell(r[c], self.sqlite) for c in columns) for r in rows])

    def _insert_values(self, table: Any, columns: Sequence[str], values: list[tuple[Any, ...]]) -> None:
        """Insert rows given as tuples in ``columns`` order, as the driver takes them."""
        if not values:
            return
        mark = "?" if self.sqlite else "%s"
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        for start in range(0, len(values), INSERT_CHUNK):
            self.conn.exec_driver_sql(sql, values[start : start + INSERT_CHUNK])


class ProjectionStore:
    """The projection tables of one event store's database."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.engine = store.engine

    @contextmanager
    def reading(self) -> Iterator[ProjectionRows]:
        """A read-only transaction: one consistent view of the stream and the tables."""
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                yield ProjectionRows(conn, self.store)

    @contextmanager
    def writing(self) -> Iterator[ProjectionRows]:
        """A write transaction that holds the projections' lock: one writer of these tables at a time."""
        with self.engine.connect() as conn, conn.begin():
            self.store.dialect.lock_for_projections(conn)
            yield ProjectionRows(conn, self.store)

    # -- reads, each in a transaction of its own -------------------------------------------------

    def marks(self) -> dict[str, MarkRow]:
        with self.reading() as rows:
            return rows.marks()

    def partitions(
        self, projection: str, keys: Iterable[str] | None = None, accept: Callable[[str], bool] | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Stored partition states of a projection: the keys given (default all) that ``accept`` takes."""
        yield from self._column(projection, projection_partitions.c.state, keys, accept)

    def digests(
        self, projection: str, keys: Iterable[str] | None = None, accept: Callable[[str], bool] | None = None
    ) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """Stored digests of a projection's partitions (None where a partition has none)."""
        yield from self._column(projection, projection_partitions.c.digest, keys, accept)

    def _column(
        self, projection: str, column: Any, keys: Iterable[str] | None, accept: Callable[[str], bool] | None
    ) -> Iterator[tuple[str, Any]]:
        table, c = projection_partitions, projection_chunks.c
        stmt = select(table.c.partition, column).where(table.c.projection == projection)
        if keys is not None:
            stmt = stmt.where(table.c.partition.in_(sorted(set(keys))))
        with self.reading() as rows:
            chunks: dict[str, list[str]] = {}
            if column is table.c.state:  # the items kept in chunks go back into each state
                find = select(c.partition, c["items"]).where(c.projection == projection)
                if keys is not None:
                    find = find.where(c.partition.in_(sorted(set(keys))))
                for key, items in rows.conn.execute(find.order_by(c.partition, c.chunk)):
                    if accept is None or accept(key):
                        chunks.setdefault(key, []).append(items)
            for key, text in rows.conn.execute(stmt.order_by(table.c.partition)):
                if accept is None or accept(key):
                    if key in chunks:
                        text = joined_items(text, chunks.pop(key))
                    yield key, None if text is None else json.loads(text)

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the projection tables, sorted (the checkpoints' wall-clock time left out)."""
        found: dict[str, list[tuple[Any, ...]]] = {}
        with self.reading() as rows:
            for table in PROJECTION_TABLES:
                columns = [c for c in table.c if c.name != "updated_at"]
                found[table.name] = sorted(tuple(r) for r in rows.conn.execute(select(*columns)))
        return found
