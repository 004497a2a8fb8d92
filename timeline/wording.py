"""Counts in words for messages and summaries: "1 event", "2 events", never "1 events"."""

from __future__ import annotations

# Nouns whose plural is not the singular with an "s".
_IRREGULAR = {"entry": "entries", "country": "countries", "copy": "copies"}


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``singular`` when ``n`` is 1, else its plural (``many``, a known irregular one, or +s)."""
    if n == 1:
        return singular
    return many or _IRREGULAR.get(singular, singular + "s")


def count(n: int, singular: str, many: str | None = None) -> str:
    """``n`` and the noun that agrees with it: ``count(1, "event")`` is "1 event"."""
    return f"{n} {plural(n, singular, many)}"
