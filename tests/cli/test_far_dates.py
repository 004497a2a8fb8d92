"""Valid time has a span (1800-01-01 to 2199-12-31): dates outside it are refused at the door with
one line naming the article or the option, and every read answers at both ends of it."""

from __future__ import annotations

import pytest
from cli_harness import Timeline, stderr_lines

EDGES = ("1800-01-01", "2199-12-31")
READS = (
    ("relations",),
    ("invitations",),
    ("history", "NOR", "SWE"),
    ("events", "--facts"),
    ("events",),
    ("replay",),
)


def test_an_article_outside_the_span_is_refused_naming_it(timeline: Timeline, tmp_path) -> None:
    for day in ("0001-01-01", "1799-12-31", "2200-01-01", "9999-12-31"):
        article = tmp_path / f"far-{day}.txt"
        article.write_text(f" date {day} (Wire) Norway invited Sweden to talks in Oslo.\n", "utf-8")
        result = timeline("ingest", str(article))
        assert result.exit_code == 1
        [failure, summary] = stderr_lines(result)
        assert failure.startswith(f"{article}: published {day} is outside the dates timeline accepts")
        assert "1800-01-01 to 2199-12-31" in failure and "Traceback" not in result.stderr
        assert summary.startswith("0 new, 0 already present, 1 failed")
    assert timeline.events() == []


def test_a_feed_line_published_outside_the_span_fails_alone(timeline: Timeline, tmp_path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"published": "0001-01-01", "text": "Norway invited Sweden to talks in Oslo."}\n'
        '{"published": "2024-05-14", "text": "Norway invited Sweden to talks in Oslo."}\n',
        "utf-8",
    )
    result = timeline("ingest", str(feed))
    assert result.exit_code == 1
    assert stderr_lines(result)[0].startswith(f'{feed} line 1: "published": date 0001-01-01 is outside')
    assert [e["occurred_on"] for e in timeline.events()] == ["2024-05-14"]


def test_an_event_date_resolved_outside_the_span_refuses_the_article(timeline: Timeline) -> None:
    # "last week" from 1 January 1800 falls in 1799: the article goes whole or not at all.
    result = timeline(
        "ingest",
        "-",
        input=" date 1800-01-01 (Wire) Norway invited Sweden to talks. "
        "The two leaders met in Oslo last week.\n",
    )
    assert result.exit_code == 1
    assert "sentence 2: event date 1799-12-" in result.stderr and "is outside" in result.stderr
    assert timeline.events() == []


@pytest.mark.parametrize("option", ["--as-of", "--since", "--until"])
def test_a_date_option_outside_the_span_is_a_usage_error(timeline: Timeline, option: str) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        result = timeline("events", option, day)
        assert result.exit_code == 2
        assert f"date {day} is outside the dates timeline accepts" in result.stderr


def test_every_read_answers_at_both_ends_of_the_span(timeline: Timeline, tmp_path) -> None:
    for day in EDGES:
        timeline.ok(
            "ingest",
            "-",
            input=f" date {day} (Wire) Norway invited Sweden to talks. Norway's foreign minister met "
            f"Sweden's foreign minister in Oslo on {day}.\n",
        )
    assert {e["occurred_on"] for e in timeline.events()} == set(EDGES)
    for as_of in EDGES:
        for read in READS:
            timeline.ok(*read, "--as-of", as_of)
        relations = timeline.json("relations", "--as-of", as_of)
        assert [r["dyad"] for r in relations] == [["NOR", "SWE"]]
        assert [i["status"] for i in timeline.json("invitations", "--as-of", as_of)] == ["pending"]
        timeline.ok("report", "--as-of", as_of, "-o", str(tmp_path / f"all-{as_of}.html"))
        timeline.ok("report", "NOR", "SWE", "--as-of", as_of, "-o", str(tmp_path / f"pair-{as_of}.html"))
