"""`verify`'s last pass: the persisted projection tables must equal a refold of the stream.

The tables are a cache that nothing chains: an edit there changes `relations` or `invitations`
while every event still verifies. Refolding up to the projections' checkpoint, in one read
transaction, and comparing row by row shows such an edit (`timeline replay` repairs it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from timeline.projections.catalog import PROJECTIONS

from .projection_store import ProjectionStore, _dump_digest, _Replay, dump_state
from .projection_tables import projection_members, projection_partitions, projection_snapshots
from .rows import EVENT_COLUMNS
from .tables import events


def _expected(fold: _Replay) -> dict[str, set[tuple[Any, ...]]]:
    """The rows a replay would write for one projection (as compared: dates as ISO text)."""
    projection = fold.projection
    partitions = set()
    for key, value in fold.parts.items():
        mark = projection.watermark(value)
        assert mark is not None
        digest = _dump_digest(projection.digest(key, value))
        partitions.add((key, str(mark[0]), int(mark[1]), fold.members[key], dump_state(value), digest))
    members = {(key, day.isoformat(), int(position)) for key, day, position in fold.member_rows}
    snapshots = {
        (key, m, str(k[0]), int(k[1]), state)
        for key, kept in fold.snapshots.items()
        for m, (k, state) in kept.items()
    }
    return {"partitions": partitions, "members": members, "snapshots": snapshots}


def _stored(conn: Connection, name: str) -> dict[str, set[tuple[Any, ...]]]:
    p, m, s = projection_partitions.c, projection_members.c, projection_snapshots.c
    parts = conn.execute(
        select(p.partition, p.through_on, p.through_position, p.members, p.state, p.digest).where(
            p.projection == name
        )
    )
    members = conn.execute(select(m.partition, m.occurred_on, m.position).where(m.projection == name))
    snaps = conn.execute(
        select(s.partition, s.members, s.through_on, s.through_position, s.state).where(s.projection == name)
    )
    iso = _iso
    return {
        "partitions": {(k, iso(d), int(tp), int(n), st, dg) for k, d, tp, n, st, dg in parts},
        "members": {(k, iso(d), int(pos)) for k, d, pos in members},
        "snapshots": {(k, int(n), iso(d), int(tp), st) for k, n, d, tp, st in snaps},
    }


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def differences(persisted: ProjectionStore) -> list[str]:
    """One message per projection table whose rows differ from a refold (empty when all agree)."""
    with persisted._reading() as conn:
        mark = persisted._common(persisted._marks(conn))
        if mark is None:
            return []  # never built (or by another fold version): reads rebuild them, nothing to trust yet
        retracted = persisted._retracted(conn, mark.position)
        stmt = (
            select(*EVENT_COLUMNS)
            .where(events.c.position <= mark.position)
            .order_by(events.c.occurred_on, events.c.position)
        )
        folds = [_Replay(p) for p in PROJECTIONS]
        for event in persisted._scan(conn, stmt):
            if event.event_id not in retracted:
                for fold in folds:
                    fold.add(event)
        found = []
        for fold in folds:
            name = fold.projection.name
            expected, stored = _expected(fold), _stored(conn, name)
            for table, rows in expected.items():
                if rows != stored[table]:
                    keys = sorted({str(r[0]) for r in rows ^ stored[table]})
                    shown = ", ".join(keys[:3]) + (" ..." if len(keys) > 3 else "")
                    found.append(
                        f"projection {name}: its {table} rows for {shown} differ from a refold of the events "
                        "(edited behind the store's back? `timeline replay` rebuilds them)"
                    )
    return found
