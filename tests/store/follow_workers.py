"""Process bodies for the concurrency tests (module-level, so that spawned processes can import them)."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from timeline.domain.events import Event, Party, event_id_for
from timeline.store import open_store


def writer_event(writer: int, version: int) -> Event:
    stream = f"writer-{writer}"
    return Event(
        event_id=event_id_for(stream, version),
        stream_id=stream,
        stream_version=version,
        type="LeadersMet",
        occurred_on=date(2024, 1, 1 + version % 28),
        actor=Party("FRA"),
        target=Party("ITA"),
        payload={"writer": writer, "version": version},
    )


def append_batches(url: str, writer: int, batches: int, per_batch: int, start: Any) -> None:
    """Append ``batches`` batches of ``per_batch`` events to this writer's own stream."""
    with open_store(url, migrate=False) as store:
        start.wait()
        for batch in range(batches):
            first = batch * per_batch + 1
            store.append([writer_event(writer, v) for v in range(first, first + per_batch)])


def follow(url: str, expected: int, out_path: str, start: Any, give_up_after_s: float) -> None:
    """Tail the stream by position until ``expected`` events were seen; write (position, id) pairs."""
    seen: list[tuple[int, str]] = []
    with open_store(url, migrate=False) as store:
        start.wait()
        last = 0
        give_up = time.monotonic() + give_up_after_s
        while len(seen) < expected and time.monotonic() < give_up:
            batch = store.follow(last, batch_size=37)
            if not batch:
                time.sleep(0.001)
                continue
            seen.extend((e.position, e.event_id) for e in batch)
            last = batch[-1].position
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(seen, out)


def open_and_append(url: str, writer: int, start: Any) -> None:
    """Open a (possibly new) database, migrating it if needed, and append one event."""
    start.wait()
    with open_store(url) as store:
        store.append([writer_event(writer, 1)])
