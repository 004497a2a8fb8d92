"""`timeline articles`: each stored article with its source, its events (live and retracted), the
extractor versions that coded it and whether it was erased; and the article's URL, outlet and
title beside its events (`events --with-article`, `export --with-article`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cli_harness import Timeline
from test_formats import FEED, ingest_feed

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for
from timeline.extract.pipeline import EXTRACTOR_VERSION
from timeline.safe_text import restore_cell

FIELDS = [
    "article_id", "published", "outlet", "title", "url", "recorded_at", "live_events", "retracted_events",
    "extractor_versions", "erased", "erased_at",
]  # fmt: skip


@pytest.fixture
def loaded(timeline_any: Timeline, tmp_path: Path) -> Timeline:
    ingest_feed(timeline_any, tmp_path)
    return timeline_any


def ids_by_title(timeline: Timeline) -> dict[str, str]:
    return {item["title"]: item["article_id"] for item in timeline.json("articles")}


def test_articles_list_source_events_coding_and_erasure(loaded: Timeline) -> None:
    listed = loaded.json("articles")
    assert [list(item) for item in listed] == [FIELDS] * 3
    assert [(a["published"], a["outlet"], a["title"], a["url"]) for a in listed] == [
        (f["published"], f["source"], f["title"], f.get("url")) for f in FEED
    ]
    events = loaded.events()
    for item in listed:
        cited = [e for e in events if e["article_id"] == item["article_id"]]
        assert cited and item["live_events"] == len(cited) and item["retracted_events"] == 0
        assert item["extractor_versions"] == sorted({e["extractor_version"] for e in cited})
        assert item["erased"] is False and item["erased_at"] is None

    oslo, lima = listed[0]["article_id"], listed[1]["article_id"]
    victim = next(e for e in events if e["article_id"] == oslo)
    before_changes = datetime.now(UTC).isoformat()
    loaded.ok("retract", victim["event_id"], "--reason", "misread")
    loaded.ok("erase", lima, "--reason", "court order")

    now = {item["article_id"]: item for item in loaded.json("articles")}
    assert (now[oslo]["live_events"], now[oslo]["retracted_events"]) == (listed[0]["live_events"] - 1, 1)
    assert now[lima]["erased"] is True and now[lima]["erased_at"]
    assert now[lima]["title"] is None and now[lima]["url"] is None  # an erase blanks them
    assert now[lima]["live_events"] == listed[1]["live_events"]  # the coded events stay

    then = {item["article_id"]: item for item in loaded.json("articles", "--known-at", before_changes)}
    assert then[oslo]["retracted_events"] == 0 and then[lima]["erased"] is False

    table = loaded.ok("articles").stdout.splitlines()
    assert table[0].split() == [
        "ID", "PUBLISHED", "OUTLET", "TITLE", "URL", "LIVE/RETRACTED", "EXTRACTOR", "ERASED",
    ]  # fmt: skip
    [oslo_line] = [line for line in table if line.startswith(oslo)]
    assert "Ministers meet in Oslo" in oslo_line and "https://ledger.example/oslo-talks" in oslo_line
    assert f"{now[oslo]['live_events']}/1" in oslo_line and EXTRACTOR_VERSION in oslo_line
    [lima_line] = [line for line in table if line.startswith(lima)]
    assert lima_line.rstrip().endswith(f"yes, {now[lima]['erased_at'][:10]}")


def test_articles_filters(loaded: Timeline) -> None:
    every = loaded.json("articles")
    assert loaded.json("articles", "--since", "2024-05-20") == every[1:]
    assert loaded.json("articles", "--until", "2024-05-19") == every[:1]
    assert loaded.json("articles", "--since", "2024-04-01", "--until", "2024-05-31") == every[1:2]
    assert loaded.json("articles", "--outlet", "valley post") == every[1:]
    assert loaded.json("articles", "--outlet", "Valley") == []
    assert loaded.json("articles", "--limit", "2") == every[:2]
    assert loaded.json("articles", "--known-at", "2000-01-01") == []
    assert loaded.ok("articles", "--outlet", "Nobody").stdout == "(no articles)\n"
    wrong = loaded("articles", "--since", "2024-06-01", "--until", "2024-05-01")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: --since 2024-06-01 is after --until")
    assert loaded("articles", "--limit", "0").exit_code == 2


def test_articles_in_every_format(loaded: Timeline) -> None:
    every = loaded.json("articles")
    lines = loaded.ok("articles", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == every
    rows = list(csv.DictReader(io.StringIO(loaded.ok("articles", "--format", "csv").stdout)))
    assert [row["article_id"] for row in rows] == [a["article_id"] for a in every]
    assert [row["live_events"] for row in rows] == [str(a["live_events"]) for a in every]
    assert [json.loads(row["extractor_versions"]) for row in rows] == [a["extractor_versions"] for a in every]
    assert {row["erased"] for row in rows} == {"false"}


# --- hostile article fields ----------------------------------------------------------------------

HOSTILE = "A made-up bulletin: the envoys of Latvia and Chile met in Riga."


def _hostile(timeline: Timeline) -> str:
    """An article whose outlet, title and URL start like spreadsheet formulas and carry escapes."""
    article = Article(
        article_id=article_id_for(HOSTILE),
        published=date(2024, 2, 2),
        text=HOSTILE,
        outlet="=cmd|' /C calc'!A0",
        url="@https://evil.example/\x1b]0;pwned\x07",
        title="+Riga\x1b[31m talks\u202e",
    )
    event = Event(
        event_id=event_id_for(article.article_id, 1),
        stream_id=article_stream(article.article_id),
        stream_version=1,
        type="MeetingHeld",
        occurred_on=date(2024, 2, 1),
        actor=Party("LVA"),
        target=Party("CHL"),
        cameo="040",
        goldstein=1.0,
        provenance=Provenance(article.article_id, 0, 0, len(HOSTILE), HOSTILE, "test-1"),
        payload={"trigger": "meet"},
    )
    store = timeline.store()
    try:
        store.append([event], article)
    finally:
        store.close()
    return article.article_id


def test_article_fields_are_neutralised_in_csv_and_escaped_in_tables(timeline_any: Timeline) -> None:
    article_id = _hostile(timeline_any)
    [row] = csv.DictReader(io.StringIO(timeline_any.ok("articles", "--format", "csv").stdout))
    assert row["outlet"] == "'=cmd|' /C calc'!A0"
    assert row["title"] == "'+Riga\x1b[31m talks\u202e"
    assert row["url"] == "'@https://evil.example/\x1b]0;pwned\x07"
    assert row["live_events"] == "1"  # a number stays a number
    [item] = timeline_any.json("articles")
    assert item["outlet"] == restore_cell(row["outlet"]) == "=cmd|' /C calc'!A0"

    table = timeline_any.ok("articles").stdout
    assert "\x1b" not in table and "\u202e" not in table
    assert "+Riga\\x1b[31m talks\\u202e" in table and "evil.example/\\x1b]0;pwned\\x07" in table

    [exported] = csv.DictReader(io.StringIO(timeline_any.ok("export", "--with-article").stdout))
    assert exported["article_id"] == article_id
    assert exported["article_outlet"] == "'=cmd|' /C calc'!A0"
    assert exported["article_title"] == "'+Riga\x1b[31m talks\u202e"
    assert exported["goldstein"] == "1.0"
    [listed] = csv.DictReader(
        io.StringIO(timeline_any.ok("events", "--with-article", "--format", "csv").stdout)
    )
    assert listed["article_url"] == "'@https://evil.example/\x1b]0;pwned\x07"


# --- the article beside its events ---------------------------------------------------------------


def test_events_and_export_carry_the_article_when_asked(loaded: Timeline) -> None:
    plain = loaded.events()
    assert not any("article_url" in e for e in plain)
    joined = loaded.events("--with-article")
    by_id = {a["article_id"]: a for a in loaded.json("articles")}
    assert len(joined) == len(plain)
    for event, bare in zip(joined, plain, strict=True):
        assert list(event)[: len(bare)] == list(bare)  # the contract's fields first, unchanged
        assert {k: event[k] for k in bare} == bare
        source = by_id[event["article_id"]]
        assert (event["article_url"], event["article_outlet"], event["article_title"]) == (
            source["url"], source["outlet"], source["title"],
        )  # fmt: skip
        assert list(event)[-3:] == ["article_url", "article_outlet", "article_title"]

    retracted = loaded.events("--with-article", "--include-retracted")
    assert list(retracted[0])[-5:] == [
        "retracted_at", "retraction_reason", "article_url", "article_outlet", "article_title",
    ]  # fmt: skip

    jsonl = [
        json.loads(line)
        for line in loaded.ok("export", "--format", "jsonl", "--with-article").stdout.splitlines()
    ]
    assert [{k: e[k] for k in ("event_id", "article_url", "article_title")} for e in jsonl] == [
        {k: e[k] for k in ("event_id", "article_url", "article_title")} for e in joined
    ]
    rows = list(csv.DictReader(io.StringIO(loaded.ok("export", "--with-article").stdout)))
    assert list(rows[0])[-3:] == ["article_url", "article_outlet", "article_title"]
    assert [r["article_outlet"] for r in rows] == [e["article_outlet"] for e in joined]
    assert [r["article_url"] for r in rows] == [e["article_url"] or "" for e in joined]
    assert "article_url" not in loaded.ok("export").stdout.splitlines()[0]  # the CSV layout is unchanged

    table = loaded.ok("events", "--with-article").stdout
    assert table == loaded.ok("events").stdout  # a table has no room for it; `articles` shows it
    cameo = loaded("export", "--format", "cameo", "--with-article")
    assert cameo.exit_code == 1 and "SOURCEURL" in cameo.stderr
    assert loaded("events", "--facts", "--with-article").exit_code == 2


def test_an_empty_store_has_no_articles(timeline_any: Timeline) -> None:
    timeline_any.ok("db", "upgrade")  # a read never creates the store
    assert timeline_any.ok("articles").stdout == "(no articles)\n"
    assert timeline_any.json("articles") == []
    assert timeline_any.ok("articles", "--format", "csv").stdout == ",".join(FIELDS) + "\n"
