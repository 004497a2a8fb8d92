"""Relationship status per dyad: a fold of the dyad's facts, read as of a date with the tone rule.

The state is the corroboration state (:mod:`timeline.projections.facts`) restricted to
events between two known, different countries, one partition per dyad. The status is
computed on read, as of the day asked, so one state answers every ``--as-of`` at or after
the last event it folded (facts dated after ``as_of`` are left out). The tone is weighed from
the dyad's latest fact by then, so it keeps through a silence; the silence itself is shown
beside it (``quiet_days``). See :mod:`timeline.projections.tone` for the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from timeline.domain.events import Event, Party
from timeline.domain.vocabulary import types_with
from timeline.projections.facts import apply as fold_fact
from timeline.projections.facts import fold_one, is_fact_report
from timeline.projections.facts import initial_state as initial_facts
from timeline.projections.ordering import in_valid_order
from timeline.projections.projection import Projection
from timeline.projections.running_tone import RunningTone, supports
from timeline.projections.tone import DEFAULT_RULE, ToneRule

State = dict[str, Any]
Dyad = tuple[str, str]
FAMILIES = ("cooperation", "conflict", "contact", "statements")
#: Facts that show one side's wish to cooperate (an agreement shows both sides'), from the vocabulary.
INTENT_TYPES = types_with("intent")
MUTUAL_TYPES = types_with("mutual_intent")


def initial_state() -> State:
    return initial_facts()


def dyad_key(dyad: Iterable[str]) -> str:
    a, b = sorted(dyad)
    return f"{a}|{b}"


def partition_of(event: Event) -> str | None:
    """The partition an event is folded into (its dyad), or None when it concerns no dyad or is no fact."""
    return dyad_key(event.dyad) if event.dyad and is_fact_report(event) else None


def apply(state: State, event: Event) -> State:
    """Fold one event (in valid-time order); events without a dyad are ignored."""
    if event.dyad is None:
        return state
    return fold_fact(state, event)


#: Not persisted on its own: its partitions are the facts partitions of two known, different countries.
RELATIONS = Projection("relations", "groups", initial_state, apply, partition_of)
fold = RELATIONS.fold


@dataclass(frozen=True, slots=True)
class RelationStatus:
    dyad: Dyad
    tone: str
    score: float
    sectors: tuple[str, ...]
    last_event_on: date | None
    quiet_days: int  # days from the latest fact to as_of: a quiet pair keeps its tone and shows its silence
    quiet: bool  # no fact within the rule's active period before as_of
    fact_count: int  # facts: reports of one happening count once
    report_count: int  # reports: every source event of those facts
    counts: Mapping[str, int]
    reciprocal: bool
    as_of: date

    def to_json(self) -> dict[str, Any]:
        return {
            "dyad": list(self.dyad),
            "tone": self.tone,
            "score": self.score,
            "sectors": list(self.sectors),
            "last_event_on": self.last_event_on.isoformat() if self.last_event_on else None,
            "quiet_days": self.quiet_days,
            "quiet": self.quiet,
            "fact_count": self.fact_count,
            "report_count": self.report_count,
            "counts": dict(self.counts),
            "reciprocal": self.reciprocal,
            "as_of": self.as_of.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Weighed:
    """One fact behind a status, with what it counted for."""

    fact_id: str
    type: str
    occurred_on: date
    actor: Party
    target: Party
    tone: str | None
    value: float | None
    weight: float
    contribution: float
    rupture: bool
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "fact_id": self.fact_id,
            "type": self.type,
            "occurred_on": self.occurred_on.isoformat(),
            "actor": self.actor.to_dict(),
            "target": self.target.to_dict(),
            "tone": self.tone,
            "value": self.value,
            "weight": round(self.weight, 4),
            "contribution": round(self.contribution, 4),
            "rupture": self.rupture,
            "sources": list(self.sources),
            "source_count": len(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    status: RelationStatus
    facts: tuple[Weighed, ...]
    rule: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**self.status.to_json(), "rule": dict(self.rule), "facts": [f.to_json() for f in self.facts]}


def _dyad_facts(state: Mapping[str, Any], dyad: Iterable[str], as_of: date) -> list[dict[str, Any]]:
    group = state["groups"].get(dyad_key(dyad))
    if not group:
        return []
    cut = as_of.isoformat()
    return sorted((f for f in group["facts"] if f["occurred_on"] <= cut), key=lambda f: f["occurred_on"])


def _weigh(rows: list[dict[str, Any]], latest: date, rule: ToneRule) -> tuple[float, list[Weighed]]:
    pairs: list[tuple[float, float]] = []
    rows_weights = []
    for row in rows:
        weight = rule.weight(date.fromisoformat(row["occurred_on"]), latest)
        value = rule.value(row)
        rows_weights.append((row, weight, value))
        if value is not None:
            pairs.append((weight, value))
    score = rule.score(pairs)
    denominator = sum(w for w, _ in pairs) + rule.prior_weight
    weighed = [
        Weighed(
            fact_id=row["fact_id"],
            type=row["type"],
            occurred_on=date.fromisoformat(row["occurred_on"]),
            actor=Party.from_dict(row["actor"]),
            target=Party.from_dict(row["target"]),
            tone=row["tone"],
            value=value,
            weight=weight,
            contribution=(weight * value / denominator) if value is not None else 0.0,
            rupture=rule.is_rupture(row),
            sources=tuple(row["sources"]),
        )
        for row, weight, value in rows_weights
    ]
    return score, weighed


def _status(
    dyad: Dyad, rows: list[dict[str, Any]], as_of: date, rule: ToneRule
) -> tuple[RelationStatus, list[Weighed]]:
    # Ages count from the latest fact by as_of (rows are in date order), not from as_of itself.
    latest = date.fromisoformat(rows[-1]["occurred_on"])
    score, weighed = _weigh(rows, latest, rule)
    active = [r for r in rows if (latest - date.fromisoformat(r["occurred_on"])).days <= rule.active_days]
    ruptured = any(rule.is_rupture(r) for r in active)
    counts = dict.fromkeys(FAMILIES, 0)
    for row in rows:
        counts[row["family"]] = counts.get(row["family"], 0) + 1
    willing = {r["actor"]["country"] for r in active if r["type"] in INTENT_TYPES}
    if any(r["type"] in MUTUAL_TYPES for r in active):
        willing |= set(dyad)
    status = RelationStatus(
        dyad=dyad,
        tone=rule.tone(score, ruptured),
        score=round(score, 3),
        sectors=tuple(sorted({s for r in active for s in r["sectors"]})),
        last_event_on=latest,
        quiet_days=(as_of - latest).days,
        quiet=rule.is_quiet((as_of - latest).days),
        fact_count=len(rows),
        report_count=sum(len(r["sources"]) for r in rows),
        counts=counts,
        reciprocal=set(dyad) <= willing,
        as_of=as_of,
    )
    return status, weighed


def _score_and_tone(rows: list[dict[str, Any]], rule: ToneRule) -> tuple[float | None, str | None]:
    """The score (as shown) and tone of ``_status``, the same sums in the same order, without the rest."""
    if not rows:
        return None, None
    latest = date.fromisoformat(rows[-1]["occurred_on"])
    pairs = []
    ruptured = False
    for row in rows:
        on = date.fromisoformat(row["occurred_on"])
        value = rule.value(row)
        if value is not None:
            pairs.append((rule.weight(on, latest), value))
        ruptured = ruptured or ((latest - on).days <= rule.active_days and rule.is_rupture(row))
    score = rule.score(pairs)
    return round(score, 3), rule.tone(score, ruptured)


def _sorted_dyad(dyad: Iterable[str]) -> Dyad:
    a, b = sorted(dyad)
    return (a, b)


def latest_date(state: Mapping[str, Any]) -> date | None:
    """The latest fact date in the state: the default "as of" for a read."""
    dates = [f["occurred_on"] for g in state["groups"].values() for f in g["facts"]]
    return date.fromisoformat(max(dates)) if dates else None


def status(
    state: Mapping[str, Any], dyad: Iterable[str], as_of: date, rule: ToneRule = DEFAULT_RULE
) -> RelationStatus | None:
    """The dyad's status as of ``as_of``, or None when no fact links the two countries by then."""
    pair = _sorted_dyad(dyad)
    rows = _dyad_facts(state, pair, as_of)
    return _status(pair, rows, as_of, rule)[0] if rows else None


def statuses(state: Mapping[str, Any], as_of: date, rule: ToneRule = DEFAULT_RULE) -> list[RelationStatus]:
    """Every dyad's status as of ``as_of``, in dyad order."""
    found = []
    for key in sorted(state["groups"]):
        one = status(state, key.split("|"), as_of, rule)
        if one is not None:
            found.append(one)
    return found


def explain(
    state: Mapping[str, Any], dyad: Iterable[str], as_of: date, rule: ToneRule = DEFAULT_RULE
) -> Explanation | None:
    """The status with every fact behind it, its value, weight and share of the score."""
    pair = _sorted_dyad(dyad)
    rows = _dyad_facts(state, pair, as_of)
    if not rows:
        return None
    result, weighed = _status(pair, rows, as_of, rule)
    return Explanation(result, tuple(weighed), rule.describe())


def run(
    events: Iterable[Event], as_of: date | None = None, rule: ToneRule = DEFAULT_RULE
) -> list[RelationStatus]:
    """Fold ``events`` and read every dyad as of ``as_of`` (default: the latest fact's date)."""
    state = fold(events)
    when = as_of or latest_date(state)
    return statuses(state, when, rule) if when else []


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a dyad's timeline and the status right after it."""

    event_id: str
    type: str
    modality: str
    occurred_on: date
    actor: Party
    target: Party
    fact_id: str | None
    corroborates: bool
    score: float | None
    tone: str | None
    previous_tone: str | None

    @property
    def tone_changed(self) -> bool:
        return self.tone != self.previous_tone

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "modality": self.modality,
            "occurred_on": self.occurred_on.isoformat(),
            "actor": self.actor.to_dict(),
            "target": self.target.to_dict(),
            "fact_id": self.fact_id,
            "corroborates": self.corroborates,
            "score": self.score,
            "tone": self.tone,
            "previous_tone": self.previous_tone,
            "tone_changed": self.tone_changed,
        }


def history(events: Iterable[Event], dyad: Iterable[str], rule: ToneRule = DEFAULT_RULE) -> list[Step]:
    """The dyad's events in valid-time order, each with the tone as of its date and whether it changed."""
    pair = _sorted_dyad(dyad)
    state = initial_state()
    steps: list[Step] = []
    previous: str | None = None
    # One pass: the score is kept fact by fact; status() only where a last-bit difference could show.
    running = RunningTone(rule) if supports(rule) else None
    for event in in_valid_order(e for e in events if e.dyad == pair):
        fact = fold_one(state, event)
        reading = None
        if running is not None:
            group = state["groups"].get(dyad_key(pair))
            running.observe(group["facts"] if group else [], fact)
            reading = running.reading()
        if reading is not None:
            score, tone = reading
        else:
            score, tone = _score_and_tone(_dyad_facts(state, pair, event.occurred_on), rule)
        steps.append(
            Step(
                event_id=event.event_id,
                type=event.type,
                modality=event.modality,
                occurred_on=event.occurred_on,
                actor=event.actor,
                target=event.target,
                fact_id=fact["fact_id"] if fact else None,
                corroborates=bool(fact and fact["sources"][0] != event.event_id),
                score=score,
                tone=tone,
                previous_tone=previous,
            )
        )
        previous = tone if tone is not None else previous
    return steps
