"""An article dated at the edge of the calendar is stored and every read still answers."""

from __future__ import annotations

from cli_harness import Timeline


def test_an_article_dated_9999_leaves_the_reads_working(timeline: Timeline) -> None:
    timeline.ok("ingest", "-", input=" date 9999-12-31 (Wire) Norway met Sweden in Oslo on Monday.\n")
    timeline.ok("ingest", "-", input=" date 2024-05-14 (Wire) Norway met Sweden in Oslo on Monday.\n")
    for as_of in ("2024-05-14", "9999-12-31"):
        relations = timeline.json("relations", "--as-of", as_of)
        assert [r["dyad"] for r in relations] == [["NOR", "SWE"]]
    assert timeline.json("invitations", "--as-of", "9999-12-31") == []
    timeline.ok("replay")
