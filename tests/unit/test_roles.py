"""Dependency paths and control (roles.py), on sentences written for these tests."""

from __future__ import annotations

from timeline.extract.pipeline import Extractor
from timeline.extract.roles import controller, follow, is_passive, with_conjuncts

EX = Extractor.default()


def word(text: str, target: str):
    """The first token of the parsed sentence whose text is target."""
    return next(t for t in EX.parser(text) if t.text == target)


def texts(tokens) -> list[str]:
    return [t.text for t in tokens]


# --- follow(): single steps -------------------------------------------------------------------


def test_nsubj_of_active_verb() -> None:
    assert texts(follow(word("Chile visited Norway.", "visited"), "nsubj")) == ["Chile"]


def test_dobj_of_active_verb() -> None:
    assert texts(follow(word("Chile visited Norway.", "visited"), "dobj")) == ["Norway"]


def test_preposition_step_takes_any_listed_word() -> None:
    assert texts(follow(word("Peru talked with Chile.", "talked"), "prep:to|with")) == ["Chile"]


def test_preposition_step_ignores_unlisted_words() -> None:
    assert follow(word("Peru talked with Chile.", "talked"), "prep:to|for") == []


def test_agent_step_reads_by_phrase() -> None:
    verb = word("The accord was signed by Ghana.", "signed")
    assert texts(follow(verb, "agent")) == ["Ghana"]


def test_caret_from_verb_object_noun_reaches_governing_verb() -> None:
    assert texts(follow(word("Chile held talks with Peru.", "talks"), "^")) == ["held"]


def test_caret_from_root_leads_nowhere() -> None:
    assert follow(word("Chile visited Norway.", "visited"), "^") == []


def test_missing_dependent_leads_nowhere() -> None:
    assert follow(word("Peru talked with Chile.", "talked"), "dobj") == []


# --- follow(): multi-step paths ----------------------------------------------------------------


def test_path_through_governing_verb_to_its_subject() -> None:
    noun = word("Colombia paid a visit to Ecuador.", "visit")
    assert texts(follow(noun, "^>nsubj")) == ["Colombia"]


def test_path_through_object_to_its_preposition() -> None:
    verb = word("Chile held talks with Peru.", "held")
    assert texts(follow(verb, "dobj>prep:with")) == ["Peru"]


def test_path_stops_when_a_step_finds_nothing() -> None:
    verb = word("Chile visited Norway.", "visited")
    assert follow(verb, "dobj>prep:with") == []


# --- passive voice ----------------------------------------------------------------------------


def test_is_passive() -> None:
    assert is_passive(word("The accord was signed by Ghana.", "signed"))
    assert not is_passive(word("Ghana signed the accord.", "signed"))


def test_passive_nsubj_reads_the_by_phrase() -> None:
    verb = word("Chile was visited by the Peruvian president.", "visited")
    assert texts(follow(verb, "nsubj")) == ["president"]


def test_passive_dobj_reads_the_passive_subject() -> None:
    verb = word("Chile was visited by the Peruvian president.", "visited")
    assert texts(follow(verb, "dobj")) == ["Chile"]


def test_passive_conjunct_dobj_is_the_shared_subject() -> None:
    verb = word("The minister arrived on Monday and was welcomed by Chile.", "welcomed")
    assert texts(follow(verb, "dobj")) == ["minister"]
    assert texts(follow(verb, "nsubj")) == ["Chile"]


# --- lists ------------------------------------------------------------------------------------


def test_with_conjuncts_expands_a_list() -> None:
    first = word("Estonia expelled envoys from Belarus, Russia and Iran.", "Belarus")
    assert texts(with_conjuncts([first])) == ["Belarus", "Russia", "Iran"]


# --- controller() -----------------------------------------------------------------------------


def test_controller_of_infinitive_is_subject_of_agreeing_verb() -> None:
    verb = word("Finland agreed to cooperate with Estonia.", "cooperate")
    assert controller(verb).text == "Finland"


def test_controller_of_declined_clause() -> None:
    verb = word("Bolivia declined to attend the summit.", "attend")
    assert controller(verb).text == "Bolivia"


def test_controller_of_conjoined_verb_is_first_verbs_subject() -> None:
    verb = word("Ecuador met Colombia and discussed trade.", "discussed")
    assert controller(verb).text == "Ecuador"


def test_controller_of_invited_clause_is_the_invitee() -> None:
    verb = word("Norway invited Chile to visit Oslo.", "visit")
    assert controller(verb).text == "Chile"


def test_controller_of_urged_clause_is_the_object() -> None:
    verb = word("Iran urged Iraq to attend the conference.", "attend")
    assert controller(verb).text == "Iraq"


def test_controller_through_by_phrase() -> None:
    verb = word("Kenya responded by recalling its envoy.", "recalling")
    assert controller(verb).text == "Kenya"


def test_passive_clause_under_reporting_verb_has_no_controller() -> None:
    verb = word("Peru said Chile had been invited.", "invited")
    assert controller(verb) is None


def test_root_has_no_controller() -> None:
    assert controller(word("Chile visited Norway.", "visited")) is None
