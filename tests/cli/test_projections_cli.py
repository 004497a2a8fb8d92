"""Persisted projections through the command line: ingest keeps them current, replay rebuilds them
identically, retractions and late articles are folded right, and every read travels in time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from busy_pair import load_busy_pair
from cli_harness import Timeline

from timeline import service
from timeline.store.projection_store import ProjectionStore

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]

# Made-up articles: a 2024 meeting and invitation, a 2019 meeting and agreement (ingested after
# it), and the 2024 visit that answers the invitation.
ARTICLES = {
    "autumn_talks.txt": (
        " date 2024-09-10 (Coast Herald) Portuguese Prime Minister Rui Alvares met Irish Taoiseach "
        "Simon Harris in Lisbon on Monday. Alvares invited Harris to visit Portugal next spring."
    ),
    "old_accord.txt": (
        " date 2019-02-06 (Coast Herald) Irish Foreign Minister Simon Coveney held talks with "
        "Portuguese Foreign Minister Augusto Santos Silva in Dublin on Tuesday. The two ministers "
        "signed an agreement on maritime research."
    ),
    "the_visit.txt": (
        " date 2024-10-03 (Coast Herald) Irish Taoiseach Simon Harris arrived in Lisbon on Wednesday "
        "for an official visit to Portugal."
    ),
}


def write(folder: Path, name: str) -> str:
    path = folder / name
    path.write_text(ARTICLES[name], "utf-8")
    return str(path)


def now() -> str:
    return datetime.now(UTC).isoformat()


def table_rows(timeline: Timeline) -> dict:
    store = timeline.store()
    try:
        return ProjectionStore(store).rows()
    finally:
        store.close()


def test_one_article_at_a_time_then_replay_gives_the_same_rows(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    timeline = timeline_any
    for name in ("autumn_talks.txt", "old_accord.txt", "the_visit.txt"):  # 2019 arrives after 2024
        timeline.ok("ingest", write(tmp_path, name))
    incremental = table_rows(timeline)
    assert incremental["projection_partitions"] and incremental["projection_members"]
    [checkpoint] = {row[2] for row in incremental["projection_checkpoints"]}
    assert checkpoint == max(e["position"] for e in timeline.events("--include-retracted"))

    line = timeline.ok("replay").stdout
    assert "projection tables rebuilt" in line
    assert table_rows(timeline) == incremental

    # The late 2019 article is part of the dyad's past, not stacked after 2024.
    steps = timeline.json("history", "IRL", "PRT", "--as-of", "2024-12-31")
    assert [s["occurred_on"][:4] for s in steps] == sorted(s["occurred_on"][:4] for s in steps)
    assert steps[0]["occurred_on"].startswith("2019")
    [old] = timeline.json("relations", "--as-of", "2019-12-31")
    assert old["dyad"] == ["IRL", "PRT"]


def test_the_seed_invitation_through_time(timeline_any: Timeline) -> None:
    timeline = timeline_any
    before = now()
    timeline.ok("ingest", str(SEED))
    assert timeline.json("invitations", "--as-of", "2024-03-29", "--status", "pending") == []
    [pending] = timeline.json("invitations", "--as-of", "2024-04-01", "--status", "pending")
    assert pending["invitee"]["country"] == "RUS" and "Putin" in (pending["invitee"]["name"] or "")
    assert pending["destination"] == "PAK" and pending["extended_on"] == "2024-03-30"
    assert timeline.json("invitations", "--as-of", "2024-04-01", "--dyad", "Russia", "PAK") == [pending]
    assert timeline.json("invitations", "--as-of", "2024-04-01", "--dyad", "PAK", "IND") == []

    [relation] = timeline.json("relations", "--as-of", "2024-04-01", "--dyad", "RUS", "PAK")
    assert relation["dyad"] == ["PAK", "RUS"]
    assert timeline.json("relations", "--as-of", "2024-04-01", "--dyad", "PAK", "IND") == []
    explained = timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01")
    assert explained["tone"] == relation["tone"] and explained["facts"]
    assert all(0 < fact["weight"] <= 1 for fact in explained["facts"])

    # Known at a moment before the seed was ingested: nothing at all, on every read.
    for as_of in ("2024-04-01", "2024-12-31"):
        assert timeline.json("invitations", "--as-of", as_of, "--known-at", before) == []
        assert timeline.json("relations", "--as-of", as_of, "--known-at", before) == []
        assert timeline.json("history", "PAK", "RUS", "--as-of", as_of, "--known-at", before) == []
        assert timeline.json("events", "--facts", "--as-of", as_of, "--known-at", before) == []
        gone = timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", as_of, "--known-at", before)
        assert gone["facts"] == []
    # Known now (or later), the same answers as without --known-at.
    later = now()
    assert timeline.json("invitations", "--as-of", "2024-04-01", "--known-at", later) == timeline.json(
        "invitations", "--as-of", "2024-04-01"
    )


def test_reads_known_now_come_from_the_tables_not_the_stream(
    timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline.ok("ingest", str(SEED), write(tmp_path, "autumn_talks.txt"))
    expected = {
        "relations": timeline.json("relations", "--as-of", "2024-12-31"),
        "invitations": timeline.json("invitations", "--as-of", "2024-04-01"),
        "facts": timeline.json("events", "--facts", "--as-of", "2024-12-31"),
    }
    before = now()

    def no_replay(*args, **kwargs):
        raise AssertionError("a read known now must not fold the stream")

    monkeypatch.setattr(service, "state_events", no_replay)
    assert timeline.json("relations", "--as-of", "2024-12-31") == expected["relations"]
    assert timeline.json("invitations", "--as-of", "2024-04-01") == expected["invitations"]
    assert timeline.json("events", "--facts", "--as-of", "2024-12-31") == expected["facts"]
    assert timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01")["facts"]
    assert timeline.json("relations", "--as-of", "2024-12-31", "--known-at", before) == expected["relations"]
    # A read known in the past refolds (here: the stub says so).
    assert timeline("relations", "--known-at", "2000-01-01").exit_code == 1


def test_as_of_and_known_at_together(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    timeline.ok("ingest", write(tmp_path, "autumn_talks.txt"))
    between = now()
    timeline.ok("ingest", write(tmp_path, "old_accord.txt"))
    # "What did we believe, before the 2019 article came in, about 2019?" Nothing.
    assert timeline.json("relations", "--as-of", "2019-12-31", "--known-at", between) == []
    assert timeline.json("events", "--facts", "--as-of", "2019-12-31", "--known-at", between) == []
    assert [r["dyad"] for r in timeline.json("relations", "--as-of", "2019-12-31")] == [["IRL", "PRT"]]
    facts_2019 = timeline.json("events", "--facts", "--as-of", "2019-12-31")
    assert facts_2019 and all(f["occurred_on"] <= "2019-12-31" for f in facts_2019)
    # Known then, as of the end of 2024: only the 2024 article's facts.
    then = timeline.json(
        "relations", "--explain", "IRL", "PRT", "--as-of", "2024-12-31", "--known-at", between
    )
    assert then["facts"] and all(f["occurred_on"] >= "2024" for f in then["facts"])
    full = timeline.json("relations", "--explain", "IRL", "PRT", "--as-of", "2024-12-31")
    assert len(full["facts"]) > len(then["facts"])


def test_a_retraction_leaves_the_event_out_but_not_from_the_past(timeline_any: Timeline) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(SEED))
    [pending] = timeline.json("invitations", "--as-of", "2024-04-01", "--status", "pending")
    relation_before = timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01")
    before = now()
    for event_id in pending["event_ids"]:
        timeline.ok("retract", event_id, "--reason", "the invitation was misread")
    assert timeline.json("invitations", "--as-of", "2024-04-01") == []
    after = timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01")
    sources = {s for fact in after["facts"] for s in fact["sources"]}
    assert not sources & set(pending["event_ids"])
    # What the store knew before the retraction: the old view, on every read.
    then = timeline.json("invitations", "--as-of", "2024-04-01", "--known-at", before)
    assert [i["invitation_id"] for i in then] == [pending["invitation_id"]]
    old_explained = timeline.json(
        "relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01", "--known-at", before
    )
    assert old_explained == relation_before
    # And the incrementally maintained tables equal a replay.
    rows = table_rows(timeline)
    timeline.ok("replay")
    assert table_rows(timeline) == rows


def test_replay_with_clocks_summarises_the_view_asked_for(timeline: Timeline, tmp_path: Path) -> None:
    before = now()
    timeline.ok("ingest", write(tmp_path, "autumn_talks.txt"), write(tmp_path, "old_accord.txt"))
    assert timeline.ok("replay", "--known-at", before).stdout.startswith("replayed 0 events")
    line = timeline.ok("replay", "--as-of", "2019-12-31").stdout
    assert line.startswith("replayed ") and ": 1 relation," in line
    assert timeline.json("relations", "--as-of", "2024-12-31")  # the tables are whole again after either


def test_relations_name_facts_and_reports_alike_in_table_json_and_report(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(SEED))
    [row] = timeline.json("relations", "--as-of", "2024-04-01")
    explained = timeline.json("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01")
    # Facts: happenings, each counted once; reports: every event that told one of them.
    assert row["fact_count"] == len(explained["facts"]) == 9
    assert row["report_count"] == sum(f["source_count"] for f in explained["facts"]) == 13
    assert "event_count" not in row  # the old name, which counted facts
    header, _, line = timeline.ok("relations", "--as-of", "2024-04-01").stdout.splitlines()
    assert header.split()[-4:] == ["QUIET", "DAYS", "FACTS", "REPORTS"]
    assert line.split()[-2:] == ["9", "13"]
    explain_table = timeline.ok("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01").stdout
    assert "9 facts from 13 reports" in explain_table.splitlines()[0]
    page = tmp_path / "all.html"
    timeline.ok("report", "--as-of", "2024-04-01", "-o", str(page))
    html = page.read_text("utf-8")
    assert "<th>Facts</th><th>Reports</th>" in html and "<td>9</td><td>13</td>" in html
    assert "9 facts from 13 reports" in html


def test_a_quiet_pair_keeps_its_tone_and_shows_its_silence(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(SEED))
    seed_only = now()
    timeline.ok("ingest", write(tmp_path, "autumn_talks.txt"))  # so a read known at seed_only refolds
    [fresh] = timeline.json("relations", "--as-of", "2024-04-01", "--dyad", "PAK", "RUS")
    [years] = timeline.json("relations", "--as-of", "2034-04-01", "--dyad", "PAK", "RUS")
    [refolded] = timeline.json("relations", "--as-of", "2034-04-01", "--known-at", seed_only)
    assert (fresh["tone"], fresh["score"]) == (years["tone"], years["score"]) == ("cooperative", 3.19)
    assert (fresh["quiet_days"], fresh["quiet"]) == (2, False)
    assert (years["quiet_days"], years["quiet"]) == (3654, True)
    assert refolded == years  # the per-dyad digest and the fold of the stream agree
    table = timeline.ok("relations", "--as-of", "2034-04-01", "--dyad", "PAK", "RUS").stdout
    assert "QUIET DAYS" in table and "3654 (quiet)" in table
    why = timeline.ok("relations", "--explain", "PAK", "RUS", "--as-of", "2034-04-01").stdout.splitlines()[0]
    assert "cooperative (score 3.19)" in why and "last event 2024-03-30, 3654 days before (quiet)" in why


def test_explain_lists_the_facts_that_carry_the_score_and_sums_the_rest(timeline_any: Timeline) -> None:
    timeline = timeline_any
    store = timeline.store()
    try:
        events = load_busy_pair(store, 60)
    finally:
        store.close()
    as_of = "2021-06-01"
    explained = timeline.json("relations", "--explain", "ISL", "MLT", "--as-of", as_of)
    facts = explained["facts"]
    assert len(facts) == explained["fact_count"] == 60  # JSON keeps every fact
    lines = timeline.ok("relations", "--explain", "ISL", "MLT", "--as-of", as_of).stdout.splitlines()
    # The status, the formula with the figures it adds up, the header, the rule, 20 rows, the rest.
    assert lines[1].startswith("score = sum(weight x value) / (sum(weight) + 1) = ")
    assert lines[1].endswith(f"= {explained['score']:.2f}")
    assert lines[2].split()[-2:] == ["EVENT", "IDS"]
    rows = lines[4:-1]
    assert len(rows) == 20
    carried = sorted(facts, key=lambda f: (-abs(f["contribution"]), -f["weight"], f["occurred_on"]))
    by_event = {e.event_id for e in events}
    for row, fact in zip(rows, carried[:20], strict=True):
        assert row.startswith(fact["occurred_on"])
        assert row.split()[-1] == fact["sources"][-1] and fact["sources"][-1] in by_event
    weight = sum(f["weight"] for f in carried[20:])
    assert lines[-1].startswith(f"40 more facts weigh {weight:.2f} in all")
    # --top and --all choose how many; without --explain they are a usage error.
    top = timeline.ok("relations", "--explain", "ISL", "MLT", "--as-of", as_of, "--top", "5").stdout
    assert len(top.splitlines()) == 4 + 5 + 1 and "55 more facts" in top
    every = timeline.ok("relations", "--explain", "ISL", "MLT", "--as-of", as_of, "--all").stdout
    assert len(every.splitlines()) == 4 + 60 and "more facts" not in every
    wrong = timeline("relations", "--all")
    assert wrong.exit_code == 2 and "--explain" in wrong.stderr and "Traceback" not in wrong.stderr


LAG_NOTE = "note: the projection tables lag the stream by "


def _checkpoint_and_last(timeline: Timeline) -> tuple[object, int]:
    from timeline.projections import runner

    store = timeline.store()
    try:
        now = runner.freshness(ProjectionStore(store))
    finally:
        store.close()
    return (now.checkpoint.position if now.checkpoint else None), now.last


def test_reads_on_lagging_tables_write_nothing_and_say_so_once(timeline_any: Timeline) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(SEED))
    store = timeline.store()
    try:
        load_busy_pair(store, 10)  # appended without a catch-up, as another tool might
    finally:
        store.close()
    before = table_rows(timeline)
    reads = {
        "relations": ("relations", "--as-of", "2024-04-01"),
        "explain": ("relations", "--explain", "PAK", "RUS", "--as-of", "2024-04-01"),
        "invitations": ("invitations", "--as-of", "2024-04-01"),
        "facts": ("events", "--facts", "--as-of", "2024-04-01"),
        "report": ("report", "--as-of", "2024-04-01", "-o", "-"),
    }
    lagging = {}
    for name, args in reads.items():
        result = timeline.ok(*args, *(() if name == "report" else ("--format", "json")))
        assert [line for line in result.stderr.splitlines() if LAG_NOTE in line] == [
            f"{LAG_NOTE}10 events; this answer was folded from the events (reads never update the tables: "
            "`timeline replay` does)"
        ], name
        lagging[name] = result.stdout
        assert timeline.ok("-q", *args).stderr == ""  # --quiet silences it
    history = timeline.ok("history", "ISL", "MLT", "--as-of", "2021-06-01")  # always folds: nothing to say
    assert history.stderr == "" and "MeetingHeld" in history.stdout
    assert table_rows(timeline) == before  # no read wrote a row or moved the checkpoint

    timeline.ok("replay")
    position, last = _checkpoint_and_last(timeline)
    assert position == last
    for name, args in reads.items():
        result = timeline.ok(*args, *(() if name == "report" else ("--format", "json")))
        assert result.stderr == "", name
        if name != "report":  # the page carries its generation time
            assert result.stdout == lagging[name], name  # from the tables: the same answer


def test_every_write_command_leaves_the_tables_current(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline = timeline_any
    timeline.ok("ingest", str(SEED), write(tmp_path, "autumn_talks.txt"))
    events = timeline.events()
    meeting = next(e for e in events if e["type"] == "MeetingHeld")
    writes = [
        ("ingest", write(tmp_path, "old_accord.txt")),  # a late (2019) article
        ("retract", events[0]["event_id"], "--reason", "misread"),
        ("amend", meeting["event_id"], "--reason", "wrong day", "--date", "2024-09-11"),
        ("add", "--type", "MeetingHeld", "--actor", "IRL", "--target", "PRT", "--date", "2024-11-02",
         "--source", "a ministry press release"),
        ("retract", "--article", events[-1]["article_id"], "--reason", "withdrawn by the outlet"),
        ("erase", events[0]["article_id"], "--reason", "court order"),
    ]  # fmt: skip
    for args in writes:
        timeline.ok(*args)
        position, last = _checkpoint_and_last(timeline)
        assert position == last, args
        assert LAG_NOTE not in timeline.ok("relations", "--as-of", "2024-12-31").stderr
    rows = table_rows(timeline)
    timeline.ok("replay")
    assert table_rows(timeline) == rows  # and what they hold equals a replay


def test_db_upgrade_brings_lagging_tables_up_to_date(timeline_any: Timeline) -> None:
    timeline = timeline_any
    timeline.ok("db", "upgrade")
    store = timeline.store()
    try:
        load_busy_pair(store, 10)
    finally:
        store.close()
    assert LAG_NOTE in timeline.ok("relations", "--as-of", "2021-06-01").stderr
    timeline.ok("db", "upgrade")  # a write command: it folds what the tables miss
    assert _checkpoint_and_last(timeline)[0] == _checkpoint_and_last(timeline)[1]
    assert timeline.ok("relations", "--as-of", "2021-06-01").stderr == ""
