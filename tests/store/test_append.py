"""Appending: atomic batches, checked idempotence, optimistic concurrency, store-set record time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import event_samples as sample
import pytest

from timeline.domain.events import Party
from timeline.store import ConcurrencyError, EventConflictError, EventStore, StoreError


def test_append_assigns_increasing_positions_and_one_record_time(store: EventStore) -> None:
    first = store.append([sample.event(1), sample.event(2)])
    second = store.append([sample.event(3)])
    positions = [e.position for e in first.events + second.events]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert first.appended == 2 and first.new
    assert first.events[0].recorded_at == first.events[1].recorded_at
    assert first.events[0].recorded_at.tzinfo is not None
    assert second.events[0].recorded_at > first.events[0].recorded_at
    assert store.last_position() == positions[-1]
    assert [e.event_id for e in store.read()] == [e.event_id for e in first.events + second.events]


def test_record_time_is_set_by_the_store_not_the_caller(store: EventStore) -> None:
    forged = replace(sample.event(1), recorded_at=datetime(1999, 1, 1, tzinfo=UTC), position=999)
    before = datetime.now(UTC)
    stored = store.append([forged]).events[0]
    assert stored.recorded_at >= before
    assert stored.position == store.last_position() == 1
    assert store.get_event(forged.event_id).recorded_at == stored.recorded_at


def test_round_trip_keeps_every_field(store: EventStore) -> None:
    source = sample.article()
    original = replace(
        sample.event(1, source=source, payload={"sectors": ["trade", "energy"], "depth": {"n": 2}}),
        date_precision="month",
        date_basis="explicit",
        modality="planned",
        actor=Party("DEU", "Karl Weber", "chancellor"),
        target=Party(None, "Ana Ruiz", None),
        cameo="036",
        goldstein=4.5,
    )
    stored = store.append([original], source).events[0]
    read = store.get_event(original.event_id)
    assert read == stored
    assert read.content() == original.content()
    article = store.get_article(source.article_id)
    assert article is not None and article.text == source.text and article.outlet == source.outlet
    assert article.recorded_at == stored.recorded_at
    assert store.has_article(source.article_id)
    assert not store.has_article("0" * 32)
    assert [a.article_id for a in store.articles()] == [source.article_id]


def test_batch_is_all_or_nothing(store: EventStore) -> None:
    store.append([sample.event(1, stream="s")])
    # The third event takes a version already taken: nothing of the batch may stay.
    batch = [
        sample.event(10, stream="t"),
        sample.event(11, stream="t"),
        sample.event(2, stream="s", version=1),
    ]
    with pytest.raises(ConcurrencyError):
        store.append(batch, sample.article("Another made-up article."))
    assert store.count() == 1
    assert not store.has_article(sample.article("Another made-up article.").article_id)
    assert store.stream_version("t") == 0


def test_same_event_twice_returns_the_stored_one(store: EventStore) -> None:
    first = store.append([sample.event(1), sample.event(2)])
    again = store.append([sample.event(2), sample.event(1), sample.event(3)])
    assert again.appended == 1 and again.new
    assert again.events[0] == first.events[1]
    assert again.events[1] == first.events[0]
    assert store.count() == 3
    replay = store.append([sample.event(1)])
    assert replay.appended == 0 and not replay.new and replay.events == (first.events[0],)


def test_payload_tuples_compare_equal_to_stored_lists(store: EventStore) -> None:
    store.append([sample.event(1, payload={"sectors": ("trade",)})])
    assert store.append([sample.event(1, payload={"sectors": ["trade"]})]).appended == 0


def test_same_id_with_different_content_is_an_error(store: EventStore) -> None:
    store.append([sample.event(1)])
    changed = replace(sample.event(1), modality="negated")
    with pytest.raises(EventConflictError, match=changed.event_id):
        store.append([sample.event(5), changed])
    assert store.count() == 1  # the good event of the refused batch is not kept


def test_conflict_inside_one_batch(store: EventStore) -> None:
    with pytest.raises(EventConflictError):
        store.append([sample.event(1), replace(sample.event(1), goldstein=-9.0)])
    with pytest.raises(ConcurrencyError):
        store.append([sample.event(1), sample.event(2, version=1)])
    assert store.count() == 0


def test_taken_stream_version_is_a_concurrency_error(store: EventStore) -> None:
    store.append([sample.event(1, stream="talks"), sample.event(2, stream="talks")])
    assert store.stream_version("talks") == 2
    intruder = sample.event(7, stream="talks", version=2)
    with pytest.raises(ConcurrencyError, match="stream talks version 2 already taken"):
        store.append([intruder])
    assert store.get_event(intruder.event_id) is None
    assert store.append([sample.event(8, stream="talks", version=3)]).appended == 1
    assert store.stream_version("talks") == 3
    assert store.stream_version("no-such-stream") == 0


def test_known_article_makes_the_call_a_no_op(store: EventStore) -> None:
    source = sample.article()
    first = store.append([sample.event(1, source=source), sample.event(2, source=source)], source)
    again = store.append([sample.event(1, source=source), sample.event(3, source=source)], source)
    assert not again.new and again.appended == 0
    assert again.events == first.events
    assert store.count() == 2


def test_event_citing_an_unknown_article_is_refused_clearly(store: EventStore) -> None:
    source = sample.article("Never stored.")
    with pytest.raises(StoreError, match=f"article {source.article_id}.*not stored"):
        store.append([sample.event(1, source=source)])
    assert store.count() == 0


def test_empty_append_does_nothing(store: EventStore) -> None:
    result = store.append([])
    assert result.events == () and not result.new
    assert store.last_position() == 0
