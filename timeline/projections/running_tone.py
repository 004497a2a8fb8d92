"""A dyad's score and tone kept up to date fact by fact, so `history` reads the dyad once.

:func:`timeline.projections.relations.status` weighs every fact of the dyad again each time it
is asked; asked after every event, that is quadratic in the dyad's events. The tone rule's
weights halve with age counted back from the latest fact, so the two sums behind the score
(weights, and weights times values) can be kept relative to the latest fact: when the latest
date moves forward both sums are scaled down by the same factor, and a fact that is opened,
moved to a later date (a finer-dated report) or taken into a visit is added or taken back.

The sums are the same numbers added in another order, so they can differ from the reference
in the last bits. Wherever that could show (the score within ``TOLERANCE`` of a tone threshold,
of zero, or of a rounding boundary of the 3 decimals shown) :class:`RunningTone` says so and
the caller computes that step with the reference function: the output is the same, bit for bit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline.projections.tone import ToneRule

#: Far above the sums' rounding error (about 1e-10 for a million facts), far below a 0.001 step.
TOLERANCE = 1e-7


@dataclass(frozen=True, slots=True)
class Tracked:
    """What one fact counted for when last seen."""

    on: date
    value: float | None
    rupture: bool


def supports(rule: ToneRule) -> bool:
    """Only the stock weight and score functions can be kept incrementally."""
    return type(rule).weight is ToneRule.weight and type(rule).score is ToneRule.score


class RunningTone:
    """Folds the facts of one dyad's partition as they change, in valid-time order."""

    def __init__(self, rule: ToneRule) -> None:
        self.rule = rule
        self._reset()

    def _reset(self) -> None:
        self.seen: dict[str, Tracked] = {}  # in the order the facts were opened, like the partition's list
        self.facts: Sequence[Mapping[str, Any]] | None = None
        self.latest: date | None = None
        self.on_day: Counter[date] = Counter()  # facts per date, to notice when the latest day empties
        self.sum_w = 0.0  # weights of the facts with a value, relative to ``latest``
        self.sum_wv = 0.0
        self.valued = 0
        self.ruptures: dict[str, date] = {}
        self.last_rupture: date | None = None

    def observe(self, facts: Sequence[Mapping[str, Any]], touched: Mapping[str, Any] | None) -> None:
        """Take in the partition's facts after one event; ``touched`` is the fact it joined or opened."""
        if self.facts is not None and facts is not self.facts:
            self._drop_missing(facts, touched)  # a visit took earlier meetings in: they left the list
        self.facts = facts
        if touched is not None:
            self._upsert(touched)
        if self.latest is not None and not self.on_day[self.latest]:
            self._rebuild(facts)  # the latest fact left: ages count from an earlier day now

    def reading(self) -> tuple[float, str] | None:
        """(score rounded as shown, tone), or None when the reference function must decide this step."""
        if self.latest is None:
            return None
        rule = self.rule
        denominator = self.sum_w + rule.prior_weight
        if not self.valued:
            score = 0.0
        elif denominator <= 0.0:
            return None
        else:
            score = self.sum_wv / denominator
            if _near_a_boundary(score, rule):
                return None
        ruptured = (
            self.last_rupture is not None and (self.latest - self.last_rupture).days <= rule.active_days
        )
        return round(score, 3), rule.tone(score, ruptured)

    def _upsert(self, fact: Mapping[str, Any]) -> None:
        on = date.fromisoformat(fact["occurred_on"])
        known = self.seen.get(fact["fact_id"])
        if known is not None:
            if known.on == on:
                return
            self._take_back(fact["fact_id"], known)
        self._add(fact["fact_id"], Tracked(on, self.rule.value(fact), self.rule.is_rupture(fact)))

    def _add(self, fact_id: str, tracked: Tracked) -> None:
        if self.latest is None or tracked.on > self.latest:
            self._move_latest(tracked.on)
        self.seen[fact_id] = tracked  # a moved fact keeps its place in the order
        self.on_day[tracked.on] += 1
        if tracked.value is not None:
            weight = self.rule.weight(tracked.on, self.latest or tracked.on)
            self.sum_w += weight
            self.sum_wv += weight * tracked.value
            self.valued += 1
        if tracked.rupture:
            self.ruptures[fact_id] = tracked.on
            if self.last_rupture is None or tracked.on > self.last_rupture:
                self.last_rupture = tracked.on

    def _take_back(self, fact_id: str, tracked: Tracked) -> None:
        self.on_day[tracked.on] -= 1
        if tracked.value is not None and self.latest is not None:
            weight = self.rule.weight(tracked.on, self.latest)
            self.sum_w -= weight
            self.sum_wv -= weight * tracked.value
            self.valued -= 1
        if self.ruptures.pop(fact_id, None) == self.last_rupture:
            self.last_rupture = max(self.ruptures.values(), default=None)

    def _move_latest(self, on: date) -> None:
        if self.latest is not None:
            factor = 0.5 ** ((on - self.latest).days / self.rule.half_life_days)
            self.sum_w *= factor
            self.sum_wv *= factor
        self.latest = on

    def _drop_missing(self, facts: Sequence[Mapping[str, Any]], touched: Mapping[str, Any] | None) -> None:
        """Take back the facts that left the partition, walking both lists back from their newest ends."""
        new_id = touched["fact_id"] if touched is not None and touched["fact_id"] not in self.seen else None
        expected = len(self.seen) + (new_id is not None) - len(facts)
        gone: list[str] = []
        j = len(facts) - 1
        if new_id is not None and j >= 0 and facts[j]["fact_id"] == new_id:
            j -= 1
        for fact_id in reversed(self.seen):
            if len(gone) == expected:
                break
            if j >= 0 and facts[j]["fact_id"] == fact_id:
                j -= 1
            else:
                gone.append(fact_id)
        if len(gone) != expected:
            self._rebuild(facts)  # not the shape the fold leaves: count again from the list
            return
        for fact_id in gone:
            self._take_back(fact_id, self.seen.pop(fact_id))

    def _rebuild(self, facts: Sequence[Mapping[str, Any]]) -> None:
        self._reset()
        for fact in facts:
            self._upsert(fact)
        self.facts = facts


def _near_a_boundary(score: float, rule: ToneRule) -> bool:
    """Could a last-bit difference change the tone or the 3 decimals shown?"""
    for edge in (rule.close_from, rule.cooperative_from, -rule.strained_below, 0.0):
        if abs(score - edge) <= TOLERANCE:
            return True
    scaled = score * 1000.0
    return abs(scaled - math.floor(scaled) - 0.5) <= TOLERANCE * 1000.0
