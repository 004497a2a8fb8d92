"""`timeline db ...`, the database option, and the one-line error handler."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import FIXTURES, Timeline, stderr_lines
from click.testing import CliRunner

from timeline import service
from timeline.cli import cli


def test_db_upgrade_downgrade_current(timeline: Timeline) -> None:
    assert timeline.ok("db", "current").stdout.strip() == "base"
    head = timeline.ok("db", "upgrade").stdout.strip()
    assert head.startswith("database at revision ") and not head.endswith(" base")
    revision = head.rsplit(" ", 1)[1]
    assert timeline.ok("db", "current").stdout.strip() == revision
    assert timeline.ok("db", "downgrade", "base").stdout.strip() == "database at revision base"
    assert timeline.ok("db", "current").stdout.strip() == "base"
    # a read finds no timeline database there; the first write brings it to head by itself
    assert timeline("events").stderr.startswith("error: no timeline database at ")
    timeline.ok("ingest", str(FIXTURES / "river_accord.txt"))
    assert timeline.ok("db", "current").stdout.strip() == revision


def test_database_from_environment_then_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    env_db = tmp_path / "from_env.db"
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{env_db}")
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "river_accord.txt")]).exit_code == 0
    assert env_db.exists() and not (tmp_path / "timeline.db").exists()

    monkeypatch.delenv("TIMELINE_DATABASE_URL")
    assert runner.invoke(cli, ["events"]).exit_code == 1  # a read creates no database
    assert not (tmp_path / "timeline.db").exists()
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "river_accord.txt")]).exit_code == 0
    assert runner.invoke(cli, ["events"]).exit_code == 0
    assert (tmp_path / "timeline.db").exists()


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "events"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_unknown_database_kind_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["--db", "nosuchdb://x/y", "events"])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")


def test_unexpected_error_is_one_line_unless_debug(
    timeline: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something\nwent wrong")

    monkeypatch.setattr(service, "list_events", broken)
    timeline.ok("db", "upgrade")
    result = timeline("events")
    assert result.exit_code == 1
    assert result.stderr == "error: RuntimeError: something (run with --debug for the traceback)\n"

    debug = CliRunner().invoke(cli, ["--db", timeline.url, "--debug", "events"])
    assert isinstance(debug.exception, RuntimeError)


def test_usage_errors_exit_2(timeline: Timeline) -> None:
    assert timeline("no-such-command").exit_code == 2
    assert timeline("relations", "--as-of", "2024-13-01").exit_code == 2


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "events", "relations", "history", "invitations", "retract", "replay", "db"):
        assert command in result.stdout


#: A made-up dispatch for the downgrade tests.
DISPATCH = (
    " date 2024-03-12 (Harbour Post) Chile and Kenya signed an agreement on fisheries research in "
    "Valparaiso on Monday. The Kenyan foreign minister invited the Chilean president to visit Nairobi.\n"
)


def _ingest_one(timeline: Timeline) -> tuple[str, int]:
    """Ingest DISPATCH; returns its article id and the number of events stored."""
    timeline.ok("ingest", "-", input=DISPATCH)
    found = timeline.events()
    assert found
    return found[0]["article_id"], len(found)


def test_db_downgrade_refuses_to_delete_data_without_yes(timeline_any: Timeline) -> None:
    _, count = _ingest_one(timeline_any)
    timeline_any.ok("relations")  # projections are filled
    head = timeline_any.ok("db", "current").stdout.strip()

    refused = timeline_any("db", "downgrade", "base")

    assert refused.exit_code == 1 and refused.stdout == ""
    lines = stderr_lines(refused)
    assert len(lines) == 1
    assert lines[0].startswith(
        f"error: downgrading to base would delete {count} events, 1 article and {count} chain links, "
    )
    assert "cannot be rebuilt" in lines[0] and "derived rows, which are rebuilt" in lines[0]
    assert "--yes" in lines[0]
    assert timeline_any.ok("db", "current").stdout.strip() == head
    assert len(timeline_any.events()) == count

    done = timeline_any.ok("db", "downgrade", "base", "--yes")
    assert done.stdout == "database at revision base\n"
    assert f"deleted {count} events, 1 article and {count} chain links" in done.stderr
    assert timeline_any.ok("db", "current").stdout.strip() == "base"


def test_db_downgrade_long_flag_and_what_needs_no_flag(timeline_any: Timeline) -> None:
    _, count = _ingest_one(timeline_any)
    timeline_any.ok("relations")
    # Down to 0001 drops only projections (derived) and sets the chain aside: no flag needed.
    done = timeline_any.ok("db", "downgrade", "0001")
    assert done.stdout == "database at revision 0001\n"
    assert f"kept {count} chain links aside in table kept_event_chain" in done.stderr
    assert "projection tables" in done.stderr and "rebuilt" in done.stderr
    # Below 0001 the events go: refused, then done with the long spelling of --yes.
    assert timeline_any("db", "downgrade", "base").exit_code == 1
    assert timeline_any.ok("db", "current").stdout.strip() == "0001"
    timeline_any.ok("db", "downgrade", "base", "--i-know-this-deletes-data")
    assert timeline_any.ok("db", "current").stdout.strip() == "base"


def test_erase_then_downgrade_and_upgrade_keeps_verify_passing(timeline_any: Timeline) -> None:
    article_id, _ = _ingest_one(timeline_any)
    timeline_any.ok("erase", article_id, "--reason", "a court order")
    head = timeline_any.ok("verify").stdout.split()[-1]

    timeline_any.ok("db", "downgrade", "0002")
    timeline_any.ok("db", "upgrade", "head")

    verified = timeline_any.ok("verify", "--head", head)
    assert verified.stdout.strip().endswith(f"chain intact, head {head}")


def test_db_downgrade_to_an_unknown_revision_is_one_line(timeline: Timeline) -> None:
    timeline.ok("db", "upgrade")
    result = timeline("db", "downgrade", "nosuch")
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "error: cannot downgrade to nosuch: Can't locate revision identified by 'nosuch'"
    ]
