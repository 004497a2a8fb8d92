"""A title that names no office ("counterpart", a bare "spokesperson") is a person's role only when
nothing better is known: not when the sentence, the article or the lexicon gives a real one.
Sentences written for these tests."""

from __future__ import annotations

from datetime import date

from timeline.domain.events import Party
from timeline.extract.actors import ActorFinder, ArticleContext, stronger_role
from timeline.extract.pipeline import Extractor

EX = Extractor.default()
PUBLISHED = date(2024, 6, 3)


def people(*sentences: str) -> list[Party]:
    """The people the finder names in each sentence, in order, with one article's context."""
    finder = ActorFinder(EX.lexicon, ArticleContext(published=PUBLISHED))
    found: list[Party] = []
    for sentence in sentences:
        found += [m.party for m in finder.mentions(sentence) if m.kind == "person"]
    return found


def test_stronger_role() -> None:
    assert stronger_role("Counterpart", "Foreign Minister") == "Foreign Minister"
    assert stronger_role("Foreign Minister", "Counterpart") == "Foreign Minister"
    assert stronger_role("Spokesperson", "Foreign Ministry Spokesperson") == "Foreign Ministry Spokesperson"
    assert stronger_role("Counterpart", None) == "Counterpart"  # nothing better: it stays
    assert stronger_role(None, "Counterpart") == "Counterpart"


def test_a_counterpart_the_lexicon_knows_keeps_the_office() -> None:
    found = people("Wang Yi received his Pakistani counterpart Ishaq Dar at the guesthouse on Monday.")
    dar = next(p for p in found if p.name == "Ishaq Dar")
    assert (dar.country, dar.role) == ("PAK", "Foreign Minister")


def test_the_office_after_counterpart_is_the_role_and_not_part_of_the_name() -> None:
    found = people(
        "Turkey's top diplomat sat down with his Hungarian counterpart, Foreign Minister Ferenc Molnar, "
        "on Friday."
    )
    molnar = next(p for p in found if p.name and "Molnar" in p.name)
    assert molnar == Party("HUN", "Ferenc Molnar", "Foreign Minister")


def test_an_unknown_counterpart_stays_a_counterpart_until_the_article_says_more() -> None:
    found = people(
        "The minister spoke by phone with her Chilean counterpart Rosa Quispe.",
        "Deputy Foreign Minister Rosa Quispe later said the call went well.",
    )
    assert [p.role for p in found if p.name == "Rosa Quispe"] == ["Counterpart", "Deputy Foreign Minister"]


def test_a_real_role_is_not_undone_by_a_later_placeholder() -> None:
    found = people(
        "Foreign Ministry spokesperson Lin Baoyu told reporters the visit was postponed.",
        "Spokesperson Lin Baoyu added that no new date was set.",
    )
    assert {p.role for p in found if p.name == "Lin Baoyu"} == {"Foreign Ministry Spokesperson"}
