"""The article header: publication date, outlet tag, dateline and the start of the body."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.extract.header import HeaderError, parse_date_option, parse_header


def test_inline_date_and_outlet_tag():
    raw = " date 2022-09-14 (GNA) Ghana's foreign minister welcomed her Togolese counterpart."
    header = parse_header(raw)
    assert header.published == date(2022, 9, 14)
    assert header.outlet == "GNA"
    assert header.dateline is None
    assert header.body.startswith("Ghana's foreign minister")
    assert raw[header.body_offset :] == header.body


def test_date_on_its_own_line_then_tag_and_all_caps_dateline():
    raw = " date 2021-05-02\n\n(AFP) LISBON: Portugal and Angola agreed to resume flights.\n"
    header = parse_header(raw)
    assert header.published == date(2021, 5, 2)
    assert header.outlet == "AFP"
    assert header.dateline == "LISBON"
    assert header.body.startswith("Portugal and Angola")
    assert raw[header.body_offset :] == header.body


@pytest.mark.parametrize(
    ("opening", "outlet", "dateline"),
    [
        ("NAIROBI (KBC) -- Kenya recalled its envoy.", "KBC", "NAIROBI"),
        ("OSLO -- Kenya recalled its envoy.", None, "OSLO"),
        ("SEOUL/TOKYO (YNA) -- Kenya recalled its envoy.", "YNA", "SEOUL/TOKYO"),
        ("(ANA) Buenos Aires: Kenya recalled its envoy.", "ANA", "Buenos Aires"),
        ("Rio de Janeiro: Kenya recalled its envoy.", None, "Rio de Janeiro"),
        ("WASHINGTON, May 4 (Wire) - Kenya recalled its envoy.", "Wire", "WASHINGTON"),
        ("Canberra: Kenya recalled its envoy.", None, "Canberra"),
    ],
)
def test_datelines_and_outlets_in_either_order(opening, outlet, dateline):
    raw = f" date 2020-02-20\n\n{opening}"
    header = parse_header(raw)
    assert (header.outlet, header.dateline) == (outlet, dateline)
    assert header.body == "Kenya recalled its envoy."
    assert raw[header.body_offset :] == header.body


def test_capitalised_words_that_start_the_story_are_not_a_dateline():
    header = parse_header(" date 2020-02-20 (XN) UK Foreign Secretary Ann Lee flew to Accra.")
    assert header.dateline is None
    assert header.body.startswith("UK Foreign Secretary")


def test_bare_iso_date_on_first_line():
    header = parse_header("2019-07-01\n\nThe ministers met.")
    assert header.published == date(2019, 7, 1)
    assert header.body == "The ministers met."


def test_byte_order_mark_and_leading_blank_lines_are_skipped():
    header = parse_header("\ufeff\n  date 2019-07-01 The ministers met.")
    assert header.published == date(2019, 7, 1)
    assert header.body == "The ministers met."


def test_text_without_header_has_no_date():
    raw = "The ministers met in Vienna. They agreed on little."
    header = parse_header(raw)
    assert header.published is None
    assert header.body == raw
    assert header.body_offset == 0


def test_empty_text():
    header = parse_header("")
    assert header.published is None
    assert header.body == ""


def test_leap_day_is_a_real_date():
    assert parse_header(" date 2024-02-29 Text.").published == date(2024, 2, 29)


@pytest.mark.parametrize("bad", ["2024-02-30", "0000-00-00", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_impossible_header_dates_raise_a_one_line_error(bad):
    with pytest.raises(HeaderError) as caught:
        parse_header(f" date {bad} (AGY) The ministers met.")
    message = str(caught.value)
    assert message == f"impossible date {bad} in the header"
    assert "\n" not in message


def test_date_option():
    assert parse_date_option("2024-03-31") == date(2024, 3, 31)
    assert parse_date_option(" 2024-03-31 ") == date(2024, 3, 31)


def test_date_option_errors_are_clear():
    with pytest.raises(HeaderError, match=r"^impossible date 2023-02-29$"):
        parse_date_option("2023-02-29")
    with pytest.raises(HeaderError, match="not a date"):
        parse_date_option("next Tuesday")


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_header_error(raw):
    try:
        header = parse_header(raw)
    except HeaderError as error:
        assert "\n" not in str(error)
        return
    assert raw[header.body_offset :] == header.body


@given(st.text(max_size=200))
def test_any_text_after_a_valid_date_keeps_the_offset_invariant(rest):
    raw = " date 2024-03-31 " + rest
    header = parse_header(raw)
    assert header.published == date(2024, 3, 31)
    assert raw[header.body_offset :] == header.body


# --- date lines as news sites print them ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "March 31, 2024",
        "Mar. 31, 2024",
        "31 March 2024",
        "31st March 2024",
        "Published: 31 March 2024",
        "Published 31 March 2024 10:12 GMT",
        "Published on Sunday, March 31, 2024 at 9:05 a.m. EDT",
        "Updated 2024-03-31 10:12 GMT",
        "Last updated: 31 Mar 2024 | 10:12",
        "Sun 31 Mar 2024",
        "2024-03-31T10:12:00Z",
        "2024-03-31T10:12:00+05:30",
        "Date: March 31, 2024",
    ],
)
def test_web_date_lines_give_the_publication_date(line):
    raw = f"{line}\n\n(XNA) QUITO -- The two envoys signed a transit accord."
    header = parse_header(raw)
    assert header.published == date(2024, 3, 31)
    assert (header.outlet, header.dateline) == ("XNA", "QUITO")
    assert header.body == "The two envoys signed a transit accord."
    assert raw[header.body_offset :] == header.body


def test_web_date_line_after_a_headline_and_a_byline():
    raw = "Envoys sign transit accord\nBy Jane Doe\nMarch 31, 2024\n\nThe two envoys signed an accord."
    header = parse_header(raw)
    assert header.published == date(2024, 3, 31)
    assert header.body == "The two envoys signed an accord."


def test_published_wins_over_updated_in_either_order():
    for raw in (
        "Updated 2024-04-02 08:00 GMT\nPublished: 30 March 2024\n\nThe envoys met.",
        "Published: 30 March 2024\nUpdated 2024-04-02 08:00 GMT\n\nThe envoys met.",
    ):
        header = parse_header(raw)
        assert header.published == date(2024, 3, 30)
        assert header.body == "The envoys met."


def test_an_updated_line_alone_still_dates_the_article():
    assert parse_header("Updated: 2 April 2024\nThe envoys met.").published == date(2024, 4, 2)


@pytest.mark.parametrize(
    "raw",
    [
        # A date inside a sentence, or after the story has begun, is not a header.
        "On 31 March 2024 the envoys met.",
        "The envoys met.\nMarch 31, 2024",
        # Not a weekday, not a month, not a real day: left to the body, with no error.
        "Envoy 31 Mar 2024\nThe envoys met.",
        "Smarch 31, 2024\nThe envoys met.",
        "February 30, 2024\nThe envoys met.",
        # Three short lines before the date are more than a headline and a byline.
        "Talks\nin Quito\nBy Jane Doe\nMarch 31, 2024\nThe envoys met.",
        # A first line that ends a sentence is not a headline.
        "The envoys met.\n\nMarch 31, 2024\n\nThey signed.",
    ],
)
def test_text_that_is_not_a_web_date_line_gives_no_date(raw):
    header = parse_header(raw)
    assert header.published is None
    assert header.body_offset == 0


def test_a_date_line_wins_over_a_web_date_line():
    header = parse_header(" date 2024-03-29\nPublished: 31 March 2024\nThe envoys met.")
    assert header.published == date(2024, 3, 29)


def test_a_photo_credit_above_the_dateline_is_no_dateline():
    raw = (
        "Published: 4 June 2024\n\nPhoto : AFP\n\n"
        "LIMA, June 4 (Wire) - Chile and Peru signed an agreement on Monday."
    )
    header = parse_header(raw)
    assert (header.dateline, header.outlet) == ("LIMA", "Wire")
    assert header.body.startswith("Chile and Peru signed")
