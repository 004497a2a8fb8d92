"""A relationship described in someone's words is the speaker's view of it, towards the other side."""

from __future__ import annotations

from tests.unit.coding import code


def _characterised(text: str, published: str = "2025-05-18") -> set[tuple[str | None, str | None, str]]:
    return {
        (e.actor.country, e.target.country, e.payload.get("tone", ""))
        for e in code(text, published)
        if e.type == "RelationsCharacterized"
    }


def test_a_pair_named_in_the_words_is_the_speakers_view() -> None:
    text = (
        "Ghana's foreign minister travelled to Lome on Monday. After meeting officials there she said "
        "the Ghana-Togo partnership kept getting stronger."
    )
    assert _characterised(text) == {("GHA", "TGO", "cooperative")}


def test_progress_in_relations_carries_its_tone() -> None:
    text = (
        "Chile's foreign minister visited Lima on Tuesday and spoke of steady progress in relations "
        "between Chile and Peru."
    )
    assert _characterised(text) == {("CHL", "PER", "cooperative")}


def test_a_participle_speaks_for_its_clauses_subject() -> None:
    text = (
        "Kenya's president received Uganda's foreign minister on Friday. Uganda's minister thanked "
        "him, saying relations between the two countries were moving in a good direction."
    )
    assert ("UGA", "KEN", "cooperative") in _characterised(text)


def test_a_visit_noun_under_a_planned_trip_is_not_a_visit_made() -> None:
    events = code("Norway's prime minister will travel to Poland next month on an official visit.")
    visits = {(e.actor.country, e.target.country, e.modality) for e in events if e.type == "VisitMade"}
    assert visits == {("NOR", "POL", "planned")}


def test_countries_said_to_be_brothers_are_described_as_close_partners() -> None:
    text = "Uganda's president said on Monday that Uganda and Rwanda were brothers."
    assert ("UGA", "RWA", "cooperative") in _characterised(text, "2024-06-18")


def test_a_partner_named_inside_another_phrase_is_no_description() -> None:
    text = "The absence of the leader of Uganda's largest trading partner was a blow to the summit."
    assert _characterised(text, "2024-06-18") == set()


def test_a_call_for_closer_ties_is_a_wish_to_cooperate_not_a_description() -> None:
    text = (
        "Uganda's president met Rwanda's president in Kampala on Monday. "
        "He called for closer ties between the two neighbours."
    )
    kinds = {e.type for e in code(text, "2024-06-18") if e.type != "MeetingHeld"}
    assert kinds == {"CooperationIntentExpressed"}


def test_a_trading_partner_in_the_writer_s_words_is_no_description() -> None:
    text = "Uganda is Rwanda's largest trading partner, with trade worth a billion dollars last year."
    assert _characterised(text, "2024-06-18") == set()
