"""A list of parties stands for each member, however the parser hangs it."""

from __future__ import annotations

from tests.unit.coding import code

_DEATH = "Nigeria's former president died in Abuja on Thursday. "


def _pairs(text: str, kind: str) -> set[tuple[str | None, str | None]]:
    return {(e.actor.country, e.target.country) for e in code(text, "2025-05-18") if e.type == kind}


def test_the_leaders_of_several_countries_each_act() -> None:
    text = _DEATH + "The leaders of Ghana, Togo and Benin sent condolences to Nigeria on Friday."
    assert _pairs(text, "CondolencesExpressed") == {("GHA", "NGA"), ("TGO", "NGA"), ("BEN", "NGA")}


def test_possessive_titles_in_a_row_are_a_list() -> None:
    text = (
        _DEATH
        + "Ghana's president, Togo's president and Benin's foreign minister sent condolences to Nigeria."
    )
    assert _pairs(text, "CondolencesExpressed") == {("GHA", "NGA"), ("TGO", "NGA"), ("BEN", "NGA")}


def test_an_apposition_naming_the_same_person_is_not_a_list() -> None:
    text = "Ghana's president, John Mahama, sent condolences to Nigeria on Friday."
    assert _pairs(text, "CondolencesExpressed") == {("GHA", "NGA")}


def test_one_of_the_leaders_who_did_it_did_it() -> None:
    text = (
        _DEATH
        + "Benin's president was one of the leaders who sent messages of sympathy to Nigeria on Friday."
    )
    assert _pairs(text, "CondolencesExpressed") == {("BEN", "NGA")}


def test_invited_leaders_of_a_list_are_each_invited() -> None:
    text = "Nigeria's president on Friday invited the leaders of Ghana, Togo and Benin to his inauguration."
    assert _pairs(text, "InvitationExtended") == {("NGA", "GHA"), ("NGA", "TGO"), ("NGA", "BEN")}
