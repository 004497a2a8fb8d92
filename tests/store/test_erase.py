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
    return found


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
