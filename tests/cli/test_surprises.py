"""What an analyst trips over (issue 13, points 5, 6, 7 and 10): no silent surprises, global
options anywhere, long runs that report as they go, and messages that read right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Timeline, stderr_lines
from click.testing import CliRunner

from timeline.cli import cli
from timeline.progress import Progress
from timeline.store import dialects, resolve_url

NO_DATABASE = (
    "error: no timeline database at {where}; ingest articles first (timeline ingest PATH) or pass --db URL"
)
READS = (
    ["events"],
    ["events", "--facts"],
    ["relations"],
    ["history", "PAK", "RUS"],
    ["invitations"],
    ["export"],
    ["report", "-o", "-"],
    ["stats"],
    ["verify"],
    ["replay"],
)

# Articles written for these tests: a one-event note, and a two-sentence story in March 2024.
ONE_EVENT = " date 2024-03-12 (Test Wire) Lahore: Pakistan condemned the missile strike on Monday.\n"
MARCH_STORY = (
    " date 2024-03-20 (Test Wire) Oslo: Norwegian Foreign Minister Ingrid Halvorsen met the Chilean "
    "ambassador in Oslo on Tuesday and discussed fishing quotas. Chile invited Norway to join a trade "
    "forum in Santiago.\n"
)


def notes(folder: Path, n: int) -> Path:
    """``n`` distinct one-event articles in ``folder`` (a day apart, so each text differs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for day in range(1, n + 1):
        (folder / f"note_{day:02d}.txt").write_text(ONE_EVENT.replace("2024-03-12", f"2024-04-{day:02d}"))
    return folder


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- 5. silent surprises -----------------------------------------------------------------------


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_read_in_a_folder_without_a_database_says_so_and_creates_nothing(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIMELINE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert stderr_lines(result) == [NO_DATABASE.format(where="./timeline.db")]
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [], "a read must not create timeline.db (or its -wal)"


def test_a_read_of_an_empty_database_is_the_same_error_and_a_write_creates_it(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    # SQLite: a file that does not exist; PostgreSQL: a schema with no timeline tables in it.
    result = timeline_any("relations")
    assert result.exit_code == 1
    (line,) = stderr_lines(result)
    assert line.startswith("error: no timeline database at ") and "ingest articles first" in line
    assert timeline_any("events", "--actor", "PAK").exit_code == 1
    if timeline_any.url.startswith("sqlite"):
        assert not Path(timeline_any.url.removeprefix("sqlite:///")).exists()
    timeline_any.ok("ingest", write(tmp_path / "a.txt", ONE_EVENT))  # a write creates it
    assert [e["type"] for e in timeline_any.events()] == ["StatementRecorded"]
    assert timeline_any.ok("relations").stderr == ""


def test_db_current_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    result = CliRunner().invoke(cli, ["--db", url, "db", "current"])
    assert result.exit_code == 0 and result.stdout.strip() == "base"
    assert not (tmp_path / "nothing.db").exists()


def test_a_month_or_a_year_means_its_whole_span(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline_any.ok("ingest", write(tmp_path / "march.txt", MARCH_STORY))
    march = timeline_any.events()
    assert march and all(e["occurred_on"].startswith("2024-03-") for e in march)
    assert march[0]["occurred_on"] > "2024-03-01"
    # --until and --as-of: through the month's (year's) last day; --since: from its first
    assert timeline_any.events("--until", "2024-03") == march
    assert timeline_any.events("--until", "2024-03-01") == []
    assert timeline_any.events("--as-of", "2024-03") == march
    assert timeline_any.events("--as-of", "2024") == march
    assert timeline_any.events("--since", "2024-03") == march
    assert timeline_any.events("--since", "2024-03", "--until", "2024-03") == march
    assert timeline_any.events("--since", "2024-04") == []
    assert timeline_any.events("--until", "2024-02") == []
    assert timeline_any.events("--since", "2024") == march
    assert timeline_any.events("--until", "2023") == []
    assert timeline_any.json("relations", "--as-of", "2024-03")  # the pair is there by the month's end
    assert timeline_any.json("relations", "--as-of", "2024-03-01") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--since", "2024/03/01"], "'2024/03/01' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        (["events", "--until", "01-03-2024"], "'01-03-2024' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        (["relations", "--as-of", "2024-W10"], "'2024-W10' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        (["events", "--since", "2024-13"], "'2024-13' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        (["events", "--until", "2024-02-30"], "'2024-02-30' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        (["events", "--as-of", "9999-12"], "outside the dates timeline accepts (1800-01-01 to 2199-12-31)"),
        (["ingest", "--published", "2024-03", "-"], "'2024-03' is not a date; use YYYY-MM-DD"),
        (["events", "--known-at", "2024/03/01"], "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+HH:MM]"),
    ],
)
def test_one_date_parser_accepts_exactly_what_its_message_says(
    timeline: Timeline, args: list[str], message: str
) -> None:
    result = timeline(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_known_at_takes_a_month_as_its_end(timeline: Timeline, tmp_path: Path) -> None:
    timeline.ok("ingest", write(tmp_path / "a.txt", ONE_EVENT))
    assert timeline.events("--known-at", "2199-12") != []
    assert timeline.events("--known-at", "2000") == []


def test_an_unknown_name_is_an_error_everywhere(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline_any.ok("ingest", write(tmp_path / "march.txt", MARCH_STORY))
    for args in (
        ("events", "--actor", "Narnia"),
        ("events", "--target", "Narnia", "--facts"),
        ("export", "--actor", "Narnia"),
    ):
        result = timeline_any(*args)
        assert result.exit_code == 1, args
        (line,) = stderr_lines(result)
        assert line.startswith(f"error: {args[1]} 'Narnia' is no country and no person the store knows;")
        assert "ISO 3166 alpha-3 code such as PAK" in line
        assert result.stdout == ""
    history = timeline_any("history", "PAK", "Narnia")
    assert history.exit_code == 1
    assert stderr_lines(history) == [
        "error: unknown country 'Narnia'; use an ISO 3166 alpha-3 code such as PAK"
    ]
    # a known country with no events, and a person the store names, are answers, not errors
    assert timeline_any.events("--actor", "Peru") == []
    assert [e["type"] for e in timeline_any.events("--actor", "Ingrid Halvorsen")] == ["MeetingHeld"]
    assert timeline_any.events("--target", "ingrid halvorsen")  # any letter case


def test_ingest_of_a_folder_counts_the_files_it_skipped(timeline: Timeline, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    write(folder / "a.txt", ONE_EVENT)
    write(folder / "notes.md", "# notes")
    write(folder / "draft.md", "# draft")
    write(folder / "page.html", "<p>x</p>")
    write(folder / ".hidden.md", "hidden files are not the user's articles")
    result = timeline.ok("ingest", str(folder))
    assert stderr_lines(result)[-1] == (
        "1 new, 0 already present, 0 failed; 1 event appended; skipped 3 files: 2 .md, 1 .html"
    )
    only_text = timeline.ok("ingest", str(folder / "a.txt"))
    assert "skipped" not in only_text.stderr


# --- 6. global options anywhere ----------------------------------------------------------------


def test_db_debug_and_quiet_are_taken_after_the_subcommand(timeline_any: Timeline, tmp_path: Path) -> None:
    runner = CliRunner()
    path = write(tmp_path / "a.txt", ONE_EVENT)
    ingested = runner.invoke(cli, ["ingest", path, "--db", timeline_any.url, "--quiet"])
    assert ingested.exit_code == 0, ingested.stderr
    assert ingested.stderr == "", "--quiet after the command silences the summary"
    listed = runner.invoke(cli, ["events", "--db", timeline_any.url, "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    assert "Did you mean" not in listed.stderr and '"StatementRecorded"' in listed.stdout
    # after the subcommand, the nearer --db wins over the one before it
    other = f"sqlite:///{tmp_path / 'other.db'}"
    nearer = runner.invoke(cli, ["--db", other, "relations", "--db", timeline_any.url, "--format", "json"])
    assert nearer.exit_code == 0, nearer.stderr
    assert not (tmp_path / "other.db").exists()
    # --debug after the command: the exception is raised, not folded into one line
    debug = runner.invoke(cli, ["relations", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--debug"])
    assert debug.exit_code == 1
    assert type(debug.exception).__name__ == "NoDatabase"
    plain = runner.invoke(cli, ["relations", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert isinstance(plain.exception, SystemExit) and plain.stderr.startswith("error: no timeline database")
    # the db group's commands take them too
    current = runner.invoke(cli, ["db", "current", "--db", timeline_any.url])
    assert current.exit_code == 0 and current.stdout.strip() != "base"


def test_quiet_before_the_subcommand_silences_ingest_and_export(timeline: Timeline, tmp_path: Path) -> None:
    assert timeline.ok("--quiet", "ingest", write(tmp_path / "a.txt", ONE_EVENT)).stderr == ""
    out = tmp_path / "out.csv"
    assert timeline.ok("-q", "export", "-o", str(out)).stderr == ""
    assert out.read_text().startswith("position,")


# --- 7. long runs ------------------------------------------------------------------------------


def test_ingest_without_a_terminal_prints_progress_lines(
    timeline_any: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIMELINE_PROGRESS_SECONDS", "0")  # a line after every article
    result = timeline_any.ok("ingest", str(notes(tmp_path / "notes", 7)))
    lines = stderr_lines(result)
    progress = [line for line in lines if line.startswith("ingesting: ")]
    assert [line.split(",")[0] for line in progress] == [f"ingesting: {n}/7 articles" for n in range(1, 8)]
    assert all(" articles/s, " in line for line in progress)
    assert progress[-1].endswith(", 7 events appended")
    assert lines[-1] == "7 new, 0 already present, 0 failed; 7 events appended"


def test_reextract_without_a_terminal_prints_progress_lines(
    timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline.ok("ingest", str(notes(tmp_path / "notes", 6)))
    monkeypatch.setenv("TIMELINE_PROGRESS_SECONDS", "0")
    result = timeline.ok("reextract", "--all")
    progress = [line for line in stderr_lines(result) if line.startswith("re-reading: ")]
    assert [line.split(",")[0] for line in progress] == [f"re-reading: {n}/6 articles" for n in range(1, 7)]
    assert progress[-1].endswith("0 changed; 0 events retracted, 0 appended")
    assert stderr_lines(result)[-1] == (
        "6 articles examined: 0 changed, 6 unchanged, 0 erased (skipped), 0 failed; "
        "0 events retracted, 0 appended"
    )


def _interrupt_the_third_append(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Ctrl-C while the third article's events are being inserted, inside its transaction."""
    dialect = type(dialects.dialect_for("sqlite" if url.startswith("sqlite") else "postgresql"))
    original = dialect.insert_rows
    calls = {"n": 0}

    def insert_rows(self, conn, table, *args, **kwargs):  # type: ignore[no-untyped-def]
        if table.name == "events":
            calls["n"] += 1
            if calls["n"] == 3:
                original(self, conn, table, *args, **kwargs)  # the rows are in, not yet committed
                raise KeyboardInterrupt
        return original(self, conn, table, *args, **kwargs)

    monkeypatch.setattr(dialect, "insert_rows", insert_rows)


def test_ctrl_c_prints_the_partial_summary_and_exits_130(
    timeline_any: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = notes(tmp_path / "notes", 5)
    _interrupt_the_third_append(monkeypatch, timeline_any.url)
    result = timeline_any("ingest", str(folder))
    assert result.exit_code == 130, (result.stderr, result.exception)
    assert stderr_lines(result) == ["interrupted: 2 new, 0 already present, 0 failed; 2 events appended"]
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
    monkeypatch.undo()
    # the article in flight was rolled back whole: a second run stores it and the two after it
    assert len(timeline_any.events()) == 2
    again = timeline_any.ok("ingest", str(folder))
    assert stderr_lines(again)[-1] == "3 new, 2 already present, 0 failed; 3 events appended"
    assert timeline_any.ok("verify").stdout.startswith("verified 5 events, chain intact")


def test_ctrl_c_during_reextract_exits_130_with_the_partial_summary(
    timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline.ok("ingest", str(notes(tmp_path / "notes", 3)))
    from timeline import reextract

    seen = {"n": 0}
    original = reextract._settle

    def settle(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["n"] += 1
        if seen["n"] == 2:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(reextract, "_settle", settle)
    result = timeline("reextract", "--all")
    assert result.exit_code == 130
    assert stderr_lines(result) == [
        "interrupted: 1 article examined: 0 changed, 1 unchanged, 0 erased (skipped), 0 failed; "
        "0 events retracted, 0 appended"
    ]


class FakeTerminal:
    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> None:
        self.written.append(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_the_terminal_bar_shows_counts_and_rate() -> None:
    now = {"t": 100.0}
    screen = FakeTerminal()
    bar = Progress("ingesting", 40, screen, clock=lambda: now["t"])  # type: ignore[arg-type]
    for done in range(1, 11):
        now["t"] += 0.5
        bar.advance(f"{done * 3} events appended")
    drawn = screen.written[-1]
    assert drawn.startswith("\ringesting [######------------------] 10/40 articles, 2.0 articles/s")
    assert drawn.rstrip().endswith("30 events appended")
    bar.finish()
    assert screen.written[-1].strip("\r ") == "", "the bar is blanked before the summary"


# --- 10. small things --------------------------------------------------------------------------


def test_counts_agree_with_their_nouns(timeline_any: Timeline, tmp_path: Path) -> None:
    ingested = timeline_any.ok("ingest", write(tmp_path / "a.txt", ONE_EVENT))
    assert stderr_lines(ingested)[-1] == "1 new, 0 already present, 0 failed; 1 event appended"
    assert timeline_any.ok("verify").stdout.startswith("verified 1 event, chain intact")
    out = tmp_path / "one.csv"
    exported = timeline_any.ok("export", "-o", str(out))
    assert stderr_lines(exported) == [f"exported 1 row to {out}"]
    (event,) = timeline_any.events()
    retracted = timeline_any.ok("retract", "--article", event["article_id"], "--reason", "test")
    assert retracted.stdout.startswith(f"retracted 1 event of article {event['article_id']} ")
    replayed = timeline_any.ok("replay").stdout
    assert replayed.startswith("replayed 1 event as of ") and " rebuilt from 2 events " in replayed


def test_an_unwritable_output_path_is_named_as_given(timeline: Timeline, tmp_path: Path) -> None:
    timeline.ok("ingest", write(tmp_path / "a.txt", ONE_EVENT))
    target = tmp_path / "no-such-folder" / "events.csv"
    for args in (("export", "-o", str(target)), ("report", "-o", str(target))):
        result = timeline(*args)
        assert result.exit_code == 1
        assert stderr_lines(result) == [f"error: cannot write {target}: No such file or directory"]
    assert not (tmp_path / "no-such-folder").exists()


def test_verify_with_a_wrong_head_says_it_once(timeline_any: Timeline, tmp_path: Path) -> None:
    timeline_any.ok("ingest", write(tmp_path / "a.txt", ONE_EVENT))
    result = timeline_any("verify", "--head", "abc")
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "error: verification failed outside the stream: "
        "the earlier head abc is not in the chain (events were removed after it)"
    ]


def test_libpq_schemes_are_read_as_psycopg(timeline_any: Timeline, tmp_path: Path) -> None:
    assert resolve_url("postgres://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    if not timeline_any.url.startswith("postgresql+psycopg://"):
        return
    for scheme in ("postgres://", "postgresql://"):
        url = scheme + timeline_any.url.removeprefix("postgresql+psycopg://")
        Timeline(url, CliRunner()).ok("ingest", write(tmp_path / f"{scheme[:8]}.txt", ONE_EVENT))
    assert len(timeline_any.events()) == 1  # the same database, read through either spelling


def test_a_url_that_is_no_url_is_one_line(timeline: Timeline) -> None:
    result = CliRunner().invoke(cli, ["--db", "timeline.db", "events"])
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "error: 'timeline.db' is not a database URL; use sqlite:///FILE or "
        "postgresql+psycopg://USER@HOST:PORT/DBNAME"
    ]


def test_pytest_summarises_skips_in_one_line_per_reason() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TIMELINE_TEST_PG_URL", "CI")}
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/cli/test_verify.py",
            "-k",
            "postgresql",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, run.stdout
    assert (
        skipped[0].startswith("SKIPPED ")
        and "tests: PostgreSQL tests need $TIMELINE_TEST_PG_URL" in skipped[0]
    )
