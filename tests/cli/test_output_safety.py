"""Hostile article text reaches people's tools as data, never as a formula or a terminal command.

CSV cells (``events --format csv``, ``export --format csv``, the CAMEO rows' text columns) that
start like a spreadsheet formula are prefixed with ``'``; tables and message lines show control
characters as visible escapes; JSON and JSON lines keep the exact text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cli_harness import Timeline

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for
from timeline.exports import GDELT_COLUMNS
from timeline.safe_text import FORMULA_SIGNS, restore_cell

# Made-up dispatches: sentences that start like spreadsheet formulas, and one full of terminal
# controls (an OSC window-title sequence, BEL, a C1 CSI, DEL, SGR colour codes).
HOSTILE_ARTICLE = (
    " date 2024-03-04 (Wire) Oslo:\n"
    "=Norway's foreign minister met Sweden's foreign minister in Oslo on Monday.\n"
    "+Finland invited Estonia to talks in Helsinki.\n"
    "-Denmark condemned Iceland on Tuesday.\n"
    "@Poland praised Germany for its help on Wednesday.\n"
    "Chile\x1b]0;pwned\x07 criticised Peru\x9b6n on Friday\x7f.\n"
    "\x1b[31mBrazil\x1b[0m praised Argentina on Thursday.\n"
)
FORMULA_SENTENCES = {
    "=Norway's foreign minister met Sweden's foreign minister in Oslo on Monday.",
    "+Finland invited Estonia to talks in Helsinki.",
    "-Denmark condemned Iceland on Tuesday.",
    "@Poland praised Germany for its help on Wednesday.",
}
#: Bytes a terminal acts on: C0 (a table keeps its own line breaks), DEL and C1.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: CSV columns that hold numbers: data, never prefixed (a Goldstein value of -4.0 stays -4.0).
NUMERIC = {
    "position",
    "goldstein",
    "sentence_index",
    "stream_version",
    "schema_version",
    "char_start",
    "char_end",
}


def _ingest(timeline: Timeline, tmp_path: Path) -> None:
    path = tmp_path / "dispatch.txt"
    path.write_text(HOSTILE_ARTICLE, "utf-8")
    timeline.ok("ingest", str(path))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _assert_no_formula_cells(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            if column not in NUMERIC and cell:
                assert cell.lstrip("'")[0] not in FORMULA_SIGNS or cell.startswith("'"), (column, cell)


@pytest.mark.parametrize("command", [("export", "--format", "csv"), ("events", "--format", "csv")])
def test_csv_cells_starting_like_formulas_are_prefixed(
    timeline_any: Timeline, tmp_path: Path, command: tuple[str, ...]
) -> None:
    _ingest(timeline_any, tmp_path)
    rows = _rows(timeline_any.ok(*command).stdout)
    sentences = {row["sentence"] for row in rows}
    assert {"'" + s for s in FORMULA_SENTENCES} <= sentences
    assert not FORMULA_SENTENCES & sentences
    _assert_no_formula_cells(rows)
    # Numbers are data: a negative Goldstein value is written as the number it is.
    condemned = next(row for row in rows if row["sentence"] == "'-Denmark condemned Iceland on Tuesday.")
    assert float(condemned["goldstein"]) < 0 and condemned["goldstein"].startswith("-")
    # The prefix is undone by restore_cell: the cells read back as the stored text.
    stored = {e["position"]: e["sentence"] for e in timeline_any.events()}
    assert {int(r["position"]): restore_cell(r["sentence"]) for r in rows} == stored


def test_jsonl_and_json_keep_the_exact_text(timeline_any: Timeline, tmp_path: Path) -> None:
    _ingest(timeline_any, tmp_path)
    exported = [
        json.loads(line) for line in timeline_any.ok("export", "--format", "jsonl").stdout.splitlines()
    ]
    listed = timeline_any.events()
    for found in (
        exported,
        [json.loads(line) for line in timeline_any.ok("events", "--format", "jsonl").stdout.splitlines()],
        listed,
    ):
        sentences = [event["sentence"] for event in found]
        assert set(sentences) >= FORMULA_SENTENCES
        controlled = [s for s in sentences if "\x1b]0;pwned\x07" in s]
        assert controlled and "\x9b6n" in controlled[0] and "\x7f" in controlled[0]
        assert all(s in HOSTILE_ARTICLE for s in sentences)


def test_tables_show_control_characters_as_escapes(timeline_any: Timeline, tmp_path: Path) -> None:
    _ingest(timeline_any, tmp_path)
    table = timeline_any.ok("events").stdout
    assert not RAW_CONTROL.search(table), repr(table)
    assert "Chile\\x1b]0;pwned\\x07 criticised Peru\\x9b6n on Friday\\x7f." in table
    for command in (("events", "--facts"), ("relations", "--as-of", "2024-03-31"), ("history", "CHL", "PER")):
        assert not RAW_CONTROL.search(timeline_any.ok(*command).stdout), command


def test_an_error_line_shows_a_file_name_with_escapes(timeline_any: Timeline, tmp_path: Path) -> None:
    empty = tmp_path / "note\x1b]0;pwned\x07\x9b.txt"
    empty.write_text("", "utf-8")
    missing = tmp_path / "gone\x1b[31m.txt"
    result = timeline_any("ingest", str(empty), str(missing))
    assert result.exit_code == 1
    assert not RAW_CONTROL.search(result.stderr), repr(result.stderr)
    assert "note\\x1b]0;pwned\\x07\\x9b.txt: empty file" in result.stderr
    assert "gone\\x1b[31m.txt: no such file or folder" in result.stderr


ECHOED_ERRORS = [
    ("retract", "no-such\x1b]0;pwned\x07", "--reason", "x"),
    ("erase", "no-such\x1b[2J", "--reason", "x"),
]
#: Errors whose messages click or Python already quote with repr(); kept here so that they stay safe.
QUOTED_ERRORS = [
    ("events", "--since", "2024\x1b[31m"),
    ("ingest", "--lexicon", "missing\x1b]0;x\x07.json", "-"),
    ("export", "-o", "/no/such/folder\x1b[2J/out.csv"),
]


@pytest.mark.parametrize("command", ECHOED_ERRORS + QUOTED_ERRORS)
def test_error_messages_hold_no_control_characters(timeline_any: Timeline, command: tuple[str, ...]) -> None:
    timeline_any.ok("db", "upgrade")  # a store, so that the command itself is what fails
    result = timeline_any(*command)
    assert result.exit_code in (1, 2)
    assert "error:" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert not RAW_CONTROL.search(result.stderr), repr(result.stderr)
    assert "\\x1b" in result.stderr


# --- names, roles and the trigger of events written through the store ---------------------------


def _hostile_events(timeline: Timeline) -> list[Event]:
    text = "A made-up note: envoys of Chile and Norway spoke by phone."
    article = Article(article_id_for(text), date(2023, 9, 4), text, "=Wire", "=cmd|' /C calc'!A0", "+title")
    sentence = "\tenvoys of Chile and Norway spoke by phone."
    events = [
        Event(
            event_id=event_id_for(article.article_id, 1),
            stream_id=article_stream(article.article_id),
            stream_version=1,
            type="DiplomatExpelled",
            occurred_on=date(2023, 9, 1),
            actor=Party("CHL", '=HYPERLINK("http://evil.example")', "+Envoy"),
            target=Party("NOR", "@Lund\x1b]0;x\x07", "-Ambassador\x1b[31m"),
            cameo="161",
            goldstein=-4.0,
            provenance=Provenance(article.article_id, 0, 0, len(sentence), sentence, "test-x"),
            payload={"trigger": "=expel"},
        )
    ]
    store = timeline.store()
    try:
        store.append(events, article)
    finally:
        store.close()
    return events


def test_names_roles_and_sentences_are_prefixed_in_csv(timeline_any: Timeline) -> None:
    event = _hostile_events(timeline_any)[0]
    for command in (("export",), ("events", "--format", "csv")):
        [row] = _rows(timeline_any.ok(*command).stdout)
        assert row["actor_name"] == '\'=HYPERLINK("http://evil.example")'
        assert row["actor_role"] == "'+Envoy"
        assert row["target_name"] == "'@Lund\x1b]0;x\x07"
        assert row["target_role"] == "'-Ambassador\x1b[31m"  # CSV keeps the data: only the prefix
        assert row["sentence"] == "'\tenvoys of Chile and Norway spoke by phone."
        assert row["goldstein"] == "-4.0"
        assert json.loads(row["payload"])["trigger"] == "=expel"  # inside JSON text, not a cell start
        assert restore_cell(row["actor_name"]) == event.actor.name


def test_facts_csv_cells_are_prefixed_too(timeline_any: Timeline) -> None:
    _hostile_events(timeline_any)
    [row] = _rows(timeline_any.ok("events", "--facts", "--format", "csv").stdout)
    assert row["actor_name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["goldstein"] == "-4.0"
    _assert_no_formula_cells([row])


def test_cameo_text_columns_are_prefixed_numbers_are_not(timeline_any: Timeline) -> None:
    _hostile_events(timeline_any)
    [line] = timeline_any.ok("export", "--format", "cameo").stdout.splitlines()
    row = dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True))
    assert row["Actor1Name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Actor2Name"] == "'@Lund\x1b]0;x\x07"
    assert row["SOURCEURL"] == "'=cmd|' /C calc'!A0"
    assert row["GoldsteinScale"] == "-4"
    texts = [cell for name, cell in row.items() if name != "GoldsteinScale" and cell]
    assert not any(cell[0] in FORMULA_SIGNS for cell in texts)


def test_tables_escape_names_and_roles(timeline_any: Timeline) -> None:
    _hostile_events(timeline_any)
    table = timeline_any.ok("events").stdout
    assert not RAW_CONTROL.search(table), repr(table)
    assert "NOR (@Lund\\x1b]0;x\\x07)" in table
    assert "envoys of Chile and Norway spoke by phone." in table


# --- on a real terminal ---------------------------------------------------------------------------


def _on_a_terminal(url: str, *args: str) -> bytes:
    """What `timeline ARGS` writes to a pseudo-terminal (stdout and stderr both); click strips colour
    codes only when the output is not a terminal, so this is where they would get through."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-c", "from timeline.cli import main; main()", "--db", url, *args]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks)


def test_a_terminal_gets_no_escape_sequence(timeline_any: Timeline, tmp_path: Path) -> None:
    _ingest(timeline_any, tmp_path)
    table = _on_a_terminal(timeline_any.url, "events").decode("utf-8")
    assert "Chile\\x1b]0;pwned\\x07" in table
    assert not RAW_CONTROL.search(table.replace("\r\n", "")), repr(table)
    failed = _on_a_terminal(timeline_any.url, "ingest", str(tmp_path / "gone\x1b[31m.txt")).decode("utf-8")
    assert "gone\\x1b[31m.txt: no such file or folder" in failed
    assert not RAW_CONTROL.search(failed.replace("\r\n", "")), repr(failed)
