"""Meetings and visits told in clauses the main verb does not carry."""

from __future__ import annotations

from tests.unit.coding import code

_ARRIVED = "Chile's foreign minister arrived in Lima on Monday. "


def _pairs(text: str, kind: str) -> set[tuple[str | None, str | None]]:
    return {(e.actor.country, e.target.country) for e in code(text, "2024-05-21") if e.type == kind}


def test_the_one_received_is_the_subject_of_the_main_clause() -> None:
    text = _ARRIVED + "After being received by Peru's president, she told reporters the talks went well."
    assert ("PER", "CHL") in _pairs(text, "MeetingHeld")


def test_who_became_the_first_to_call_on_someone_called_on_them() -> None:
    text = (
        "Chile's foreign minister, who on Monday became the first envoy to call on Peru's new "
        "president, left."
    )
    assert _pairs(text, "MeetingHeld") == {("CHL", "PER")}


def test_being_in_another_countrys_capital_is_a_visit() -> None:
    text = "Chile's foreign minister was in the Peruvian capital on Monday for annual talks."
    assert _pairs(text, "VisitMade") == {("CHL", "PER")}


def test_being_in_ones_own_capital_is_no_visit() -> None:
    assert _pairs("Chile's foreign minister was in the Chilean capital on Monday.", "VisitMade") == set()


def test_a_span_of_days_dates_the_visit_by_its_first_day() -> None:
    events = code(
        "Ghana's president took office in January. His first trip abroad, from March 3 to 5, took "
        "him to Togo.",
        "2024-05-21",
    )
    visits = {
        (e.actor.country, e.target.country, e.occurred_on.isoformat())
        for e in events
        if e.type == "VisitMade"
    }
    assert visits == {("GHA", "TGO", "2024-03-03")}


def test_a_delegation_named_by_its_country_is_someone_received() -> None:
    text = "Peru's president received a Chilean delegation in Lima on Monday."
    assert _pairs(text, "MeetingHeld") == {("PER", "CHL")}


def test_guests_in_the_audience_visit_the_story_place_on_its_day() -> None:
    events = code(
        "ACCRA: Ghana's new president was sworn in on Sunday. Togo's president and Benin's president "
        "were in the audience.",
        "2024-05-21",
    )
    visits = {
        (e.actor.country, e.target.country, e.occurred_on.isoformat())
        for e in events
        if e.type == "VisitMade"
    }
    assert visits == {("TGO", "GHA", "2024-05-19"), ("BEN", "GHA", "2024-05-19")}


def test_during_that_call_takes_the_day_of_the_call_told_before() -> None:
    events = code(
        "Norway's king telephoned Chile's president on March 3 and invited him to visit Oslo. The "
        "president accepted the invitation during that call, officials said on Tuesday.",
        "2024-05-21",
    )
    accepted = [e.occurred_on.isoformat() for e in events if e.type == "InvitationAccepted"]
    assert accepted == ["2024-03-03"]


def test_offices_named_by_kind_name_their_holders() -> None:
    events = code(
        "The Iraqi premier held talks with the Somali head of state in Baghdad on Monday.", "2024-05-22"
    )
    names = {(e.actor.name, e.target.name) for e in events if e.type == "MeetingHeld"}
    assert names == {("Mohammed Shia al-Sudani", "Hassan Sheikh Mohamud")}


def test_a_counterpart_holds_the_same_office_in_the_other_country() -> None:
    events = code("Algeria's top diplomat met his Tunisian counterpart in Tunis on Monday.", "2024-05-22")
    (meeting,) = [e for e in events if e.type == "MeetingHeld"]
    assert (meeting.actor.name, meeting.target.country, meeting.target.role) == (
        "Ahmed Attaf",
        "TUN",
        "Foreign Minister",
    )
    assert meeting.target.name is not None
