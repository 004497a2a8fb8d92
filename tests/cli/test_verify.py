"""`timeline verify` and `timeline erase` from the command line, on every database."""

from __future__ import annotations

import re

import sqlalchemy as sa
from cli_harness import FIXTURES, Timeline, stderr_lines

#: A phrase of the harbour fixture that only its text and sentences hold.
PHRASE = "according to a note released by the ministry"


def _ingest(timeline: Timeline) -> list[dict]:
    timeline.ok("ingest", str(FIXTURES / "harbour_talks.txt"), str(FIXTURES / "river_accord.txt"))
    return timeline.events("--include-retracted")


def _drop_update_guard(engine: sa.Engine) -> None:
    on = " ON events" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TRIGGER events_no_update{on}"))


def test_verify_passes_with_a_one_line_summary(timeline_any: Timeline) -> None:
    events = _ingest(timeline_any)
    result = timeline_any.ok("verify")
    assert re.fullmatch(rf"verified {len(events)} events, chain intact, head [0-9a-f]{{64}}\n", result.stdout)
    assert result.stderr == ""


def test_verify_names_the_first_broken_position(timeline_any: Timeline) -> None:
    events = _ingest(timeline_any)
    target = events[len(events) // 2]["position"]
    engine = sa.create_engine(timeline_any.url)
    try:
        _drop_update_guard(engine)
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE events SET target_country = 'ATA' WHERE position = :p"), {"p": target}
            )
    finally:
        engine.dispose()
    result = timeline_any("verify")
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert lines[-1].startswith(f"error: verification failed at position {target}: ")
    assert lines[0].startswith(f"position {target}: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_erase_removes_the_text_and_verify_still_passes(timeline_any: Timeline) -> None:
    events = _ingest(timeline_any)
    article_id = next(e["article_id"] for e in events if PHRASE in (e["sentence"] or ""))
    relations_before = timeline_any.json("relations", "--as-of", "2024-12-31")

    result = timeline_any.ok("erase", article_id, "--reason", "takedown request 7: personal data")
    assert result.stdout.startswith(f"erased article {article_id}: its text and ")
    assert len(result.stdout.splitlines()) == 1

    timeline_any.ok("verify")
    mine = timeline_any.events("--article", article_id)
    assert mine and all(e["sentence"] == "" for e in mine)
    (tomb,) = timeline_any.events("--type", "ArticleErased")
    assert tomb["payload"]["erased_article_id"] == article_id
    assert tomb["payload"]["reason"] == "takedown request 7: personal data"
    assert timeline_any.json("relations", "--as-of", "2024-12-31") == relations_before
    # Gone from every text column of every table, projection tables included.
    engine = sa.create_engine(timeline_any.url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            assert {"events", "articles", "event_chain", "erasures"} <= set(tables)
            for table in tables:
                for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                    assert not any(PHRASE in str(value) for value in row), table
    finally:
        engine.dispose()
    # Ingesting the same file again does not bring the text back.
    again = timeline_any.ok("ingest", str(FIXTURES / "harbour_talks.txt"))
    assert "1 already present" in again.stderr
    assert all(e["sentence"] == "" for e in timeline_any.events("--article", article_id))


def test_erase_refuses_clearly(timeline_any: Timeline) -> None:
    events = _ingest(timeline_any)
    unknown = timeline_any("erase", "feedfacefeedface", "--reason", "x")
    assert unknown.exit_code == 1
    (line,) = stderr_lines(unknown)
    assert line.startswith("error: no article with id feedfacefeedface; ")
    blank = timeline_any("erase", events[0]["article_id"], "--reason", "  ")
    assert blank.exit_code == 1 and stderr_lines(blank) == ["error: an erase needs a reason: --reason TEXT"]
    assert timeline_any("erase", events[0]["article_id"]).exit_code == 2  # --reason is required
    timeline_any.ok("erase", events[0]["article_id"], "--reason", "court order")
    twice = timeline_any("erase", events[0]["article_id"], "--reason", "court order")
    assert twice.exit_code == 1 and "already erased" in stderr_lines(twice)[0]
    assert len(stderr_lines(twice)) == 1


def test_verify_head_option_checks_an_earlier_head(timeline_any: Timeline) -> None:
    _ingest(timeline_any)
    head = timeline_any.ok("verify").stdout.split()[-1]
    timeline_any.ok("ingest", str(FIXTURES / "undated_note.txt"), "--published", "2024-05-20")
    assert timeline_any.ok("verify", "--head", head).stdout.startswith("verified ")
    missing = timeline_any("verify", "--head", "0" * 63 + "1")
    assert missing.exit_code == 1 and "is not in the chain" in stderr_lines(missing)[-1]
