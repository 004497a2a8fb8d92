"""`timeline reextract`: a store coded with less data is read again and gains only the difference."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_harness import Timeline, stderr_lines
from click.testing import CliRunner

from timeline.extract.pipeline import EXTRACTOR_VERSION

# Zemblania is a country only the lexicon below knows: without it the first sentence is a bare
# statement, with it a meeting between Chile and the country the lexicon names.
HARBOUR = (
    " date 2024-05-14 (Harbour Ledger) The Chilean foreign minister met a trade delegation from "
    "Zemblania in Santiago on Monday. Chile and Argentina signed a fisheries agreement on Tuesday."
)
RAILWAY = (
    " date 2024-06-02 (Harbour Ledger) Peru's president visited Bolivia on Saturday. "
    "The two leaders discussed a new railway."
)
ALIAS = {"countries": {"NZL": {"aliases": ["Zemblania"]}}}


@pytest.fixture
def texts(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("harbour", HARBOUR), ("railway", RAILWAY)):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text(text, "utf-8")
    paths["lexicon"] = tmp_path / "zemblania.json"
    paths["lexicon"].write_text(json.dumps(ALIAS), "utf-8")
    return paths


def reading(event: dict[str, Any]) -> tuple[Any, ...]:
    return (
        event["article_id"],
        event["sentence_index"],
        event["type"],
        event["modality"],
        event["occurred_on"],
        event["actor"]["country"],
        event["target"]["country"],
    )


def statements(timeline: Timeline, *args: str) -> list[dict[str, Any]]:
    return [e for e in timeline.events(*args) if e["type"] != "EventRetracted"]


def verified(timeline: Timeline) -> None:
    assert timeline.ok("verify").stdout.startswith("verified ")


def test_a_taught_lexicon_adds_exactly_the_missing_events(
    timeline_any: Timeline, texts: dict[str, Path], tmp_path: Path
) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    before = statements(timeline)
    before_relations = timeline.json("relations", "--as-of", "2024-07-01")
    moment = datetime.now(UTC).isoformat()
    assert "NZL" not in {e[side]["country"] for e in before for side in ("actor", "target")}

    result = timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    assert stderr_lines(result)[-1] == (
        "2 articles examined: 1 changed, 1 unchanged, 0 erased (skipped), 0 failed; "
        "1 event retracted, 1 appended"
    )

    # The same store ingested from scratch with the lexicon is the reading to reach.
    fresh = Timeline(f"sqlite:///{tmp_path / 'fresh.db'}", CliRunner())
    fresh.ok("ingest", "--lexicon", str(texts["lexicon"]), str(texts["harbour"]), str(texts["railway"]))
    after = statements(timeline)
    assert sorted(map(reading, after)) == sorted(map(reading, statements(fresh)))

    # Only the sentence the lexicon reads differently changed; every other event kept its id.
    kept = {e["event_id"] for e in before} & {e["event_id"] for e in after}
    (gone,) = [e for e in before if e["event_id"] not in kept]
    (new,) = [e for e in after if e["event_id"] not in kept]
    assert (gone["type"], gone["target"]["country"]) == ("StatementRecorded", None)
    assert (new["type"], new["actor"]["country"], new["target"]["country"]) == ("MeetingHeld", "CHL", "NZL")
    assert new["stream_id"] == gone["stream_id"]
    assert new["stream_version"] == 1 + max(
        e["stream_version"] for e in before if e["stream_id"] == new["stream_id"]
    )
    assert new["payload"]["lexicon"] and "lexicon" not in gone["payload"]
    (retraction,) = [e for e in timeline.events() if e["type"] == "EventRetracted"]
    assert retraction["payload"]["retracted_event_id"] == gone["event_id"]
    assert retraction["payload"]["reason"] == f"reextracted by {EXTRACTOR_VERSION}"

    # Projections follow, and the moment before still reads as it did.
    pairs = {tuple(r["dyad"]) for r in timeline.json("relations", "--as-of", "2024-07-01")}
    assert pairs == {tuple(r["dyad"]) for r in before_relations} | {("CHL", "NZL")}
    assert statements(timeline, "--known-at", moment) == before
    assert timeline.json("relations", "--as-of", "2024-07-01", "--known-at", moment) == before_relations
    verified(timeline)


def test_running_it_twice_appends_nothing(timeline_any: Timeline, texts: dict[str, Path]) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    stored = timeline.events("--include-retracted")
    again = timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    assert "0 changed, 2 unchanged" in again.stderr and "0 events retracted, 0 appended" in again.stderr
    assert timeline.events("--include-retracted") == stored
    # without the lexicon nothing has changed since the ingest either: no-op there as well
    plain = Timeline(timeline.url, CliRunner())
    verified(plain)


def test_dry_run_prints_the_difference_and_writes_nothing(
    timeline_any: Timeline, texts: dict[str, Path]
) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    stored = timeline.events("--include-retracted")
    harbour = stored[0]["article_id"]

    result = timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]), "--dry-run")
    assert result.stdout.splitlines() == [
        f"article {harbour}",
        "- StatementRecorded CHL->? 2024-05-13",
        "+ MeetingHeld CHL->NZL 2024-05-13",
    ]
    assert stderr_lines(result)[-1].startswith("dry run, nothing written: 2 articles examined: 1 changed")
    assert timeline.events("--include-retracted") == stored
    verified(timeline)


def test_erased_articles_are_skipped(timeline_any: Timeline, texts: dict[str, Path]) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    harbour = timeline.events()[0]["article_id"]
    timeline.ok("erase", harbour, "--reason", "court order")
    stored = timeline.events("--include-retracted")

    result = timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    assert stderr_lines(result)[-1] == (
        "2 articles examined: 0 changed, 1 unchanged, 1 erased (skipped), 0 failed; "
        "0 events retracted, 0 appended"
    )
    assert timeline.events("--include-retracted") == stored
    verified(timeline)


def test_a_reading_that_comes_back_gets_an_id_of_its_own(
    timeline_any: Timeline, texts: dict[str, Path]
) -> None:
    """Taught, untaught, taught again: each return of a reading is a new event, never a clash of ids."""
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]))
    first = statements(timeline)
    timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    taught = statements(timeline)
    back = timeline.ok("reextract", "--all")
    assert "1 event retracted, 1 appended" in back.stderr
    untaught = statements(timeline)
    assert sorted(map(reading, untaught)) == sorted(map(reading, first))
    (old_statement,) = [e for e in first if e["type"] == "StatementRecorded"]
    (returned,) = [e for e in untaught if e["type"] == "StatementRecorded"]
    assert returned["event_id"] != old_statement["event_id"]  # the old id is held by the retracted one
    timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    again = statements(timeline)
    assert sorted(map(reading, again)) == sorted(map(reading, taught))
    every = timeline.events("--include-retracted")
    assert len({e["event_id"] for e in every}) == len(every)
    assert len([e for e in every if e["type"] == "EventRetracted"]) == 3
    verified(timeline)


def test_a_retraction_by_a_person_is_not_undone(timeline_any: Timeline, texts: dict[str, Path]) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["railway"]))
    visit = next(e for e in timeline.events() if e["type"] == "VisitMade")
    timeline.ok("retract", visit["event_id"], "--reason", "the visit was in another year")

    result = timeline.ok("reextract", "--all")
    assert "0 changed, 1 unchanged" in result.stderr
    assert "VisitMade" not in {e["type"] for e in timeline.events()}


def test_choosing_articles(timeline_any: Timeline, texts: dict[str, Path]) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    harbour, railway = dict.fromkeys(e["article_id"] for e in timeline.events())
    lexicon = ("--lexicon", str(texts["lexicon"]))

    only = timeline.ok("reextract", "--article", railway, *lexicon)
    assert "1 article examined: 0 changed, 1 unchanged" in only.stderr
    later = timeline.ok("reextract", "--since", "2024-06-01", *lexicon, "--dry-run")
    assert "1 article examined: 0 changed" in later.stderr and later.stdout == ""
    earlier = timeline.ok("reextract", "--until", "2024-05-31", *lexicon, "--dry-run")
    assert earlier.stdout.startswith(f"article {harbour}\n")

    unknown = timeline("reextract", "--article", "nosuch", *lexicon)
    assert unknown.exit_code == 1 and stderr_lines(unknown) == [
        "error: no article with id nosuch; `timeline events --format json` shows each event's article_id"
    ]
    nothing = timeline("reextract", *lexicon)
    assert nothing.exit_code == 2 and "--all, --article ID, or --since/--until" in nothing.stderr
    backwards = timeline("reextract", "--since", "2024-06-01", "--until", "2024-05-01")
    assert backwards.exit_code == 1 and stderr_lines(backwards) == [
        "error: --since 2024-06-01 is after --until 2024-05-01"
    ]


def test_a_new_extractor_version_is_told_and_filtered(
    timeline_any: Timeline, texts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    again = timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    assert "older extractor" not in again.stderr

    taught = timeline.ok("ingest", "--lexicon", str(texts["lexicon"]), str(texts["harbour"]))
    assert (
        stderr_lines(taught)[-1]
        == "1 article was coded by an older extractor; `timeline reextract` re-reads them"
    )

    newer_version = "99.0.0"  # any version after the current one
    monkeypatch.setattr("timeline.extract.pipeline.EXTRACTOR_VERSION", newer_version)
    newer = timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    assert (
        stderr_lines(newer)[-1]
        == "2 articles were coded by an older extractor; `timeline reextract` re-reads them"
    )

    timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    (retraction,) = [e for e in timeline.events() if e["type"] == "EventRetracted"]
    assert retraction["payload"]["reason"] == f"reextracted by {newer_version}"
    (meeting,) = timeline.events("--extractor-version", newer_version)
    assert meeting["type"] == "MeetingHeld"
    assert len(timeline.events("--extractor-version", EXTRACTOR_VERSION)) == len(statements(timeline)) - 1
    assert timeline.events("--extractor-version", "0.1.0") == []
    exported = timeline.ok(
        "export", "--format", "jsonl", "--extractor-version", newer_version
    ).stdout.splitlines()
    assert [json.loads(line)["event_id"] for line in exported] == [meeting["event_id"]]


def test_jobs_read_the_same_way(timeline: Timeline, texts: dict[str, Path], tmp_path: Path) -> None:
    timeline.ok("ingest", str(texts["harbour"]), str(texts["railway"]))
    single = Timeline(f"sqlite:///{tmp_path / 'single.db'}", CliRunner())
    single.ok("ingest", str(texts["harbour"]), str(texts["railway"]))

    timeline.ok("reextract", "--all", "--jobs", "2", "--lexicon", str(texts["lexicon"]))
    single.ok("reextract", "--all", "--jobs", "1", "--lexicon", str(texts["lexicon"]))
    assert sorted(map(reading, statements(timeline))) == sorted(map(reading, statements(single)))
    assert sorted(e["event_id"] for e in statements(timeline)) == sorted(
        e["event_id"] for e in statements(single)
    )


def test_invitations_follow_and_the_moment_before_does_not(
    timeline_any: Timeline, texts: dict[str, Path]
) -> None:
    timeline = timeline_any
    invitation = texts["lexicon"].parent / "invitation.txt"
    invitation.write_text(
        " date 2024-05-20 (Harbour Ledger) The Chilean president invited the prime minister of "
        "Zemblania to visit Santiago in July.",
        "utf-8",
    )
    timeline.ok("ingest", str(invitation))
    asked = ("invitations", "--as-of", "2024-06-01")
    assert timeline.json(*asked) == []
    moment = datetime.now(UTC).isoformat()

    timeline.ok("reextract", "--all", "--lexicon", str(texts["lexicon"]))
    (found,) = timeline.json(*asked)
    assert (found["inviter"]["country"], found["invitee"]["country"], found["status"]) == (
        "CHL",
        "NZL",
        "pending",
    )
    assert timeline.json(*asked, "--known-at", moment) == []
    timeline.ok("replay")  # rebuilt from the stream, the projection gives the same answer
    assert timeline.json(*asked) == [found]
    verified(timeline)
