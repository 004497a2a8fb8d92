"""Persistence: the append-only event store on SQLite or PostgreSQL, and its Alembic migrations."""

from __future__ import annotations

from .database import (
    NoDatabase,
    create_engine,
    current,
    downgrade,
    downgrade_report,
    migrate,
    require_database,
    resolve_url,
    upgrade,
)
from .downgrade_guard import DataLossRefused, DowngradeReport
from .errors import (
    ConcurrencyError,
    EventConflictError,
    StoreError,
    UnknownArticleError,
    UnsupportedDatabaseError,
)
from .eventstore import AppendResult, Erasure, EventStore
from .upcasters import UPCASTERS, Upcasters
from .verify import VerifyReport


def open_store(url: str | None = None, migrate: bool = True, create: bool = True) -> EventStore:
    """An EventStore on ``url`` (else $TIMELINE_DATABASE_URL, else ./timeline.db), migrated to head.

    With ``create=False`` (reads) a database that holds no timeline store is NoDatabase, and
    nothing is created.
    """
    engine = create_engine(url)
    if not create:
        try:
            require_database(engine, url)
        except NoDatabase:
            engine.dispose()
            raise
    if migrate:
        _migrate(engine)
    return EventStore(engine)


_migrate = migrate

__all__ = [
    "UPCASTERS",
    "AppendResult",
    "ConcurrencyError",
    "DataLossRefused",
    "DowngradeReport",
    "Erasure",
    "EventConflictError",
    "EventStore",
    "NoDatabase",
    "StoreError",
    "UnknownArticleError",
    "UnsupportedDatabaseError",
    "Upcasters",
    "VerifyReport",
    "create_engine",
    "current",
    "downgrade",
    "downgrade_report",
    "migrate",
    "open_store",
    "require_database",
    "resolve_url",
    "upgrade",
]
