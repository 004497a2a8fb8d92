"""Repairing web-page text: missing spaces, page furniture, headlines, odd spaces, and the offset map."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.extract.normalise import normalise


def assert_map_points_back(source: str) -> None:
    """Every kept character maps to itself in the input; inserted or blanked ones are spaces."""
    result = normalise(source)
    for i, ch in enumerate(result.text):
        if ch != " ":
            assert source[result.original(i)] == ch, (i, ch)
    assert 0 <= result.original(len(result.text)) <= len(source)
    offsets = [result.original(i) for i in range(len(result.text) + 1)]
    assert offsets == sorted(offsets)


# --- missing spaces ---------------------------------------------------------------------------------


def test_missing_space_after_a_full_stop_is_inserted_and_maps_to_the_next_word():
    source = "The envoys landed in Lima.The talks began at noon."
    result = normalise(source)
    assert result.text == "The envoys landed in Lima. The talks began at noon."
    space = result.text.index(". The") + 1
    assert result.original(space) == source.index("The talks")
    assert result.original(space + 1) == source.index("The talks")
    assert_map_points_back(source)


def test_missing_space_after_question_and_exclamation_marks_and_a_closing_quote():
    source = "Would they sign?Nobody knew. “We are ready.”Then the delegates left!Everyone waited."
    assert normalise(source).text == (
        "Would they sign? Nobody knew. “We are ready.” Then the delegates left! Everyone waited."
    )
    assert_map_points_back(source)


def test_letters_outside_ascii_count_as_words():
    assert (
        normalise("The delegation reached Bogotá.Él habló.").text
        == "The delegation reached Bogotá. Él habló."
    )


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. envoy and the U.N. mission agreed.",
        "An envoy from the U.S.The delegation",  # left word ends in a capital: not touched
        "Aid rose by 3.5 percent to 12.75 million.",
        "The No.1 priority is the ceasefire.",
        "Several partners, e.g. Chile and Peru, signed.",
        "Details are at example.com and at Gov.uk for now.",
        "Write to press.Office@ministry.example or see www.Embassy.example today.",
        "The notes are at https://archive.example/files.Annex today.",
        "J.R. Smith and A.B.C. Mendes met the envoy.",
        "The talks moved to NATO.Later they resumed.",  # left word is all capitals
        "The talks ended.NATO said nothing.",  # right word is not Capitalised-then-lowercase
        "The talks ended.A deal followed.",  # a one-letter right word
    ],
)
def test_conservative_cases_are_left_alone(text):
    assert normalise(text).text == text


# --- page furniture ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Photo: WIRE AGENCY",
        "Photo : Newsdesk",
        "(Photo: Ministry of Foreign Affairs)",
        "File photo",
        "File Photo: Handout",
        "Image: Press office",
        "Photo by Jane Doe",
        "By Jane Doe",
        "By Jane Doe and John Roe",
        "By Staff Reporter",
        "BY KOFI MENSAH",
        "By Ana de la Cruz, Wire Agency",
        "By our correspondent",
        "Jane Doe | Wire Agency",
        "Read more: Envoys meet again in Quito",
        "Read more",
        "Also read: Border talks stall",
        "Related stories",
        "Advertisement",
        "Share this article",
        "Follow us on social media",
        "Updated 2024-03-31 10:12 GMT",
        "Published: 31 March 2024",
        "Last updated: 2 hours ago",
        "Posted on Sun 31 Mar 2024, 9:05 am",
        "March 31, 2024",
        "2024-03-31T10:12:00Z",
        "© 2024 Example News",
    ],
)
def test_furniture_lines_are_blanked_with_their_length_kept(line):
    source = f"The ministers met in Accra on Monday.\n{line}\nThey agreed to meet again in May."
    result = normalise(source)
    assert result.text == source.replace(line, " " * len(line))
    assert_map_points_back(source)


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday the two sides had agreed on a text.",
        "Photos of the signing were shared by both ministries.",
        "Picture this: a ceasefire that holds.",
        "Updated figures show that 40 observers arrived.",
        "Readers may recall the earlier summit.",
        "Share prices rose after the accord was signed.",
        "The summit opened on 31 March 2024 in Accra.",
        "Related talks are planned for June.",
        "1.",
    ],
)
def test_prose_that_resembles_furniture_is_kept(line):
    source = f"The ministers met in Accra on Monday.\n{line}\nThey agreed to meet again."
    assert normalise(source).text == source


def test_an_inline_photo_credit_is_blanked_but_the_sentence_kept():
    source = "The two envoys shook hands (Photo: Wire Agency) before the talks."
    result = normalise(source)
    credit = "(Photo: Wire Agency)"
    assert result.text == source.replace(credit, " " * len(credit))
    assert_map_points_back(source)


def test_non_breaking_spaces_become_spaces_and_invisible_characters_are_dropped():
    source = "The\u00a0envoy signed a diplo\u00admatic note.\u200bThe\u202fmission closed."
    result = normalise(source)
    assert result.text == "The envoy signed a diplomatic note.The mission closed."
    assert result.original(result.text.index("matic")) == source.index("matic")
    assert result.original(result.text.index(".The") + 1) == source.index("The\u202fmission")
    assert_map_points_back(source)


# --- headlines --------------------------------------------------------------------------------------


def test_headline_followed_by_a_blank_line_is_blanked():
    source = "Envoys agree to resume border talks\n\nThe two foreign ministers met on Monday. They spoke."
    result = normalise(source)
    assert result.text.startswith(" " * len("Envoys agree to resume border talks") + "\n\nThe two")
    assert result.text.endswith("They spoke.")


def test_headline_followed_by_a_much_longer_paragraph_is_blanked():
    source = (
        "Talks resume in Quito\n"
        "The delegations of two neighbouring states met again on Tuesday after a pause of a year. "
        "They agreed on a calendar."
    )
    assert normalise(source).text.startswith(" " * len("Talks resume in Quito") + "\nThe delegations")


def test_headline_after_a_byline_and_timestamp_is_still_found():
    source = "By Jane Doe\nPublished: 31 March 2024\nEnvoys meet in Quito\n\nThe envoys met on Sunday."
    result = normalise(source)
    assert result.text.strip() == "The envoys met on Sunday."


@pytest.mark.parametrize(
    "source",
    [
        # A one-paragraph article is never blanked whole.
        "Envoys agree to resume border talks",
        "Envoys agree to resume border talks\n\n",
        # A first line that ends a sentence is story text.
        "The ministers met on Monday.\n\nThey agreed on a calendar.",
        "Will the talks resume?\n\nNobody could say.",
        # Hard-wrapped prose: the next line continues the sentence.
        "The foreign ministers of the two states\nmet in Quito on Monday and agreed to talk.",
        # Too long to be a headline.
        "The foreign ministers of the two neighbouring states met in the capital on Monday for talks\n\n"
        "They agreed.",
        # Ends in a comma or a colon: the sentence goes on.
        "The ministers said,\n\nthey would meet again.",
    ],
)
def test_conservative_headline_cases_are_kept(source):
    assert normalise(source).text == source


def test_a_headline_followed_only_by_furniture_is_kept():
    source = "Envoys agree to resume border talks\n\nAdvertisement"
    assert normalise(source).text.startswith("Envoys agree to resume border talks\n\n ")


# --- the map and robustness -------------------------------------------------------------------------


def test_a_long_web_page_keeps_every_offset():
    source = (
        "Envoys agree to resume border talks\n"
        "By Jane Doe | Wire Agency\n"
        "Updated 2024-03-31 10:12 GMT\n\n"
        "The\u00a0two ministers met in Quito.They agreed on a calendar (Photo: Wire).\n"
        "Advertisement\n"
        "The U.S. observer, J.R. Smith, said aid rose 3.5 percent.Both sides welcomed it!"
        "Talks resume in May.\n"
    )
    result = normalise(source)
    assert "Quito. They" in result.text
    assert "percent. Both" in result.text
    assert "it! Talks" in result.text
    assert "Advertisement" not in result.text
    assert_map_points_back(source)


def test_empty_text():
    result = normalise("")
    assert result.text == ""
    assert result.original(0) == 0


def test_offsets_outside_the_text_are_refused():
    result = normalise("The envoys met.")
    with pytest.raises(IndexError):
        result.original(len(result.text) + 1)
    with pytest.raises(IndexError):
        result.original(-1)


def test_a_long_line_without_punctuation_is_returned_unchanged():
    source = "envoys met " * 100_000
    assert normalise(source).text == source


@given(st.text(alphabet=st.sampled_from("aZb.?!” \n\u00a0\u00ad\u200bPhoto:By1/@"), max_size=200))
def test_any_text_keeps_the_offset_map(source):
    assert_map_points_back(source)


@given(st.text(max_size=300))
def test_any_unicode_text_keeps_the_offset_map(source):
    assert_map_points_back(source)
