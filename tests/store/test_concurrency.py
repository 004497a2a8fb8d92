"""Several processes at once: appenders and a follower never disagree about the stream."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import follow_workers
from sqlalchemy import Engine

from timeline.query import EventQuery
from timeline.store import EventStore, current, open_store
from timeline.store.database import head_revision

WRITERS = 4
BATCHES = 50
PER_BATCH = 5
GIVE_UP_AFTER_S = 90  # a safety net for a broken store, not a timing assertion


def _run(processes: list[multiprocessing.Process]) -> None:
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=GIVE_UP_AFTER_S + 30)
    for p in processes:
        if p.is_alive():
            p.kill()
    assert [p.exitcode for p in processes] == [0] * len(processes)


def test_follower_sees_the_whole_stream_in_order(db_url: str, engine: Engine, tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WRITERS + 1)
    expected = WRITERS * BATCHES * PER_BATCH
    out = tmp_path / "followed.json"
    follower = ctx.Process(
        target=follow_workers.follow, args=(db_url, expected, str(out), start, GIVE_UP_AFTER_S)
    )
    writers = [
        ctx.Process(target=follow_workers.append_batches, args=(db_url, w, BATCHES, PER_BATCH, start))
        for w in range(WRITERS)
    ]
    _run([follower, *writers])

    seen = [tuple(pair) for pair in json.loads(out.read_text())]
    final = [(e.position, e.event_id) for e in EventStore(engine).read()]
    assert len(final) == expected
    assert seen == final  # same events, same order: no gap, no duplicate, no reordering
    positions = [p for p, _ in seen]
    assert positions == sorted(set(positions))
    store = EventStore(engine)
    for w in range(WRITERS):  # each writer's stream is complete, in version order
        versions = [e.stream_version for e in store.read(EventQuery(stream_id=f"writer-{w}"))]
        assert versions == list(range(1, BATCHES * PER_BATCH + 1))


def test_processes_opening_a_new_database_together(db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    _run([ctx.Process(target=follow_workers.open_and_append, args=(db_url, w, start)) for w in range(3)])
    assert current(db_url) == head_revision()
    with open_store(db_url, migrate=False) as store:
        assert store.count() == 3
