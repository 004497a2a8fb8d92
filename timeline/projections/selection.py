"""Picking from persisted projection state what a read asks for: facts by date, side and type.

The persisted facts hold every report ever folded; a read as of a date, or about one side,
keeps the facts that match, where a recompute would have folded only the matching reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from timeline.domain.events import Party
from timeline.domain.vocabulary import event_types
from timeline.names import name_matches
from timeline.projections.facts import Fact
from timeline.query import PartyFilter, PartyFilters, party_filters


@dataclass(frozen=True, slots=True)
class FactFilter:
    """Bounds on a fact's date, its sides (an ISO3 code or a person's name) and its type."""

    as_of: date | None = None
    since: date | None = None
    until: date | None = None
    actor: str | PartyFilter | PartyFilters | None = None
    target: str | PartyFilter | PartyFilters | None = None
    types: tuple[str, ...] | None = None

    def partition_accepts(self, partition: str) -> bool:
        """Whether a facts partition (two countries) can hold a fact with the sides asked for."""
        countries = set(partition.split("|"))
        return all(_may_hold(party_filters(side), countries) for side in (self.actor, self.target))

    def accepts(self, fact: Fact) -> bool:
        if self.as_of and fact.occurred_on > self.as_of:
            return False
        if self.until and fact.occurred_on > self.until:
            return False
        if self.since and fact.occurred_on < self.since:
            return False
        if self.types and fact.type not in self.types:
            return False
        symmetric = _symmetric(fact.type)
        sides = (fact.actor, fact.target)
        if self.actor and not _matches(self.actor, sides if symmetric else sides[:1]):
            return False
        return not self.target or _matches(self.target, sides if symmetric else sides[1:])

    def select(self, facts: Iterable[Fact]) -> list[Fact]:
        return [fact for fact in facts if self.accepts(fact)]


def _may_hold(wanted: PartyFilters, countries: set[str]) -> bool:
    """A person may be of any country; a country filter needs its country in the partition."""
    return not wanted or any(one.names or one.words or one.country in countries for one in wanted)


def _matches(value: str | PartyFilter | PartyFilters, parties: Iterable[Party]) -> bool:
    """The events filter's rule (``timeline.store.filters``): any of the filters, on any of the
    sides: its ISO3 code, or its person by a full name or whole words of the name."""
    wanted = party_filters(value)
    return any(
        (one.country is not None and party.country == one.country)
        or name_matches(party.name, one.names, one.words)
        for party in parties
        for one in wanted
    )


def _symmetric(type_name: str) -> bool:
    spec = event_types().get(type_name)
    return bool(spec and spec.symmetric)
