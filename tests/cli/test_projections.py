"""`relations`, `history`, `invitations` and `replay` on the command line: JSON lists, tables, clocks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cli_harness import FIXTURES, Timeline

from timeline.wording import count

RELATION_FIELDS = {
    "dyad", "tone", "score", "sectors", "last_event_on", "quiet_days", "quiet", "fact_count", "report_count",
}  # fmt: skip
INVITATION_FIELDS = {
    "invitation_id", "inviter", "invitee", "destination", "extended_on", "status", "status_on", "event_ids",
}


@pytest.fixture
def loaded(timeline: Timeline) -> Timeline:
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"), str(FIXTURES / "river_accord.txt"))
    return timeline


def test_empty_store_gives_empty_lists(timeline: Timeline) -> None:
    timeline.ok("db", "upgrade")  # an empty store (reads never create one)
    assert timeline.json("relations") == []
    assert timeline.json("invitations") == []
    assert "no relations" in timeline.ok("relations").stdout
    assert "no invitations" in timeline.ok("invitations").stdout
    assert timeline.ok("replay").stdout.startswith("replayed 0 events")


def test_relations_json_is_a_list_of_dyads(loaded: Timeline) -> None:
    relations = loaded.json("relations", "--as-of", "2024-12-31")
    assert isinstance(relations, list)
    for relation in relations:
        assert set(relation) >= RELATION_FIELDS
        assert relation["dyad"] == sorted(relation["dyad"]) and len(relation["dyad"]) == 2
        assert relation["tone"] in ("hostile", "strained", "neutral", "cooperative", "close")
    assert loaded.json("relations", "--as-of", "2000-01-01") == []


def test_relations_table_has_a_row_per_dyad(loaded: Timeline) -> None:
    relations = loaded.json("relations", "--as-of", "2024-12-31")
    table = loaded.ok("relations", "--as-of", "2024-12-31").stdout.splitlines()
    if relations:
        assert table[0].split()[:2] == ["DYAD", "TONE"]
        assert len(table) == 2 + len(relations)


def test_explain_and_history_of_a_dyad(loaded: Timeline) -> None:
    relations = {tuple(r["dyad"]): r for r in loaded.json("relations", "--as-of", "2024-12-31")}
    explained = loaded.json("relations", "--explain", "nzl", "Chile", "--as-of", "2024-12-31")
    assert explained["dyad"] == ["CHL", "NZL"]
    assert isinstance(explained["facts"], list)
    if ("CHL", "NZL") in relations:
        assert explained["tone"] == relations[("CHL", "NZL")]["tone"]
        assert explained["facts"]
    table = loaded.ok("relations", "--explain", "CHL", "NZL", "--as-of", "2024-12-31").stdout
    assert "CHL-NZL" in table

    steps = loaded.json("history", "Chile", "nzl", "--as-of", "2024-12-31")
    assert isinstance(steps, list)
    for step in steps:
        assert {step["actor"]["country"], step["target"]["country"]} <= {"CHL", "NZL", None}
    assert len(loaded.ok("history", "CHL", "NZL").stdout.splitlines()) == (2 + len(steps) if steps else 1)

    bad = loaded("history", "CHL", "Atlantis")
    assert bad.exit_code == 1 and "unknown country 'Atlantis'" in bad.stderr
    same = loaded("relations", "--explain", "CHL", "chile")
    assert same.exit_code == 1 and "two different countries" in same.stderr


def test_invitations_json_and_status_filter(loaded: Timeline) -> None:
    found = loaded.json("invitations", "--as-of", "2024-12-31")
    assert isinstance(found, list)
    for invitation in found:
        assert set(invitation) >= INVITATION_FIELDS
    for status in ("pending", "accepted", "fulfilled"):
        subset = loaded.json("invitations", "--as-of", "2024-12-31", "--status", status)
        assert subset == [i for i in found if i["status"] == status]
    assert loaded("invitations", "--status", "lost").exit_code == 2


def test_invitation_table_shows_days_pending(timeline: Timeline, tmp_path) -> None:
    (tmp_path / "invite.txt").write_text(
        " date 2024-05-14 (Harbour Ledger) Chilean President Gabriel Boric invited New Zealand Prime "
        "Minister Christopher Luxon to visit Chile.",
        "utf-8",
    )
    timeline.ok("ingest", str(tmp_path / "invite.txt"))
    pending = timeline.json("invitations", "--as-of", "2024-05-24", "--status", "pending")
    table = timeline.ok("invitations", "--as-of", "2024-05-24", "--status", "pending").stdout.splitlines()
    assert len(table) == 2 + len(pending) if pending else len(table) == 1
    for invitation, line in zip(pending, table[2:], strict=True):
        days = (datetime(2024, 5, 24) - datetime.fromisoformat(invitation["extended_on"])).days
        assert line.rstrip().endswith(str(days))


def test_known_at_before_ingest_sees_nothing(timeline: Timeline) -> None:
    before = datetime.now(UTC).isoformat()
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    assert timeline.json("relations", "--as-of", "2024-12-31", "--known-at", before) == []
    assert timeline.json("invitations", "--as-of", "2024-12-31", "--known-at", before) == []
    assert timeline.ok("replay", "--known-at", before).stdout.startswith("replayed 0 events")


def test_replay_summarises(loaded: Timeline) -> None:
    line = loaded.ok("replay", "--as-of", "2024-12-31").stdout.strip()
    relations = loaded.json("relations", "--as-of", "2024-12-31")
    invitations = loaded.json("invitations", "--as-of", "2024-12-31")
    assert count(len(relations), "relation") in line and count(len(invitations), "invitation") in line
