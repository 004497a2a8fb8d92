"""Every read command in every format (table, json, jsonl, csv), and the options an analyst sorts
and narrows with: `relations --country/--sort`, `events --dyad/--sort`, `export --limit`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_harness import Timeline

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for

AS_OF = "2024-07-01"

# Made-up reports: a Chile-Norway meeting with an invitation and an agreement, a Peru-Chile quarrel
# and a Norwegian visit to Peru.
FEED = [
    {
        "text": (
            "Chilean Foreign Minister Alberto van Klaveren met Norwegian Foreign Minister Espen Barth "
            "Eide in Oslo on Tuesday. Van Klaveren invited Eide to visit Santiago. The two ministers "
            "signed an agreement on fisheries."
        ),
        "published": "2024-03-12",
        "source": "Harbour Ledger",
        "url": "https://ledger.example/oslo-talks",
        "title": "Ministers meet in Oslo",
    },
    {
        "text": (
            "Peru condemned the missile test carried out by Chile on Sunday. Peru expelled the Chilean "
            "ambassador."
        ),
        "published": "2024-05-20",
        "source": "Valley Post",
        "url": "https://valley.example/lima",
        "title": "Lima answers a test",
    },
    {
        "text": (
            "Norwegian Prime Minister Jonas Gahr Store visited Lima on Monday and met Peruvian President "
            "Dina Boluarte."
        ),
        "published": "2024-06-04",
        "source": "Valley Post",
        "title": "A visit to Lima",
    },
]

#: Each read command, as run for the format tests (`--format F` is added).
READS = {
    "events": ("events",),
    "events --facts": ("events", "--facts"),
    "relations": ("relations", "--as-of", AS_OF),
    "relations --explain": ("relations", "--explain", "CHL", "NOR", "--as-of", AS_OF),
    "invitations": ("invitations", "--as-of", AS_OF),
    "history": ("history", "CHL", "PER", "--as-of", AS_OF),
    "stats": ("stats",),
    "articles": ("articles",),
}


def ingest_feed(timeline: Timeline, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(item) + "\n" for item in FEED), "utf-8")
    timeline.ok("ingest", str(feed))


@pytest.fixture
def loaded(timeline_any: Timeline, tmp_path: Path) -> Timeline:
    ingest_feed(timeline_any, tmp_path)
    return timeline_any


def rows_of(name: str, answer: Any) -> list[dict[str, Any]]:
    """The rows a command's JSON answer stands for in JSON lines and CSV."""
    if name == "relations --explain":
        return [{"dyad": answer["dyad"], "as_of": answer["as_of"], **fact} for fact in answer["facts"]]
    if name == "stats":
        tallies = [
            (group, item, tally)
            for group, key in (("type", "by_type"), ("extractor_version", "by_extractor_version"))
            for item, tally in answer[key].items()
        ]
        return [
            {"group": "articles", "name": "all", "count": answer["articles"], "live": None,
             "retracted": None},
            {"group": "articles", "name": "erased", "count": answer["erased_articles"], "live": None,
             "retracted": None},
            {"group": "database", "name": "bytes", "count": answer["database_bytes"], "live": None,
             "retracted": None},
            {"group": "events", "name": "all", "count": answer["events"], "live": None, "retracted": None},
            {"group": "events", "name": "statements", "count": answer["statements"], "live": answer["live"],
             "retracted": answer["retracted"]},
            *({"group": g, "name": n, "count": t["events"], "live": t["live"], "retracted": t["retracted"]}
              for g, n, t in tallies),
        ]  # fmt: skip
    return answer


def steady(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without the database's size, which may move between two runs (the WAL, autovacuum)."""
    return [{**row, "count": None} if row.get("group") == "database" else row for row in rows]


def as_csv_cells(row: dict[str, Any]) -> dict[str, str]:
    """A JSON row as our CSV writes it: sides flattened, nested values as JSON, null empty."""
    cells: dict[str, str] = {}
    for key, value in row.items():
        if key in ("actor", "target", "inviter", "invitee"):
            for part, cell in value.items():  # country, name, role (and inferred, for events)
                cells[f"{key}_{part}"] = ("true" if cell else "false") if part == "inferred" else cell or ""
        elif isinstance(value, dict | list):
            cells[key] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            cells[key] = "true" if value else "false"
        else:
            cells[key] = "" if value is None else str(value)
    return cells


@pytest.mark.parametrize("name", list(READS))
def test_every_read_command_speaks_every_format(loaded: Timeline, name: str) -> None:
    command = READS[name]
    answer = json.loads(loaded.ok(*command, "--format", "json").stdout)
    rows = rows_of(name, answer)
    assert rows, f"{name}: the fixture should give rows"

    lines = loaded.ok(*command, "--format", "jsonl").stdout.splitlines()
    assert steady([json.loads(line) for line in lines]) == steady(rows)

    text = loaded.ok(*command, "--format", "csv").stdout
    read = list(csv.DictReader(io.StringIO(text)))
    assert steady(read) == steady([as_csv_cells(row) for row in rows])

    table = loaded.ok(*command).stdout
    assert len(table.splitlines()) >= 3, table  # a header, a rule and rows


@pytest.mark.parametrize("name", [n for n in READS if n != "stats"])
def test_an_empty_answer_is_a_header_in_csv(timeline_any: Timeline, name: str) -> None:
    command = READS[name]
    timeline_any.ok("db", "upgrade")  # a read never creates the store
    assert json.loads(timeline_any.ok(*command, "--format", "json").stdout) in ([], {
        "dyad": ["CHL", "NOR"], "as_of": AS_OF, "facts": []})  # fmt: skip
    assert timeline_any.ok(*command, "--format", "jsonl").stdout == ""
    header = timeline_any.ok(*command, "--format", "csv").stdout
    assert header.count("\n") == 1 and header.count(",") >= 4, header


def test_invitations_say_how_long_they_are_pending(loaded: Timeline) -> None:
    [invitation] = loaded.json("invitations", "--as-of", AS_OF)
    assert invitation["status"] == "pending" and invitation["extended_on"] == "2024-03-12"
    assert invitation["days_pending"] == (date(2024, 7, 1) - date(2024, 3, 12)).days
    [row] = csv.DictReader(io.StringIO(loaded.ok("invitations", "--as-of", AS_OF, "--format", "csv").stdout))
    assert row["days_pending"] == str(invitation["days_pending"])
    assert row["inviter_country"] == "CHL" and row["invitee_name"] == "Espen Barth Eide"
    table = loaded.ok("invitations", "--as-of", AS_OF).stdout.splitlines()
    assert table[2].rstrip().endswith(str(invitation["days_pending"]))


def test_relations_of_one_country_in_the_order_asked_for(loaded: Timeline) -> None:
    every = loaded.json("relations", "--as-of", AS_OF)
    assert [r["dyad"] for r in every] == [["CHL", "NOR"], ["CHL", "PER"], ["NOR", "PER"]]

    with_peru = loaded.json("relations", "--as-of", AS_OF, "--country", "Peru")
    assert [r["dyad"] for r in with_peru] == [["CHL", "PER"], ["NOR", "PER"]]
    assert loaded.json("relations", "--as-of", AS_OF, "--country", "nor") == [every[0], every[2]]

    def dyads(sort: str) -> list[str]:
        return ["-".join(r["dyad"]) for r in loaded.json("relations", "--as-of", AS_OF, "--sort", sort)]

    by_tone = dyads("tone")
    assert by_tone[0] == "CHL-PER"  # the hostile pair first
    tones = {"-".join(r["dyad"]): r["tone"] for r in every}
    ranks = ["hostile", "strained", "neutral", "cooperative", "close"]
    assert [ranks.index(tones[d]) for d in by_tone] == sorted(ranks.index(tones[d]) for d in by_tone)
    scores = {"-".join(r["dyad"]): r["score"] for r in every}
    assert [scores[d] for d in dyads("score")] == sorted(scores.values())
    assert dyads("last") == ["NOR-PER", "CHL-PER", "CHL-NOR"]  # June, May, March
    facts = {"-".join(r["dyad"]): r["fact_count"] for r in every}
    assert [facts[d] for d in dyads("facts")] == sorted(facts.values(), reverse=True)

    table = loaded.ok("relations", "--as-of", AS_OF, "--country", "PER", "--sort", "last").stdout
    assert [line.split()[0] for line in table.splitlines()[2:]] == ["NOR-PER", "CHL-PER"]
    unknown = loaded("relations", "--country", "Narnia")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: unknown country 'Narnia'")
    assert loaded("relations", "--sort", "mood").exit_code == 2


def test_events_of_one_pair_in_record_or_date_order(loaded: Timeline) -> None:
    every = loaded.events()
    pair = [e for e in every if {e["actor"]["country"], e["target"]["country"]} == {"CHL", "PER"}]
    assert pair and len(pair) < len(every)
    assert loaded.events("--dyad", "PER", "chile") == pair
    assert loaded.events("--dyad", "CHL", "PER", "--type", "DiplomatExpelled") == [
        e for e in pair if e["type"] == "DiplomatExpelled"
    ]
    facts = loaded.json("events", "--facts", "--dyad", "Peru", "CHL")
    assert facts and all(f["dyad"] == ["CHL", "PER"] for f in facts)
    exported = loaded.ok("export", "--format", "jsonl", "--dyad", "CHL", "PER").stdout.splitlines()
    assert [json.loads(line)["event_id"] for line in exported] == [e["event_id"] for e in pair]
    same = loaded("events", "--dyad", "CHL", "Chile")
    assert same.exit_code == 1 and "two different countries" in same.stderr

    assert loaded.events("--sort", "recorded") == every
    by_date = loaded.events("--sort", "occurred")
    assert [(e["occurred_on"], e["position"]) for e in by_date] == sorted(
        (e["occurred_on"], e["position"]) for e in every
    )
    assert loaded("events", "--facts", "--sort", "recorded").exit_code == 2


def test_export_stops_at_the_limit(loaded: Timeline) -> None:
    every = loaded.events()
    for fmt in ("jsonl", "csv", "cameo"):
        result = loaded.ok("export", "--format", fmt, "--limit", "2")
        lines = result.stdout.splitlines()
        assert len(lines) == 2 + (fmt == "csv"), (fmt, lines)
    first_two = loaded.ok("export", "--format", "jsonl", "--limit", "2").stdout.splitlines()
    assert [json.loads(line) for line in first_two] == every[:2]
    assert loaded("export", "--limit", "0").exit_code == 2


# --- the events table ----------------------------------------------------------------------------

REPORT = "A made-up digest of envoys' meetings, read at four precisions."


def _dated(n: int, on: date, precision: str, trigger: Any) -> Event:
    article_id = article_id_for(REPORT)
    sentence = f"Envoys met, reading number {n}."
    return Event(
        event_id=event_id_for(article_id, n),
        stream_id=article_stream(article_id),
        stream_version=n,
        type="MeetingHeld",
        occurred_on=on,
        date_precision=precision,
        actor=Party("ISL", "Hanna Jónsdóttir", "envoy"),
        target=Party("EST"),
        cameo="040",
        goldstein=-4.0 if n == 2 else 1.0,
        provenance=Provenance(article_id, n - 1, 0, len(sentence), sentence, "test-1"),
        payload={"trigger": trigger} if trigger is not None else {},
    )


def test_the_events_table_shows_coding_and_dates_at_their_precision(timeline_any: Timeline) -> None:
    store = timeline_any.store()
    try:
        article = Article(article_id_for(REPORT), date(2024, 6, 30), REPORT, outlet="Gazette")
        store.append(
            [
                _dated(1, date(2023, 1, 1), "year", "hold\x1b[31m talks"),
                _dated(2, date(2024, 3, 1), "month", ["meet", "host"]),
                _dated(3, date(2024, 3, 11), "week", "meet"),
                _dated(4, date(2024, 3, 14), "day", None),
            ],
            article,
        )
    finally:
        store.close()
    lines = timeline_any.ok("events").stdout.splitlines()
    assert lines[0].split() == [
        "#", "DATE", "TYPE", "ACTOR", "->", "TARGET", "CAMEO", "GOLDSTEIN", "TRIGGER", "EXCERPT",
    ]  # fmt: skip
    rows = [line.split("  ") for line in lines[2:]]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert [row[1] for row in cells] == ["2023", "2024-03", "2024-W11", "2024-03-14"]
    assert all("040" in row for row in cells)
    assert [row[5] for row in cells] == ["1", "-4", "1", "1"]
    assert cells[0][6] == "hold\\x1b[31m talks"  # trigger words, escaped for the terminal
    assert cells[1][6] == "meet / host"
    assert cells[2][6] == "meet"
    assert cells[3][6].startswith("Envoys met")  # no trigger: the excerpt follows
    # The machine formats keep the date and its precision as they are.
    found = timeline_any.events()
    assert [(e["occurred_on"], e["date_precision"]) for e in found] == [
        ("2023-01-01", "year"), ("2024-03-01", "month"), ("2024-03-11", "week"), ("2024-03-14", "day"),
    ]  # fmt: skip
