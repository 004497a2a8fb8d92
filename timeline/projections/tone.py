"""The tone rule: how a dyad's facts, weighted by age, give a score and one of the five tones.

A relationship's tone is what its latest events made it: ten quiet years do not make a hostile
pair neutral. So ages are counted back from the dyad's *latest fact* (the latest one dated on
or before the day asked, ``as_of``), not from ``as_of`` itself, and a pair's status does not
change while nothing happens; how long it has been quiet is reported beside the tone
(``quiet_days``), never folded into it.

For each fact of the dyad dated on or before ``as_of``, with ``latest`` the date of the latest:

* value: the Goldstein value of its type (CAMEO scale, -10..+10, from the shared
  vocabulary); a RelationsCharacterized fact takes the value of the tone the speaker gave
  instead (hostile -8, strained -4, neutral 0, cooperative +4, close +8); facts of unknown
  valence (StatementRecorded, a characterization without a tone) count as contact but
  weigh nothing;
* weight: ``0.5 ** ((latest - occurred_on) / 180)``, halving every 180 days before the latest
  fact, so the newest facts count most (the latest weighs 1);
* score: the weighted mean, shrunk toward neutral as if every dyad also had one neutral
  fact dated on its latest fact's day (``prior_weight`` 1), so that a thin record stays mild:
  ``score = sum(w * v) / (sum(w) + 1)``.

Tone from the score: ``>= 3.75`` close; ``>= 0.3`` cooperative; ``> -0.3`` neutral; below
that strained, or hostile when the ties themselves were broken within the active period
(360 days, two half-lives, before the latest fact): an expulsion, a downgrade, an attack, or a
hostile characterization. A trade dispute or criticism strains a relationship; a rupture makes
it hostile. Sectors and reciprocity are read over the same active period. A dyad whose latest
fact is more than ``active_days`` before ``as_of`` is *quiet*. Calibrated on the two annotated
corpora (see the projections' notes); the parameters live in :class:`ToneRule` so a caller can
state its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from timeline.domain.vocabulary import types_with

TONE_VALUES = MappingProxyType(
    {"hostile": -8.0, "strained": -4.0, "neutral": 0.0, "cooperative": 4.0, "close": 8.0}
)
RUPTURE_TYPES = types_with("rupture")
NO_VALENCE_TYPES = types_with("no_valence")


@dataclass(frozen=True, slots=True)
class ToneRule:
    half_life_days: float = 180.0
    prior_weight: float = 1.0
    cooperative_from: float = 0.3
    close_from: float = 3.75
    strained_below: float = 0.3
    active_days: int = 360
    characterized: Mapping[str, float] = field(default_factory=lambda: dict(TONE_VALUES))
    rupture_types: frozenset[str] = RUPTURE_TYPES

    def weight(self, occurred_on: date, latest: date) -> float:
        """Halves every half-life before the dyad's latest fact; one dated after it (never fed) weighs 1."""
        age = max((latest - occurred_on).days, 0)
        return 0.5 ** (age / self.half_life_days)

    def is_quiet(self, quiet_days: int) -> bool:
        """No fact of the dyad within the active period before the day asked."""
        return quiet_days > self.active_days

    def value(self, fact: Mapping[str, Any]) -> float | None:
        """What one fact says of the relationship on the Goldstein scale, or None when it says nothing."""
        if fact["type"] == "RelationsCharacterized":
            return self.characterized.get(fact.get("tone") or "")
        if fact["type"] in NO_VALENCE_TYPES:
            return None
        return fact.get("goldstein")

    def is_rupture(self, fact: Mapping[str, Any]) -> bool:
        return fact["type"] in self.rupture_types or (
            fact["type"] == "RelationsCharacterized" and fact.get("tone") == "hostile"
        )

    def score(self, weighted: list[tuple[float, float]]) -> float:
        """Shrunk weighted mean of (weight, value) pairs."""
        total = sum(w for w, _ in weighted)
        return sum(w * v for w, v in weighted) / (total + self.prior_weight) if weighted else 0.0

    def tone(self, score: float, ruptured: bool) -> str:
        # Read from the score as shown (3 decimals): two folds of the same facts that sum in another
        # order land a hair apart, and a score of exactly 0.3 must not be neutral in one of them.
        score = round(score, 3)
        if score >= self.close_from:
            return "close"
        if score >= self.cooperative_from:
            return "cooperative"
        if score > -self.strained_below:
            return "neutral"
        return "hostile" if ruptured else "strained"

    def describe(self) -> dict[str, Any]:
        """The parameters, for ``--explain`` output."""
        return {
            "ages_from": "the dyad's latest fact on or before as_of",
            "half_life_days": self.half_life_days,
            "prior_weight": self.prior_weight,
            "cooperative_from": self.cooperative_from,
            "close_from": self.close_from,
            "strained_below": -self.strained_below,
            "active_days": self.active_days,
            "characterized": dict(self.characterized),
            "rupture_types": sorted(self.rupture_types),
        }


DEFAULT_RULE = ToneRule()
