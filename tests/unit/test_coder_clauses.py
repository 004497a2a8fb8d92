"""What a relative or adverbial clause tells stays in that clause: its date, its verb, its pronoun."""

from __future__ import annotations

from datetime import date

from tests.unit.coding import code


def _of(text: str, kind: str, published: str = "2024-09-13") -> list[tuple[str | None, str | None, date]]:
    events = code(text, published)
    return [(e.actor.country, e.target.country, e.occurred_on) for e in events if e.type == kind]


def test_a_date_in_a_clause_about_the_speaker_does_not_date_what_he_says() -> None:
    # Friday 13 September: "Tuesday" is the 10th, the talks and the remarks the 11th.
    text = (
        "Thai Prime Minister Srettha Thavisin held talks with Laotian Prime Minister Sonexay Siphandone "
        "in Vientiane on Wednesday. Srettha, who landed on Tuesday for a three-day visit, told "
        "reporters that Thailand wanted closer cooperation with Laos in energy."
    )
    assert _of(text, "CooperationIntentExpressed") == [("THA", "LAO", date(2024, 9, 11))]


def test_a_date_in_the_clause_that_holds_the_trigger_still_dates_it() -> None:
    text = (
        "The proposal was taken to Vientiane by Thai Foreign Minister Maris Sangiampongsa, who on "
        "September 4 became the first envoy to call on the Laotian Prime Minister."
    )
    assert ("THA", "LAO", date(2024, 9, 4)) in _of(text, "MeetingHeld")


def test_which_in_a_clause_on_an_invitation_stands_for_it() -> None:
    text = (
        "Thai Prime Minister Srettha Thavisin invited Laotian Prime Minister Sonexay Siphandone to "
        "visit Bangkok on Monday, an invitation which the Laotian leader accepted at once."
    )
    assert [(a, t) for a, t, _ in _of(text, "InvitationAccepted")] == [("LAO", "THA")]


def test_a_clause_that_ends_something_else_does_not_stop_an_arrival() -> None:
    # "came to an end" is no journey, but "arrived ... after X ended a tour" still is one.
    text = (
        "Thai Foreign Minister Maris Sangiampongsa arrived in Laos on Thursday, days after the "
        "Chinese foreign minister ended a tour of the region."
    )
    assert ("THA", "LAO", date(2024, 9, 12)) in _of(text, "VisitMade")


_WELCOME = (
    "Thai Prime Minister Srettha Thavisin welcomed Laotian Prime Minister Sonexay Siphandone to "
    "Bangkok on Thursday. "
)


def test_a_clause_on_a_noun_inside_the_trigger_s_phrase_neither_places_nor_dates_it() -> None:
    # Published Friday 13 September: the support is pledged on Thursday the 12th, to Laos, not
    # to where or when the accord was concluded.
    text = _WELCOME + (
        "Srettha pledged Thailand's continued support for the accord, which was concluded in "
        "Beijing on September 2."
    )
    assert _of(text, "SolidarityExpressed") == [("THA", "LAO", date(2024, 9, 12))]


def test_an_attack_s_clause_still_says_whom_it_struck() -> None:
    text = (
        "Investigators said agents had been involved in the 2019 explosion at a depot near the "
        "border, which killed two Laotian workers."
    )
    assert [t for _, t, _ in _of(text, "AttackOccurred")] == ["LAO"]


def test_support_offered_is_no_aid() -> None:
    text = _WELCOME + "Srettha offered Laos all forms of support."
    assert _of(text, "AidProvided") == []


def test_a_decision_to_act_is_its_owner_s() -> None:
    text = "Thailand condemned Laos's decision to expel its ambassador, calling it unjustified."
    assert [(a, t) for a, t, _ in _of(text, "DiplomatExpelled")] == [("LAO", "THA")]


def test_a_trip_dated_after_the_article_is_planned_whatever_its_tense() -> None:
    # Friday 13 September: "next week" begins on the 16th.
    events = code("Thai Prime Minister Srettha Thavisin travels to Laos next week for talks.", "2024-09-13")
    visits = [(e.target.country, e.occurred_on, e.modality) for e in events if e.type == "VisitMade"]
    assert visits == [("LAO", date(2024, 9, 16), "planned")]
