"""Valid-time order, and whether a late event can be folded on top of a state or forces a recompute.

Every fold in this package reads events in valid-time order: ``occurred_on``, then the
store's ``position``. Its state is split into partitions (a dyad for relations and facts,
the invitee's country for invitations) and each partition remembers the sort key of the
last event it folded, its watermark. The persisted-state story that follows:

* an event whose sort key is above its partition's watermark is folded incrementally:
  a full rebuild would read it after everything already folded, so the result is the same;
* an event at or below the watermark arrived out of valid-time order (an article about
  2019 ingested after one about 2024, or a retraction): the partition must be refolded
  from a *safe point*, any snapshot of that partition taken at a sort key below the
  event's (or from empty when there is none), reading the partition's events in order.

Folds are deterministic in their input order, so a snapshot at key K holds exactly the
state of "every event before K": it cannot have been touched by a later event, and
refolding from it yields what a full rebuild would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from timeline.domain.events import Event

#: A sort key as plain JSON-able data: [ISO date, position]. Position -1 stands for "not stored yet".
SortKey = tuple[str, int]


def sort_key(event: Event) -> SortKey:
    """Valid-time order: occurred_on, then the store's position."""
    return (event.occurred_on.isoformat(), event.position if event.position is not None else -1)


def in_valid_order(events: Iterable[Event]) -> list[Event]:
    """The events sorted as every fold expects them (stable for events not yet stored)."""
    return sorted(events, key=sort_key)


def as_key(value: Sequence[Any] | None) -> SortKey | None:
    """A watermark read back from JSON (a two-item list) as a comparable tuple."""
    if value is None:
        return None
    return (str(value[0]), int(value[1]))


def is_incremental(watermark: Sequence[Any] | None, event: Event) -> bool:
    """True when folding ``event`` on top of a partition at ``watermark`` equals a full rebuild."""
    mark = as_key(watermark)
    return mark is None or sort_key(event) > mark


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    """What to do with one event for one partition of a projection."""

    partition: str
    incremental: bool
    safe_point: SortKey | None = None  # refold from the snapshot at this key; None: from empty

    def to_json(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "incremental": self.incremental,
            "safe_point": list(self.safe_point) if self.safe_point else None,
        }


def safe_point(snapshot_keys: Iterable[Sequence[Any]], event: Event) -> SortKey | None:
    """The latest snapshot taken strictly before ``event`` in valid-time order, if any."""
    key = sort_key(event)
    earlier = [k for k in (as_key(s) for s in snapshot_keys) if k is not None and k < key]
    return max(earlier) if earlier else None


def plan(
    partition: str,
    watermark: Sequence[Any] | None,
    event: Event,
    snapshot_keys: Iterable[Sequence[Any]] = (),
) -> ApplyPlan:
    """Fold ``event`` incrementally, or name the safe point its partition must be refolded from."""
    if is_incremental(watermark, event):
        return ApplyPlan(partition, True)
    return ApplyPlan(partition, False, safe_point(snapshot_keys, event))
