"""People's names for readers: short names, folding, matching, the inferred mark and the lexicon's say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.domain.events import Party
from timeline.extract.lexicon import Lexicon
from timeline.names import (
    display_name,
    fold,
    inferred_sides,
    like_patterns,
    name_matches,
    short_name,
    with_inferred,
)
from timeline.output import party_label
from timeline.projections.selection import _matches
from timeline.query import PartyFilter


@pytest.mark.parametrize(
    ("name", "country", "shown"),
    [
        ("Xi Jinping", "CHN", "Xi"),
        ("Cho Tae-yul", "KOR", "Cho"),
        ("Park Min-seo", None, "Park"),  # a hyphenated Korean given name, country unknown
        ("Tsai Ing-wen", "TWN", "Tsai"),
        ("Ursula von der Leyen", None, "von der Leyen"),
        ("Charles de Gaulle", "FRA", "de Gaulle"),
        ("Faisal bin Farhan", "SAU", "Faisal"),
        ("Charles III", "GBR", "Charles III"),
        ("Martin Luther King Jr.", "USA", "King"),
        ("Jean-Noël Barrot", "FRA", "Barrot"),  # a hyphenated French first name is not Korean
        ("Ilse Varga", "HUN", "Varga"),
        ("Mononym", None, "Mononym"),
    ],
)
def test_short_name_follows_the_names_order(name: str, country: str | None, shown: str) -> None:
    assert short_name(name, country) == shown


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Luiz Inácio Lula da Silva", "Lula"),
        ("Lula da Silva", "Lula"),  # an alias finds the same entry
        ("Andrés Manuel López Obrador", "López Obrador"),  # the surname spelled as the name spells it
        ("Lopez Obrador", "López Obrador"),
        ("Salman bin Abdulaziz", "Salman"),
        ("Mohammed bin Salman", "Mohammed bin Salman"),  # the data's "display"
        ("Xi Jinping", "Xi"),
        ("Narendra Modi", "Modi"),  # no surnames in the data: read from the name
    ],
)
def test_display_name_takes_the_lexicons_short_form(name: str, shown: str) -> None:
    assert display_name(name) == shown


def test_a_user_lexicon_sets_display_names_and_aliases(tmp_path: Path) -> None:
    extra = tmp_path / "people.json"
    person = {"name": "Amara Okonkwo-Bell", "display": "Okonkwo-Bell", "aliases": ["Mara Bell"]}
    extra.write_text(json.dumps({"people": [{**person, "country": "NGA", "role": "Foreign Minister"}]}))
    lexicon = Lexicon.load([extra])
    assert lexicon.display_for("amara okonkwo-bell") == "Okonkwo-Bell"
    assert lexicon.names_for("Mara Bell") == ("Amara Okonkwo-Bell", "Mara Bell")
    assert lexicon.names_for("Okonkwo-Bell") == ("Amara Okonkwo-Bell", "Mara Bell")
    assert lexicon.names_for("Nobody Known") == ()


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("  Andrés  Manuel LÓPEZ ") == "andres manuel lopez"
    assert fold("Łukasz Øster") == "lukasz oster"
    assert fold("Ankara") == "ankara"


def test_name_matches_whole_words_or_a_full_name() -> None:
    assert name_matches("Narendra Modi", (), "modi")
    assert name_matches("Andrés Manuel López Obrador", (), "lopez obrador")
    assert not name_matches("Narendra Modi", (), "mod")
    assert not name_matches(None, ("x",), "x")
    assert name_matches("Salman bin Abdulaziz", ("salman bin abdulaziz",), "king salman")


def test_like_patterns_escape_wildcards() -> None:
    assert like_patterns("a_b%") == ("a\\_b\\% %", "% a\\_b\\%", "% a\\_b\\% %")


def test_facts_match_by_any_filter_as_the_store_does() -> None:
    sides = [Party("IND", "Narendra Modi", "Prime Minister")]
    assert _matches((PartyFilter(words="modi"), PartyFilter(country="CHN")), sides)
    assert _matches((PartyFilter(country="IND"),), sides)
    assert not _matches((PartyFilter(words="xi"),), sides)
    assert _matches("IND", sides) and _matches("narendra modi", sides)  # a bare code or full name


def test_the_inferred_mark() -> None:
    assert inferred_sides({"inferred_persons": ["target"]}) == {"target"}
    assert inferred_sides({"inferred_persons": "actor"}) == frozenset()  # not the extractor's shape
    assert inferred_sides(None) == frozenset()
    assert with_inferred({"country": "CAN", "name": None, "role": None}, True)["inferred"] is False
    guessed = with_inferred({"country": "CAN", "name": "Justin Trudeau", "role": None}, True)
    assert party_label(guessed) == "CAN (Trudeau?)"
    assert party_label({"country": "CHN", "name": "Xi Jinping"}) == "CHN (Xi)"
    assert party_label({"country": None, "name": "Cho Tae-yul"}) == "Cho"
