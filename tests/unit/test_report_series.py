"""The report's tone line reads the dyad once, and gives what `relations --as-of DAY` gives each day."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.test_projections_history import PAIR, random_stream
from timeline.projections.ordering import in_valid_order
from timeline.projections.relations import apply, initial_state, status
from timeline.report.series import TonePoint, sample_days, tone_series


def reference_series(events, dyad, end):
    """status() over every fact as of each sample day: the quadratic oracle."""
    pair = tuple(sorted(dyad))
    ordered = [e for e in in_valid_order(events) if e.dyad == pair and e.occurred_on <= end]
    days = {e.occurred_on for e in ordered}
    state, points, index = initial_state(), [], 0
    for day in sample_days(days, ordered[0].occurred_on, end):
        while index < len(ordered) and ordered[index].occurred_on <= day:
            apply(state, ordered[index])
            index += 1
        now = status(state, pair, day)
        if now is not None:
            points.append(TonePoint(day, now.score, now.tone, day in days))
    return points


@pytest.mark.parametrize("seed", range(6))
def test_the_tone_line_equals_status_on_every_sample_day(seed: int) -> None:
    events = random_stream(seed, 400)
    end = max(e.occurred_on for e in events)
    assert tone_series(events, PAIR, end) == reference_series(events, PAIR, end)


def test_a_day_before_the_last_event_cuts_the_line_there() -> None:
    events = random_stream(7, 200)
    end = date(2019, 6, 1)
    assert tone_series(events, PAIR, end) == reference_series(events, PAIR, end)
