"""The helpers that keep article text from acting as a spreadsheet formula or a terminal command."""

from __future__ import annotations

import csv
import io
import re

import pytest

from timeline.output import explanation_table, render_csv, render_table
from timeline.safe_text import csv_cell, for_terminal, neutralise_cell, restore_cell

# Strings a terminal or a spreadsheet would act on, each with what the helpers make of it.
FORMULAS = [
    '=HYPERLINK("http://evil.example","more")',
    "+Chile thanked Peru.",
    "-Chile thanked Peru.",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\tplain text after a tab",
    "\uff1dSUM(A1)",  # full-width equals sign
    "'=1+1",  # a quote before a formula sign: prefixed again, so that restore_cell is exact
    "''@x",
]
PLAIN = [
    "",
    "Chile thanked Peru.",
    "'Tis the season, the envoy said.",
    "'",
    " leading space, then words",
    "2024-03-04",
    "a=b+c",
    '{"trigger": "=expel"}',
]


@pytest.mark.parametrize("text", FORMULAS)
def test_cells_that_start_like_formulas_get_a_quote(text: str) -> None:
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_cells_are_left_alone(text: str) -> None:
    assert neutralise_cell(text) == text
    assert restore_cell(text) == text


def test_numbers_are_data_not_formulas() -> None:
    assert csv_cell(-4.0) == -4.0
    assert csv_cell(-3) == -3
    assert csv_cell(True) is True
    assert csv_cell("-4.0") == "'-4.0"  # text that looks like a number is still text


def test_render_csv_prefixes_text_cells_and_keeps_numbers() -> None:
    rows = [
        {"position": -1, "goldstein": -4.0, "sentence": "=1+1", "actor": {"country": "NOR", "name": "@x"}},
        {"position": 2, "goldstein": 3.5, "sentence": "plain", "actor": {"country": "-SE", "name": None}},
    ]
    text = "".join(render_csv(rows))
    read = list(csv.DictReader(io.StringIO(text)))
    assert [r["position"] for r in read] == ["-1", "2"]
    assert [r["goldstein"] for r in read] == ["-4.0", "3.5"]
    assert [r["sentence"] for r in read] == ["'=1+1", "plain"]
    assert [r["actor_name"] for r in read] == ["'@x", ""]
    assert [r["actor_country"] for r in read] == ["NOR", "'-SE"]


# --- terminals ---------------------------------------------------------------------------------

TERMINAL_BYTES = re.compile("[\x00-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("window\x1b]0;title\x07", "window\\x1b]0;title\\x07"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("del\x7f", "del\\x7f"),
        ("bell\x07 nul\x00", "bell\\x07 nul\\x00"),
        ("two\nlines\r", "two\\x0alines\\x0d"),
        ("tab\there", "tab\\x09here"),
        ("next line\x85", "next line\\x85"),
        ("flipped \u202eedoc\u202c", "flipped \\u202eedoc\\u202c"),
        ("sep\u2028", "sep\\u2028"),
    ],
)
def test_control_characters_are_shown_as_escapes(text: str, shown: str) -> None:
    assert for_terminal(text) == shown
    assert not TERMINAL_BYTES.search(for_terminal(text))


@pytest.mark.parametrize(
    "text", ["Chile thanked Peru.", "Ünïcödé — «quoted» 東京", "C:\\path\\x1b as typed", "\u200eLRM kept"]
)
def test_printable_text_is_unchanged(text: str) -> None:
    assert for_terminal(text) == text
    assert for_terminal(for_terminal(text)) == text


def test_tables_escape_every_cell() -> None:
    rows = [(1, "Chile\x1b]0;x\x07", ["a\x1b[1m", "b"]), (2, None, "\x9bplain")]
    table = "".join(render_table(("#", "NAME", "LIST"), rows))
    assert not TERMINAL_BYTES.search(table.replace("\n", ""))
    assert "Chile\\x1b]0;x\\x07" in table and "a\\x1b[1m, b" in table and "\\x9bplain" in table
    # Escapes are counted in the width, so the columns still line up.
    lines = table.splitlines()
    assert lines[2].index("a\\x1b") == lines[0].index("LIST")


def test_explanation_line_is_escaped() -> None:
    text = "".join(explanation_table({"dyad": ["CHL", "P\x1bER"], "tone": "warm\x07", "facts": []}))
    assert not TERMINAL_BYTES.search(text.replace("\n", ""))
    assert "P\\x1bER" in text and "warm\\x07" in text
