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


def test_verify_catches_an_edited_projection_table(timeline_any: Timeline) -> None:
    _ingest(timeline_any)
    before = timeline_any.json("invitations", "--as-of", "2024-12-31")
    assert [i["status"] for i in before] == ["accepted"]
    engine = sa.create_engine(timeline_any.url)
    try:  # a cache nothing chains: no trigger stops this
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE projection_partitions SET state = replace(state, '\"accepted\"', '\"declined\"') "
                    "WHERE projection = 'invitations'"
                )
            )
    finally:
        engine.dispose()
    assert timeline_any.json("invitations", "--as-of", "2024-12-31") != before  # the edit shows in reads
    result = timeline_any("verify")
    assert result.exit_code == 1
    lines = stderr_lines(result)
    assert len(lines) == 1, "one problem is said once, by the error line"
    assert lines[0].startswith(
        "error: verification failed outside the stream: projection invitations: its partitions rows "
        "for NZL differ from a refold"
    )
    timeline_any.ok("replay")  # rebuilds them from the stream
    timeline_any.ok("verify")
    assert timeline_any.json("invitations", "--as-of", "2024-12-31") == before


def test_verify_signs_the_head_and_catches_a_forged_append(timeline_any: Timeline, tmp_path) -> None:
    from datetime import date

    from timeline.domain.events import Event

    _ingest(timeline_any)
    key = tmp_path / "operator.key"
    key.write_text("correct horse battery staple, kept offline\n")
    signed = timeline_any.ok("verify", "--key-file", str(key), "--sign").stdout.splitlines()
    assert signed[0].startswith("verified ") and signed[1].startswith("signed head: tl1:")
    signature = signed[1].removeprefix("signed head: ")
    timeline_any.ok("verify", "--key-file", str(key), "--signature", signature)

    store = timeline_any.store()  # someone with database access but not the key
    try:
        forged = Event(
            "f0f0f0f0-0000-5000-8000-000000000001", "forged", 1, "SanctionsImposed", date(2024, 6, 1)
        )
        store.append([forged])
    finally:
        store.close()
    timeline_any.ok("verify")  # the chain links: only the signature can tell
    caught = timeline_any("verify", "--key-file", str(key), "--signature", signature)
    assert caught.exit_code == 1
    assert "1 events after the signed head" in stderr_lines(caught)[-1]
    other = tmp_path / "guess.key"
    other.write_text("a guess at the operator key")
    wrong = timeline_any("verify", "--key-file", str(other), "--signature", signature)
    assert wrong.exit_code == 1 and "not made with this key" in stderr_lines(wrong)[-1]


def test_verify_key_mistakes_are_one_line_errors(timeline_any: Timeline, tmp_path) -> None:
    _ingest(timeline_any)
    missing = timeline_any("verify", "--key-file", str(tmp_path / "nope.key"), "--sign")
    assert missing.exit_code == 1
    assert stderr_lines(missing) == [
        f"error: cannot read the key file {tmp_path / 'nope.key'}: No such file or directory"
    ]
    short = tmp_path / "short.key"
    short.write_text("abc\n")
    too_short = timeline_any("verify", "--key-file", str(short), "--sign")
    assert stderr_lines(too_short) == [f"error: the key file {short} holds 3 bytes; a key needs at least 16"]
    no_key = timeline_any("verify", "--sign")
    assert no_key.exit_code == 2 and "need the key" in no_key.stderr and "Traceback" not in no_key.stderr


def test_erase_says_what_is_left_to_the_operator(timeline_any: Timeline) -> None:
    events = _ingest(timeline_any)
    article_id = next(e["article_id"] for e in events if PHRASE in (e["sentence"] or ""))
    assert any("trigger" in e["payload"] for e in timeline_any.events("--article", article_id))
    result = timeline_any.ok("erase", article_id, "--reason", "court order 3")
    assert len(result.stdout.splitlines()) == 1
    if timeline_any.url.startswith("postgresql"):
        notes = stderr_lines(result)
        assert notes[0].startswith("note: PostgreSQL keeps the old row versions")
        assert "VACUUM FULL articles, events;" in notes[0]
        assert any("archived WAL" in n for n in notes) and any("backups" in n for n in notes)
    else:
        assert result.stderr == ""  # checkpointed: nothing left to do
    assert not any("trigger" in e["payload"] for e in timeline_any.events("--article", article_id))
    exported = timeline_any.ok("export", "--format", "jsonl", "--article", article_id).stdout
    assert '"trigger"' not in exported and PHRASE not in exported
