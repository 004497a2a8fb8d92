"""Legal erasure: the one audited path that removes text, leaving a tombstone and a verifiable chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import event_samples as sample
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Party
from timeline.domain.vocabulary import event_type
from timeline.store import EventStore, StoreError, UnknownArticleError

#: A phrase only the erased article holds (a made-up person's private detail).
SECRET = "Quillon Vasterbrook lives at 14 Larkspur Close"


def _article(text: str) -> Article:
    return Article(article_id_for(text), date(2024, 5, 2), text, "The Gazette", "https://x.test/a", "A title")


def _stored(store: EventStore) -> tuple[Article, Article]:
    """A private article (two events citing sentences with the secret) and an ordinary one."""
    private = _article(f"The envoys met in the port. {SECRET}, the report said. They agreed to talk again.")
    other = _article("Two ministers spoke by phone about fisheries and a new ferry line.")
    for source in (private, other):
        events = []
        for n in (1, 2):
            event = sample.event(n, source=source, actor=Party("FRA"), target=Party("JPN"))
            said = f"{SECRET} (sentence {n})." if source is private else f"Ordinary sentence {n}."
            events.append(replace(event, provenance=replace(event.provenance, sentence=said)))
        store.append(events, source)
    return private, other


def _every_text(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-null value of every table, read as text."""
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')).mappings():
                found += [(table, column, str(value)) for column, value in row.items() if value is not None]
    return sorted(found)  # neither the tables nor the rows come back in a set order on PostgreSQL


def test_erase_blanks_text_and_sentences_and_leaves_a_tombstone(store: EventStore, engine: Engine) -> None:
    private, other = _stored(store)
    before = [e.event_id for e in store.read()]
    assert any(SECRET in value for _, _, value in _every_text(engine))

    done = store.erase(private.article_id, "court order 2024/17: personal data")

    assert done.sentences == 2
    tomb = done.tombstone
    assert tomb.type == "ArticleErased" and event_type("ArticleErased").family == "housekeeping"
    assert tomb.payload["erased_article_id"] == private.article_id
    assert tomb.payload["reason"] == "court order 2024/17: personal data"
    assert tomb.payload["text_sha256"] == done.text_sha256 and tomb.payload["sentences_erased"] == 2
    assert tomb.payload["erased_at"] and tomb.recorded_at is not None
    # The events stay (same ids, same order), the tombstone is appended after them.
    assert [e.event_id for e in store.read()] == [*before, tomb.event_id]
    for event in store.read():
        if event.provenance and event.provenance.article_id == private.article_id:
            assert event.provenance.sentence == ""
    kept = store.get_article(other.article_id)
    assert kept is not None and kept.text == other.text
    erased = store.get_article(private.article_id)
    assert erased is not None and erased.text == "" and erased.title is None and erased.url is None
    assert erased.published == private.published and erased.outlet == private.outlet
    assert store.erasure_of(private.article_id)["tombstone_event_id"] == tomb.event_id
    # Gone from every column of every table.
    assert [hit for hit in _every_text(engine) if SECRET in hit[2]] == []
    report = store.verify()
    assert report.ok, report.problems
    assert report.events == 5


def test_erased_text_leaves_the_sqlite_file_too(tmp_path: Path) -> None:
    from timeline.store import open_store

    url = f"sqlite:///{tmp_path / 'erase.db'}"
    with open_store(url) as store:
        private, _ = _stored(store)
        store.erase(private.article_id, "takedown")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("erase.db"))
    assert SECRET.encode() not in raw


def test_unknown_article_is_a_clear_error(store: EventStore) -> None:
    _stored(store)
    with pytest.raises(UnknownArticleError, match="no article with id 0123"):
        store.erase("0123", "takedown")
    assert store.verify().ok


def test_erasing_twice_is_refused(store: EventStore) -> None:
    private, _ = _stored(store)
    store.erase(private.article_id, "takedown")
    with pytest.raises(StoreError, match="already erased"):
        store.erase(private.article_id, "again")
    assert store.count() == 5


def test_an_erase_needs_a_reason(store: EventStore) -> None:
    private, _ = _stored(store)
    with pytest.raises(StoreError, match="reason"):
        store.erase(private.article_id, "   ")
    assert store.get_article(private.article_id).text == private.text


ABUSES = [
    "UPDATE events SET type = 'Forged' WHERE article_id = :a",
    "UPDATE events SET sentence = 'rewritten' WHERE article_id = :a",
    "UPDATE events SET sentence = '', actor_country = 'DEU' WHERE article_id = :a",
    "UPDATE articles SET text = 'rewritten' WHERE article_id = :a",
    "UPDATE articles SET text = '', published = '1999-01-01' WHERE article_id = :a",
    "DELETE FROM events WHERE article_id = :a",
    "DELETE FROM articles WHERE article_id = :a",
    "DELETE FROM erasures",
    "UPDATE erasures SET reason = 'nothing to see'",
    "UPDATE events SET payload = '{}' WHERE article_id = :a",
]


@pytest.mark.parametrize("statement", ABUSES)
def test_an_erasure_authorises_blanking_and_nothing_else(
    store: EventStore, engine: Engine, statement: str
) -> None:
    private, _ = _stored(store)
    store.erase(private.article_id, "takedown")
    before = _every_text(engine)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text(statement), {"a": private.article_id})
    assert _every_text(engine) == before
    assert store.verify().ok


def test_blanking_without_an_erasure_is_refused(store: EventStore, engine: Engine) -> None:
    private, _ = _stored(store)
    for statement in (
        "UPDATE events SET sentence = '' WHERE article_id = :a",
        "UPDATE articles SET text = '', title = NULL, url = NULL WHERE article_id = :a",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement), {"a": private.article_id})


def test_an_erasure_row_forged_without_its_tombstone_is_caught(store: EventStore, engine: Engine) -> None:
    private, other = _stored(store)
    first_cited = min(e.position for e in store.read() if e.provenance.article_id == private.article_id)
    with engine.begin() as conn:  # raw SQL: the triggers allow it, verify must not
        conn.execute(
            sa.text(
                "INSERT INTO erasures (article_id, tombstone_event_id, reason, text_sha256, erased_at) "
                "SELECT :a, event_id, 'forged', 'x', recorded_at FROM events WHERE article_id = :o LIMIT 1"
            ),
            {"a": private.article_id, "o": other.article_id},
        )
        conn.execute(
            sa.text("UPDATE articles SET text = '', title = NULL, url = NULL WHERE article_id = :a"),
            {"a": private.article_id},
        )
    report = store.verify()
    assert not report.ok
    assert report.first.position == first_cited


# -- a real article, through the extractor: its events quote the text (trigger words) -----------

#: Made-up names and words that only this article, its title and its URL hold.
REAL_TEXT = (
    "Irish Foreign Minister Orlaith Brennagh invited Portuguese Prime Minister Tavio Marquessa to visit "
    "Dublin next month, after both governments praised the Quenmore fisheries compact. Marquessa accepted "
    "the invitation on Tuesday."
)
REAL_TITLE = "Zephyrine memo on the compact"
REAL_URL = "https://quillmere.example/zephyrine-memo"
#: Byte strings that must leave the database file and its WAL (the trigger words as stored in JSON).
LEFTOVERS = (
    b"Quenmore",
    b"fisheries compact",
    b"Zephyrine",
    b"quillmere",
    b'"invite"',
    b'"accept"',
    b'"trigger"',
)


def _extracted(store: EventStore) -> Article:
    from timeline.extract.pipeline import extract_events

    article = Article(
        article_id_for(REAL_TEXT), date(2024, 3, 11), REAL_TEXT, "Coastal Courier", REAL_URL, REAL_TITLE
    )
    events = extract_events(article)
    assert {e.payload.get("trigger") for e in events} >= {"invite", "accept"}  # words of the sentence
    store.append(events, article)
    return article


def _file_bytes(folder: Path, name: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith(name)}


def _left(found: dict[str, bytes]) -> list[tuple[str, bytes]]:
    return [(name, word) for name, raw in found.items() for word in LEFTOVERS if word in raw]


def test_erase_removes_trigger_words_from_reads_and_verify_still_passes(store: EventStore) -> None:
    article = _extracted(store)
    done = store.erase(article.article_id, "court order 12: personal data")
    mine = [e for e in store.read() if e.provenance and e.provenance.article_id == article.article_id]
    assert mine and all("trigger" not in e.payload and e.provenance.sentence == "" for e in mine)
    assert all(e.payload.get("invitee", {}).get("country") == "PRT" for e in mine if "invitee" in e.payload)
    kept = store.get_article(article.article_id)
    assert kept is not None and (kept.text, kept.title, kept.url) == ("", None, None)
    assert store.verify().ok, store.verify().problems
    if store.dialect_name == "postgresql":  # what only the operator can do, said by the erase itself
        assert any("VACUUM FULL articles, events" in note for note in done.notes)
        assert any("WAL" in note for note in done.notes) and any("backups" in note for note in done.notes)
    else:
        assert done.notes == ()


def test_erase_leaves_no_word_in_the_sqlite_file_or_its_wal(tmp_path: Path) -> None:
    from timeline.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'real.db'}") as store:
        article = _extracted(store)
        assert _left(_file_bytes(tmp_path, "real.db"))  # the words are on disk before the erase
        done = store.erase(article.article_id, "court order 12")
        assert done.notes == ()
        # Read while the store is still open: closing the last connection would checkpoint anyway.
        found = _file_bytes(tmp_path, "real.db")
        assert found["real.db-wal"] == b""  # checkpointed and truncated
        assert _left(found) == []


def test_erase_warns_when_a_reader_holds_the_wal(tmp_path: Path) -> None:
    import sqlite3

    from timeline.store import open_store

    path = tmp_path / "held.db"
    with open_store(f"sqlite:///{path}") as store:
        article = _extracted(store)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM articles").fetchone() == (1,)  # holds its snapshot
        done = store.erase(article.article_id, "court order 12")
        (warning,) = done.notes
        assert warning.startswith(f"warning: another connection is reading {path}")
        assert "PRAGMA wal_checkpoint(TRUNCATE)" in warning
        assert _left(_file_bytes(tmp_path, "held.db"))  # what the warning is about
        reader.execute("COMMIT")
        reader.close()
        # The warning's advice, once the reader is gone, clears both files.
        with sqlite3.connect(path) as admin:
            assert admin.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        assert _left(_file_bytes(tmp_path, "held.db")) == []
        assert store.verify().ok
