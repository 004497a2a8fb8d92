"""The projections that are persisted, partition by partition.

Two folds are kept: ``facts`` (one partition per pair of countries, see
:mod:`timeline.projections.facts`) and ``invitations`` (one partition per invitee country).
Relationship status is no separate table: its state *is* the facts state restricted to the
partitions of two known, different countries (see :mod:`timeline.projections.relations`),
so a relations read loads those partitions of ``facts``, each with its digest.
"""

from __future__ import annotations

from typing import Any

from timeline.projections import digest as _digest
from timeline.projections.facts import FACTS as _FACTS
from timeline.projections.invitations import INVITATIONS
from timeline.projections.projection import Projection, Value


def is_dyad_partition(partition: str) -> bool:
    """A facts partition of two known, different countries: one relationship."""
    a, _, b = partition.partition("|")
    return a != "-" and b != "-" and a != b


def _dyad_digest(partition: str, value: Value) -> Value | None:
    return _digest.build(value) if is_dyad_partition(partition) else None


def _dyad_entries(partition: str, facts: list[Any]) -> list[Any]:
    return list(_digest.entries(facts)) if is_dyad_partition(partition) else []


def _dyad_digest_from(partition: str, value: Value, earlier: list[Any]) -> Value | None:
    """The digest of a dyad whose facts are those of ``earlier`` entries, then the value's."""
    if not is_dyad_partition(partition):
        return None
    return _digest.build_from([*earlier, *_digest.entries(value["facts"])])


def _dyad_digest_spliced(
    partition: str, digest: Value, old: list[Any], new: list[Any], low: str, high: str
) -> Value | None:
    """A dyad's digest after a run of its facts changed (None: build it whole)."""
    return _digest.spliced(digest, old, new, low, high) if is_dyad_partition(partition) else None


FACTS = _FACTS.with_digest(_dyad_digest, _dyad_entries, _dyad_digest_from, _dyad_digest_spliced)

#: Every persisted projection, in the order they are maintained.
PROJECTIONS: tuple[Projection, ...] = (FACTS, INVITATIONS)


def by_name(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise ValueError(f"unknown projection {name!r}")
