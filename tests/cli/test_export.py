"""`timeline export`: CSV and JSON lines read back equal the stored events; CAMEO rows follow GDELT."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_harness import FIXTURES, Timeline

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for
from timeline.exports import CSV_COLUMNS, GDELT_COLUMNS, write_csv, write_jsonl
from timeline.exports.cameo import actor_type, fraction_date, is_coded, quad_class
from timeline.output import event_record
from timeline.query import EventQuery

INTS = {"position", "stream_version", "schema_version", "sentence_index", "char_start", "char_end"}

# Made-up reports with the characters that break naive writers: commas, quotes, tabs, line breaks.
ARTICLE_TEXT = (
    'Envoys from Chile and Norway met, "briefly", in Oslo.\n'
    "Chile's minister\tpraised the talks; Norway offered grain.\n"
    "Later, the Norwegian side said it would visit Santiago."
)


def _article(text: str, url: str | None) -> Article:
    return Article(
        article_id=article_id_for(text),
        published=date(2023, 9, 4),
        text=text,
        outlet="Fjord, Andes & Co.",
        url=url,
        title="Two envoys",
    )


def _event(
    source: Article,
    n: int,
    type_: str,
    actor: Party,
    target: Party,
    *,
    sentence: str,
    cameo: str | None,
    goldstein: float | None,
    modality: str = "reported",
    payload: dict[str, Any] | None = None,
) -> Event:
    return Event(
        event_id=event_id_for(source.article_id, n),
        stream_id=article_stream(source.article_id),
        stream_version=n,
        type=type_,
        occurred_on=date(2023, 9, n),
        date_precision="day" if n != 3 else "month",
        modality=modality,
        actor=actor,
        target=target,
        cameo=cameo,
        goldstein=goldstein,
        provenance=Provenance(source.article_id, n - 1, 0, len(sentence), sentence, "test-x"),
        payload=payload if payload is not None else {},
    )


def _load(timeline: Timeline) -> list[Event]:
    """Two articles (one with a URL, one without) and events with awkward text and empty fields."""
    with_url = _article(ARTICLE_TEXT, "https://news.example/envoys?id=7&lang=en")
    without_url = _article("A second, shorter note about a grain shipment from Norway.", None)
    chl = Party("CHL", "Inés O'Neill, Jr.", "Foreign Minister")
    nor = Party("NOR", None, None)
    first = [
        _event(
            with_url,
            1,
            "MeetingHeld",
            chl,
            Party("NOR", 'Kari "K" Lund', "Ambassador"),
            sentence='Envoys from Chile and Norway met, "briefly", in Oslo.',
            cameo="040",
            goldstein=1.0,
            payload={"trigger": "met", "sectors": ["trade", "fish"], "nested": {"a": [1, 2.5, None]}},
        ),
        _event(
            with_url,
            2,
            "AidProvided",
            nor,
            Party("CHL"),
            sentence="Chile's minister\tpraised the talks; Norway offered grain.",
            cameo="070",
            goldstein=7.0,
        ),
        _event(
            with_url,
            3,
            "VisitMade",
            nor,
            Party("CHL"),
            modality="planned",
            sentence="Later, the Norwegian side said it would visit Santiago.",
            cameo="042",
            goldstein=1.9,
            payload={"note": "line one\nline two, with ünïcödé — and a tab\tinside"},
        ),
    ]
    second = [
        _event(
            without_url,
            1,
            "AidProvided",
            nor,
            Party("CHL", None, None),
            sentence="A second, shorter note about a grain shipment from Norway.",
            cameo="070",
            goldstein=7.0,
        ),
        _event(
            without_url,
            2,
            "StatementRecorded",
            Party(None, "Fjord, Andes & Co.", None),
            Party(),
            sentence="A second, shorter note about a grain shipment from Norway.",
            cameo="010",
            goldstein=0.0,
        ),
    ]
    store = timeline.store()
    try:
        store.append(first, with_url)
        store.append(second, without_url)
        return list(store.read(EventQuery()))
    finally:
        store.close()


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row back in the shape of Event.to_json(): empty cells are null, numbers are numbers."""
    data: dict[str, Any] = {}
    for key, text in row.items():
        value: Any = None if text == "" else text
        if value is not None and key in INTS:
            value = int(value)
        elif value is not None and key == "goldstein":
            value = float(value)
        elif key == "payload":
            value = json.loads(text)
        data[key] = value
    for side in ("actor", "target"):
        data[side] = {part: data.pop(f"{side}_{part}") for part in ("country", "name", "role")}
        data[side]["inferred"] = {"true": True, "false": False}[data.pop(f"{side}_inferred")]
    return data


@pytest.mark.parametrize("to_file", [False, True])
def test_csv_reads_back_as_the_stored_events(timeline_any: Timeline, tmp_path: Path, to_file: bool) -> None:
    stored = _load(timeline_any)
    if to_file:
        target = tmp_path / "events.csv"
        timeline_any.ok("export", "--format", "csv", "-o", str(target))
        text = target.read_text("utf-8")
    else:
        text = timeline_any.ok("export", "--format", "csv").stdout
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = [_from_csv_row(row) for row in reader]
    assert len(rows) == len(stored) == 5
    for row, event in zip(rows, stored, strict=True):
        expected = event_record(event)  # the sides with their `inferred` flag
        assert set(row) == set(expected)
        for key, value in expected.items():
            assert row[key] == value, key


def test_jsonl_reads_back_as_the_stored_events(timeline_any: Timeline, tmp_path: Path) -> None:
    stored = _load(timeline_any)
    target = tmp_path / "events.jsonl"
    timeline_any.ok("export", "--format", "jsonl", "-o", str(target))
    lines = target.read_text("utf-8").splitlines()
    assert len(lines) == len(stored)
    for line, event in zip(lines, stored, strict=True):
        assert json.loads(line) == event_record(event)


def test_csv_columns_are_every_field_of_the_event_flattened(timeline: Timeline) -> None:
    stored = _load(timeline)
    for event in stored:
        fields = set(event.to_json()) - {"actor", "target"}
        parts = ("country", "name", "role", "inferred")
        fields |= {f"{side}_{part}" for side in ("actor", "target") for part in parts}
        assert set(CSV_COLUMNS) == fields
    # The contract's fields come first, in the order `timeline events` gives them.
    contract = [k for k in event_record(stored[0]) if k not in ("actor", "target")]
    assert [c for c in CSV_COLUMNS if c in contract][:4] == contract[:4]


def test_filters_select_what_events_selects(timeline: Timeline) -> None:
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"), str(FIXTURES / "river_accord.txt"))
    everything = timeline.events()
    assert everything
    some = everything[0]
    cases = [
        ("--type", some["type"]),
        ("--actor", some["actor"]["country"] or some["actor"]["name"]),
        ("--as-of", some["occurred_on"]),
        ("--since", some["occurred_on"]),
        ("--article", some["article_id"]),
    ]
    for option, value in cases:
        expected = [e["event_id"] for e in timeline.events(option, value)]
        exported = timeline.ok("export", "--format", "jsonl", option, value).stdout.splitlines()
        assert [json.loads(line)["event_id"] for line in exported] == expected, option
        rows = list(csv.DictReader(io.StringIO(timeline.ok("export", option, value).stdout)))
        assert [row["event_id"] for row in rows] == expected, option


def test_retracted_events_are_left_out_unless_asked_for(timeline: Timeline) -> None:
    stored = _load(timeline)
    victim = stored[0]
    timeline.ok("retract", victim.event_id, "--reason", "the meeting was misdated")
    ids = [
        json.loads(line)["event_id"]
        for line in timeline.ok("export", "--format", "jsonl").stdout.splitlines()
    ]
    assert victim.event_id not in ids
    types = [
        json.loads(line)["type"] for line in timeline.ok("export", "--format", "jsonl").stdout.splitlines()
    ]
    assert "EventRetracted" in types  # the correction itself is part of the record
    everything = timeline.ok("export", "--format", "jsonl", "--include-retracted").stdout.splitlines()
    assert victim.event_id in [json.loads(line)["event_id"] for line in everything]
    cameo = timeline.ok("export", "--format", "cameo", "--include-retracted").stdout.splitlines()
    assert all(line.split("\t")[GDELT_COLUMNS.index("EventCode")] for line in cameo)
    assert str(victim.position) in [line.split("\t")[0] for line in cameo]
    retraction_positions = {str(e["position"]) for e in timeline.events() if e["type"] == "EventRetracted"}
    assert retraction_positions and not retraction_positions & {line.split("\t")[0] for line in cameo}


def test_retracted_events_say_when_and_why_in_csv_and_jsonl(timeline_any: Timeline) -> None:
    stored = _load(timeline_any)
    victim = stored[0]
    timeline_any.ok("retract", victim.event_id, "--reason", "the meeting was misdated")
    plain = timeline_any.ok("export", "--format", "jsonl").stdout.splitlines()
    assert "retracted_at" not in json.loads(plain[0])  # the default shape is unchanged
    rows = [
        json.loads(line)
        for line in timeline_any.ok("export", "--format", "jsonl", "--include-retracted").stdout.splitlines()
    ]
    marked = {row["event_id"]: (row["retracted_at"], row["retraction_reason"]) for row in rows}
    assert marked[victim.event_id][0] and marked[victim.event_id][1] == "the meeting was misdated"
    assert all(mark == (None, None) for event_id, mark in marked.items() if event_id != victim.event_id)
    exported = timeline_any.ok("export", "--format", "csv", "--include-retracted").stdout
    table = list(csv.DictReader(io.StringIO(exported)))
    reasons = [r["retraction_reason"] for r in table if r["event_id"] == victim.event_id]
    assert reasons == ["the meeting was misdated"]
    assert {r["retracted_at"] for r in table if r["event_id"] != victim.event_id} == {""}


def test_empty_store_exports_a_header_only(timeline: Timeline) -> None:
    timeline.ok("db", "upgrade")  # an empty store (reads never create one)
    assert timeline.ok("export").stdout.splitlines() == [",".join(CSV_COLUMNS)]
    assert timeline.ok("export", "--format", "jsonl").stdout == ""
    assert timeline.ok("export", "--format", "cameo").stdout == ""


def _cameo(timeline: Timeline, *args: str) -> list[dict[str, str]]:
    lines = timeline.ok("export", "--format", "cameo", *args).stdout.splitlines()
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == len(GDELT_COLUMNS) == 61 for row in rows)
    return [dict(zip(GDELT_COLUMNS, row, strict=True)) for row in rows]


def test_cameo_rows_follow_the_gdelt_layout(timeline: Timeline) -> None:
    stored = {e.position: e for e in _load(timeline)}
    rows = _cameo(timeline)
    exported = {int(row["GLOBALEVENTID"]) for row in rows}
    # The planned visit and the statement naming no country are not coded events.
    assert exported == {
        p for p, e in stored.items() if e.modality == "reported" and e.type != "StatementRecorded"
    }
    for row in rows:
        event = stored[int(row["GLOBALEVENTID"])]
        day = event.occurred_on
        assert row["SQLDATE"] == f"{day.year:04d}{day.month:02d}{day.day:02d}"
        assert row["MonthYear"] == row["SQLDATE"][:6] and row["Year"] == row["SQLDATE"][:4]
        assert row["EventCode"] == event.cameo
        assert row["EventBaseCode"] == event.cameo[:3] and row["EventRootCode"] == event.cameo[:2]
        assert float(row["GoldsteinScale"]) == event.goldstein
        assert row["Actor1CountryCode"] == (event.actor.country or "")
        assert row["Actor2CountryCode"] == (event.target.country or "")
        assert row["Actor1Code"].startswith(event.actor.country or "")
        assert row["DATEADDED"] == event.recorded_at.strftime("%Y%m%d%H%M%S")
        assert "\n" not in "".join(row.values())
    by_code = {row["EventCode"]: row for row in rows}
    assert by_code["040"]["QuadClass"] == "1" and by_code["070"]["QuadClass"] == "2"
    meeting = by_code["040"]
    assert meeting["Actor1Code"] == "CHLGOV" and meeting["Actor1Type1Code"] == "GOV"
    assert meeting["Actor1Name"] == "Inés O'Neill, Jr."
    assert meeting["IsRootEvent"] == "1"
    urls = {row["SOURCEURL"] for row in rows}
    assert "https://news.example/envoys?id=7&lang=en" in urls
    assert any(url.startswith("urn:timeline:article:") for url in urls)


@pytest.mark.parametrize(
    ("code", "quad"),
    [
        ("010", 1),
        ("036", 1),
        ("057", 1),
        ("070", 2),
        ("081", 2),
        ("090", 3),
        ("111", 3),
        ("130", 3),
        ("140", 4),
        ("163", 4),
        ("180", 4),
        ("204", 4),
        ("000", None),
        ("21", None),
        ("x1", None),
    ],
)
def test_quad_class_follows_the_cameo_root(code: str, quad: int | None) -> None:
    assert quad_class(code) == quad


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("Prime Minister", "GOV"),
        ("Defence Minister", "GOV"),
        ("Army Chief", "MIL"),
        ("Attorney General", "GOV"),
        ("Senator", "LEG"),
        ("Special Envoy", "GOV"),
        ("Chairman", ""),
        (None, ""),
    ],
)
def test_actor_types_come_from_the_role(role: str | None, code: str) -> None:
    assert actor_type(role) == code


def test_fraction_date_is_gdelts() -> None:
    assert fraction_date(date(2024, 1, 1)) == f"{2024 + 31 / 365:.4f}"
    assert fraction_date(date(2023, 12, 31)) == f"{2023 + (12 * 30 + 31) / 365:.4f}"


def test_retractions_and_planned_events_are_not_coded() -> None:
    base = Event(
        "id", "s", 1, "AidProvided", date(2024, 1, 1), actor=Party("NOR"), cameo="070", goldstein=7.0
    )
    assert is_coded(base)
    from dataclasses import replace

    assert not is_coded(replace(base, modality="planned"))
    assert not is_coded(replace(base, modality="negated"))
    assert not is_coded(replace(base, type="EventRetracted", cameo=None))
    assert not is_coded(replace(base, actor=Party(None, "someone")))
    assert not is_coded(replace(base, cameo=None))


def _made_up(n: int) -> Event:
    return Event(f"id-{n}", "s", n, "MeetingHeld", date(2024, 1, 1), actor=Party("NOR"), target=Party("CHL"))


@pytest.mark.parametrize("writer", [write_csv, write_jsonl])
def test_writers_write_each_row_before_reading_the_next(writer: Any) -> None:
    """Row by row: when the n-th event is read, the n-1 before it are already written."""
    out = io.StringIO()
    header = 1 if writer is write_csv else 0

    def events() -> Iterator[Event]:
        for n in range(1, 50):
            assert out.getvalue().count("\n") == header + n - 1
            yield _made_up(n)

    assert writer(events(), out) == 49
    assert out.getvalue().count("\n") == 49 + header
