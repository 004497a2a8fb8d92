"""Benchmark: EventStore append and ordered read against the raw driver, on SQLite and PostgreSQL.

    python benchmarks/bench_store.py [POSTGRES_URL] [--events N] [--batch B]

The PostgreSQL URL comes from the argument, else $TIMELINE_BENCH_PG_URL, else $TIMELINE_TEST_PG_URL;
PostgreSQL is skipped (with a note) when none is set or the server is unreachable. Each run works
in a throwaway SQLite file or PostgreSQL schema. Goals: store append >= 60% of a raw executemany
of the same rows (JSON serialisation timed in both), ordered read >= 60% of a raw SELECT scan
with json.loads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from timeline.domain.events import Event, Party, Provenance, event_id_for
from timeline.store import EventStore, create_engine, migrate
from timeline.store.rows import dump_payload, load_payload

COLUMNS = (
    "event_id, stream_id, stream_version, type, schema_version, occurred_on, date_precision, date_basis, "
    "modality, recorded_at, actor_country, actor_name, actor_role, target_country, target_name, "
    "target_role, cameo, goldstein, article_id, sentence_index, char_start, char_end, sentence, "
    "extractor_version, payload"
)
SCAN = f"SELECT position, {COLUMNS} FROM events ORDER BY position"
COUNTRIES = ("FRA", "DEU", "JPN", "USA", "BRA", "IND", "ZAF", "CAN")


def make_events(n: int) -> list[Event]:
    """Varied, made-up events without article provenance (streams of 20)."""
    out = []
    for i in range(n):
        stream = f"bench-{i // 20}"
        out.append(
            Event(
                event_id=event_id_for(stream, i),
                stream_id=stream,
                stream_version=i % 20 + 1,
                type=("LeadersMet", "AgreementSigned", "InvitationExtended")[i % 3],
                occurred_on=date(2020, 1, 1) + timedelta(days=i % 1500),
                actor=Party(COUNTRIES[i % 8], f"Person {i % 50}", "minister"),
                target=Party(COUNTRIES[(i + 3) % 8]),
                cameo="040",
                goldstein=1.0 + (i % 7),
                provenance=None,
                payload={"sectors": ["trade", "energy"][: i % 3], "note": f"statement {i}", "n": i},
            )
        )
    return out


def raw_params(e: Event, recorded_at: Any) -> tuple[Any, ...]:
    prov: Provenance | None = e.provenance
    a, t = e.actor, e.target
    return (
        e.event_id, e.stream_id, e.stream_version, e.type, e.schema_version, e.occurred_on,
        e.date_precision, e.date_basis, e.modality, recorded_at, a.country, a.name, a.role,
        t.country, t.name, t.role, e.cameo, e.goldstein,
        prov.article_id if prov else None, prov.sentence_index if prov else None,
        prov.char_start if prov else None, prov.char_end if prov else None,
        prov.sentence if prov else None, prov.extractor_version if prov else None,
        dump_payload(dict(e.payload)),
    )  # fmt: skip


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def timed(label: str, count: int, fn: Callable[[], Any], repeat: int) -> float:
    """The best rate of ``repeat`` runs (the machine may be busy with other work)."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = max(best, count / (time.perf_counter() - start))
    print(f"  {label:<36} {count:>8} events: {best:>9,.0f} events/s (best of {repeat})", flush=True)
    return best


@contextmanager
def sqlite_urls() -> Iterator[Callable[[], str]]:
    with tempfile.TemporaryDirectory(prefix="timeline-bench-") as folder:
        made = iter(range(1_000_000))
        yield lambda: f"sqlite:///{Path(folder) / f'bench-{next(made)}.db'}"


@contextmanager
def postgres_urls(base: str) -> Iterator[Callable[[], str]]:
    admin = sa.create_engine(base)
    schemas: list[str] = []

    def fresh() -> str:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield fresh
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(name: str, fresh_url: Callable[[], str], events: list[Event], batch: int, repeat: int) -> None:
    print(f"{name}: {len(events):,} events in batches of {batch:,}")
    n = len(events)
    engines: list[sa.Engine] = []

    def migrated() -> sa.Engine:
        engine = create_engine(fresh_url())
        migrate(engine)
        engines.append(engine)
        return engine

    # The store: every append run goes to a new, empty table of the latest schema.
    stores: list[EventStore] = []

    def store_append() -> None:
        store = EventStore(migrated())
        stores.append(store)
        for chunk in batches(events, batch):
            store.append(chunk)

    def store_read() -> None:
        count = sum(1 for _ in stores[-1].read())
        assert count == n, count

    # The raw driver, on the same schema (migrated the same way, triggers included).
    sqlite = name == "SQLite"
    placeholders = ", ".join(["?" if sqlite else "%s"] * 25)
    insert = f"INSERT INTO events ({COLUMNS}) VALUES ({placeholders})"
    raws: list[Any] = []

    def raw_append() -> None:
        raw = migrated().raw_connection()
        raws.append(raw)
        dbapi = raw.driver_connection
        for chunk in batches(events, batch):
            now = datetime.now(UTC)
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
            if sqlite:
                dbapi.execute("BEGIN IMMEDIATE")
            cursor = dbapi.cursor()
            cursor.executemany(insert, [raw_params(e, stamp) for e in chunk])
            cursor.close()
            dbapi.commit() if not sqlite else dbapi.execute("COMMIT")

    def raw_scan(loads: Callable[[str], Any]) -> None:
        dbapi = raws[-1].driver_connection
        cursor = dbapi.cursor()
        cursor.execute(SCAN)
        count = 0
        for row in cursor:
            loads(row[-1])
            count += 1
        cursor.close()
        if not sqlite:
            dbapi.commit()
        assert count == n, count

    try:
        store_rate = timed("EventStore.append", n, store_append, repeat)
        raw_rate = timed("raw executemany", n, raw_append, repeat)
        read_rate = timed("EventStore.read (position order)", n, store_read, repeat)
        scan_rate = timed("raw SELECT scan + json.loads", n, lambda: raw_scan(json.loads), repeat)
        # The store decodes payloads with a faster call than json.loads; the same call in the
        # raw scan shows what the store's own layer costs.
        same_rate = timed("raw SELECT scan + store's decoder", n, lambda: raw_scan(load_payload), repeat)
    finally:
        for raw in raws:
            raw.close()
        for engine in engines:
            engine.dispose()
    print(f"  append: store/raw = {store_rate / raw_rate:.0%}  (goal >= 60%)")
    print(f"  read:   store/raw = {read_rate / scan_rate:.0%}  (goal >= 60%)")
    print(f"  read:   store/raw with the same JSON decoder = {read_rate / same_rate:.0%}")


def postgres_reachable(url: str) -> str | None:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postgres_url", nargs="?")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts")
    args = parser.parse_args(argv)
    events = make_events(args.events)

    with sqlite_urls() as fresh:
        run("SQLite", fresh, events, args.batch, args.repeat)

    pg = (
        args.postgres_url or os.environ.get("TIMELINE_BENCH_PG_URL") or os.environ.get("TIMELINE_TEST_PG_URL")
    )
    if not pg:
        print("PostgreSQL: skipped (give a URL, or set TIMELINE_BENCH_PG_URL)")
        return 0
    problem = postgres_reachable(pg)
    if problem:
        print(f"PostgreSQL: skipped, unreachable: {problem}")
        return 0
    with postgres_urls(pg) as fresh:
        run("PostgreSQL", fresh, events, args.batch, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
