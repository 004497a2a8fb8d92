"""Tamper evidence: each event is linked into a hash chain; `verify` catches edits behind the store's back."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC

import event_samples as sample
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from timeline.store import ConcurrencyError, EventStore, downgrade, upgrade
from timeline.store.chain import CHAINED_COLUMNS, GENESIS, digest


@pytest.fixture
def attacker(db_url: str, store: EventStore) -> Iterator[Engine]:
    """A plain engine on the store's database, as someone with raw SQL access would hold it."""
    engine = sa.create_engine(db_url)
    yield engine
    engine.dispose()


def drop_guards(engine: Engine, *tables: str) -> None:
    """Drop the append-only triggers of ``tables`` with raw SQL (what a tamperer would do first)."""
    postgres = engine.dialect.name == "postgresql"
    names = {
        "events": ("events_no_update", "events_no_delete"),
        "articles": ("articles_no_update", "articles_no_delete"),
        "event_chain": ("event_chain_append_only", "event_chain_no_update", "event_chain_no_delete"),
        "erasures": ("erasures_append_only", "erasures_no_update", "erasures_no_delete"),
        "article_seals": ("article_seals_append_only", "article_seals_no_update", "article_seals_no_delete"),
    }
    with engine.begin() as conn:
        for table in tables:
            for trigger in names[table]:
                where = f" ON {table}" if postgres else ""
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}{where}"))


def three_articles(store: EventStore) -> list[int]:
    """Three articles of two events each; returns the six positions."""
    positions = []
    for n in range(3):
        source = sample.article(f"Made-up report number {n} about envoys and a harbour.")
        events = [sample.event(1, source=source), sample.event(2, source=source)]
        positions += [e.position for e in store.append(events, source).events]
    return positions


def chain_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        query = "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain ORDER BY position"
        rows = conn.execute(sa.text(query))
        return [tuple(r) for r in rows]


def test_empty_store_verifies(store: EventStore) -> None:
    report = store.verify()
    assert report.ok and report.events == 0 and report.head == GENESIS
    assert report.line() == f"verified 0 events, chain intact, head {GENESIS}"


def test_each_append_extends_the_chain(store: EventStore, engine: Engine) -> None:
    positions = three_articles(store)
    rows = chain_rows(engine)
    assert [r[0] for r in rows] == positions
    assert rows[0][2] == GENESIS
    for previous, current in itertools.pairwise(rows):
        assert current[2] == previous[3]  # each link names the one before
    assert len({r[3] for r in rows}) == len(rows)
    report = store.verify()
    assert report.ok, report.problems
    assert report.events == 6 and report.head == rows[-1][3]


def test_link_covers_the_sentence_words_and_article_by_digest(store: EventStore, engine: Engine) -> None:
    source = sample.article()
    event = sample.event(1, source=source, payload={"trigger": "beckon", "note": "sample 1"})
    stored = store.append([event], source).events[0]
    ((position, sentence_sha256, prev, hashed),) = chain_rows(engine)
    assert sentence_sha256 == digest(stored.provenance.sentence) and prev == GENESIS
    # Recomputed by hand from the event as the store returns it: a JSON array in a fixed order.
    content = stored.content()
    columns = {
        **content,
        **{f"{side}_{key}": value for side in ("actor", "target") for key, value in content[side].items()},
        "payload": '{"note":"sample 1"}',  # sorted, without the trigger words
    }
    values = [columns[name] for name in CHAINED_COLUMNS]
    stamp = stored.recorded_at.astimezone(UTC).isoformat(timespec="microseconds")
    words = digest('{"trigger":"beckon"}')
    meta = [
        2,
        source.article_id,
        "2024-05-02",
        source.outlet,
        stamp,
        digest(source.text),
        digest(source.title),
    ]
    seal = hashlib.sha256(_compact([*meta, digest(source.url)]).encode()).hexdigest()
    body = _compact([2, position, stamp, values, sentence_sha256, words, seal])
    assert hashed == hashlib.sha256(f"{GENESIS}\n{body}".encode()).hexdigest()
    assert "Sentence number 1." not in body and "beckon" not in body  # only their digests are hashed


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


EDITS = {
    "type": "UPDATE events SET type = 'SanctionsImposed' WHERE position = :p",
    "payload": 'UPDATE events SET payload = \'{"note":"forged"}\' WHERE position = :p',
    "actor": "UPDATE events SET actor_country = 'DEU' WHERE position = :p",
    "valid time": "UPDATE events SET occurred_on = '2020-01-01' WHERE position = :p",
    "record time": "UPDATE events SET recorded_at = '2001-01-01 00:00:00' WHERE position = :p",
    "sentence": "UPDATE events SET sentence = 'Something nobody wrote.' WHERE position = :p",
    "goldstein": "UPDATE events SET goldstein = 9.5 WHERE position = :p",
}


@pytest.mark.parametrize("edit", EDITS)
def test_verify_catches_an_edited_row(store: EventStore, attacker: Engine, edit: str) -> None:
    positions = three_articles(store)
    target = positions[3]
    assert store.verify().ok
    drop_guards(attacker, "events")
    with attacker.begin() as conn:
        assert conn.execute(sa.text(EDITS[edit]), {"p": target}).rowcount == 1
    report = store.verify()
    assert not report.ok
    assert report.first is not None and report.first.position == target
    assert f"at position {target}" in report.line()


def test_verify_catches_a_deleted_row(store: EventStore, attacker: Engine) -> None:
    positions = three_articles(store)
    gone = positions[2]
    drop_guards(attacker, "events", "event_chain")
    with attacker.begin() as conn:  # a careful tamperer removes the link too
        conn.execute(sa.text("DELETE FROM event_chain WHERE position = :p"), {"p": gone})
        conn.execute(sa.text("DELETE FROM events WHERE position = :p"), {"p": gone})
    report = store.verify()
    assert not report.ok
    assert report.first.position == positions[3]  # the next event no longer links to its predecessor
    assert "chain broken" in report.first.message


def test_verify_catches_a_deleted_event_whose_link_stayed(store: EventStore, attacker: Engine) -> None:
    positions = three_articles(store)
    drop_guards(attacker, "events")
    with attacker.begin() as conn:
        if attacker.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE event_chain DROP CONSTRAINT fk_event_chain_event"))
        conn.execute(sa.text("DELETE FROM events WHERE position = :p"), {"p": positions[4]})
    report = store.verify()
    assert not report.ok and report.first.position == positions[4]


def test_verify_catches_a_rewritten_link(store: EventStore, attacker: Engine) -> None:
    positions = three_articles(store)
    drop_guards(attacker, "event_chain")
    with attacker.begin() as conn:
        edit = sa.text("UPDATE event_chain SET hash = :h WHERE position = :p")
        conn.execute(edit, {"h": "f" * 64, "p": positions[1]})
    report = store.verify()
    assert not report.ok and report.first.position == positions[1]


def test_verify_catches_an_event_slipped_in_without_a_link(store: EventStore, engine: Engine) -> None:
    three_articles(store)
    # A row inserted with raw SQL (INSERT is allowed by the triggers) but not through the store.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_on, "
                "date_precision, date_basis, modality, recorded_at, payload) VALUES "
                "('00000000-0000-0000-0000-000000000001', 'forged', 1, 'AidProvided', 1, '2024-01-01', "
                "'day', 'article', 'reported', '2024-06-01 00:00:00', '{}')"
            )
        )
    report = store.verify()
    assert not report.ok and "no chain link" in report.first.message


def test_verify_catches_an_edited_article_text(store: EventStore, attacker: Engine) -> None:
    positions = three_articles(store)
    drop_guards(attacker, "articles")
    with attacker.begin() as conn:
        cited = sa.text("SELECT article_id FROM events WHERE position = :p")
        (article_id,) = conn.execute(cited, {"p": positions[2]}).one()
        edit = sa.text("UPDATE articles SET text = 'A different story.' WHERE article_id = :a")
        conn.execute(edit, {"a": article_id})
    report = store.verify()
    assert not report.ok
    assert report.first.position == positions[2] and "content hash" in report.first.message


def test_stream_versions_must_be_consecutive(store: EventStore) -> None:
    store.append([sample.event(1, stream="talks")])
    with pytest.raises(ConcurrencyError, match="versions are consecutive: the next is 2"):
        store.append([sample.event(3, stream="talks")])
    with pytest.raises(ConcurrencyError, match="the next is 1"):
        store.append([sample.event(2, stream="fresh-stream")])
    with pytest.raises(ConcurrencyError):  # out of order inside one batch
        store.append([sample.event(3, stream="talks"), sample.event(2, stream="talks")])
    assert store.append([sample.event(2, stream="talks"), sample.event(3, stream="talks")]).appended == 2
    assert store.verify().ok


def test_rolled_back_positions_leave_an_allowed_gap(store: EventStore, engine: Engine) -> None:
    three_articles(store)
    # A refused append (a taken version, caught by the database) may burn positions: still verifies.
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_on, "
                "date_precision, date_basis, modality, recorded_at, payload) VALUES "
                "('00000000-0000-0000-0000-000000000002', 'stream-x', 1, 'AidProvided', 1, '2024-01-01', "
                "'day', 'article', 'reported', '2024-06-01 00:00:00', '{}'),"
                "('00000000-0000-0000-0000-000000000003', 'stream-x', 1, 'AidProvided', 1, '2024-01-01', "
                "'day', 'article', 'reported', '2024-06-01 00:00:00', '{}')"
            )
        )
    store.append([sample.event(1, stream="after")])
    report = store.verify()
    assert report.ok, report.problems
    assert report.events == 7


def test_backfill_reproduces_the_links_written_by_append(
    db_url: str, store: EventStore, engine: Engine
) -> None:
    three_articles(store)
    odd = replace(sample.event(1, stream="plain"), goldstein=None, payload={"deep": [1, {"a": "é"}]})
    store.append([odd])
    written = chain_rows(engine)
    store.close()
    assert downgrade(db_url, "0002") == "0002"  # the chain table goes; the events stay
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar() == 7
    upgrade(db_url)  # 0003 backfills the chain with INSERTs only
    assert chain_rows(engine) == written
    assert EventStore(engine).verify().ok


def test_concurrent_appends_keep_one_chain(db_url: str, store: EventStore) -> None:
    import multiprocessing

    import follow_workers

    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [
        context.Process(target=follow_workers.append_batches, args=(db_url, w, 5, 20, start))
        for w in range(3)
    ]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    report = store.verify()
    assert report.ok, report.problems
    assert report.events == 300


def test_an_earlier_head_shows_events_cut_from_the_end(store: EventStore, attacker: Engine) -> None:
    positions = three_articles(store)
    noted = store.verify().head  # kept outside the database
    assert store.verify([noted]).ok
    drop_guards(attacker, "events", "event_chain")
    with attacker.begin() as conn:  # cut the last event and its link: what is left still links
        conn.execute(sa.text("DELETE FROM event_chain WHERE position = :p"), {"p": positions[-1]})
        conn.execute(sa.text("DELETE FROM events WHERE position = :p"), {"p": positions[-1]})
    cut = store.verify()  # a chain alone cannot see a cut at its end (only the dropped triggers)...
    assert cut.problems and all("trigger" in p.message for p in cut.problems)
    report = store.verify([noted])  # ...an anchor can
    assert any(noted in p.message for p in report.problems)


# -- what the chain covers beyond the event rows: articles, erasures, triggers, a signed head ------

ARTICLE_EDITS = {
    "published": "UPDATE articles SET published = '2019-01-01' WHERE article_id = :a",
    "outlet": "UPDATE articles SET outlet = 'Another Paper' WHERE article_id = :a",
    "title": "UPDATE articles SET title = 'A better title' WHERE article_id = :a",
    "url": "UPDATE articles SET url = 'https://elsewhere.test/x' WHERE article_id = :a",
    "url removed": "UPDATE articles SET url = NULL WHERE article_id = :a",
    # Same content-hash id (the id ignores surrounding whitespace), different bytes.
    "whitespace": "UPDATE articles SET text = text || '  ' WHERE article_id = :a",
}


@pytest.mark.parametrize("edit", ARTICLE_EDITS)
def test_verify_catches_edited_article_metadata(store: EventStore, attacker: Engine, edit: str) -> None:
    three_articles(store)
    (second,) = [e for e in store.read() if e.stream_version == 1][1:2]
    article_id = second.provenance.article_id
    drop_guards(attacker, "articles")
    with attacker.begin() as conn:
        assert conn.execute(sa.text(ARTICLE_EDITS[edit]), {"a": article_id}).rowcount == 1
    report = store.verify()
    assert not report.ok
    assert report.first is not None and report.first.position == second.position
    assert any(article_id in p.message for p in report.problems if "trigger" not in p.message)


def test_verify_catches_an_article_and_its_seal_edited_together(store: EventStore, attacker: Engine) -> None:
    from timeline.store.chain import article_seal

    three_articles(store)
    first = next(iter(store.read()))
    article_id = first.provenance.article_id
    drop_guards(attacker, "articles", "article_seals")
    with attacker.begin() as conn:  # a careful forger recomputes the seal too: the links still hold the old
        conn.execute(
            sa.text("UPDATE articles SET outlet = 'Forged' WHERE article_id = :a"), {"a": article_id}
        )
        row = conn.execute(
            sa.text(
                "SELECT a.published, a.recorded_at, s.text_sha256, s.title_sha256, s.url_sha256 "
                "FROM articles a JOIN article_seals s USING (article_id) WHERE article_id = :a"
            ),
            {"a": article_id},
        ).one()
        seal = article_seal(article_id, row[0], "Forged", row[1], *row[2:])
        conn.execute(
            sa.text("UPDATE article_seals SET seal = :s WHERE article_id = :a"), {"s": seal, "a": article_id}
        )
    report = store.verify()
    assert report.first is not None and report.first.position == first.position
    assert "seal mismatch" in report.first.message


def test_verify_catches_an_edited_erasure_reason(store: EventStore, attacker: Engine) -> None:
    three_articles(store)
    article_id = next(iter(store.read())).provenance.article_id
    store.erase(article_id, "court order 5")
    assert store.verify().ok
    drop_guards(attacker, "erasures")
    with attacker.begin() as conn:
        conn.execute(sa.text("UPDATE erasures SET reason = 'routine cleanup'"))
    messages = [p.message for p in store.verify().problems]
    assert any("differs from its tombstone" in m and article_id in m for m in messages), messages


@pytest.mark.parametrize("table", ["events", "articles", "event_chain", "erasures", "article_seals"])
def test_verify_catches_a_dropped_trigger(store: EventStore, attacker: Engine, table: str) -> None:
    three_articles(store)
    assert store.verify().ok
    drop_guards(attacker, table)
    report = store.verify()
    assert not report.ok
    assert all(f"on {table} is missing" in p.message for p in report.problems)


# PostgreSQL only: SQLite triggers cannot be disabled, only dropped (tested above).
@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_verify_catches_a_disabled_trigger(store: EventStore, attacker: Engine) -> None:
    three_articles(store)
    with attacker.begin() as conn:
        conn.execute(sa.text("ALTER TABLE events DISABLE TRIGGER events_no_delete"))
    (problem,) = store.verify().problems
    assert problem.message == "the append-only trigger events_no_delete on events is disabled"


KEY = b"an operator key kept on paper, not in the database"


def test_a_signed_head_catches_a_forged_event_with_a_correct_link(store: EventStore, db_url: str) -> None:
    from timeline.store import open_store
    from timeline.store.chain import sign_head

    three_articles(store)
    clean = store.verify()
    signature = sign_head(KEY, clean.position, clean.head)
    assert store.verify(signed=(KEY, signature)).ok
    with open_store(db_url) as forger:  # database access, but not the key: the link is computed right
        forger.append([sample.event(1, stream="forged", type="SanctionsImposed")])
    assert store.verify().ok  # the chain alone cannot tell a forged append from a real one...
    report = store.verify(signed=(KEY, signature))  # ...the signed head can
    assert not report.ok
    assert "1 events after the signed head" in report.line()
    # The forger's own signature for the new head is refused without the key.
    forged = store.verify()
    assert not store.verify(
        signed=(KEY, sign_head(b"a guess at the key, sixteen+", forged.position, forged.head))
    ).ok
    tampered = signature.replace(signature[-1], "0" if signature[-1] != "0" else "1")
    assert "not made with this key" in store.verify(signed=(KEY, tampered)).line()


def test_migration_0004_relinks_and_removes_trigger_words_of_earlier_erasures(
    db_url: str, store: EventStore, engine: Engine
) -> None:
    source = sample.article("A made-up report of an invitation to talks.")
    said = sample.event(1, source=source, payload={"trigger": "invite", "note": "sample"})
    store.append([said, sample.event(2, source=source)], source)
    three_articles(store)
    store.close()
    assert downgrade(db_url, "0003") == "0003"
    with engine.connect() as conn:  # format 1 links, no seals
        assert "article_seals" not in sa.inspect(conn).get_table_names()
    # An erase as release 0003 made it: sentence blanked, trigger words left in the payload.
    with engine.begin() as conn:
        event_id = conn.execute(sa.text("SELECT event_id FROM events WHERE position = 1")).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO erasures (article_id, tombstone_event_id, reason, text_sha256, erased_at) "
                "VALUES (:a, :e, 'court order', :d, CURRENT_TIMESTAMP)"
            ),
            {"a": source.article_id, "e": event_id, "d": digest(source.text)},
        )
        conn.execute(
            sa.text("UPDATE events SET sentence = '' WHERE article_id = :a"), {"a": source.article_id}
        )
    upgrade(db_url)
    reopened = EventStore(engine)
    (first, *_) = list(reopened.read())
    assert "trigger" not in first.payload and first.payload["note"] == "sample"
    # (This hand-made erasure has no tombstone event, which verify reports; the chain itself holds.)
    problems = [p.message for p in reopened.verify().problems]
    assert not any("hash mismatch" in m or "digest mismatch" in m or "seal" in m for m in problems), problems


def test_migration_0004_refuses_a_tampered_chain(db_url: str, store: EventStore, engine: Engine) -> None:
    from timeline.store import StoreError

    three_articles(store)
    store.close()
    downgrade(db_url, "0003")
    drop_guards(engine, "events")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE events SET actor_country = 'DEU' WHERE position = 4"))
    with pytest.raises(StoreError, match="hash chain is broken at position 4"):
        upgrade(db_url)
