"""Corroboration: reports of one happening become one fact."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest

from timeline import projections
from timeline.domain.events import Event, Party
from timeline.projections.facts import dates_match, fold, run

_ids = itertools.count(1)


def ev(
    kind,
    on,
    actor=("FRA", None),
    target=("DEU", None),
    *,
    modality="reported",
    payload=None,
    precision="day",
    published=None,
):
    n = next(_ids)
    data = dict(payload or {})
    if published:
        data["published"] = published
    return Event(
        event_id=f"e{n}",
        stream_id="s",
        stream_version=n,
        type=kind,
        occurred_on=date.fromisoformat(on),
        date_precision=precision,
        modality=modality,
        actor=Party(*actor),
        target=Party(*target),
        payload=data,
        position=n,
    )


def test_two_articles_reporting_one_meeting_make_one_fact():
    first = ev(
        "MeetingHeld", "2024-02-10", ("FRA", "Claire Dumas"), ("DEU", "Jonas Vogel"), published="2024-02-11"
    )
    second = ev("MeetingHeld", "2024-02-11", ("DEU", "Vogel"), ("FRA", None), published="2024-02-12")
    [fact] = run([first, second])
    assert fact.source_count == 2
    assert fact.sources == (first.event_id, second.event_id)
    assert fact.occurred_on == date(2024, 2, 10)
    assert fact.first_reported == "2024-02-11"
    assert fact.fact_id == first.event_id


def test_meetings_with_different_people_stay_apart():
    a = ev("MeetingHeld", "2024-02-10", ("FRA", "Claire Dumas"), ("DEU", "Jonas Vogel"))
    b = ev("MeetingHeld", "2024-02-10", ("FRA", "Paul Girard"), ("DEU", "Jonas Vogel"))
    assert len(run([a, b])) == 2


def test_reports_far_apart_are_different_happenings():
    a = ev("MeetingHeld", "2024-02-10")
    b = ev("MeetingHeld", "2024-02-20")
    assert len(run([a, b])) == 2


@pytest.mark.parametrize("meeting_first", [False, True])
def test_a_visit_and_its_hosting_count_once(meeting_first):
    visit = ev("VisitMade", "2024-05-02", ("BRA", "Rita Lopes"), ("ARG", None))
    hosting = ev("MeetingHeld", "2024-05-03", ("ARG", "Hugo Paz"), ("BRA", "Rita Lopes"))
    stream = [hosting, visit] if meeting_first else [visit, hosting]
    [fact] = run(stream)
    assert fact.type == "VisitMade"
    assert set(fact.sources) == {visit.event_id, hosting.event_id}


def test_a_meeting_with_someone_else_than_the_visitor_is_its_own_fact():
    visit = ev("VisitMade", "2024-05-02", ("BRA", "Rita Lopes"), ("ARG", None))
    other = ev("MeetingHeld", "2024-05-03", ("ARG", "Hugo Paz"), ("BRA", "Tomas Reis"))
    assert sorted(f.type for f in run([visit, other])) == ["MeetingHeld", "VisitMade"]


def test_planned_and_negated_reports_are_not_facts():
    planned = ev("VisitMade", "2024-05-02", modality="planned")
    negated = ev("AgreementSigned", "2024-05-02", modality="negated")
    assert run([planned, negated]) == []


def test_the_more_precise_date_wins():
    vague = ev("VisitMade", "2024-03-01", ("FRA", "Claire Dumas"), precision="month")
    exact = ev("VisitMade", "2024-03-18", ("FRA", "Claire Dumas"))
    [fact] = run([vague, exact])
    assert (fact.occurred_on, fact.date_precision) == (date(2024, 3, 18), "day")


def test_directed_statements_by_each_side_stay_apart_but_one_signing_is_one_fact():
    mine = ev("CooperationIntentExpressed", "2024-01-05", ("FRA", None), ("DEU", None))
    yours = ev("CooperationIntentExpressed", "2024-01-05", ("DEU", None), ("FRA", None))
    signed = ev("AgreementSigned", "2024-01-05", ("FRA", None), ("DEU", None))
    countersigned = ev("AgreementSigned", "2024-01-05", ("DEU", None), ("FRA", None))
    found = run([mine, yours, signed, countersigned])
    assert sorted(f.type for f in found) == [
        "AgreementSigned",
        "CooperationIntentExpressed",
        "CooperationIntentExpressed",
    ]


def test_sectors_are_united_across_reports():
    a = ev("CooperationIntentExpressed", "2024-01-05", payload={"sectors": ["energy"]})
    b = ev("CooperationIntentExpressed", "2024-01-06", payload={"sectors": ["trade", "energy"]})
    [fact] = run([a, b])
    assert fact.sectors == ("energy", "trade")


def test_characterizations_of_different_tone_are_different_facts():
    warm = ev("RelationsCharacterized", "2024-01-05", payload={"tone": "close"})
    cold = ev("RelationsCharacterized", "2024-01-05", payload={"tone": "strained"})
    assert len(run([warm, cold])) == 2


def test_dates_match_by_the_coarser_precision():
    d = date.fromisoformat
    assert dates_match(d("2024-03-10"), "day", d("2024-03-13"), "day")
    assert not dates_match(d("2024-03-10"), "day", d("2024-03-14"), "day")
    assert dates_match(d("2024-03-01"), "month", d("2024-03-30"), "day")
    assert not dates_match(d("2024-03-01"), "month", d("2024-04-01"), "day")
    assert dates_match(d("2024-03-04"), "week", d("2024-03-09"), "day")
    assert not dates_match(d("2024-03-04"), "week", d("2024-03-11"), "week")
    assert dates_match(d("2024-01-01"), "year", d("2024-12-31"), "day")


def test_state_is_plain_json_and_folding_can_resume_from_it():
    stream = [
        ev("MeetingHeld", "2024-02-10", ("FRA", "Claire Dumas"), ("DEU", "Jonas Vogel")),
        ev("VisitMade", "2024-02-11", ("DEU", "Jonas Vogel"), ("FRA", None)),
        ev("CriticismVoiced", "2024-02-15", ("DEU", None), ("FRA", None)),
        ev("MeetingHeld", "2024-02-16", ("FRA", "Claire Dumas"), ("DEU", None)),
    ]
    whole = fold(stream)
    resumed = fold(stream[2:], json.loads(json.dumps(fold(stream[:2]))))
    assert resumed == whole


def test_public_api_orders_events_itself_and_serialises():
    later = ev("MeetingHeld", "2024-02-12")
    earlier = ev("MeetingHeld", "2024-02-10")
    [fact] = run([earlier, later])
    [same] = projections.facts_from([later, earlier])
    assert same.occurred_on == fact.occurred_on == date(2024, 2, 10)
    data = same.to_json()
    assert data["source_count"] == 2 and data["dyad"] == ["DEU", "FRA"]
