"""`timeline retract`: an EventRetracted is appended; the event drops out, known-at still sees it."""

from __future__ import annotations

from datetime import UTC, datetime

from cli_harness import FIXTURES, Timeline


def test_retract_hides_the_event_but_keeps_history(timeline_any: Timeline) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    events = timeline.events()
    victim = events[0]["event_id"]
    before = datetime.now(UTC).isoformat()

    result = timeline.ok("retract", victim, "--reason", "misread the sentence")
    assert victim in result.stdout

    after = timeline.events()
    assert victim not in {e["event_id"] for e in after}
    retractions = [e for e in after if e["type"] == "EventRetracted"]
    assert len(retractions) == 1
    retraction = retractions[0]
    assert retraction["payload"] == {"retracted_event_id": victim, "reason": "misread the sentence"}
    assert retraction["stream_id"] == "retractions" and retraction["stream_version"] == 1
    assert retraction["occurred_on"] == datetime.now(UTC).date().isoformat()
    assert retraction["position"] > max(e["position"] for e in events)

    assert victim in {e["event_id"] for e in timeline.events("--include-retracted")}
    assert timeline.events("--known-at", before) == events  # what we believed before the retraction


def test_retract_errors(timeline: Timeline) -> None:
    timeline.ok("ingest", str(FIXTURES / "river_accord.txt"))
    victim = timeline.events()[0]["event_id"]

    unknown = timeline("retract", "00000000-0000-0000-0000-000000000000", "--reason", "typo")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: no event with id 00000000-0000-0000-0000-000000000000")

    assert timeline("retract", victim).exit_code == 2  # --reason is required
    timeline.ok("retract", victim, "--reason", "duplicate")
    twice = timeline("retract", victim, "--reason", "again")
    assert twice.exit_code == 1
    assert twice.stderr.strip() == f"error: event {victim} is already retracted"

    retraction = next(e for e in timeline.events() if e["type"] == "EventRetracted")
    meta = timeline("retract", retraction["event_id"], "--reason", "undo")
    assert meta.exit_code == 1 and "itself a retraction" in meta.stderr

    second = timeline.events()[0]["event_id"]
    timeline.ok("retract", second, "--reason", "also wrong")
    versions = [e["stream_version"] for e in timeline.events("--type", "EventRetracted")]
    assert versions == [1, 2]
