"""What an analyst sees of people: the names they know them by, the people the extractor only
inferred marked as such in every output, and --actor/--target by any of a person's names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from cli_harness import Timeline

# Made up for these tests; the people are real office-holders, the happenings are not.
ARTICLE = """ date 2024-05-02 (Lantern Wire) Ottawa:
Canadian Prime Minister Justin Trudeau spoke with President Luiz Inácio Lula da Silva of Brazil on Tuesday.
A week later, Canada condemned Venezuela over the seizure of its consulate.
Chinese President Xi Jinping met South Korean Foreign Minister Cho Tae-yul in Beijing on Monday.
Mexican President Andrés Manuel López Obrador invited Saudi Arabia's King Salman to visit Mexico City.
Indian Prime Minister Narendra Modi met Pakistani Prime Minister Shehbaz Sharif in Astana on Wednesday.
"""


@pytest.fixture
def loaded(timeline_any: Timeline, tmp_path: Path) -> Timeline:
    path = tmp_path / "names.txt"
    path.write_text(ARTICLE, "utf-8")
    timeline_any.ok("ingest", str(path))
    return timeline_any


def _by_type(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["type"]: e for e in events if e["type"] != "MeetingHeld"} | {
        f"MeetingHeld {e['actor']['country']}": e for e in events if e["type"] == "MeetingHeld"
    }


def _positions(timeline: Timeline, *args: str) -> list[str]:
    return [f"{e['actor']['country']}->{e['target']['country']}" for e in timeline.events(*args)]


# --- 1. guesses shown as guesses ------------------------------------------------------------------


def test_an_inferred_person_is_marked_in_the_table_and_history(loaded: Timeline) -> None:
    table = loaded.ok("events").stdout
    criticism = next(line for line in table.splitlines() if "CriticismVoiced" in line)
    assert "CAN (Trudeau?) -> VEN" in criticism  # Canada acted; Trudeau is the extractor's guess
    statement = next(line for line in table.splitlines() if "StatementRecorded" in line)
    assert "CAN (Trudeau) -> BRA (Lula)" in statement  # named in that sentence: no mark
    assert "CAN (Trudeau?) -> VEN" in loaded.ok("history", "CAN", "VEN").stdout


def test_each_side_says_whether_its_person_was_inferred_in_json_jsonl_and_csv(loaded: Timeline) -> None:
    events = _by_type(loaded.events())
    criticism = events["CriticismVoiced"]
    assert criticism["actor"] == {
        "country": "CAN",
        "name": "Justin Trudeau",
        "role": "Prime Minister",
        "inferred": True,
    }
    assert criticism["target"]["inferred"] is False
    assert events["StatementRecorded"]["actor"]["inferred"] is False
    lines = loaded.ok("events", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == loaded.events()
    for args in (("events", "--format", "csv"), ("export", "--format", "csv")):
        rows = list(csv.DictReader(io.StringIO(loaded.ok(*args).stdout)))
        flags = {(r["type"], r["actor_inferred"], r["target_inferred"]) for r in rows}
        assert ("CriticismVoiced", "true", "false") in flags, args
        assert ("StatementRecorded", "false", "false") in flags, args
    exported = [json.loads(line) for line in loaded.ok("export", "--format", "jsonl").stdout.splitlines()]
    assert next(e for e in exported if e["type"] == "CriticismVoiced")["actor"]["inferred"] is True


def test_the_cameo_export_leaves_an_inferred_person_out(loaded: Timeline) -> None:
    rows = [line.split("\t") for line in loaded.ok("export", "--format", "cameo").stdout.splitlines()]
    by_actor = {(row[7], row[17]): row for row in rows}  # Actor1CountryCode, Actor2CountryCode
    guessed = by_actor[("CAN", "VEN")]
    assert guessed[5:8] == ["CAN", "CANADA", "CAN"]  # Actor1Code, Actor1Name, Actor1CountryCode
    assert "Trudeau" not in "\t".join(guessed)
    named = by_actor[("CHN", "KOR")]
    assert named[5:8] == ["CHNGOV", "Xi Jinping", "CHN"]


def test_the_report_styles_an_inferred_person_and_explains_it(loaded: Timeline) -> None:
    page = loaded.ok("report", "CAN", "VEN", "-o", "-").stdout
    assert '<span class="inferred"' in page and "Justin Trudeau?</span>" in page
    assert "the sentence does not name this person" in page  # the legend and the tooltip
    assert ".inferred" in page  # styled by the page's own CSS


# --- 2. names ---------------------------------------------------------------------------------------


def test_the_table_shows_the_name_a_reader_knows(loaded: Timeline) -> None:
    table = loaded.ok("events").stdout
    assert "CHN (Xi) -> KOR (Cho)" in table  # family name first
    assert "MEX (López Obrador) -> SAU (Salman)" in table  # the lexicon's short forms
    assert "CAN (Trudeau) -> BRA (Lula)" in table
    assert "IND (Modi) -> PAK (Sharif)" in table
    for wrong in ("(Jinping)", "(Tae-yul)", "(Obrador)", "(Silva)", "(Abdulaziz)"):
        assert wrong not in table
    assert "CHN (Xi) -> KOR (Cho)" in loaded.ok("events", "--facts").stdout


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--actor", "Modi", ["IND->PAK"]),
        ("--actor", "Xi", ["CHN->KOR"]),
        ("--actor", "jinping", ["CHN->KOR"]),
        ("--target", "Sharif", ["IND->PAK"]),
        ("--actor", "lopez obrador", ["MEX->SAU"]),  # no accents typed
        ("--actor", "AMLO", ["MEX->SAU"]),  # a lexicon alias
        ("--target", "King Salman", ["MEX->SAU"]),
        ("--target", "Lula", ["CAN->BRA"]),
        ("--target", "Tae-yul", ["CHN->KOR"]),
        ("--actor", "Narendra Modi", ["IND->PAK"]),  # the full name still works
    ],
)
def test_actor_and_target_match_any_of_a_persons_names(
    loaded: Timeline, option: str, value: str, expected: list[str]
) -> None:
    assert _positions(loaded, option, value) == expected


def test_part_of_a_name_is_no_name(loaded: Timeline) -> None:
    """Whole words only: "Mod" names nobody, which is an error like any unknown name."""
    result = loaded("events", "--actor", "Mod")
    assert result.exit_code == 1 and "--actor 'Mod' is no country and no person" in result.stderr


def test_actor_may_be_given_more_than_once(loaded: Timeline) -> None:
    assert _positions(loaded, "--actor", "Xi", "--actor", "Modi") == ["CHN->KOR", "IND->PAK"]
    assert _positions(loaded, "--actor", "Xi", "--actor", "MEX") == ["CHN->KOR", "MEX->SAU"]
    assert _positions(loaded, "--target", "Cho", "--target", "Salman") == ["CHN->KOR", "MEX->SAU"]
    facts = json.loads(
        loaded.ok("events", "--facts", "--actor", "xi", "--actor", "modi", "--format", "json").stdout
    )
    assert sorted(f["actor"]["country"] for f in facts) == ["CHN", "IND"]
    exported = loaded.ok("export", "--format", "jsonl", "--actor", "Obrador", "--actor", "Trudeau").stdout
    assert sorted(json.loads(line)["type"] for line in exported.splitlines()) == [
        "CriticismVoiced",
        "InvitationExtended",
        "StatementRecorded",
    ]
