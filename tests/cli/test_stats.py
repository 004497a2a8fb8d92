"""`timeline stats`: counts of events by type and extractor version, live and retracted, articles,
erased articles and the database's size."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from cli_harness import Timeline
from sqlalchemy.engine import make_url

from timeline.extract.pipeline import EXTRACTOR_VERSION

FIRST = (
    " date 2024-03-02 (Lakeside Courier) Norway's prime minister visited Finland on Friday. "
    "Both governments signed an energy accord in Helsinki."
)
SECOND = (
    " date 2024-03-09 (Lakeside Courier) Sweden condemned the missile test carried out by Iran on Thursday."
)


def test_stats_count_what_the_store_holds(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    paths = []
    for name, text in (("first", FIRST), ("second", SECOND)):
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text, "utf-8")
    timeline.ok("ingest", *map(str, paths))
    coded = timeline.events()
    victim = coded[0]
    timeline.ok("retract", victim["event_id"], "--reason", "wrong country")
    second_article = coded[-1]["article_id"]
    timeline.ok("erase", second_article, "--reason", "court order")

    found = timeline.json("stats")
    every = timeline.events("--include-retracted")  # includes the retraction and the tombstone
    assert found["events"] == len(every)
    assert found["statements"] == len(coded)
    assert (found["live"], found["retracted"]) == (len(coded) - 1, 1)
    assert (found["articles"], found["erased_articles"]) == (2, 1)

    by_type = Counter(e["type"] for e in every)
    assert {k: v["events"] for k, v in found["by_type"].items()} == by_type
    assert found["by_type"][victim["type"]]["retracted"] == 1
    assert found["by_type"]["EventRetracted"] == {"events": 1, "live": 1, "retracted": 0}
    assert found["by_type"]["ArticleErased"]["events"] == 1
    assert found["by_extractor_version"] == {
        EXTRACTOR_VERSION: {"events": len(coded), "live": len(coded) - 1, "retracted": 1}
    }

    if timeline.url.startswith("sqlite"):
        assert found["database_bytes"] == os.path.getsize(make_url(timeline.url).database)
    else:
        assert found["database_bytes"] > 0

    table = timeline.ok("stats").stdout
    assert "articles: 2 (1 erased)" in table
    assert f"events: {len(every)} ({len(coded)} statements: {len(coded) - 1} live, 1 retracted)" in table
    assert EXTRACTOR_VERSION in table and "EventRetracted" in table


def test_stats_of_an_empty_store(timeline_any: Timeline) -> None:
    timeline_any.ok("db", "upgrade")  # an empty store (reads never create one)
    found = json.loads(timeline_any.ok("stats", "--format", "json").stdout)
    assert found["events"] == found["articles"] == found["erased_articles"] == 0
    assert found["by_type"] == {} and found["by_extractor_version"] == {}
    assert found["database_bytes"] > 0  # the schema itself
    assert "(no events)" in timeline_any.ok("stats").stdout
