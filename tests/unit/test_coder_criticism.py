"""Criticism told as a description or in reported words."""

from __future__ import annotations

from tests.unit.coding import code


def _criticism(text: str) -> set[tuple[str | None, str | None]]:
    return {
        (e.actor.country, e.target.country) for e in code(text, "2024-03-06") if e.type == "CriticismVoiced"
    }


def test_described_as_a_reckless_act_wherever_as_hangs() -> None:
    text = (
        "Iceland resumed whaling on Monday. Norway's foreign ministry described the decision as a "
        "reckless act."
    )
    assert _criticism(text) == {("NOR", "ISL")}


def test_the_speaker_criticises_one_said_to_have_failed() -> None:
    text = "Brazil's foreign minister said on Tuesday that Argentina had failed to honour the trade accord."
    assert _criticism(text) == {("BRA", "ARG")}


def test_a_failure_told_by_no_one_criticises_no_one() -> None:
    assert _criticism("Argentina failed to honour the trade accord on Tuesday.") == set()


def test_what_the_speaker_calls_a_threat_is_criticised() -> None:
    text = (
        "Serbia's army moved troops to the border on Monday. Kosovo's prime minister said on Tuesday "
        "that the deployment was a threat to peace."
    )
    assert _criticism(text) == {("XKX", "SRB")}


def test_the_reason_for_thanks_is_no_new_event() -> None:
    text = (
        "Jordan's king met Egypt's foreign minister on Monday. The king thanked Egypt for its steady "
        "support and for standing by Jordan during the crisis."
    )
    kinds = {e.type for e in code(text, "2024-03-06")}
    assert "SolidarityExpressed" not in kinds
    assert "MeetingHeld" in kinds


def test_a_nominal_event_as_subject_is_told_by_the_noun() -> None:
    events = code("Jordan's condemnation of Israel's decision came on Monday.", "2024-03-06")
    assert {(e.type, e.actor.country, e.target.country) for e in events if e.type != "StatementRecorded"} == {
        ("CriticismVoiced", "JOR", "ISR")
    }


def test_criticism_drawn_from_a_country_is_that_country_s() -> None:
    text = "The Chilean president's visit to Bolivia on Monday drew sharp criticism from Peru."
    events = code(text, "2024-06-18")
    found = {(e.actor.country, e.target.country) for e in events if e.type == "CriticismVoiced"}
    assert found == {("PER", "CHL")}


def test_calling_a_visit_a_disappointment_is_criticism() -> None:
    text = (
        "The Chilean president visited Bolivia on Monday. "
        "Peru's president called the visit a huge disappointment."
    )
    events = code(text, "2024-06-18")
    found = {(e.actor.country, e.target.country) for e in events if e.type == "CriticismVoiced"}
    assert ("PER", "CHL") in found
