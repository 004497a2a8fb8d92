"""Corrections by hand: `amend`, `add`, `retract --article`, and retracted events shown as such.

Each correction is new events in the stream; projections follow it, `--known-at` a moment before
shows the old view, a replay gives the same tables and `verify` still passes.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_harness import FIXTURES, Timeline, stderr_lines

from timeline.domain.articles import Article, article_id_for
from timeline.store.projection_store import ProjectionStore

# Made-up articles: talks in Oslo with an invitation; a second one about other talks.
OSLO = (
    " date 2024-08-20 (Fjord Post) Norwegian Foreign Minister Espen Barth Eide held talks with his "
    "Chilean counterpart Alberto van Klaveren in Oslo on Monday. Rain fell over the harbour for most "
    "of the day. Eide later invited the Chilean president to visit Norway next year."
)
OSLO_ID = article_id_for(OSLO)


def now() -> str:
    return datetime.now(UTC).isoformat()


def ingest(timeline: Timeline, tmp_path: Path, text: str = OSLO) -> str:
    path = tmp_path / f"{article_id_for(text)}.txt"
    path.write_text(text, "utf-8")
    timeline.ok("ingest", str(path))
    return article_id_for(text)


def one(events: list[dict[str, Any]], type_: str) -> dict[str, Any]:
    [found] = [e for e in events if e["type"] == type_]
    return found


def table_rows(timeline: Timeline) -> dict:
    store = timeline.store()
    try:
        return ProjectionStore(store).rows()
    finally:
        store.close()


def assert_replay_equals_incremental(timeline: Timeline) -> None:
    incremental = table_rows(timeline)
    timeline.ok("replay")
    assert table_rows(timeline) == incremental


def assert_verifies(timeline: Timeline) -> None:
    assert timeline.ok("verify").stdout.startswith("verified ")


# --- amend ---------------------------------------------------------------------------------------


def test_amend_moves_the_invitation_and_known_at_shows_the_old(
    timeline_any: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline = timeline_any
    ingest(timeline, tmp_path)
    events = timeline.events()
    invitation = one(events, "InvitationExtended")
    [pending] = timeline.json("invitations", "--as-of", "2024-12-31")
    assert pending["invitee"]["country"] == "CHL"
    relations_before = timeline.json("relations", "--as-of", "2024-12-31")
    assert [r["dyad"] for r in relations_before] == [["CHL", "NOR"]]
    before = now()

    monkeypatch.setenv("LOGNAME", "desk-reader")  # getpass.getuser() reads it first
    result = timeline.ok(
        "amend",
        invitation["event_id"],
        "--target",
        "ARG",
        "--reason",
        "the invitee was Argentina's president",
    )
    assert invitation["event_id"] in result.stdout

    after = timeline.events()
    assert invitation["event_id"] not in {e["event_id"] for e in after}
    retraction = one(after, "EventRetracted")
    assert retraction["payload"]["retracted_event_id"] == invitation["event_id"]
    corrected = one(after, "InvitationExtended")
    assert corrected["stream_id"] == "corrections" and corrected["stream_version"] == 1
    assert corrected["recorded_at"] == retraction["recorded_at"]  # one transaction
    assert corrected["target"]["country"] == "ARG"
    assert corrected["actor"] == invitation["actor"]
    for kept in ("article_id", "sentence_index", "sentence", "char_start", "char_end", "occurred_on"):
        assert corrected[kept] == invitation[kept], kept
    assert corrected["extractor_version"] == "manual"
    assert (corrected["cameo"], corrected["goldstein"]) == (invitation["cameo"], invitation["goldstein"])
    assert corrected["payload"]["amended_from"] == invitation["event_id"]
    assert corrected["payload"]["by"] == "desk-reader"
    assert corrected["payload"]["reason"] == "the invitee was Argentina's president"

    [moved] = timeline.json("invitations", "--as-of", "2024-12-31")
    assert moved["invitee"]["country"] == "ARG" and moved["inviter"]["country"] == "NOR"
    assert {tuple(r["dyad"]) for r in timeline.json("relations", "--as-of", "2024-12-31")} == {
        ("CHL", "NOR"),
        ("ARG", "NOR"),
    }
    # What the store knew before the amendment: the old view, on every read.
    assert timeline.json("invitations", "--as-of", "2024-12-31", "--known-at", before) == [pending]
    assert timeline.json("relations", "--as-of", "2024-12-31", "--known-at", before) == relations_before
    assert timeline.events("--known-at", before) == events
    page = timeline.ok("report", "ARG", "NOR", "--as-of", "2024-12-31").stdout
    assert "InvitationExtended" in page and "Eide later invited" in page

    assert_verifies(timeline)
    assert_replay_equals_incremental(timeline)


def test_amend_type_and_date_follow_the_vocabulary(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    ingest(timeline, tmp_path)
    meeting = one(timeline.events(), "MeetingHeld")
    [status] = timeline.json("relations", "--as-of", "2024-12-31")

    timeline.ok(
        "amend", meeting["event_id"], "--type", "criticismvoiced", "--date", "2024-08-18",
        "--actor", "CHL:Alberto van Klaveren", "--target", "NOR:Espen Barth Eide",
        "--reason", "a rebuke from the Chilean side, on Saturday", "--by", "Ines",
    )  # fmt: skip
    corrected = one(timeline.events(), "CriticismVoiced")
    assert (corrected["cameo"], corrected["goldstein"]) == ("111", -2.0)
    assert corrected["occurred_on"] == "2024-08-18" and corrected["date_precision"] == "day"
    assert (corrected["actor"], corrected["target"]) == (meeting["target"], meeting["actor"])  # roles kept
    assert corrected["payload"]["by"] == "Ines"
    [changed] = timeline.json("relations", "--as-of", "2024-12-31")
    assert changed["score"] < status["score"]

    # The corrected event can be amended in turn; the first correction is then retracted too.
    timeline.ok("amend", corrected["event_id"], "--modality", "planned", "--reason", "not yet said")
    again = one(timeline.events(), "CriticismVoiced")
    assert again["stream_version"] == 2 and again["modality"] == "planned"
    assert again["payload"]["amended_from"] == corrected["event_id"]
    assert_verifies(timeline)
    assert_replay_equals_incremental(timeline)


# --- add -----------------------------------------------------------------------------------------


def test_add_from_a_cited_sentence_keeps_provenance(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    article_id = ingest(timeline, tmp_path)
    invitation = one(timeline.events(), "InvitationExtended")
    assert timeline.json("invitations", "--as-of", "2024-12-31", "--status", "accepted") == []
    before = now()

    result = timeline.ok(
        "add", "--type", "InvitationAccepted", "--actor", "CHL", "--target", "NOR:Espen Barth Eide",
        "--date", "2024-08-21", "--article", article_id, "--sentence", str(invitation["sentence_index"]),
        "--by", "Ines",
    )  # fmt: skip
    assert "InvitationAccepted" in result.stdout
    added = one(timeline.events(), "InvitationAccepted")
    for kept in ("article_id", "sentence_index", "sentence", "char_start", "char_end"):
        assert added[kept] == invitation[kept], kept
    assert added["stream_id"] == "corrections" and added["extractor_version"] == "manual"
    assert added["modality"] == "reported" and added["occurred_on"] == "2024-08-21"
    assert (added["cameo"], added["goldstein"]) == ("036", 4.0)
    assert added["payload"] == {"published": "2024-08-20", "by": "Ines"}

    [accepted] = timeline.json("invitations", "--as-of", "2024-12-31", "--status", "accepted")
    assert accepted["invitee"]["country"] == "CHL"
    assert (
        timeline.json("invitations", "--as-of", "2024-12-31", "--status", "accepted", "--known-at", before)
        == []
    )
    assert_verifies(timeline)
    assert_replay_equals_incremental(timeline)


def test_add_in_a_sentence_no_event_cites_splits_as_the_extractor(timeline_any: Timeline) -> None:
    """A store whose coder read only the first sentence (as an older coder might): the sentence
    found for `--sentence 2` is the one today's extractor numbers 2, span and all."""
    from timeline.extract.pipeline import Extractor

    timeline = timeline_any
    article = Article(OSLO_ID, datetime(2024, 8, 20).date(), OSLO, outlet="Fjord Post")
    read = Extractor.default().extract(article)
    wanted = next(e.provenance for e in read if e.provenance and e.provenance.sentence_index == 2)
    timeline.ok("db", "upgrade")  # creates the schema
    store = timeline.store()
    try:
        store.append([e for e in read if e.provenance and e.provenance.sentence_index == 0], article)
    finally:
        store.close()

    missing = timeline(
        "add", "--type", "VisitMade", "--actor", "CHL", "--target", "NOR", "--date", "2025-03-01",
        "--modality", "planned", "--article", OSLO_ID, "--sentence", "3", "--by", "Ines",
    )  # fmt: skip
    assert missing.exit_code == 1
    assert stderr_lines(missing) == [
        f"error: article {OSLO_ID} has 3 sentences (0 to 2); there is no sentence 3"
    ]
    timeline.ok(
        "add", "--type", "VisitMade", "--actor", "CHL", "--target", "NOR", "--date", "2025-03-01",
        "--modality", "planned", "--article", OSLO_ID, "--sentence", "2", "--by", "Ines",
    )  # fmt: skip
    added = one(timeline.events(), "VisitMade")
    assert (
        added["sentence"]
        == wanted.sentence
        == "Eide later invited the Chilean president to visit Norway next year."
    )
    assert (added["sentence_index"], added["char_start"], added["char_end"]) == (
        2,
        wanted.char_start,
        wanted.char_end,
    )
    assert OSLO[added["char_start"] : added["char_end"]] == added["sentence"]
    assert added["modality"] == "planned"
    assert_verifies(timeline)


def test_add_from_an_outside_source(timeline_any: Timeline) -> None:
    timeline = timeline_any
    before = now()
    timeline.ok(
        "add", "--type", "PhoneCallHeld", "--actor", "Chile", "--target", "NZL:Christopher Luxon",
        "--date", "2024-09-02", "--source", "embassy press line, 2 September", "--by", "Ines",
    )  # fmt: skip
    [added] = timeline.events()
    assert added["article_id"] is None and added["sentence"] is None
    assert added["payload"] == {"by": "Ines", "source": "embassy press line, 2 September"}
    assert added["actor"]["country"] == "CHL" and added["target"]["name"] == "Christopher Luxon"
    [relation] = timeline.json("relations", "--as-of", "2024-12-31")
    assert relation["dyad"] == ["CHL", "NZL"] and relation["fact_count"] == 1
    assert timeline.json("relations", "--as-of", "2024-12-31", "--known-at", before) == []
    assert "source: embassy press line" in timeline.ok("events").stdout
    assert_verifies(timeline)
    assert_replay_equals_incremental(timeline)


# --- errors --------------------------------------------------------------------------------------


def test_bad_corrections_are_one_line_errors_and_change_nothing(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    timeline = timeline_any
    article_id = ingest(timeline, tmp_path)
    events = timeline.events()
    meeting = one(events, "MeetingHeld")["event_id"]
    gone = one(events, "StatementRecorded")["event_id"]
    timeline.ok("retract", gone, "--reason", "weather, not news")
    retraction = one(timeline.events(), "EventRetracted")["event_id"]
    stream = timeline.events("--include-retracted")
    add = ("add", "--type", "VisitMade", "--actor", "CHL", "--target", "NOR", "--date", "2024-09-01")

    cases = {
        ("amend", meeting, "--type", "Handshake", "--reason", "r"): "error: unknown event type 'Handshake'",
        ("amend", meeting, "--type", "EventRetracted", "--reason", "r"): "error: unknown event type",
        ("amend", meeting, "--actor", "XYZ", "--reason", "r"): "error: --actor: unknown country 'XYZ'",
        ("amend", meeting, "--target", "Atlantis:King", "--reason", "r"): "error: --target: unknown country",
        ("amend", meeting, "--actor", "NOR:", "--reason", "r"): "error: --actor: no name after the colon",
        (
            "amend",
            meeting,
            "--date",
            "2024-02-30",
            "--reason",
            "r",
        ): "error: --date: '2024-02-30' is not a date",
        (
            "amend",
            meeting,
            "--date",
            "1700-01-01",
            "--reason",
            "r",
        ): "error: --date: date 1700-01-01 is outside",
        ("amend", meeting, "--modality", "rumoured", "--reason", "r"): "error: unknown modality 'rumoured'",
        ("amend", meeting, "--reason", "r"): "error: the amendment changes nothing",
        ("amend", meeting, "--type", "MeetingHeld", "--reason", "r"): "error: the amendment changes nothing",
        ("amend", meeting, "--type", "VisitMade", "--reason", "  "): "error: an amendment needs a reason",
        ("amend", meeting, "--type", "VisitMade", "--reason", "r", "--by", " "): "error: --by needs a name",
        ("amend", "no-such-id", "--type", "VisitMade", "--reason", "r"): "error: no event with id no-such-id",
        ("amend", gone, "--type", "VisitMade", "--reason", "r"): f"error: event {gone} is retracted",
        ("amend", retraction, "--type", "VisitMade", "--reason", "r"): "error: event",
        add: "error: say where the event was read",
        (*add, "--article", article_id): "error: --article needs --sentence N",
        (*add, "--sentence", "1", "--source", "s"): "error: --sentence needs --article ID",
        (*add, "--article", article_id, "--sentence", "1", "--source", "s"): "error: say where",
        (*add, "--article", "feedbeef", "--sentence", "0"): "error: no article with id feedbeef",
        (*add, "--article", article_id, "--sentence", "-1"): "error: --sentence -1: sentences are numbered",
        (*add, "--source", " "): "error: --source needs a text",
        (*add[:2], "Tea", *add[3:], "--source", "s"): "error: unknown event type 'Tea'",
        ("retract", "--article", "feedbeef", "--reason", "r"): "error: no article with id feedbeef",
    }
    for args, message in cases.items():
        result = timeline(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = stderr_lines(result)
        assert len(lines) == 1 and lines[0].startswith(message), (args, lines)
        assert "Traceback" not in result.output
    assert (
        "is an EventRetracted" in timeline("amend", retraction, "--type", "VisitMade", "--reason", "r").stderr
    )

    usage = [
        ("amend", meeting, "--type", "VisitMade"),  # --reason is required
        ("add", "--type", "VisitMade", "--actor", "CHL", "--target", "NOR"),  # --date is required
        ("add", *add[1:], "--article", article_id, "--sentence", "one"),
        ("retract", "--reason", "r"),
        ("retract", meeting, "--article", article_id, "--reason", "r"),
    ]
    for args in usage:
        result = timeline(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert timeline.events("--include-retracted") == stream  # nothing was appended
    assert_verifies(timeline)


# --- retracted events shown as such -------------------------------------------------------------


def test_include_retracted_marks_retracted_events(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    ingest(timeline, tmp_path)
    weather = one(timeline.events(), "StatementRecorded")["event_id"]
    before = now()
    timeline.ok("retract", weather, "--reason", "weather, not news")

    shown = timeline.events("--include-retracted")
    marked = {e["event_id"]: (e["retracted_at"], e["retraction_reason"]) for e in shown}
    retraction = one(shown, "EventRetracted")
    assert marked[weather] == (retraction["recorded_at"], "weather, not news")
    assert all(mark == (None, None) for event_id, mark in marked.items() if event_id != weather)
    assert "retracted_at" not in timeline.events()[0]  # the live view keeps its shape
    # Known before the retraction, the event was live.
    then = timeline.events("--include-retracted", "--known-at", before)
    assert {e["event_id"]: e["retracted_at"] for e in then}[weather] is None

    rows = list(
        csv.DictReader(io.StringIO(timeline.ok("events", "--include-retracted", "--format", "csv").stdout))
    )
    by_id = {row["event_id"]: row for row in rows}
    assert by_id[weather]["retraction_reason"] == "weather, not news"
    assert by_id[weather]["retracted_at"] == retraction["recorded_at"]
    assert all(row["retracted_at"] == "" for event_id, row in by_id.items() if event_id != weather)
    jsonl = timeline.ok("events", "--include-retracted", "--format", "jsonl").stdout
    assert '"retraction_reason": "weather, not news"' in jsonl

    table = timeline.ok("events", "--include-retracted").stdout.splitlines()
    assert "RETRACTED" in table[0]
    [line] = [row for row in table if "Rain fell" in row]
    assert f"yes, {retraction['recorded_at'][:10]}" in line
    assert not any("yes, " in row for row in table if "Rain fell" not in row)
    assert "RETRACTED" not in timeline.ok("events").stdout
    empty = timeline.ok("events", "--include-retracted", "--format", "csv", "--type", "AidProvided").stdout
    assert empty.strip().endswith("retracted_at,retraction_reason")


def test_retract_article_retracts_its_live_events_at_once(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    oslo = ingest(timeline, tmp_path)
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    events = timeline.events()
    harbour = {e["event_id"] for e in events if e["article_id"] != oslo}
    meeting = one([e for e in events if e["article_id"] == oslo], "MeetingHeld")
    weather = next(e["event_id"] for e in events if "Rain fell" in (e["sentence"] or ""))
    timeline.ok("retract", weather, "--reason", "weather, not news")  # already retracted: left alone
    timeline.ok("amend", meeting["event_id"], "--type", "PhoneCallHeld", "--reason", "it was a call")
    corrected = one(timeline.events(), "PhoneCallHeld")
    assert corrected["article_id"] == oslo
    before = now()
    dyads_before = [r["dyad"] for r in timeline.json("relations", "--as-of", "2024-12-31")]
    assert ["CHL", "NOR"] in dyads_before

    result = timeline.ok("retract", "--article", oslo, "--reason", "the outlet withdrew the story")
    live_oslo = [e for e in timeline.events("--known-at", before) if e["article_id"] == oslo]
    assert f"retracted {len(live_oslo)} events of article {oslo}" in result.stdout
    assert corrected["event_id"] in {e["event_id"] for e in live_oslo}  # the correction citing it goes too

    after = timeline.events()
    retractions = [e for e in after if e["type"] == "EventRetracted" and e["recorded_at"] > before]
    assert {r["payload"]["retracted_event_id"] for r in retractions} == {e["event_id"] for e in live_oslo}
    assert {r["payload"]["reason"] for r in retractions} == {"the outlet withdrew the story"}
    assert len({r["recorded_at"] for r in retractions}) == 1  # one transaction
    assert [r["stream_version"] for r in retractions] == list(range(3, 3 + len(retractions)))
    assert {e["event_id"] for e in after if e["type"] != "EventRetracted"} == harbour
    assert ["CHL", "NOR"] not in [r["dyad"] for r in timeline.json("relations", "--as-of", "2024-12-31")]
    assert [r["dyad"] for r in timeline.json("relations", "--as-of", "2024-12-31", "--known-at", before)] == (
        dyads_before
    )

    again = timeline("retract", "--article", oslo, "--reason", "again")
    assert again.exit_code == 1
    assert stderr_lines(again) == [f"error: article {oslo} has no live events to retract"]
    assert_verifies(timeline)
    assert_replay_equals_incremental(timeline)


def test_corrections_without_a_new_sentence_do_not_load_spacy(tmp_path: Path) -> None:
    """add --source, amend and the marked read never parse text, so they never import spaCy."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'plain.db'}"
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from timeline.cli import cli\n"
        "run = lambda *a: CliRunner().invoke(cli, ['--db', sys.argv[1], *a])\n"
        "added = run('add', '--type', 'MeetingHeld', '--actor', 'CHL', '--target', 'NOR', '--date',\n"
        "            '2024-09-01', '--source', 'a note', '--by', 'Ines')\n"
        "assert added.exit_code == 0, added.output\n"
        "event_id = added.output.split()[2]\n"
        "amended = run('amend', event_id, '--type', 'PhoneCallHeld', '--reason', 'a call', '--by', 'Ines')\n"
        "assert amended.exit_code == 0, amended.output\n"
        "assert 'PhoneCallHeld' in run('events', '--include-retracted').output\n"
        "sys.exit('spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
