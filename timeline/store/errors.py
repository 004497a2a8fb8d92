"""The store's exceptions: one base class, so callers can catch every store failure at once."""

from __future__ import annotations


class StoreError(Exception):
    """Something the event store refused or could not do."""


class EventConflictError(StoreError):
    """An event id is already stored with different content (idempotence is checked, not assumed)."""


class ConcurrencyError(StoreError):
    """A stream version is already taken by another event (optimistic concurrency)."""


class UnsupportedDatabaseError(StoreError):
    """The URL names a database the store has no dialect support for."""


class UnknownArticleError(StoreError):
    """No article with the given id is stored."""
