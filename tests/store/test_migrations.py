"""The schema comes from Alembic only: upgrade, downgrade to base, upgrade again, on every database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import event_samples as sample
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from timeline.domain.articles import Article
from timeline.projections.runner import catch_up
from timeline.store import (
    DataLossRefused,
    EventStore,
    StoreError,
    chaining,
    current,
    downgrade,
    downgrade_report,
    open_store,
    upgrade,
)
from timeline.store.database import HEAD_REVISION, head_revision
from timeline.store.projection_store import ProjectionStore
from timeline.store.projection_tables import PROJECTION_TABLES

PROJECTIONS = {table.name for table in PROJECTION_TABLES}


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_head_every_command_checks_is_alembics() -> None:
    """Commands compare the schema with HEAD_REVISION without importing Alembic: a new migration
    must move it too."""
    assert head_revision() == HEAD_REVISION


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    assert current(db_url) is None
    assert upgrade(db_url) == head_revision()
    assert {"events", "articles", "alembic_version"} <= _tables(db_url)

    assert downgrade(db_url, "base") is None
    assert _tables(db_url) <= {"alembic_version"}

    assert upgrade(db_url, "head") == head_revision()
    assert current(db_url) == head_revision()
    engine = sa.create_engine(db_url)
    try:
        inspector = sa.inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("events")}
        indexes = {i["name"] for i in inspector.get_indexes("events")}
    finally:
        engine.dispose()
    assert {"position", "event_id", "stream_id", "stream_version", "recorded_at", "payload"} <= columns
    assert {"ix_events_occurred_on_position", "ix_events_recorded_at", "ix_events_type"} <= indexes


def test_first_open_migrates_by_itself(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.count() == 0
        assert store.last_position() == 0
    assert current(db_url) == head_revision()
    # Opening again finds the database at head and leaves it there.
    with open_store(db_url) as store:
        assert store.count() == 0
    assert current(db_url) == head_revision()


# --- downgrades that would lose data, and the erasures carried across 0003 ---------------------

#: A made-up private detail, erased before the round trip.
PRIVATE = "Ormond Tesk keeps his savings under the floor of the boathouse"


def _private_and_plain(store: EventStore) -> tuple[Article, Article]:
    """Two articles of two events each; the first cites a private sentence."""
    private = sample.article(f"Envoys met at the harbour. {PRIVATE}. They will talk again in June.")
    plain = sample.article("The two foreign ministers spoke by phone about a ferry line.")
    for source in (private, plain):
        said = PRIVATE if source is private else "The ministers spoke by phone."
        events = [sample.event(n, source=source) for n in (1, 2)]
        events = [
            replace(e, provenance=replace(e.provenance, sentence=f"{said} ({n})"))
            for n, e in enumerate(events)
        ]
        store.append(events, source)
    return private, plain


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def _rows(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(query))]


def test_downgrade_that_would_delete_records_is_refused_and_changes_nothing(
    db_url: str, store: EventStore, engine: Engine
) -> None:
    private, _ = _private_and_plain(store)
    store.erase(private.article_id, "court order 7/2024")
    store.close()
    tables = _tables(db_url)

    with pytest.raises(DataLossRefused) as refused:
        downgrade(db_url, "base")
    message = str(refused.value)
    assert message.startswith(
        "downgrading to base would delete 5 events, 2 articles, 5 chain links and 1 erasure, "
        "which cannot be rebuilt"
    )
    assert "--yes" in message and "\n" not in message
    # Rolled back whole: same revision, same tables, same rows, and the store still verifies.
    assert current(db_url) == head_revision() and _tables(db_url) == tables
    assert (_count(engine, "events"), _count(engine, "articles"), _count(engine, "erasures")) == (5, 2, 1)
    assert EventStore(engine).verify().ok


def test_downgrade_with_consent_deletes_and_says_what(db_url: str, store: EventStore) -> None:
    private, _ = _private_and_plain(store)
    store.erase(private.article_id, "court order 7/2024")
    catch_up(ProjectionStore(store))
    store.close()

    done = downgrade_report(db_url, "base", delete_data=True)

    assert done.revision is None and _tables(db_url) <= {"alembic_version"}
    assert done.deleted == {"events": 5, "articles": 2, "chain links": 5, "erasures": 1}
    assert set(done.derived_dropped) == PROJECTIONS | {"article_seals"}
    assert sum(done.derived_dropped.values()) > 0
    notes = done.notes()
    assert notes[0] == "deleted 5 events, 2 articles, 5 chain links and 1 erasure"
    assert "rebuilt" in notes[-1]


def test_dropping_only_projections_needs_no_consent(db_url: str, store: EventStore) -> None:
    _private_and_plain(store)
    catch_up(ProjectionStore(store))
    store.close()
    downgrade(db_url, "0002")  # the chain and erasures are kept aside: nothing is lost

    done = downgrade_report(db_url, "0001")

    assert done.revision == "0001" and not done.deletes_records
    # (the chunks of 0006 went with the downgrade to 0002: no later table is left to drop)
    assert set(done.derived_dropped) == PROJECTIONS - {"projection_chunks"}
    assert sum(done.derived_dropped.values()) > 0
    assert any("projection tables" in note and "rebuilt" in note for note in done.notes())
    upgrade(db_url)
    with open_store(db_url) as again:
        assert again.count() == 4 and again.verify().ok


def test_erase_survives_a_downgrade_upgrade_round_trip(
    db_url: str, store: EventStore, engine: Engine
) -> None:
    private, plain = _private_and_plain(store)
    store.erase(private.article_id, "court order 7/2024")
    before = store.verify()
    assert before.ok, before.problems
    chain = _rows(
        engine, "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain ORDER BY position"
    )
    erasures = _rows(engine, "SELECT article_id, tombstone_event_id, reason, text_sha256 FROM erasures")
    store.close()

    done = downgrade_report(db_url, "0002")  # no consent needed: the rows are carried, not deleted
    assert done.revision == "0002" and not done.deletes_records
    assert done.kept == {
        "kept_chain_words": {"erased word digests": 2},  # the erased events' trigger words are gone
        "kept_event_chain": {"chain links": 5},
        "kept_erasures": {"erasures": 1},
    }
    assert {"event_chain", "erasures"}.isdisjoint(_tables(db_url))
    assert upgrade(db_url) == head_revision()

    assert {"kept_event_chain", "kept_erasures"}.isdisjoint(_tables(db_url))
    assert (
        _rows(engine, "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain ORDER BY position")
        == chain
    )
    assert (
        _rows(engine, "SELECT article_id, tombstone_event_id, reason, text_sha256 FROM erasures") == erasures
    )
    with open_store(db_url) as again:
        after = again.verify([before.head])  # the head printed before the round trip still stands
        assert after.ok, after.problems
        assert after.head == before.head and after.events == 5
        assert again.erasure_of(private.article_id) is not None
        kept = again.get_article(plain.article_id)
        assert kept is not None and kept.text == plain.text
        # and the erase guard is back: an article's text still cannot be edited
        with pytest.raises(sa.exc.DatabaseError), again.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE articles SET text = 'forged' WHERE article_id = :a"), {"a": plain.article_id}
            )


def test_kept_rows_are_append_only_below_0003(db_url: str, store: EventStore, engine: Engine) -> None:
    private, _ = _private_and_plain(store)
    store.erase(private.article_id, "court order 7/2024")
    store.close()
    downgrade(db_url, "0002")
    for statement in ("UPDATE kept_erasures SET reason = 'none'", "DELETE FROM kept_event_chain"):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.execute(sa.text(statement))


def test_events_appended_below_0003_are_linked_after_the_kept_chain(
    db_url: str, store: EventStore, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, _ = _private_and_plain(store)
    store.erase(private.article_id, "court order 7/2024")
    head = store.verify().head
    store.close()
    downgrade(db_url, "0002")
    # An older timeline, at 0002, appends without chain links.
    late = sample.article("A later made-up note: the ferry line opens in August.")
    monkeypatch.setattr(chaining, "append_links", lambda *args: None)
    monkeypatch.setattr(chaining, "seal_article", lambda *args: None)
    EventStore(engine).append([sample.event(1, source=late)], late)
    monkeypatch.undo()

    upgrade(db_url)

    with open_store(db_url) as again:
        report = again.verify([head])
        assert report.ok, report.problems
        assert report.events == 6 and report.head != head
    assert _count(engine, "event_chain") == 6


def test_a_chain_dropped_by_an_older_downgrade_is_backfilled(
    db_url: str, store: EventStore, engine: Engine
) -> None:
    _private_and_plain(store)
    links = _rows(
        engine, "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain ORDER BY position"
    )
    store.close()
    downgrade(db_url, "0002")
    with engine.begin() as conn:  # what an older timeline's downgrade did: no copies kept
        for kept in ("kept_erasures", "kept_event_chain"):
            conn.execute(sa.text(f"DROP TABLE {kept}"))
    upgrade(db_url)
    assert (
        _rows(engine, "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain ORDER BY position")
        == links
    )
    assert EventStore(engine).verify().ok


def test_unknown_revision_is_a_store_error(db_url: str) -> None:
    upgrade(db_url)
    with pytest.raises(StoreError, match="cannot downgrade to 0099"):
        downgrade(db_url, "0099")
