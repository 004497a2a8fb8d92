"""Which word a date dates (attach.py), on sentences written for these tests.

The article date is Sunday 2025-05-18 throughout.
"""

from __future__ import annotations

from datetime import date

from timeline.extract.attach import _is_span, attach, date_tokens, own_date
from timeline.extract.dates import find_dates
from timeline.extract.pipeline import Extractor

EX = Extractor.default()
PUBLISHED = date(2025, 5, 18)


def parsed(text: str, *trigger_words: str):
    """The sentence span, its date mentions and the indices of the named trigger words."""
    sentence = next(EX.parser(text).sents)
    dates = find_dates(sentence.text, PUBLISHED)
    events = {t.i for t in sentence if t.text in trigger_words}
    assert len(events) == len(trigger_words)
    return sentence, dates, events


def token(sentence, text: str):
    return next(t for t in sentence if t.text == text)


def pairs(attached) -> list[tuple[str, str]]:
    return [(a.mention.text, a.word.text) for a in attached]


def test_date_tokens_are_those_the_expression_covers() -> None:
    sentence, dates, _ = parsed("Portugal sent an invitation to Angola for July 8.", "invitation")
    assert [t.text for t in date_tokens(sentence, dates[0])] == ["July", "8"]


# --- verbs and event nouns --------------------------------------------------------------------


def test_date_in_verb_phrase_dates_the_verb() -> None:
    sentence, dates, events = parsed("Hungary met Serbia on Monday.", "met")
    assert pairs(attach(sentence, dates, events)) == [("Monday", "met")]
    assert dates[0].value == date(2025, 5, 12)


def test_date_after_event_noun_dates_the_noun() -> None:
    sentence, dates, events = parsed("The talks on Tuesday ended without a deal.", "talks")
    assert pairs(attach(sentence, dates, events)) == [("Tuesday", "talks")]


def test_date_after_verb_object_dates_the_verb() -> None:
    sentence, dates, events = parsed("Greece held talks with Cyprus on Wednesday.", "held", "talks")
    assert pairs(attach(sentence, dates, events)) == [("Wednesday", "held")]


def test_relative_date_dates_the_clause_it_is_relative_to() -> None:
    sentence, dates, events = parsed(
        "The Czech president arrived in Vienna on Sunday, a day after attending the summit in Bonn.",
        "arrived",
        "attending",
    )
    assert pairs(attach(sentence, dates, events)) == [("Sunday", "arrived"), ("a day after", "attending")]


# --- bounds -----------------------------------------------------------------------------------


def test_since_date_is_a_bound() -> None:
    sentence, dates, events = parsed("Bolivia has supported Paraguay since 2019.", "supported")
    assert dates and dates[0].preposition == "since"
    assert attach(sentence, dates, events) == []


def test_until_date_is_a_bound() -> None:
    sentence, dates, events = parsed("Laos will host the summit until Friday.", "host", "summit")
    assert dates and dates[0].preposition == "until"
    assert attach(sentence, dates, events) == []


def test_by_date_is_a_bound() -> None:
    sentence, dates, events = parsed("Croatia asked Slovenia to reply by Friday.", "asked")
    assert dates and dates[0].preposition == "by"
    assert attach(sentence, dates, events) == []


def test_for_date_is_an_occasion_not_a_day_of_happening() -> None:
    sentence, dates, events = parsed("Portugal sent an invitation to Angola for July 8.", "invitation")
    assert dates and dates[0].preposition == "for"
    assert attach(sentence, dates, events) == []


# --- possessive dates -------------------------------------------------------------------------


def test_possessive_date_does_not_date_the_verb_above_its_noun() -> None:
    sentence, dates, events = parsed(
        "Canada congratulated Ireland on its victory in last month's election.", "congratulated"
    )
    assert [d.text for d in dates] == ["last month"]
    # the election keeps its own date (so that "on the night of the election" could take it)
    assert pairs(attach(sentence, dates, events)) == [("last month", "election")]


def test_possessive_date_on_event_noun_dates_the_noun() -> None:
    sentence, dates, events = parsed("Canada praised last month's summit in Ottawa.", "praised", "summit")
    assert pairs(attach(sentence, dates, events)) == [("last month", "summit")]


# --- own_date() -------------------------------------------------------------------------------


def test_own_date_of_a_dated_trigger() -> None:
    sentence, dates, events = parsed("Serbia and Hungary signed the accord on Monday.", "signed")
    found = own_date(token(sentence, "signed"), attach(sentence, dates, events), events)
    assert found is not None and found.mention.value == date(2025, 5, 12)


def test_own_date_shared_by_conjoined_verbs() -> None:
    sentence, dates, events = parsed("The two leaders met on Friday and signed an accord.", "met", "signed")
    found = own_date(token(sentence, "signed"), attach(sentence, dates, events), events)
    assert found is not None and found.mention.text == "Friday"


def test_own_date_of_noun_from_its_light_verb() -> None:
    sentence, dates, events = parsed("Greece held talks with Cyprus on Wednesday.", "held", "talks")
    found = own_date(token(sentence, "talks"), attach(sentence, dates, events), events)
    assert found is not None and found.word.text == "held"


def test_own_date_of_noun_from_happening_clause() -> None:
    sentence, dates, events = parsed(
        "Peru condemned the bombing in Lima, which happened on May 2.", "condemned", "bombing"
    )
    attached = attach(sentence, dates, events)
    assert own_date(token(sentence, "bombing"), attached, events).mention.value == date(2025, 5, 2)
    assert own_date(token(sentence, "condemned"), attached, events) is None


def test_reporting_verbs_date_is_not_the_reported_clauses() -> None:
    sentence, dates, events = parsed(
        "Sweden said on Thursday that it had signed an accord with Denmark.", "signed"
    )
    attached = attach(sentence, dates, events)
    assert pairs(attached) == [("Thursday", "said")]
    assert own_date(token(sentence, "signed"), attached, events) is None


def test_bound_gives_no_own_date() -> None:
    sentence, dates, events = parsed("Japan has sanctioned Russia since March.", "sanctioned")
    assert own_date(token(sentence, "sanctioned"), attach(sentence, dates, events), events) is None


def test_a_span_of_days_dates_its_first_day_but_a_day_from_which_bounds() -> None:
    (span,) = find_dates("The tour, from March 3 to 5, took him to Accra.", date(2024, 5, 21))
    (iso,) = find_dates("The curfew ran from 2024-05-20 onwards.", date(2024, 6, 1))
    assert _is_span(span) and not _is_span(iso)
