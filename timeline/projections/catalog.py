"""The projections that are persisted, partition by partition, and how one partition is folded alone.

Two folds are kept: ``facts`` (one partition per pair of countries, see
:mod:`timeline.projections.facts`) and ``invitations`` (one partition per invitee country).
Relationship status is no separate table: its state *is* the facts state restricted to the
partitions of two known, different countries (see :mod:`timeline.projections.relations`),
so a relations read loads those partitions of ``facts``.

Each fold's state is ``{container: {partition: value}}``; a persisted partition row holds one
``value``. :class:`Projection` folds one partition value at a time, so that the store can
load, fold and write only the partitions an event touches.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from timeline.domain.events import Event
from timeline.projections import digest as _digest
from timeline.projections.ordering import SortKey, as_key

#: Bump when a fold's rules or state shape change: persisted projections of another version
#: are rebuilt from the stream on first use.
FOLD_VERSION = "1"

Value = dict[str, Any]


@dataclass(frozen=True)
class Projection:
    """One persisted fold: its name, the module holding it and the key of its partitions' container."""

    name: str
    module: ModuleType
    container: str
    digester: Callable[[str, Value], Value | None] | None = None

    @property
    def version(self) -> str:
        return FOLD_VERSION

    def partition_of(self, event: Event) -> str | None:
        return self.module.partition_of(event)

    def empty(self) -> dict[str, Any]:
        return self.module.initial_state()

    def state_of(self, partitions: Iterable[tuple[str, Value]]) -> dict[str, Any]:
        """A whole fold state made of the given partition values."""
        state = self.empty()
        state[self.container].update(partitions)
        return state

    def value(self, state: dict[str, Any], partition: str) -> Value | None:
        return state[self.container].get(partition)

    def apply(self, partition: str, value: Value | None, event: Event) -> Value:
        """Fold one event into one partition's value (None: the partition is new)."""
        state = self.empty()
        if value is not None:
            state[self.container][partition] = value
        self.module.apply(state, event)
        return state[self.container][partition]

    def fold(
        self,
        partition: str,
        value: Value | None,
        events: Iterable[Event],
        on_each: Callable[[Value, Event], None] | None = None,
    ) -> Value | None:
        """Fold ``events`` (in valid-time order) into one partition; ``on_each`` sees the value after each."""
        state = self.empty()
        if value is not None:
            state[self.container][partition] = value
        apply = self.module.apply
        for event in events:
            apply(state, event)
            if on_each is not None:
                on_each(state[self.container][partition], event)
        return state[self.container].get(partition)

    def digest(self, partition: str, value: Value) -> Value | None:
        """What as-of reads need of a partition, kept beside its state (None: they read the state)."""
        return self.digester(partition, value) if self.digester else None

    def watermark(self, value: Value | None) -> SortKey | None:
        """The sort key of the last event folded into a partition value."""
        return as_key(value["through"]) if value else None


def is_dyad_partition(partition: str) -> bool:
    """A facts partition of two known, different countries: one relationship."""
    a, _, b = partition.partition("|")
    return a != "-" and b != "-" and a != b


def _dyad_digest(partition: str, value: Value) -> Value | None:
    return _digest.build(value) if is_dyad_partition(partition) else None


# By import_module: the package binds the names ``facts`` and ``invitations`` to functions.
FACTS = Projection("facts", importlib.import_module(f"{__package__}.facts"), "groups", _dyad_digest)
INVITATIONS = Projection("invitations", importlib.import_module(f"{__package__}.invitations"), "partitions")

#: Every persisted projection, in the order they are maintained.
PROJECTIONS: tuple[Projection, ...] = (FACTS, INVITATIONS)


def by_name(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    raise ValueError(f"unknown projection {name!r}")
