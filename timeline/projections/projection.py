"""The one shape of a partitioned fold: initial state, apply, rebuild a partition, watermark.

A fold's state is ``{container: {partition: value}}``: facts keep ``{"groups": {...}}`` (one
partition per pair of countries), invitations ``{"partitions": {...}}`` (one per invitee
country). Every value records ``"through"``, the sort key of the last event folded into it:
its watermark. A :class:`Projection` gives the whole-state fold (``apply``, ``fold``) and the
same fold one partition at a time (``apply_partition``, ``fold_partition``,
``rebuild_partition``), which is what lets the persisted projections load, fold and write only
the partitions an event touches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from timeline.domain.events import Event
from timeline.projections.ordering import SortKey, as_key

#: Bump when a fold's rules or state shape change: persisted projections of another version
#: are no longer read, and `timeline replay` (or the next write) rebuilds them.
FOLD_VERSION = "5"  # 5: a facts snapshot keeps what its dyad's precisions so far let later events change

State = dict[str, Any]
Value = dict[str, Any]

# States are trees of fresh dicts and lists built by the folds, never cyclic: the encoder's check
# for cycles (a dict of every container's id) costs a tenth of the encoding for nothing.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dump_state(value: Value | list[Any]) -> str:
    """A partition value (or a digest, or a list of items) as JSON text, as the projection tables keep it.

    Keys keep the fold's insertion order, which is the same whether a value was folded in one
    go or loaded and folded further (the replay-equality tests check it); not sorting them
    saves a fifth of the write time.
    """
    return _dumps(value)


@dataclass(frozen=True)
class Projection:
    """One fold over the stream, partitioned: how to start, fold an event and find its partition."""

    name: str
    container: str  # the key of the state's partitions
    initial_state: Callable[[], State]
    apply: Callable[[State, Event], State]  # fold one event (valid-time order) into the whole state
    partition_of: Callable[[Event], str | None]  # the partition an event changes; None: none
    digester: Callable[[str, Value], Value | None] | None = None
    version: str = FOLD_VERSION
    #: A value's list that only grows at its end (the first key of the value), and how many of its
    #: first items no event dated on or after a day can change: a replay, which folds in date
    #: order, sets those aside as JSON instead of holding them (None: the whole value stays).
    items: str | None = None
    settled: Callable[[Value, date], int] | None = None
    #: How a refold that reached a snapshot equal to the stored one ends without folding further:
    #: ``splice(stored, refolded, day)`` joins the refolded value's settled items (as of ``day``) to
    #: the stored value's items from there on (None: a refold always runs to the last member).
    splice: Callable[[Value, Value, date], Value | None] | None = None
    #: How a refold ends as soon as late events no longer make a difference (facts: see
    #: ``facts.Divergence``): ``diverge(partition, value, stored, day, late)`` forks the refolded
    #: value before the first late event (dated ``day``) into a fold of the stored members alone;
    #: the result has ``apply_old(event)``, ``converged(value, day)``, ``splice()`` and
    #: ``patch(snapshot_text, day)``. None: the refold meets a stored snapshot, or runs to the end.
    diverge: Callable[..., Any] | None = None
    #: The digest in two steps, for a replay that sets items aside: ``digest_entries(partition,
    #: items)`` is what the digest needs of those items, as plain data (lists, strings, numbers),
    #: and ``digest_from(partition, value, entries)`` the digest of a partition whose items are
    #: those the entries were taken from followed by the value's own (None: the whole value is
    #: decoded again for the digest).
    digest_entries: Callable[[str, list[Any]], list[Any]] | None = None
    digest_from: Callable[[str, Value, list[Any]], Value | None] | None = None
    #: What a snapshot leaves out: ``snapshot_skips(value, day, among)`` is how many of the first
    #: items of ``among`` (default: ``value``) come before the first one a snapshot of ``value``
    #: after an event dated ``day`` keeps, and ``restorable(snapshot, stored, late)`` whether a
    #: refold with the events ``late`` can start from that snapshot and the stored value's items
    #: before it (None: a snapshot leaves out the ``settled`` items and always restores).
    snapshot_skips: Callable[[Value, date, Value | None], int] | None = None
    restorable: Callable[[Value, Value | None, Sequence[Event]], bool] | None = None
    #: ``apply`` that also returns the one item of the partition's ``items`` the event changed
    #: (joined, opened or merged into; no other item changes): a replay then keeps each item's
    #: JSON until it changes instead of encoding it again for every snapshot (None: it does not).
    apply_item: Callable[[State, Event], Any] | None = None
    #: A refold from a snapshot reads the stored value decoded only where it can change:
    #: ``read_window(text, snapshot, day, until)`` (facts: see ``facts.read_window``) gives the items before
    #: and after as text, and ``join_window(before, value_text, after)`` the whole value's JSON
    #: again (None: the stored value is decoded whole).
    read_window: Callable[[str, Value, date, date], Any] | None = None
    join_window: Callable[[str, str, str], str] | None = None
    #: ``digest_spliced(partition, digest, old_items, new_items, low, high)``: the digest after a
    #: run of items changed, from the digest before (see ``digest.spliced``; None: built whole).
    digest_spliced: Callable[..., Value | None] | None = None
    #: The tables keep a value's items in chunks beside its row: ``chunked(text)`` splits a value's
    #: JSON into the JSON of the value with no items and ``[(chunk, the items' JSON comma-separated)]``
    #: in order (None: text not laid out as expected); ``window_chunks(snapshot, day, until)`` the
    #: first and last chunk ``read_window`` needs of the value's items. None: a value is
    #: kept whole in its row.
    chunked: Callable[[str], tuple[str, list[tuple[int, str]]] | None] | None = None
    window_chunks: Callable[[Value, date, date], tuple[int, int]] | None = None

    def with_digest(
        self,
        digester: Callable[[str, Value], Value | None],
        entries: Callable[[str, list[Any]], list[Any]] | None = None,
        built_from: Callable[[str, Value, list[Any]], Value | None] | None = None,
        spliced: Callable[..., Value | None] | None = None,
    ) -> Projection:
        return replace(
            self, digester=digester, digest_entries=entries, digest_from=built_from, digest_spliced=spliced
        )

    # -- the whole state -----------------------------------------------------------------------

    def fold(self, events: Iterable[Event], state: State | None = None) -> State:
        """Fold ``events`` (in valid-time order) into ``state`` (default: a new one)."""
        state = self.initial_state() if state is None else state
        apply = self.apply
        for event in events:
            apply(state, event)
        return state

    def state_of(self, partitions: Iterable[tuple[str, Value]]) -> State:
        """A whole state made of the given partition values."""
        state = self.initial_state()
        state[self.container].update(partitions)
        return state

    def value(self, state: State, partition: str) -> Value | None:
        return state[self.container].get(partition)

    def rebuild_partition(self, state: State, partition: str, events: Iterable[Event]) -> State:
        """Replace one partition of ``state`` by a fold of its events (all of them, valid-time order)."""
        fresh = self.fold(events)
        value = self.value(fresh, partition)
        if value is None:
            state[self.container].pop(partition, None)
        else:
            state[self.container][partition] = value
        return state

    # -- one partition ---------------------------------------------------------------------------

    def apply_partition(self, partition: str, value: Value | None, event: Event) -> Value:
        """Fold one event into one partition's value (None: the partition is new)."""
        state = self.state_of([] if value is None else [(partition, value)])
        self.apply(state, event)
        return state[self.container][partition]

    def fold_partition(
        self,
        partition: str,
        value: Value | None,
        events: Iterable[Event],
        on_each: Callable[[Value, Event], None] | None = None,
    ) -> Value | None:
        """Fold ``events`` (valid-time order) into one partition; ``on_each`` sees the value after each."""
        state = self.state_of([] if value is None else [(partition, value)])
        parts, apply = state[self.container], self.apply
        for event in events:
            apply(state, event)
            if on_each is not None:
                on_each(parts[partition], event)
        return parts.get(partition)

    # -- snapshots -------------------------------------------------------------------------------

    def checkpoint(self, value: Value, day: date) -> Value:
        """What a snapshot after an event dated ``day`` keeps: the value without its settled items
        (no event dated ``day`` or later can change them, so the partition's stored value still
        holds them as they were), else the whole value."""
        if self.items is None or self.settled is None:
            return value
        return {**value, self.items: value[self.items][self.skips(value, day) :]}

    def restore(self, snapshot: Value, stored: Value | None, day: date) -> Value:
        """The value a snapshot taken after an event dated ``day`` stands for: its items after the
        stored value's items settled by that day (the inverse of :meth:`checkpoint`)."""
        if self.items is None or self.settled is None:
            return snapshot
        items = self.items
        settled = stored[items][: self.skips(snapshot, day, stored)] if stored else []
        return {**snapshot, items: settled + snapshot[items]}

    def skips(self, value: Value, day: date, among: Value | None = None) -> int:
        """How many of the first items of ``among`` (default ``value``) a snapshot of ``value``
        after an event dated ``day`` leaves out (see ``snapshot_skips``)."""
        if self.snapshot_skips is not None:
            return self.snapshot_skips(value, day, among)
        assert self.settled is not None
        return self.settled(value if among is None else among, day)

    def watermark(self, value: Value | None) -> SortKey | None:
        """The sort key of the last event folded into a partition value."""
        return as_key(value["through"]) if value else None

    def digest(self, partition: str, value: Value) -> Value | None:
        """What as-of reads need of a partition, kept beside its state (None: they read the state)."""
        return self.digester(partition, value) if self.digester else None
