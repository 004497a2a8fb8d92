"""Finding and resolving date expressions against the article's date."""

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extract.dates import find_dates, resolve_relative, sentence_date

SUNDAY = date(2024, 3, 31)
FRIDAY = date(2024, 1, 5)
WEDNESDAY = date(2024, 1, 3)


def only(sentence: str, published: date):
    mentions = find_dates(sentence, published)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --- weekdays -------------------------------------------------------------------------------------


def test_weekday_is_the_last_such_day_on_or_before_the_article():
    m = only("The envoys met in Lagos on Saturday.", SUNDAY)
    assert (m.value, m.precision, m.basis, m.future) == (date(2024, 3, 30), "day", "weekday", False)
    assert m.text == "Saturday"
    assert m.preposition == "on"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The envoys met on Tuesday last week.", date(2023, 12, 26)),
        ("The envoys met on Monday of last week.", date(2023, 12, 25)),
        ("The envoys met on Monday this week.", date(2024, 1, 1)),
        ("The envoys will meet on Friday next week.", date(2024, 1, 12)),
    ],
)
def test_a_weekday_of_a_named_week_is_that_day_of_that_week(sentence, expected):
    # Published on Wednesday 3 January 2024; weeks start on Monday.
    mention = only(sentence, WEDNESDAY)
    assert (mention.value, mention.precision) == (expected, "day")


def test_weekday_of_the_article_itself_is_that_day():
    assert only("The talks ended on Friday.", FRIDAY).value == FRIDAY
    assert only("The talks began on Monday.", FRIDAY).value == date(2024, 1, 1)


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister will fly to Oslo on Friday.",
        "The premier is scheduled to attend a forum on Friday.",
        "Her report is due on Friday.",
        "The two are expected to sign the pact on Friday.",
    ],
)
def test_weekday_in_a_future_sentence_looks_forward(sentence):
    m = only(sentence, WEDNESDAY)
    assert m.value == date(2024, 1, 5)
    assert m.future is True


def test_future_weekday_on_the_same_weekday_is_that_day():
    assert only("The minister will speak on Friday.", FRIDAY).value == FRIDAY


def test_next_and_last_weekday_are_strict():
    tuesday = date(2024, 4, 2)
    assert only("They meet again next Tuesday.", tuesday).value == date(2024, 4, 9)
    assert only("They last met last Tuesday.", tuesday).value == date(2024, 3, 26)
    assert only("The accord was signed last Tuesday.", SUNDAY).value == date(2024, 3, 26)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Monday morning", date(2024, 3, 25)),
        ("Thursday night", date(2024, 3, 28)),
        ("Sunday evening", SUNDAY),
    ],
)
def test_weekday_with_a_time_of_day(phrase, expected):
    m = only(f"The delegation arrived on {phrase}.", SUNDAY)
    assert (m.text, m.value, m.basis) == (phrase, expected, "weekday")


def test_possessive_weekday():
    assert only("Officials spoke at Tuesday's briefing.", SUNDAY).value == date(2024, 3, 26)


def test_tense_is_read_in_the_clause_of_the_date():
    # "said on Thursday" is past even though what was said is in the future.
    m = only("The spokesman said on Thursday that the king will visit.", SUNDAY)
    assert m.value == date(2024, 3, 28)
    m = only("She confirmed on Monday that she would not attend the summit.", WEDNESDAY)
    assert m.value == date(2024, 1, 1)


def test_fronted_weekday_takes_the_tense_of_the_main_verb():
    sentence = "On Saturday, hours after the vote, the council released a statement saying it would act."
    m = find_dates(sentence, SUNDAY)[0]
    assert (m.text, m.value) == ("Saturday", date(2024, 3, 30))


# --- month and day --------------------------------------------------------------------------------


def test_month_day_in_the_past_part_of_the_year():
    m = only("The attack took place on March 22.", SUNDAY)
    assert (m.value, m.precision, m.basis) == (date(2024, 3, 22), "day", "month-day")


def test_month_day_later_in_the_year_means_last_year():
    assert only("The treaty was ratified on April 2.", SUNDAY).value == date(2023, 4, 2)
    assert only("She took office on November 17.", date(2024, 6, 8)).value == date(2023, 11, 17)


def test_month_day_later_in_the_year_in_a_future_sentence_is_this_year():
    m = only("The leaders will sign the accord on April 2.", SUNDAY)
    assert m.value == date(2024, 4, 2)
    assert m.future is True


def test_year_rollover_backwards():
    assert only("The border was reopened on December 30.", FRIDAY).value == date(2023, 12, 30)


def test_year_rollover_forwards_for_the_future():
    assert only("The summit is expected to open on January 9.", date(2023, 12, 20)).value == date(2024, 1, 9)


def test_past_clause_in_a_future_sentence_stays_in_the_past():
    m = only("It will be her first trip abroad since she was sworn in on October 2.", date(2024, 5, 1))
    assert m.value == date(2023, 10, 2)
    assert m.future is False


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The pact was signed on 22 March 2019 in Geneva.", date(2019, 3, 22)),
        ("The pact was signed on September 18, 2023, in Geneva.", date(2023, 9, 18)),
        ("The pact was signed on the 3rd of May 2021.", date(2021, 5, 3)),
        ("The pact was signed on Sept. 9, 2020.", date(2020, 9, 9)),
        ("The pact was signed on 2018-07-04.", date(2018, 7, 4)),
    ],
)
def test_explicit_dates_in_both_orders(sentence, expected):
    m = only(sentence, SUNDAY)
    assert (m.value, m.precision, m.basis) == (expected, "day", "explicit")


def test_day_month_without_year():
    assert only("The pact was signed on 9 February.", SUNDAY).value == date(2024, 2, 9)


def test_month_day_with_last_year():
    m = only("The forum opened on July 4 last year.", SUNDAY)
    assert (m.value, m.basis, m.text) == (date(2023, 7, 4), "explicit", "July 4 last year")


def test_ranges_take_the_first_day():
    assert only("He visited Accra on October 3-5, 2015.", SUNDAY).value == date(2015, 10, 3)
    m = only("Her tour, from February 11 to 14, took her to Chile.", SUNDAY)
    assert (m.value, m.text) == (date(2024, 2, 11), "February 11 to 14")
    assert only("The fair ran from 6 to 9 March.", SUNDAY).value == date(2024, 3, 6)


def test_weekday_with_a_date_picks_the_year_that_matches_the_weekday():
    # October 19 2024 is a Saturday; the sentence is told in the past but the date is a deadline.
    m = only("The diplomats were told to leave by noon on Saturday, October 19.", date(2024, 10, 15))
    assert m.value == date(2024, 10, 19)
    assert m.future is True


def test_impossible_month_days_are_dropped():
    assert find_dates("Nothing happened on February 30.", SUNDAY) == []
    assert find_dates("Nothing happened on April 31, 2023.", SUNDAY) == []


def test_leap_day_without_year_goes_to_the_nearest_leap_year_behind():
    assert only("The deal was struck on February 29.", date(2025, 3, 1)).value == date(2024, 2, 29)


# --- months, weeks and years ---------------------------------------------------------------------


def test_month_alone_infers_the_year_like_a_month_day():
    published = date(2024, 2, 10)
    m = only("The two sides first spoke in March.", published)
    assert (m.value, m.precision, m.basis) == (date(2023, 3, 1), "month", "month")
    assert only("The two sides will speak again in March.", published).value == date(2024, 3, 1)
    assert only("Trade fell in January.", published).value == date(2024, 1, 1)


def test_month_with_year():
    m = only("Relations were restored in August 2021.", SUNDAY)
    assert (m.value, m.precision) == (date(2021, 8, 1), "month")


def test_may_the_name_is_not_a_month():
    assert find_dates("Theresa May said the talks were over.", SUNDAY) == []
    assert find_dates("Officials may meet again.", SUNDAY) == []
    assert only("The talks were held in May.", SUNDAY).value == date(2023, 5, 1)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("mid-December", date(2023, 12, 1)),
        ("late January", date(2024, 1, 1)),
        ("early February", date(2024, 2, 1)),
    ],
)
def test_parts_of_a_month_have_month_precision(phrase, expected):
    m = only(f"The talks happened in {phrase}.", SUNDAY)
    assert (m.text, m.value, m.precision) == (phrase, expected, "month")


def test_part_of_a_month_in_the_future():
    m = only("The report is due in late January.", date(2023, 12, 13))
    assert (m.value, m.future) == (date(2024, 1, 1), True)


def test_nth_week_of_a_month():
    m = only("He will visit in the second week of May.", SUNDAY)
    assert (m.value, m.precision, m.future) == (date(2024, 5, 8), "week", True)


@pytest.mark.parametrize(
    ("phrase", "value", "precision", "future"),
    [
        ("last week", date(2024, 3, 18), "week", False),
        ("this week", date(2024, 3, 25), "week", False),
        ("next week", date(2024, 4, 1), "week", True),
        ("earlier this month", date(2024, 3, 1), "month", False),
        ("this month", date(2024, 3, 1), "month", False),
        ("last month", date(2024, 2, 1), "month", False),
        ("next month", date(2024, 4, 1), "month", True),
        ("last year", date(2023, 1, 1), "year", False),
        ("next year", date(2025, 1, 1), "year", True),
        ("later this year", date(2024, 1, 1), "year", True),
        ("before the end of the year", date(2024, 1, 1), "year", True),
    ],
)
def test_relative_periods(phrase, value, precision, future):
    m = only(f"Something happens {phrase}.", SUNDAY)
    assert (m.text, m.value, m.precision, m.basis, m.future) == (phrase, value, precision, "relative", future)


def test_the_next_few_years_is_not_next_year():
    assert find_dates("Aid will grow over the next five years.", SUNDAY) == []
    assert find_dates("Trade grew over the last year.", SUNDAY) == []


@pytest.mark.parametrize(
    "sentence", ["Ties were cut in 2016.", "It was the first visit since 2016.", "A pact from 2016 applies."]
)
def test_bare_year(sentence):
    m = only(sentence, SUNDAY)
    assert (m.value, m.precision, m.basis) == (date(2016, 1, 1), "year", "year")


def test_later_in_a_year_is_future():
    m = only("The summit would be held later in 2025.", SUNDAY)
    assert (m.value, m.future) == (date(2025, 1, 1), True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Ties go back 68 years.",
        "Trade reached $191 billion.",
        "India will train 1,500 officials.",
        "They will build F414 engines.",
        "The deadline is 11:59 pm.",
        "The '2+2' dialogue met.",
        "The 2000 troops went home.",
        "In the 1990s trade was small.",
        "Some 2024 people signed.",
        "Turnout was 51.2 percent.",
    ],
)
def test_numbers_that_are_not_dates(sentence):
    assert find_dates(sentence, SUNDAY) == []


def test_years_ago():
    m = only("The plan was approved two years ago.", SUNDAY)
    assert (m.value, m.precision) == (date(2022, 1, 1), "year")


# --- days relative to the article or to another date -------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [("yesterday", date(2024, 3, 30)), ("today", SUNDAY), ("tomorrow", date(2024, 4, 1))],
)
def test_day_words(word, expected):
    m = only(f"The minister spoke {word}.", SUNDAY)
    assert (m.value, m.basis, m.needs_anchor) == (expected, "relative", False)


def test_relative_phrase_counts_from_another_date_in_the_sentence():
    mentions = find_dates("They met on Tuesday; a day earlier the aides had talked.", SUNDAY)
    assert [m.value for m in mentions] == [date(2024, 3, 26), date(2024, 3, 25)]
    assert mentions[1].needs_anchor is False


def test_a_day_after_an_event_dates_that_event_the_day_before():
    mentions = find_dates(
        "The embassy closed on March 4, 2019, a day after crowds gathered outside it.", SUNDAY
    )
    assert [(m.text, m.value) for m in mentions] == [
        ("March 4, 2019", date(2019, 3, 4)),
        ("a day after", date(2019, 3, 3)),
    ]
    assert sentence_date(
        "The embassy closed on March 4, 2019, a day after crowds gathered.", SUNDAY
    ).value == (date(2019, 3, 4))


def test_relative_phrase_without_another_date_needs_the_callers_anchor():
    m = only("He had been sworn in only the previous evening.", SUNDAY)
    assert (m.value, m.basis, m.needs_anchor) == (date(2024, 3, 30), "relative", True)
    assert resolve_relative(m.text, date(2024, 3, 12)) == date(2024, 3, 11)


@pytest.mark.parametrize(
    ("phrase", "delta"),
    [
        ("a day earlier", -1),
        ("two days later", 2),
        ("the previous day", -1),
        ("the next day", 1),
        ("the same day", 0),
        ("the same evening", 0),
        ("that day", 0),
        ("earlier in the day", 0),
        ("hours later", 0),
    ],
)
def test_resolve_relative(phrase, delta):
    anchor = date(2024, 3, 12)
    assert resolve_relative(phrase, anchor) == date(2024, 3, 12 + delta)


@pytest.mark.parametrize(
    ("sentence", "text", "value", "precision"),
    [
        (
            "They broke ties in May 2019 and closed the border the following month.",
            "the following month",
            date(2019, 6, 1),
            "month",
        ),
        (
            "They met on 3 March 2020; the next year they signed a pact.",
            "the next year",
            date(2021, 1, 1),
            "year",
        ),
        ("Talks began in 2016 and failed that same year.", "that same year", date(2016, 1, 1), "year"),
        (
            "The pact was signed in July 2018, and the envoy said at the time that it was fair.",
            "at the time",
            date(2018, 7, 1),
            "month",
        ),
    ],
)
def test_a_month_or_year_counted_from_the_date_told_before_it(sentence, text, value, precision):
    m = next(m for m in find_dates(sentence, SUNDAY) if m.text == text)
    assert (m.value, m.precision, m.needs_anchor) == (value, precision, False)


def test_the_following_month_alone_waits_for_the_callers_date_and_the_time_of_a_thing_is_no_date():
    m = only("Ankara closed the border the following month.", SUNDAY)
    assert (m.needs_anchor, m.told_unit, m.told_months) == (True, "month", 1)
    assert find_dates("They spoke at the time of the attack.", SUNDAY) == []


def test_resolve_relative_of_something_else():
    assert resolve_relative("in the morning", SUNDAY) is None
    assert resolve_relative("last week", date(2024, 3, 14)) == date(2024, 3, 4)


# --- choosing and ordering -------------------------------------------------------------------------


def test_mentions_are_ordered_and_do_not_overlap():
    sentence = "After a call on Monday and talks in March 2023, they signed on June 18 last year."
    mentions = find_dates(sentence, SUNDAY)
    assert [m.text for m in mentions] == ["Monday", "March 2023", "June 18 last year"]
    for a, b in itertools.pairwise(mentions):
        assert a.end <= b.start
    for m in mentions:
        assert sentence[m.start : m.end] == m.text


def test_sentence_date_prefers_the_first_day_precise_mention():
    m = sentence_date("Trade grew in 2019, and the two met on Thursday to discuss it.", SUNDAY)
    assert m is not None and m.value == date(2024, 3, 28)


def test_sentence_date_passes_over_since():
    m = sentence_date("It was the first visit since 2008 and it ended on Friday.", SUNDAY)
    assert m is not None and m.value == date(2024, 3, 29)
    m = sentence_date("It is her first trip since she took office on May 3.", SUNDAY)
    assert m is None


def test_sentence_date_falls_back_to_a_coarser_mention():
    m = sentence_date("Relations soured in March.", SUNDAY)
    assert m is not None and m.precision == "month"


def test_sentence_without_dates():
    assert find_dates("The ministers met.", SUNDAY) == []
    assert sentence_date("The ministers met.", SUNDAY) is None


# --- robustness --------------------------------------------------------------------------------


def test_edges_of_the_calendar_do_not_raise():
    for published in (date(1, 1, 1), date(9999, 12, 31)):
        for m in find_dates(
            "On Monday, a day earlier, next week, last year, tomorrow, on March 3.", published
        ):
            assert isinstance(m.value, date)


def test_non_string_input_gives_nothing():
    assert find_dates(None, SUNDAY) == []  # type: ignore[arg-type]
    assert find_dates("on Monday", None) == []  # type: ignore[arg-type]


_WORDS = st.sampled_from(
    [
        *("on", "in", "last", "next", "this", "Monday", "Friday's", "March", "May", "22", "2016"),
        *("2024-02-30", "a day earlier", "the same day", "will", "said", ",", "since", "mid-", "late"),
        *("week", "month", "year", "yesterday", "the third week of", "February 29", "31", "-", "to"),
        *("12", "$", "1,500", "ago", "two days"),
    ]
)


@settings(max_examples=300)
@given(st.lists(_WORDS, max_size=14), st.dates())
def test_any_date_phrase_soup_never_raises(words, published):
    sentence = " ".join(words)
    mentions = find_dates(sentence, published)
    for m in mentions:
        assert type(m.value) is date
        assert sentence[m.start : m.end] == m.text
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    sentence_date(sentence, published)


@given(st.text(max_size=400), st.dates())
def test_any_text_never_raises(sentence, published):
    for m in find_dates(sentence, published):
        assert type(m.value) is date


def test_words_of_a_future_phrase_are_not_past_cues():
    # "held" alone reads as past; inside "to be held" it announces the future.
    m = only("The forum, to be held in Quito on July 8, will gather ministers.", date(2024, 5, 15))
    assert (m.value, m.future) == (date(2024, 7, 8), True)


def test_sentence_without_any_tense_cue_takes_the_nearest_year():
    published = date(2024, 5, 15)
    assert only("The trade fair opens on 20 May.", published).value == date(2024, 5, 20)
    assert only("Parliament sits in June.", published).value == date(2024, 6, 1)
    assert only("The term ends in November.", date(2024, 2, 1)).value == date(2023, 11, 1)


def test_leading_day_after_phrase_dates_the_main_clause():
    m = sentence_date("A day after the vote, the two sides issued a statement.", SUNDAY)
    assert m is not None and m.needs_anchor and m.future is False


def test_participles_used_as_adjectives_are_not_past_cues():
    # "fixed" describes the commitments; nothing in the sentence is told in the past.
    m = find_dates("A slot in June is under study, when he is free of fixed commitments.", date(2024, 2, 1))[
        0
    ]
    assert m.value == date(2024, 6, 1)


# --- a part of the present period, a day of the month alone ---------------------------------------


def test_earlier_in_the_week_is_this_weeks_monday():
    m = only("The two envoys spoke earlier in the week.", SUNDAY)
    assert (m.value, m.precision, m.future) == (date(2024, 3, 25), "week", False)


def test_later_in_the_month_looks_forward():
    m = only("The ministers will meet again later in the month.", SUNDAY)
    assert (m.value, m.precision, m.future) == (date(2024, 3, 1), "month", True)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The forum opened on the 12th.", date(2024, 3, 12)),  # this month, already past
        ("The forum opened on the 30th, its hosts said.", date(2024, 3, 30)),
        ("The forum will open on the 4th.", date(2024, 4, 4)),  # told of the future: next month
    ],
)
def test_a_day_of_the_month_alone_is_of_the_articles_month(sentence, expected):
    m = only(sentence, SUNDAY)
    assert (m.value, m.precision, m.preposition) == (expected, "day", "on")


def test_an_ordinal_that_numbers_something_is_no_date():
    assert find_dates("It was the 14th round of talks.", SUNDAY) == []
    (found,) = find_dates("Leaders gathered for the 20th summit on the 14th in Lima.", SUNDAY)
    assert found.text == "the 14th"


def test_years_after_an_event_count_back_from_the_date_before_them():
    mentions = find_dates("They met on Tuesday, seven years after the two sides cut ties.", WEDNESDAY)
    assert [(m.value, m.precision) for m in mentions] == [
        (date(2024, 1, 2), "day"),
        (date(2017, 1, 1), "year"),
    ]


def test_years_after_an_event_with_no_date_before_them_date_nothing():
    mentions = find_dates("Two years after the war ended, the talks resumed on Tuesday.", WEDNESDAY)
    assert [m.text for m in mentions] == ["Tuesday"]


def test_months_before_an_event_count_forward_from_the_date_before_them():
    mentions = find_dates("They met on Tuesday, three months before the vote.", WEDNESDAY)
    assert [(m.value, m.precision) for m in mentions][1] == (date(2024, 4, 1), "month")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The envoys met last night.", date(2024, 1, 2)),
        ("The envoys met this morning.", date(2024, 1, 3)),
        ("The envoys will meet this evening.", date(2024, 1, 3)),
    ],
)
def test_parts_of_days_named_from_the_article_s_day(sentence, expected):
    assert only(sentence, WEDNESDAY).value == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("The envoys met over the weekend.", WEDNESDAY, date(2023, 12, 30)),
        ("The envoys met last weekend.", WEDNESDAY, date(2023, 12, 30)),
        ("The envoys will meet at the weekend.", WEDNESDAY, date(2024, 1, 6)),
        ("The envoys will meet next weekend.", WEDNESDAY, date(2024, 1, 6)),
        ("The envoys met at the weekend.", date(2024, 1, 7), date(2024, 1, 6)),  # a Sunday
    ],
)
def test_a_weekend_is_dated_by_its_saturday(sentence, published, expected):
    assert only(sentence, published).value == expected


def test_a_weekend_s_events_name_no_date():
    assert find_dates("The weekend's talks were tense.", WEDNESDAY) == []
