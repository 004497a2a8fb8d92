"""`timeline db ...`, the database option, and the one-line error handler."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import FIXTURES, Timeline
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
    # the first ordinary command brings a bare database to head by itself
    timeline.ok("events")
    assert timeline.ok("db", "current").stdout.strip() == revision


def test_database_from_environment_then_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    env_db = tmp_path / "from_env.db"
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{env_db}")
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "river_accord.txt")]).exit_code == 0
    assert env_db.exists() and not (tmp_path / "timeline.db").exists()

    monkeypatch.delenv("TIMELINE_DATABASE_URL")
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
