"""Relationship status: tone rule, decay, corroboration, explain and history."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest

from timeline import projections
from timeline.domain.events import Event, Party
from timeline.projections.relations import explain, fold, history, run, status
from timeline.projections.tone import ToneRule

_ids = itertools.count(1)
PAIR = ("NOR", "SWE")


def ev(
    kind,
    on,
    actor="NOR",
    target="SWE",
    *,
    actor_name=None,
    target_name=None,
    modality="reported",
    payload=None,
):
    n = next(_ids)
    return Event(
        event_id=f"r{n}",
        stream_id="s",
        stream_version=n,
        type=kind,
        occurred_on=date.fromisoformat(on),
        modality=modality,
        actor=Party(actor, actor_name),
        target=Party(target, target_name),
        payload=payload or {},
        position=n,
    )


def tone_of(events, as_of):
    return status(fold(events), PAIR, date.fromisoformat(as_of)).tone


def test_a_state_visit_with_deals_and_warm_words_is_close():
    stream = [
        ev("VisitMade", "2024-04-01", actor_name="Ingrid Dahl"),
        ev("AgreementSigned", "2024-04-02"),
        ev("CooperationIntentExpressed", "2024-04-02", payload={"sectors": ["energy"]}),
        ev("CooperationIntentExpressed", "2024-04-02", "SWE", "NOR", payload={"sectors": ["shipping"]}),
        ev("RelationsCharacterized", "2024-04-02", "SWE", "NOR", payload={"tone": "close"}),
        ev("AidProvided", "2024-04-03", "SWE", "NOR"),
    ]
    result = status(fold(stream), PAIR, date(2024, 4, 5))
    assert result.tone == "close"
    assert result.reciprocal is True
    assert result.sectors == ("energy", "shipping")
    assert result.last_event_on == date(2024, 4, 3)


def test_one_visit_is_cooperative_and_an_exchange_of_pleasantries_with_a_refusal_is_neutral():
    assert tone_of([ev("VisitMade", "2024-04-01")], "2024-04-02") == "cooperative"
    mixed = [
        ev("InvitationExtended", "2024-04-01"),
        ev("InvitationDeclined", "2024-04-01", "SWE", "NOR"),
        ev("CriticismVoiced", "2024-04-01", "SWE", "NOR"),
        ev("CooperationIntentExpressed", "2024-04-01", "SWE", "NOR"),
    ]
    assert tone_of(mixed, "2024-04-02") == "neutral"


def test_sanctions_strain_but_only_a_rupture_is_hostile():
    dispute = [ev("SanctionsImposed", "2024-06-01"), ev("CriticismVoiced", "2024-06-01", "SWE", "NOR")]
    assert tone_of(dispute, "2024-06-02") == "strained"
    rupture = [ev("DiplomatExpelled", "2024-06-01"), ev("CriticismVoiced", "2024-06-01", "SWE", "NOR")]
    assert tone_of(rupture, "2024-06-02") == "hostile"


def test_old_quarrels_keep_their_tone_through_silence():
    # This test used to assert the drift to neutral (strained in 2020, neutral by 2023): the tone
    # was shrunk by a prior dated on the day asked. Tone is now what the latest facts made it.
    stream = [ev("CriticismVoiced", "2020-01-10")]
    assert tone_of(stream, "2020-01-11") == "strained"
    assert tone_of(stream, "2023-01-11") == "strained"


def test_a_hostile_pair_stays_hostile_years_later_and_shows_its_silence():
    stream = [
        ev("MeetingHeld", "2013-06-01"),
        ev("DiplomatExpelled", "2014-03-01"),
        ev("RelationsDowngraded", "2014-03-02", "SWE", "NOR"),
    ]
    state = fold(stream)
    right_after = status(state, PAIR, date(2014, 3, 3))
    years_later = status(state, PAIR, date(2024, 3, 2))
    assert right_after.tone == years_later.tone == "hostile"
    assert years_later.score == right_after.score < 0
    assert years_later.last_event_on == date(2014, 3, 2)
    assert (right_after.quiet_days, right_after.quiet) == (1, False)
    assert (years_later.quiet_days, years_later.quiet) == (3653, True)
    assert years_later.to_json()["quiet_days"] == 3653 and years_later.to_json()["quiet"] is True


def test_the_newest_facts_weigh_most_counted_back_from_the_latest_fact():
    stream = [
        ev("SanctionsImposed", "2020-01-01"),
        ev("CriticismVoiced", "2023-07-05", "SWE", "NOR"),
        ev("AgreementSigned", "2024-01-01"),
    ]
    why = explain(fold(stream), PAIR, date(2030, 1, 1))  # six quiet years after the agreement
    weights = [f.weight for f in why.facts]
    assert weights[2] == 1.0  # the latest fact, however long ago it was
    assert weights[1] == pytest.approx(0.5, abs=0.002)  # 180 days before it: one half-life
    assert weights[0] < 0.01 and weights[0] < weights[1] < weights[2]
    assert why.status.tone == "cooperative"  # the agreement outweighs the older quarrels
    assert why.status.quiet_days == 2192


def test_a_rupture_is_hostile_only_within_the_active_period_before_the_latest_fact():
    broken = [ev("DiplomatExpelled", "2022-01-01"), ev("CriticismVoiced", "2022-10-01", "SWE", "NOR")]
    healed = [ev("DiplomatExpelled", "2021-01-01"), ev("CriticismVoiced", "2022-10-01", "SWE", "NOR")]
    for as_of in ("2022-10-02", "2027-10-02"):  # whatever the day asked
        assert tone_of(broken, as_of) == "hostile"  # 273 days before the latest fact
        assert tone_of(healed, as_of) == "strained"  # 638 days before it: outside the 360


def test_recent_events_outweigh_old_ones():
    stream = [ev("DiplomatExpelled", "2019-03-01"), ev("RelationsDowngraded", "2019-03-02")]
    stream += [ev("AgreementSigned", "2024-03-01"), ev("MeetingHeld", "2024-03-05")]
    assert tone_of(stream, "2019-03-05") == "hostile"
    assert tone_of(stream, "2024-03-06") in {"cooperative", "close"}


def test_ten_reports_of_one_signing_weigh_as_one():
    once = [ev("AgreementSigned", "2024-02-01"), ev("CriticismVoiced", "2024-02-01", "SWE", "NOR")]
    echoed = once + [ev("AgreementSigned", "2024-02-02") for _ in range(9)]
    one, many = status(fold(once), PAIR, date(2024, 2, 5)), status(fold(echoed), PAIR, date(2024, 2, 5))
    assert one.score == many.score
    assert many.fact_count == 2 and many.report_count == 11


def test_planned_events_do_not_move_the_tone():
    base = [ev("MeetingHeld", "2024-02-01")]
    planned = [*base, ev("SanctionsImposed", "2024-02-02", modality="planned")]
    assert (
        status(fold(planned), PAIR, date(2024, 2, 3)).score
        == status(fold(base), PAIR, date(2024, 2, 3)).score
    )


def test_explain_lists_each_fact_with_a_weight_and_the_shares_add_up():
    stream = [
        ev("MeetingHeld", "2023-01-01"),
        ev("CriticismVoiced", "2023-09-01"),
        ev("StatementRecorded", "2023-09-02"),
        ev("CooperationIntentExpressed", "2024-01-01"),
    ]
    why = explain(fold(stream), PAIR, date(2024, 1, 1))
    assert [f.type for f in why.facts] == [e.type for e in stream]
    assert why.facts[0].weight < why.facts[1].weight < why.facts[3].weight == 1.0
    assert why.facts[2].value is None and why.facts[2].contribution == 0
    assert sum(f.contribution for f in why.facts) == pytest.approx(why.status.score, abs=1e-3)
    assert json.loads(json.dumps(why.to_json()))["rule"]["half_life_days"] == 180.0


def test_status_ignores_facts_after_the_day_asked():
    stream = [ev("MeetingHeld", "2024-01-01"), ev("DiplomatExpelled", "2024-03-01")]
    state = fold(stream)
    assert status(state, PAIR, date(2024, 2, 1)).tone == "cooperative"
    assert status(state, PAIR, date(2024, 3, 1)).tone == "hostile"
    assert status(state, PAIR, date(2023, 12, 31)) is None


def test_counts_by_family_and_the_json_shape():
    stream = [
        ev("MeetingHeld", "2024-01-01"),
        ev("CriticismVoiced", "2024-01-10"),
        ev("AgreementSigned", "2024-01-20"),
        ev("CondolencesExpressed", "2024-01-25"),
    ]
    [row] = run(stream, date(2024, 2, 1))
    data = row.to_json()
    assert data["dyad"] == ["NOR", "SWE"]
    assert data["counts"] == {"cooperation": 1, "conflict": 1, "contact": 1, "statements": 1}
    assert (data["fact_count"], data["report_count"], data["quiet_days"], data["quiet"]) == (4, 4, 7, False)
    assert set(data) >= {"dyad", "tone", "score", "sectors", "last_event_on", "quiet_days", "reciprocal"}


def test_one_sided_intent_is_not_reciprocal():
    stream = [ev("CooperationIntentExpressed", "2024-01-01")]
    assert status(fold(stream), PAIR, date(2024, 1, 2)).reciprocal is False


def test_events_without_two_countries_are_left_out():
    stream = [
        ev("StatementRecorded", "2024-01-01", actor=None),
        ev("MeetingHeld", "2024-01-01", "NOR", "NOR"),
    ]
    assert run(stream, date(2024, 1, 2)) == []


def test_history_marks_each_change_of_tone():
    stream = [
        ev("MeetingHeld", "2024-01-01"),
        ev("MeetingHeld", "2024-01-02", modality="planned"),
        ev("DiplomatExpelled", "2024-02-01"),
        ev("RelationsDowngraded", "2024-02-01", "SWE", "NOR"),
        ev("DiplomatExpelled", "2024-02-02"),
        ev("VisitMade", "2024-01-20", actor="DNK"),  # another dyad
    ]
    steps = history(stream, ("SWE", "NOR"))
    assert [s.tone for s in steps] == ["cooperative", "cooperative", "hostile", "hostile", "hostile"]
    assert [s.tone_changed for s in steps] == [True, False, True, False, False]
    assert steps[1].fact_id is None
    assert steps[4].corroborates and steps[4].fact_id == steps[2].fact_id


def test_the_rule_is_a_parameter():
    stream = [ev("MeetingHeld", "2024-01-01")]
    strict = ToneRule(cooperative_from=2.0)
    assert status(fold(stream), PAIR, date(2024, 1, 1), strict).tone == "neutral"


def test_public_api_defaults_to_the_latest_fact_date():
    day = date(2024, 5, 1)
    stream = [ev("MeetingHeld", (day + timedelta(days=i)).isoformat()) for i in (0, 10, 20)]
    [row] = projections.relations_from(list(reversed(stream)))
    assert row.as_of == date(2024, 5, 21)
    why = projections.explain(stream, ["SWE", "NOR"])
    assert why.status == row
    assert len(projections.history(stream, PAIR)) == 3


def test_a_score_a_hair_under_a_threshold_reads_as_the_score_shown() -> None:
    # Summed in another order, the same facts give 0.29999999999999993 or 0.30000000000000004.
    rule = ToneRule()
    assert rule.tone(0.3 - 1e-12, False) == rule.tone(0.3 + 1e-12, False) == "cooperative"
