"""The tone of one dyad over time: the `relations` rule evaluated at each event's date and between.

A pure fold: the dyad's events are folded in valid-time order and the status is read as of each
sample day, after every event dated on or before it, which is exactly what `timeline relations
--as-of DAY` would answer for that day. The tone is weighed from the latest fact, so it changes
only on event days: the line is flat through a silence (a quiet pair keeps its tone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from timeline.domain.calendar import shift
from timeline.domain.events import Event
from timeline.projections.facts import fold_one
from timeline.projections.ordering import in_valid_order
from timeline.projections.relations import dyad_key, initial_state, status
from timeline.projections.running_tone import RunningTone, supports
from timeline.projections.tone import DEFAULT_RULE, ToneRule

#: About this many evenly spaced samples between the first event and the end, besides event days,
#: so that the line has a point wherever the eye follows it (it is flat between event days).
SAMPLES = 150


@dataclass(frozen=True, slots=True)
class TonePoint:
    day: date
    score: float
    tone: str
    event_day: bool  # an event of the dyad is dated this day


def sample_days(event_days: Iterable[date], start: date, end: date, samples: int = SAMPLES) -> list[date]:
    """Every event day in [start, end], a regular grid over it, and ``end`` itself, in order."""
    days = {d for d in event_days if start <= d <= end}
    step = max(1, (end - start).days // max(samples, 1))
    day = start
    while day < end:
        days.add(day)
        day = shift(day, step)
    days.add(end)
    return sorted(days)


def tone_series(
    events: Iterable[Event],
    dyad: tuple[str, str],
    end: date,
    rule: ToneRule = DEFAULT_RULE,
    every_event_day: bool = True,
) -> list[TonePoint]:
    """The dyad's score and tone from its first fact to ``end`` (empty when it has no fact).

    ``every_event_day`` False samples the regular grid only: a busy pair has thousands of event
    days, which no line drawn a thousand pixels wide can show apart."""
    pair = tuple(sorted(dyad))
    ordered = [e for e in in_valid_order(events) if e.dyad == pair and e.occurred_on <= end]
    if not ordered:
        return []
    event_days = {e.occurred_on for e in ordered}
    state = initial_state()
    points: list[TonePoint] = []
    index = 0
    # The score kept fact by fact (as `history` does); status() only where the running sums say a
    # last-bit difference could show, so a busy pair is read once rather than once per sample day.
    running = RunningTone(rule) if supports(rule) else None
    for day in sample_days(event_days if every_event_day else (), ordered[0].occurred_on, end):
        while index < len(ordered) and ordered[index].occurred_on <= day:
            fact = fold_one(state, ordered[index])
            if running is not None:
                group = state["groups"].get(dyad_key(pair))
                running.observe(group["facts"] if group else [], fact)
            index += 1
        reading = running.reading() if running is not None else None
        if reading is not None:
            points.append(TonePoint(day, reading[0], reading[1], day in event_days))
            continue
        now = status(state, pair, day, rule)
        if now is not None:
            points.append(TonePoint(day, now.score, now.tone, day in event_days))
    return points
