"""Counts over the whole store for `timeline stats`: events by type and extractor version, live and
retracted, articles, erasures and the database's size on disk."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, case, func, select, text
from sqlalchemy.engine import Connection

from timeline.domain.vocabulary import types_of_family
from timeline.query import EventQuery

from . import filters
from .dialects import Dialect
from .projection_tables import metadata as projection_metadata
from .tables import articles, erasures, events
from .tables import metadata as store_metadata

#: Types the store writes about other events (not statements of an article).
BOOKKEEPING_TYPES = tuple(sorted(types_of_family("housekeeping")))


@dataclass(frozen=True, slots=True)
class Tally:
    """Events of one type (or one extractor version): all of them, and those retracted."""

    events: int
    retracted: int

    @property
    def live(self) -> int:
        return self.events - self.retracted

    def to_json(self) -> dict[str, int]:
        return {"events": self.events, "live": self.live, "retracted": self.retracted}


@dataclass(frozen=True, slots=True)
class StoreStats:
    events: int  # every row of the events table, retractions and tombstones included
    statements: int  # events that are not bookkeeping (EventRetracted, ArticleErased)
    live: int  # statements not retracted
    retracted: int  # statements retracted
    articles: int
    erased_articles: int
    database_bytes: int | None  # None when the size cannot be read (an in-memory SQLite database)
    by_type: dict[str, Tally] = field(default_factory=dict)
    by_extractor_version: dict[str, Tally] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "statements": self.statements,
            "live": self.live,
            "retracted": self.retracted,
            "articles": self.articles,
            "erased_articles": self.erased_articles,
            "database_bytes": self.database_bytes,
            "by_type": {k: v.to_json() for k, v in sorted(self.by_type.items())},
            "by_extractor_version": {k: v.to_json() for k, v in sorted(self.by_extractor_version.items())},
        }


def store_stats(conn: Connection, engine: Engine, dialect: Dialect) -> StoreStats:
    """The counts, read in one transaction (so that they agree with each other)."""
    retracted = events.c.event_id.in_(filters._retracted(EventQuery(), dialect))
    flag = func.sum(case((retracted, 1), else_=0))

    def tallies(column: Any, *where: Any) -> dict[str, Tally]:
        stmt = select(column, func.count(), flag).where(*where).group_by(column)
        return {str(key): Tally(int(n), int(r or 0)) for key, n, r in conn.execute(stmt)}

    by_type = tallies(events.c.type)
    by_version = tallies(
        events.c.extractor_version,
        events.c.extractor_version.is_not(None),
        events.c.type.not_in(BOOKKEEPING_TYPES),
    )
    statements = [t for name, t in by_type.items() if name not in BOOKKEEPING_TYPES]
    return StoreStats(
        events=sum(t.events for t in by_type.values()),
        statements=sum(t.events for t in statements),
        live=sum(t.live for t in statements),
        retracted=sum(t.retracted for t in statements),
        articles=_count(conn, articles),
        erased_articles=_count(conn, erasures),
        database_bytes=_size(conn, engine, dialect),
        by_type=by_type,
        by_extractor_version=by_version,
    )


def _count(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _size(conn: Connection, engine: Engine, dialect: Dialect) -> int | None:
    """SQLite: the database file's size; PostgreSQL: the store's tables with their indexes and TOAST."""
    if dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:" or not os.path.exists(path):
            return None
        return os.path.getsize(path)
    names = sorted({*store_metadata.tables, *projection_metadata.tables})
    total = 0
    for name in names:  # each in the schema the connection's search_path finds it in
        found = conn.execute(text("SELECT to_regclass(:name)::oid"), {"name": name}).scalar()
        if found is not None:
            total += int(
                conn.execute(text("SELECT pg_total_relation_size(:oid)"), {"oid": found}).scalar_one()
            )
    return total
