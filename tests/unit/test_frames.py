"""Trigger frames (frames.py): which word names which event, on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.extract.frames import FrameBook
from timeline.extract.pipeline import Extractor

EX = Extractor.default()
BOOK = EX.frames


def word(text: str, target: str):
    """The first token of the parsed sentence whose text is target."""
    return next(t for t in EX.parser(text) if t.text == target)


def types(book: FrameBook, text: str, target: str) -> list[str]:
    return [f.type for f in book.matches(word(text, target))]


# --- lemma and part of speech -----------------------------------------------------------------


def test_verb_trigger_matched_on_its_lemma() -> None:
    assert types(BOOK, "Chile visited Norway.", "visited") == ["VisitMade"]


def test_noun_trigger_uses_noun_frames() -> None:
    found = BOOK.matches(word("Colombia paid a visit to Ecuador.", "visit"))
    assert found and all(f.pos == "NOUN" and f.type == "VisitMade" for f in found)


def test_plain_verb_without_frame_is_no_trigger() -> None:
    assert BOOK.match(word("Kenya sent a letter to Uganda.", "sent")) is None


def test_phrasal_verb_matched_with_its_particle() -> None:
    found = BOOK.matches(word("Egypt called off the visit to Jordan.", "called"))
    visit = [f for f in found if f.type == "VisitMade"]
    assert visit and "call off" in visit[0].lemmas and visit[0].modality == "negated"


# --- conditions -------------------------------------------------------------------------------


def test_object_condition_met() -> None:
    assert types(BOOK, "Spain signed a treaty.", "signed") == ["AgreementSigned"]


def test_object_condition_not_met() -> None:
    assert BOOK.match(word("Spain signed a letter.", "signed")) is None


def test_has_condition_met() -> None:
    assert types(BOOK, "Kenya spoke to Uganda by phone.", "spoke") == ["PhoneCallHeld"]


def test_has_condition_not_met() -> None:
    assert BOOK.match(word("Kenya spoke to Uganda.", "spoke")) is None


def test_unless_word_blocks_frame() -> None:
    assert BOOK.match(word("The general came to power in Ghana.", "came")) is None


def test_without_unless_word_frame_fits() -> None:
    assert types(BOOK, "Ghana's president came to Togo.", "came") == ["VisitMade"]


def test_governor_condition_selects_frame() -> None:
    assert types(BOOK, "Fiji accepted the invitation.", "invitation")[0] == "InvitationAccepted"


def test_not_governor_blocks_frame() -> None:
    assert BOOK.match(word("Chile cancelled the talks.", "talks")) is None


def test_without_not_governor_noun_frame_fits() -> None:
    assert types(BOOK, "Chile held talks with Peru.", "talks") == ["MeetingHeld"]


def test_complement_condition_met() -> None:
    assert types(BOOK, "Iran urged Iraq to attend the conference.", "urged") == ["InvitationExtended"]


def test_complement_condition_not_met() -> None:
    assert BOOK.match(word("Iran urged Iraq to release the prisoners.", "urged")) is None


# --- matches(): every fitting frame, in order ------------------------------------------------


def test_call_on_fits_meeting_first() -> None:
    # A bare "called X" (a phone call) fits too, last: coding tries the meeting first, and 'on' finds X.
    found = types(BOOK, "Austria's foreign minister called on the Kenyan president.", "called")
    assert found == ["MeetingHeld", "PhoneCallHeld"]


def test_call_decision_unacceptable_fits_criticism_too() -> None:
    found = types(BOOK, "Brazil called Argentina's decision unacceptable.", "called")
    assert found == ["MeetingHeld", "CriticismVoiced", "PhoneCallHeld"]  # the first that codes wins


def test_match_is_first_of_matches() -> None:
    token = word("Brazil called Argentina's decision unacceptable.", "called")
    assert BOOK.match(token) == BOOK.matches(token)[0]


def test_triggers_lists_trigger_words_in_reading_order() -> None:
    doc = EX.parser("Chile held talks with Peru.")
    assert [(t.text, [f.type for f in fs]) for t, fs in BOOK.triggers(doc)] == [
        ("held", ["MeetingHeld"]),
        ("talks", ["MeetingHeld"]),
    ]


# --- user frames ------------------------------------------------------------------------------


def _user_book(tmp_path: Path, frames: list[dict]) -> FrameBook:
    path = tmp_path / "frames.json"
    path.write_text(json.dumps({"frames": frames}), "utf-8")
    return FrameBook.load(extra=[path])


def test_user_frame_adds_a_trigger(tmp_path: Path) -> None:
    book = _user_book(tmp_path, [{"type": "CondolencesExpressed", "lemma": ["bow"], "object": ["head"]}])
    sentence = "The Thai delegation bowed its head in memory of the victims."
    assert BOOK.match(word(sentence, "bowed")) is None
    assert types(book, sentence, "bowed") == ["CondolencesExpressed"]


def test_user_frames_are_tried_before_shipped_frames(tmp_path: Path) -> None:
    book = _user_book(tmp_path, [{"type": "CondolencesExpressed", "lemma": ["bow"], "object": ["head"]}])
    assert book.frames[0].type == "CondolencesExpressed"
    assert book.frames[0].lemmas == frozenset({"bow"})
    assert book.frames[1:] == BOOK.frames


def test_user_frame_on_shipped_lemma_wins(tmp_path: Path) -> None:
    book = _user_book(tmp_path, [{"type": "MeetingHeld", "lemma": ["visit"]}])
    found = types(book, "Chile visited Norway.", "visited")
    assert found == ["MeetingHeld", "VisitMade"]
    assert book.match(word("Chile visited Norway.", "visited")).type == "MeetingHeld"


def test_frame_with_unknown_type_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        _user_book(tmp_path, [{"type": "TeaParty", "lemma": ["sip"]}])


def test_a_tone_phrase_beats_its_last_word() -> None:
    # "closer" alone is cooperative; "had never been closer" is the closest a pair can say.
    doc = EX.parser("She said relations between the two had never been closer.")
    relations = next(t for t in doc if t.lower_ == "relations")
    assert BOOK.tone_of(relations) == "close"


def test_a_tone_word_in_a_clause_said_of_the_pair_counts() -> None:
    doc = EX.parser("He said ties between the neighbours had never been better.")
    ties = next(t for t in doc if t.lower_ == "ties")
    assert BOOK.tone_of(ties) == "close"


def test_a_new_chapter_in_relations_is_a_cooperative_description() -> None:
    doc = EX.parser("She said the visit opened a new chapter in bilateral relations.")
    relations = next(t for t in doc if t.lower_ == "relations")
    assert BOOK.tone_of(relations) == "cooperative"
