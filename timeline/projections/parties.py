"""When two mentions name the same person or the same side: the matching rules the folds share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_NON_WORD = re.compile(r"[^\w\s]")


@lru_cache(maxsize=16384)  # names repeat over a stream; folds compare them report after report
def name_tokens(name: str | None) -> tuple[str, ...]:
    """A name as lower-case words without accents or punctuation ("S. Jaishankar" -> s, jaishankar)."""
    if not name:
        return ()
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return tuple(_NON_WORD.sub(" ", folded.casefold()).split())


def same_person(a: str | None, b: str | None) -> bool:
    """Both names given and one is the other or a shortening of it ("Modi" and "Narendra Modi")."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    # A shortening keeps the surname (the last word) and drops given names or initials.
    short, full = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    return short[-1] == full[-1] and set(short) <= set(full)


def compatible_person(a: str | None, b: str | None) -> bool:
    """No contradiction: either name is unknown, or both name the same person."""
    return not a or not b or same_person(a, b)


def party_name(party: Mapping[str, Any] | None) -> str | None:
    return (party or {}).get("name")


def merge_party(kept: Mapping[str, Any], seen: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the unknown fields of ``kept`` from ``seen``; what ``kept`` already says wins."""
    return {key: kept.get(key) or seen.get(key) for key in ("country", "name", "role")}
