"""Persistence: the append-only event store on SQLite or PostgreSQL, and its Alembic migrations."""

from __future__ import annotations

from .database import create_engine, current, downgrade, migrate, resolve_url, upgrade
from .errors import ConcurrencyError, EventConflictError, StoreError, UnsupportedDatabaseError
from .eventstore import AppendResult, EventStore
from .upcasters import UPCASTERS, Upcasters


def open_store(url: str | None = None, migrate: bool = True) -> EventStore:
    """An EventStore on ``url`` (else $TIMELINE_DATABASE_URL, else ./timeline.db), migrated to head."""
    engine = create_engine(url)
    if migrate:
        _migrate(engine)
    return EventStore(engine)


_migrate = migrate

__all__ = [
    "UPCASTERS",
    "AppendResult",
    "ConcurrencyError",
    "EventConflictError",
    "EventStore",
    "StoreError",
    "UnsupportedDatabaseError",
    "Upcasters",
    "create_engine",
    "current",
    "downgrade",
    "migrate",
    "open_store",
    "resolve_url",
    "upgrade",
]
