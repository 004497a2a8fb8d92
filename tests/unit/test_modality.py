"""Did it happen? Modality (modality.py) on sentences written for these tests."""

from __future__ import annotations

from timeline.extract.modality import is_inner, modality_of
from timeline.extract.pipeline import Extractor

EX = Extractor.default()
BOOK = EX.frames


def word(text: str, target: str):
    """The first token of the parsed sentence whose text is target."""
    return next(t for t in EX.parser(text) if t.text == target)


def mood(text: str, target: str) -> str:
    return modality_of(word(text, target), BOOK)


# --- reported ---------------------------------------------------------------------------------


def test_plain_past_is_reported() -> None:
    assert mood("Chile visited Norway.", "visited") == "reported"


def test_reporting_verb_stops_the_walk() -> None:
    assert mood("Peru will say that Chile visited Norway.", "visited") == "reported"


def test_a_journey_in_the_progressive_told_by_a_spokesman_is_planned() -> None:
    assert mood("The palace said the Omani sultan was coming to Jordan.", "coming") == "planned"


def test_a_journey_in_the_progressive_told_by_the_writer_is_reported() -> None:
    assert mood("The Omani sultan was coming back from Jordan when the storm hit.", "coming") == "reported"


# --- negated ----------------------------------------------------------------------------------


def test_did_not_sign_is_negated() -> None:
    assert mood("Peru did not sign the treaty.", "sign") == "negated"


def test_never_visited_is_negated() -> None:
    assert mood("Japan's premier never visited Korea.", "visited") == "negated"


def test_called_off_visit_is_negated() -> None:
    assert mood("Egypt called off the visit to Jordan.", "visit") == "negated"


def test_visit_called_off_in_passive_is_negated() -> None:
    assert mood("The visit was called off.", "visit") == "negated"


def test_refused_to_sign_is_negated() -> None:
    assert mood("Russia refused to sign the accord.", "sign") == "negated"


def test_failed_to_sign_is_negated() -> None:
    assert mood("Peru failed to sign the accord.", "sign") == "negated"


def test_summit_collapsed_is_negated() -> None:
    assert mood("The summit collapsed.", "summit") == "negated"


# --- planned ----------------------------------------------------------------------------------


def test_will_visit_is_planned() -> None:
    assert mood("Morocco will visit Spain.", "visit") == "planned"


def test_may_visit_is_planned() -> None:
    assert mood("Kenya may visit Uganda.", "visit") == "planned"


def test_reported_future_is_planned() -> None:
    assert mood("Turkey said it will visit Greece.", "visit") == "planned"


def test_plans_to_visit_is_planned() -> None:
    assert mood("Poland plans to visit Latvia.", "visit") == "planned"


def test_reported_plan_is_planned() -> None:
    assert mood("Ghana said it plans to visit Togo.", "visit") == "planned"


def test_expected_to_host_is_planned() -> None:
    assert mood("Qatar is expected to host talks with Oman.", "host") == "planned"


def test_agreed_to_cooperate_is_planned() -> None:
    assert mood("Finland agreed to cooperate with Estonia.", "cooperate") == "planned"


def test_planned_summit_is_planned() -> None:
    assert mood("Ghana and Togo discussed a planned summit.", "summit") == "planned"


# --- forced and own governors -----------------------------------------------------------------


def test_forced_modality_wins() -> None:
    assert modality_of(word("Chile visited Norway.", "visited"), BOOK, forced="negated") == "negated"


def test_own_governor_gives_no_mood() -> None:
    noun = word("Fiji declined the invitation.", "invitation")
    assert modality_of(noun, BOOK) == "negated"
    assert modality_of(noun, BOOK, own_governors=frozenset({"decline"})) == "reported"


# --- is_inner() -------------------------------------------------------------------------------


def test_invited_to_visit_is_inner() -> None:
    assert is_inner(word("Norway invited Chile to visit Oslo.", "visit"), BOOK)


def test_invited_to_talks_is_inner() -> None:
    assert is_inner(word("Norway invited Chile to talks on Monday.", "talks"), BOOK)


def test_urged_to_attend_is_inner() -> None:
    assert is_inner(word("Iran urged Iraq to attend the conference.", "attend"), BOOK)


def test_inviting_verb_itself_is_not_inner() -> None:
    assert not is_inner(word("Norway invited Chile to visit Oslo.", "invited"), BOOK)


def test_agreed_clause_is_not_inner() -> None:
    assert not is_inner(word("Finland agreed to cooperate with Estonia.", "cooperate"), BOOK)


def test_main_verb_is_not_inner() -> None:
    assert not is_inner(word("Chile visited Norway.", "visited"), BOOK)


def test_a_visit_someone_was_due_to_make_is_planned_though_the_parser_hangs_it_on_was() -> None:
    assert mood("Albanese was due later on Friday to visit a copper mine near Lusaka.", "visit") == "planned"
