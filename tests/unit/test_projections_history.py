"""`history A B` reads the dyad once: the same steps as the quadratic reference, in linear work."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from timeline.domain.events import Event, Party
from timeline.projections.facts import fold_one
from timeline.projections.facts import initial_state as initial_facts
from timeline.projections.ordering import in_valid_order
from timeline.projections.relations import Step, history, status
from timeline.projections.tone import DEFAULT_RULE, ToneRule

PAIR = ("FIN", "EST")
KINDS = (
    "MeetingHeld", "MeetingHeld", "VisitMade", "PhoneCallHeld", "AgreementSigned", "CriticismVoiced",
    "CooperationIntentExpressed", "RelationsCharacterized", "StatementRecorded", "DiplomatExpelled",
    "SanctionsImposed", "AidProvided", "ThreatIssued",
)  # fmt: skip
PEOPLE = {"FIN": ("Aino Virta", "Virta", "Mikko Salo", None), "EST": ("Kadri Tamm", "Tamm", None)}


def reference_history(events, dyad, rule=DEFAULT_RULE):
    """The algorithm before this change, kept as the oracle: status() over every fact after each event."""
    pair = tuple(sorted(dyad))
    state = initial_facts()
    steps = []
    previous = None
    for event in in_valid_order(e for e in events if e.dyad == pair):
        fact = fold_one(state, event)
        now = status(state, pair, event.occurred_on, rule)
        tone = now.tone if now else None
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
                score=now.score if now else None,
                tone=tone,
                previous_tone=previous,
            )
        )
        previous = tone if tone is not None else previous
    return steps


def random_stream(seed: int, n: int) -> list[Event]:
    """Reports in bursts over years: repeats of one happening, visits with their meetings, lulls."""
    rng = random.Random(seed)
    day = date(2018, 3, 1)
    events = []
    for i in range(n):
        day += timedelta(days=rng.choice((0, 0, 0, 1, 2, 5, 30, 200)))
        kind = rng.choice(KINDS)
        a, b = PAIR if rng.random() < 0.6 else PAIR[::-1]
        if rng.random() < 0.05:
            b = "LVA"  # another dyad, left out
        payload = {"tone": rng.choice(("hostile", "strained", "neutral", "cooperative", "close", None))}
        if kind != "RelationsCharacterized":
            payload = (
                {"sectors": [rng.choice(("energy", "ferries", "digital"))]} if rng.random() < 0.3 else {}
            )
        events.append(
            Event(
                event_id=f"h{seed}-{i}",
                stream_id=f"article-{seed}-{i // 4}",
                stream_version=i % 4 + 1,
                type=kind,
                occurred_on=day - timedelta(days=rng.randint(0, 3)),  # a few read out of order
                date_precision=rng.choice(("day",) * 8 + ("week", "month")),
                modality=rng.choice(("reported",) * 8 + ("planned", "negated")),
                actor=Party(a, rng.choice(PEOPLE.get(a, (None,)))),
                target=Party(b, rng.choice(PEOPLE.get(b, (None,)))),
                payload=payload,
                position=i + 1,
            )
        )
    rng.shuffle(events)
    return events


RULES = {
    "default": DEFAULT_RULE,
    "short memory": ToneRule(half_life_days=20.0, active_days=40, prior_weight=0.5),
    "meetings break ties": ToneRule(rupture_types=frozenset({"MeetingHeld", "DiplomatExpelled"})),
    "no prior": ToneRule(prior_weight=0.0),
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_history_is_the_reference_step_for_step(seed, rule):
    events = random_stream(seed, 300)
    expected = [s.to_json() for s in reference_history(events, PAIR, rule)]
    got = [s.to_json() for s in history(events, PAIR, rule)]
    assert len(got) > 250
    assert any(s["tone_changed"] for s in got[1:])
    assert got == expected


def test_history_keeps_the_reference_where_a_visit_takes_in_its_meetings():
    day = date(2021, 9, 6)
    meetings = [
        Event(
            f"m{i}",
            "s",
            i,
            "MeetingHeld",
            day,
            actor=Party("FIN", "Aino Virta"),
            target=Party("EST"),
            position=i,
        )
        for i in range(1, 4)
    ]
    visit = Event("v", "s", 9, "VisitMade", day, actor=Party("FIN", "Virta"), target=Party("EST"), position=9)
    events = [*meetings, visit]
    steps = history(events, PAIR)
    assert [s.to_json() for s in steps] == [s.to_json() for s in reference_history(events, PAIR)]
    assert steps[-1].fact_id == "v"


class CountingRule(ToneRule):
    """The stock rule, counting how many times a fact's value is read."""

    def value(self, fact):
        self.calls.append(1)
        return super().value(fact)


def test_history_reads_each_fact_a_bounded_number_of_times():
    rule = CountingRule()
    object.__setattr__(rule, "calls", [])
    events = random_stream(11, 400)
    steps = history(events, PAIR, rule)
    # The reference reads every fact again after each event: about n * n / 2 reads.
    assert len(rule.calls) <= 4 * len(steps)
