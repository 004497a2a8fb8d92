"""Sentence splitting: abbreviations, initials, numbers, quotes, paragraphs, offsets, robustness."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extract.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_plain_sentences_with_indexes_and_offsets():
    text = "The envoys met. They talked for an hour! Was it useful? Both said so."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The envoys met.",
        "They talked for an hour!",
        "Was it useful?",
        "Both said so.",
    ]
    assert [s.index for s in sentences] == [0, 1, 2, 3]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_offset_points_back_into_the_stored_text():
    stored = " date 2024-01-01 (AGY) Mr. Ode arrived. He left."
    body_offset = stored.index("Mr.")
    sentences = split_sentences(stored[body_offset:], offset=body_offset)
    assert [stored[s.start : s.end] for s in sentences] == ["Mr. Ode arrived.", "He left."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Okafor and Mrs. Lind met Dr. Baptiste in St. Petersburg on Monday.",
        "Gen. Moreau, Lt. Col. Haines and Sen. Walsh toured the base with Gov. Ortiz.",
        "Rep. Ngata asked Prof. Ilves and Pres. Camara about the plan.",
        "The letter went to Albert J. Fenwick and to R. Moyo of the ministry.",
        "The minister, T. K. Varma, spoke after K P Menon.",
        "Officials in the U.S. and the U.K. said the U.N. would decide.",
        "The deal is worth $4.2 billion, about 2.5% of output.",
        "The vote closes at 11:30 pm on Friday, not at 9 a.m. as planned.",
        "Leaders of several states, e.g. Chile and Peru, i.e. the Pacific group, etc. attended.",
        "Talks resumed on Jan. 5 and again on Sept. 12 at No. 10 Downing Street.",
        "Acme Inc. said it would hire staff from Delta Co. Ltd. next year.",
        "The case of Smith vs. Jones was cited.",
    ],
)
def test_abbreviations_initials_numbers_and_times_do_not_split(sentence):
    assert texts(sentence + " Then they left.") == [sentence, "Then they left."]


def test_initialism_before_a_sentence_opener_ends_the_sentence():
    assert texts("The delegation flew to the U.S. The talks start today.") == [
        "The delegation flew to the U.S.",
        "The talks start today.",
    ]


def test_initialism_before_a_name_does_not():
    assert texts("He met the U.S. President in Rome.") == ["He met the U.S. President in Rome."]


def test_abbreviation_that_can_end_a_sentence():
    assert texts("The shares went to Acme Inc. The board agreed.") == [
        "The shares went to Acme Inc.",
        "The board agreed.",
    ]


def test_sentence_ending_inside_quotes_ends_after_the_quote():
    assert texts('She said "we are ready." Talks went on.') == ['She said "we are ready."', "Talks went on."]
    assert texts("He called it \u201ca turning point.\u201d Others disagreed.") == [
        "He called it \u201ca turning point.\u201d",
        "Others disagreed.",
    ]
    assert texts("'It is over.' The crowd left.") == ["'It is over.'", "The crowd left."]


def test_quote_followed_by_lower_case_attribution_does_not_split():
    assert texts('"Is this the end?" she asked. Nobody knew.') == [
        '"Is this the end?" she asked.',
        "Nobody knew.",
    ]


def test_ellipsis():
    assert texts("He paused... Then he went on.") == ["He paused...", "Then he went on."]
    assert texts("He paused... and went on.") == ["He paused... and went on."]
    assert texts("Wait\u2026 Nothing happened.") == ["Wait\u2026", "Nothing happened."]


def test_blank_lines_always_end_a_sentence():
    text = "A headline without a stop\n\nThe body starts here. It goes on\n   \nand a new paragraph"
    assert texts(text) == [
        "A headline without a stop",
        "The body starts here.",
        "It goes on",
        "and a new paragraph",
    ]


def test_single_newline_inside_a_sentence_does_not_split():
    assert texts("The envoy\nreturned home. Fine.") == ["The envoy\nreturned home.", "Fine."]


def test_empty_and_whitespace_and_punctuation_only_pieces_are_skipped():
    assert split_sentences("") == []
    assert split_sentences("   \n\n \t ") == []
    assert texts("First.\n\n***\n\n...\n\nLast.") == ["First.", "Last."]


def test_windows_line_endings_and_paragraph_separator():
    assert texts("One.\r\n\r\nTwo\u2029Three.") == ["One.", "Two", "Three."]


def test_pathological_runs_finish():
    # These would be quadratic with a naive regex; they must simply finish.
    assert split_sentences("." * 200_000) == []
    assert split_sentences(" ." * 100_000) == []
    assert len(split_sentences("word " * 100_000)) == 1


def test_control_characters_and_right_to_left_text():
    text = "\x00\x1f\u202eمرحبا. \u05e9\u05dc\u05d5\u05dd! Ok."
    sentences = split_sentences(text)
    assert [s.text for s in sentences][-1] == "Ok."
    for s in sentences:
        assert text[s.start : s.end] == s.text


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=0, max_value=10_000))
def test_any_text_gives_ordered_exact_stripped_sentences(text, offset):
    sentences = split_sentences(text, offset)
    previous_end = offset
    for i, s in enumerate(sentences):
        assert s.index == i
        assert previous_end <= s.start < s.end <= len(text) + offset
        assert text[s.start - offset : s.end - offset] == s.text
        assert s.text == s.text.strip()
        previous_end = s.end


@given(
    st.lists(
        st.sampled_from(["Mr.", "U.S.", "a.m.", "3.5", '"', "\n\n", " ", "Yes.", "no", "...", "?", "St."])
    )
)
def test_tricky_tokens_never_break_the_invariants(parts):
    text = " ".join(parts)
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
