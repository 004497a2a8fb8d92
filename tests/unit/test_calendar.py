"""The accepted span of valid time, and arithmetic that holds at the ends of the calendar."""

from __future__ import annotations

from datetime import date

import pytest

from timeline.clock import TimeValueError, parse_day
from timeline.domain.calendar import EARLIEST, LATEST, DateOutOfRange, check_in_range, shift
from timeline.domain.events import Event, Party
from timeline.projections.facts import fold
from timeline.projections.ordering import in_valid_order


def test_the_span_is_inclusive_at_both_ends():
    assert check_in_range(EARLIEST, "published") == EARLIEST
    assert check_in_range(LATEST, "published") == LATEST
    refused = r"^published 1799-12-31 is outside .* \(1800-01-01 to 2199-12-31\)$"
    with pytest.raises(DateOutOfRange, match=refused):
        check_in_range(date(1799, 12, 31), "published")


def test_date_options_are_held_to_the_span():
    assert parse_day("2199-12-31") == LATEST
    with pytest.raises(TimeValueError, match="outside"):
        parse_day("9999-12-31")


def test_shift_stops_at_the_ends_of_the_calendar():
    assert shift(date(2024, 2, 28), 2) == date(2024, 3, 1)
    assert shift(date.min, -7) == date.min
    assert shift(date.max, 30) == date.max


def test_facts_fold_at_the_ends_of_the_calendar():
    """A store written before the span was enforced may hold such dates: folding must not overflow."""
    pair = {"actor": Party("NOR"), "target": Party("SWE")}
    events = [
        Event("a", "s", 1, "MeetingHeld", date.min, "week", position=1, **pair),
        Event("b", "s", 2, "MeetingHeld", date.max, "week", position=2, **pair),
        Event("c", "s", 3, "MeetingHeld", date.max, position=3, **pair),
    ]
    state = fold(in_valid_order(events))
    assert len(state["groups"]["NOR|SWE"]["facts"]) == 2
