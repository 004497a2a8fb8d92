"""`timeline events`: the contract's fields, the four formats, filters and the two clocks."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from cli_harness import FIXTURES, Timeline

CONTRACT = {
    "position", "event_id", "type", "modality", "occurred_on", "date_precision", "actor", "target",
    "cameo", "goldstein", "article_id", "sentence_index", "sentence", "recorded_at", "payload",
}


@pytest.fixture
def loaded(timeline: Timeline) -> Timeline:
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"), str(FIXTURES / "river_accord.txt"))
    return timeline


def test_json_has_the_contract_fields(loaded: Timeline) -> None:
    events = loaded.events()
    assert events
    for event in events:
        assert set(event) >= CONTRACT
        assert list(event)[: len(CONTRACT)] == [
            "position", "event_id", "type", "modality", "occurred_on", "date_precision", "actor", "target",
            "cameo", "goldstein", "article_id", "sentence_index", "sentence", "recorded_at", "payload",
        ]
        for side in ("actor", "target"):
            assert set(event[side]) == {"country", "name", "role", "inferred"}
        assert event["modality"] in ("reported", "planned", "negated")
        datetime.fromisoformat(event["occurred_on"])
        assert datetime.fromisoformat(event["recorded_at"]).tzinfo is not None
        assert isinstance(event["payload"], dict)


def test_jsonl_is_one_object_per_line_matching_json(loaded: Timeline) -> None:
    lines = loaded.ok("events", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == loaded.events()


def test_csv_flattens_actor_and_target(loaded: Timeline) -> None:
    rows = list(csv.DictReader(io.StringIO(loaded.ok("events", "--format", "csv").stdout)))
    events = loaded.events()
    assert len(rows) == len(events)
    for row, event in zip(rows, events, strict=True):
        assert row["event_id"] == event["event_id"]
        assert row["actor_country"] == (event["actor"]["country"] or "")
        assert row["target_name"] == (event["target"]["name"] or "")
        assert json.loads(row["payload"]) == event["payload"]


def test_table_is_readable(loaded: Timeline) -> None:
    out = loaded.ok("events").stdout.splitlines()
    events = loaded.events()
    assert out[0].split() == [
        "#", "DATE", "TYPE", "ACTOR", "->", "TARGET", "CAMEO", "GOLDSTEIN", "TRIGGER", "EXCERPT",
    ]  # fmt: skip
    body = out[2:]
    assert len(body) == len(events)
    for line, event in zip(body, events, strict=True):
        assert line.split()[:3][0] == str(event["position"])
        assert event["type"] in line and "->" in line and f" {event['cameo']} " in line
        if event["date_precision"] == "day":  # coarser dates are shown at their precision (test_formats)
            assert event["occurred_on"] in line
        assert len(line) < 200  # an excerpt, not the whole sentence


def test_empty_store_formats(timeline: Timeline) -> None:
    timeline.ok("db", "upgrade")  # an empty store (reads never create one)
    assert timeline.events() == []
    assert timeline.ok("events", "--format", "jsonl").stdout == ""
    assert timeline.ok("events", "--format", "csv").stdout.startswith("position,event_id,type")
    assert "no events" in timeline.ok("events").stdout


def test_filters(loaded: Timeline) -> None:
    events = loaded.events()
    first_article = events[0]["article_id"]
    assert {e["article_id"] for e in loaded.events("--article", first_article)} == {first_article}
    assert len(loaded.events("--limit", "2")) == 2
    one_type = events[0]["type"]
    assert {e["type"] for e in loaded.events("--type", one_type)} == {one_type}
    day = max(e["occurred_on"] for e in events)
    assert all(e["occurred_on"] >= day for e in loaded.events("--since", day))
    assert all(e["occurred_on"] <= day for e in loaded.events("--until", day))
    assert loaded.events("--as-of", "2000-01-01") == []
    assert loaded.events("--as-of", "2030-01-01") == events


def test_actor_filter_accepts_a_country_name(loaded: Timeline) -> None:
    by_code = loaded.events("--actor", "CHL")
    assert loaded.events("--actor", "Chile") == by_code
    assert all(e["actor"]["country"] == "CHL" or e["actor"]["name"] for e in by_code)


def test_known_at_before_ingest_shows_nothing(timeline: Timeline) -> None:
    before = datetime.now(UTC).isoformat()
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    assert timeline.events("--known-at", before) == []
    assert timeline.events("--known-at", datetime.now(UTC).isoformat()) == timeline.events()
    # a date means the end of that day
    assert timeline.events("--known-at", "2000-01-01") == []


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2024-02-30"],
        ["--as-of", "yesterday-ish"],
        ["--known-at", "not a time"],
        ["--type", "NoSuchType"],
        ["--limit", "0"],
        ["--format", "xml"],
    ],
)
def test_bad_options_are_usage_errors(timeline: Timeline, args: list[str]) -> None:
    result = timeline("events", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_since_after_until_is_an_error(timeline: Timeline) -> None:
    timeline.ok("db", "upgrade")  # an empty store (reads never create one)
    result = timeline("events", "--since", "2024-05-02", "--until", "2024-05-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --since 2024-05-02 is after --until 2024-05-01"


def test_facts_group_reports_of_one_happening(timeline: Timeline, tmp_path) -> None:
    (tmp_path / "one.txt").write_text(
        " date 2024-06-12 (Wire One) Ghanaian Foreign Minister Samuel Okudzeto Ablakwa met Norwegian "
        "Foreign Minister Espen Barth Eide in Oslo on Tuesday.",
        "utf-8",
    )
    (tmp_path / "two.txt").write_text(
        " date 2024-06-13 (Wire Two) Norway and Ghana held talks in Oslo on Tuesday, when Espen Barth "
        "Eide met his Ghanaian counterpart.",
        "utf-8",
    )
    timeline.ok("ingest", str(tmp_path / "one.txt"), str(tmp_path / "two.txt"))
    events = {e["event_id"]: e for e in timeline.events()}
    facts = timeline.json("events", "--facts")
    meetings = [f for f in facts if f["type"] == "MeetingHeld" and f["dyad"] == ["GHA", "NOR"]]
    assert len(meetings) == 1
    [meeting] = meetings
    assert meeting["source_count"] == len(meeting["sources"]) >= 2
    assert len({events[s]["article_id"] for s in meeting["sources"]}) == 2
    assert meeting["first_reported"] == "2024-06-12"
    table = timeline.ok("events", "--facts").stdout.splitlines()
    assert table[0].split()[:2] == ["DATE", "TYPE"] and len(table) == 2 + len(facts)
