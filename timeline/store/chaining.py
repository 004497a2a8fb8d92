"""The event_chain table: writing links with each append, reading rows to hash, and the backfill."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from . import chain
from .dialects import dialect_for
from .rows import INSERT_COLUMNS
from .tables import event_chain

#: Event columns read to recompute a link, in this order: position, recorded_at, chained, sentence.
HASHED_COLUMNS: tuple[str, ...] = ("position", "recorded_at", *chain.CHAINED_COLUMNS, chain.SENTENCE)

#: Picks the chained values, and the sentence, out of a row in INSERT_COLUMNS order.
_chained = itemgetter(*(INSERT_COLUMNS.index(name) for name in chain.CHAINED_COLUMNS))
_SENTENCE = INSERT_COLUMNS.index(chain.SENTENCE)


def head(conn: Connection) -> str:
    """The hash of the last link (GENESIS for an empty chain)."""
    stmt = select(event_chain.c.hash).order_by(event_chain.c.position.desc()).limit(1)
    return conn.execute(stmt).scalar() or chain.GENESIS


def append_links(conn: Connection, placed: Sequence[tuple[int, Sequence[Any]]], stamp: str) -> None:
    """Write the links of events just inserted: (position, row in INSERT_COLUMNS order), by position.

    Runs inside the append's transaction, under its lock, so the chain's head is ours to extend.
    """
    if not placed:
        return
    rows = [
        (position, stamp, chain.normalised(_chained(row)), chain.digest(row[_SENTENCE]))
        for position, row in placed
    ]
    made = chain.links(head(conn), rows)
    dialect_for(conn.dialect.name).insert_links(conn, made)


_PAGE = text(
    f"SELECT {', '.join(f'e.{name}' for name in HASHED_COLUMNS)} FROM events e "
    "WHERE e.position > :after ORDER BY e.position LIMIT :limit"
)


def hashed_row(row: Sequence[Any]) -> tuple[int, str, list[Any], Any]:
    """A row selected as HASHED_COLUMNS -> (position, record stamp, normalised values, sentence)."""
    return row[0], chain.record_stamp(row[1]), chain.normalised(row[2:-1]), row[-1]


def event_pages(
    conn: Connection, batch: int = 1000, after: int = 0
) -> Iterator[list[tuple[int, str, list[Any], Any]]]:
    """Events past ``after`` as (position, record stamp, normalised values, sentence), a page at a time."""
    while True:
        page = conn.execute(_PAGE, {"after": after, "limit": batch}).all()
        if not page:
            return
        yield [hashed_row(row) for row in page]
        after = page[-1][0]


def backfill(conn: Connection, batch: int = 1000) -> int:
    """Link every event past the chain's last link, in position order (INSERTs only); returns how many."""
    linked = 0
    previous = head(conn)
    # A chain that a downgrade kept and an upgrade restored already covers the events up to its end.
    last = conn.execute(select(func.max(event_chain.c.position))).scalar() or 0
    insert_links = dialect_for(conn.dialect.name).insert_links
    for page in event_pages(conn, batch, after=last):
        made = chain.links(previous, [(p, at, values, chain.digest(s)) for p, at, values, s in page])
        insert_links(conn, made)
        previous = made[-1][3]
        linked += len(made)
    return linked
