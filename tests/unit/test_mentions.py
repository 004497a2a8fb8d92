"""Who a noun phrase names (mentions.py), defined short forms (actors.py) and merged phrases
(phrases.py), on sentences written for these tests."""

from __future__ import annotations

from datetime import date

from tests.unit.coding import code
from timeline.extract.actors import ActorFinder, ArticleContext, defined_aliases
from timeline.extract.mentions import SentenceMentions
from timeline.extract.pipeline import Extractor

EX = Extractor.default()
PUBLISHED = date(2025, 5, 18)


def sentence_mentions(text: str):
    sentence = next(EX.parser(text).sents)
    found = ActorFinder(EX.lexicon, ArticleContext(published=PUBLISHED)).mentions(sentence.text)
    return sentence, SentenceMentions(sentence, found)


def named(text: str, head: str) -> str | None:
    """The country the noun phrase headed by the word head names."""
    sentence, mentions = sentence_mentions(text)
    mention = mentions.in_phrase(next(t for t in sentence if t.text == head))
    return mention.party.country if mention is not None else None


# --- defined short forms ----------------------------------------------------------------------


def test_alias_for_papua_new_guinea() -> None:
    text = "Papua New Guinea (PNG) and Fiji signed a pact."
    assert defined_aliases(text, EX.lexicon) == {"PNG": "PNG"}


def test_alias_for_democratic_republic_of_the_congo() -> None:
    text = "The Democratic Republic of the Congo (DRC) expelled a diplomat."
    assert defined_aliases(text, EX.lexicon) == {"DRC": "COD"}


def test_alias_after_a_list_names_the_country_before_the_bracket() -> None:
    text = "Kenya and the United Arab Emirates (UAE) signed a deal."
    assert defined_aliases(text, EX.lexicon) == {"UAE": "ARE"}


def test_bracket_after_a_non_country_defines_no_alias() -> None:
    assert defined_aliases("The World Health Organization (WHO) praised Chile.", EX.lexicon) == {}


def test_defined_alias_names_the_actor_of_a_later_sentence() -> None:
    events = code(
        "The Democratic Republic of the Congo (DRC) has strong ties with Angola. "
        "DRC recalled its ambassador from Rwanda on Monday."
    )
    recalled = [e for e in events if e.type == "RelationsDowngraded"]
    assert recalled and recalled[0].actor.country == "COD" and recalled[0].target.country == "RWA"


# --- which actor a noun phrase names ----------------------------------------------------------


def test_adjective_names_the_ambassadors_country() -> None:
    assert named("The Czech ambassador met Peru's foreign minister.", "ambassador") == "CZE"


def test_possessive_names_the_ministers_country() -> None:
    assert named("The Czech ambassador met Peru's foreign minister.", "minister") == "PER"


def test_possessive_names_the_envoys_country() -> None:
    assert named("Chad's envoy left Niamey.", "envoy") == "TCD"


def test_of_phrase_names_the_envoys_country() -> None:
    assert named("The envoy of Chad arrived.", "envoy") == "TCD"


def test_institution_belongs_to_the_place_it_sits_in() -> None:
    assert named("The foreign ministry in Prague summoned it.", "ministry") == "CZE"


def test_noun_without_a_country_names_no_one() -> None:
    assert named("Kenya sent a letter to Uganda.", "letter") is None


def test_titled_person_is_the_phrases_mention() -> None:
    sentence, mentions = sentence_mentions("Foreign Minister Ana Duarte of Portugal met the envoy.")
    mention = mentions.in_phrase(next(t for t in sentence if t.text == "Duarte"))
    assert mention is not None and mention.kind == "person"
    assert (mention.party.name, mention.party.country) == ("Ana Duarte", "PRT")


def test_unresolved_it_is_a_pronoun() -> None:
    sentence, mentions = sentence_mentions("The foreign ministry in Prague summoned it.")
    it = next(t for t in sentence if t.text == "it")
    assert mentions.is_pronoun(it) and mentions.at(it) is None


# --- merged phrases ---------------------------------------------------------------------------


def test_persona_non_grata_is_one_token() -> None:
    doc = EX.parser("Latvia declared the attache persona non grata.")
    assert "persona non grata" in [t.text for t in doc]
    assert len(doc) == 6


def test_phrase_merged_whatever_its_case() -> None:
    doc = EX.parser("Latvia declared the attache Persona Non Grata.")
    assert "Persona Non Grata" in [t.text for t in doc]


def test_charge_d_affaires_is_one_token() -> None:
    doc = EX.parser("Mali summoned the Swiss charge d'affaires.")
    assert "charge d'affaires" in [t.text for t in doc]


def test_pipe_merges_phrases_too() -> None:
    texts = ["Latvia declared the attache persona non grata.", "Mali summoned the Swiss charge d'affaires."]
    docs = list(EX.parser.pipe(texts))
    assert [[t.text for t in d] for d in docs] == [[t.text for t in EX.parser(x)] for x in texts]


def test_merged_phrase_lets_declare_expel() -> None:
    events = code("Latvia declared the Russian attache persona non grata on Monday.")
    expelled = [e for e in events if e.type == "DiplomatExpelled"]
    assert expelled and (expelled[0].actor.country, expelled[0].target.country) == ("LVA", "RUS")
    assert expelled[0].occurred_on == date(2025, 5, 12)


# --- names as the article spells them ---------------------------------------------------------


def _people(text: str, published: str = "2024-09-13") -> set[str | None]:
    return {p.name for e in code(text, published) for p in (e.actor, e.target) if p.name}


def test_a_country_s_possessive_before_a_three_word_name_is_not_part_of_it() -> None:
    text = "Vietnam's Pham Minh Chinh held talks with Thai Prime Minister Srettha Thavisin on Thursday."
    assert _people(text) == {"Pham Minh Chinh", "Srettha Thavisin"}


def test_a_text_without_accents_spells_the_lexicon_s_names_without_them() -> None:
    # The lexicon spells the Vietnamese prime minister with accents; the text names only his surname.
    text = "Prime Minister Chinh held talks with Thai Prime Minister Srettha Thavisin on Thursday."
    assert "Pham Minh Chinh" in _people(text)


def test_a_text_with_accents_keeps_the_lexicon_s_spelling() -> None:
    text = "Prime Minister Chinh, in Hà Nội, held talks with Thai Prime Minister Srettha Thavisin."
    assert "Phạm Minh Chính" in _people(text)


def test_a_known_name_that_begins_with_a_country_s_name_follows_its_title() -> None:
    text = "Foreign Minister Israel Katz met Chilean Foreign Minister Alberto van Klaveren on Monday."
    assert _people(text, "2024-05-29") == {"Israel Katz", "Alberto van Klaveren"}


def test_the_presidents_after_a_meeting_are_the_story_s_two_sides() -> None:
    text = (
        "Chilean President Gabriel Boric met Peruvian President Dina Boluarte in Lima on Wednesday. "
        "The presidents discussed ways to boost investment and tourism."
    )
    wishes = [e for e in code(text) if e.type == "CooperationIntentExpressed"]
    assert {(e.actor.country, e.target.country) for e in wishes} == {("CHL", "PER"), ("PER", "CHL")}


def test_the_presidents_of_a_list_are_that_list() -> None:
    text = "The presidents of Ghana, Togo and Benin sent condolences to Nigeria on Friday."
    senders = {e.actor.country for e in code(text) if e.type == "CondolencesExpressed"}
    assert senders == {"GHA", "TGO", "BEN"}
