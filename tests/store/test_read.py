"""Reading: every EventQuery filter, both orders, limits, counts and tail-following."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass, replace
from datetime import date, timedelta

import event_samples as sample
import pytest

from timeline.domain.events import Event, Party
from timeline.query import EventQuery
from timeline.store import EventStore


@dataclass
class Stream:
    e1: Event
    e2: Event
    e3: Event
    e4: Event
    first_batch_known: object
    second_batch_known: object


@pytest.fixture
def stream(store: EventStore) -> Stream:
    """Four events in two batches (so two record times), different parties, dates and types."""
    e1 = sample.event(1, occurred_on=date(2024, 5, 1), actor=Party("FRA"), target=Party("JPN"))
    e2 = sample.event(
        2,
        type="AgreementSigned",
        modality="planned",
        occurred_on=date(2024, 5, 10),
        actor=Party("JPN", "Kenji Sato", "prime minister"),
        target=Party("FRA"),
    )
    e3 = sample.event(
        3, modality="negated", occurred_on=date(2024, 4, 20), actor=Party("DEU"), target=Party("ITA")
    )
    e4 = sample.event(
        1,
        stream="other",
        occurred_on=date(2024, 6, 1),
        actor=Party("USA"),
        target=Party("FRA", "Amélie Durand"),
    )
    first = store.append([e1, e2]).events
    second = store.append([e3, e4]).events
    return Stream(*first, *second, first[0].recorded_at, second[0].recorded_at)


def ids(events) -> list[str]:
    return [e.event_id for e in events]


def test_an_event_read_back_is_the_event_its_constructor_makes(store: EventStore) -> None:
    # Rows become Events through the slots' setters, not Event's __init__: the same value, hash
    # and immutability, with provenance and without.
    article = sample.article()
    stored = [
        *store.append([sample.event(1, payload={"sectors": ["trade"]})]).events,
        *store.append([sample.event(1, source=article)], article).events,
    ]
    assert stored[1].provenance is not None
    for written, read in zip(stored, store.read(), strict=True):
        fields = {name: getattr(read, name) for name in Event.__slots__}
        assert read == written == Event(**fields) and repr(read) == repr(Event(**fields))
        assert type(read) is Event
        with pytest.raises(AttributeError):
            read.type = "Other"  # type: ignore[misc]


def test_everything_in_position_order(store: EventStore, stream: Stream) -> None:
    events = list(store.read())
    assert ids(events) == ids([stream.e1, stream.e2, stream.e3, stream.e4])
    assert events == [stream.e1, stream.e2, stream.e3, stream.e4]


def test_valid_time_order(store: EventStore, stream: Stream) -> None:
    got = list(store.read(EventQuery(order="valid")))
    assert ids(got) == ids([stream.e3, stream.e1, stream.e2, stream.e4])


def test_unknown_order_is_refused(store: EventStore) -> None:
    with pytest.raises(ValueError, match="order"):
        store.read(EventQuery(order="random"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(as_of=date(2024, 5, 1)), ["e1", "e3"]),
        (EventQuery(as_of=date(2024, 4, 19)), []),
        (EventQuery(since=date(2024, 5, 1)), ["e1", "e2", "e4"]),
        (EventQuery(until=date(2024, 5, 9)), ["e1", "e3"]),
        (EventQuery(since=date(2024, 5, 2), until=date(2024, 5, 31)), ["e2"]),
        (EventQuery(actor="FRA"), ["e1"]),
        (EventQuery(actor="fra"), ["e1"]),
        (EventQuery(actor="Kenji Sato"), ["e2"]),
        (EventQuery(actor="kenji sato"), ["e2"]),
        (EventQuery(target="FRA"), ["e2", "e4"]),
        (EventQuery(target="Amélie Durand"), ["e4"]),
        (EventQuery(actor="JPN", target="FRA"), ["e2"]),
        (EventQuery(dyad=("JPN", "FRA")), ["e1", "e2"]),
        (EventQuery(dyad=("FRA", "JPN")), ["e1", "e2"]),
        (EventQuery(dyad=("FRA", "DEU")), []),
        (EventQuery(types=("AgreementSigned",)), ["e2"]),
        (EventQuery(types=("AgreementSigned", "LeadersMet")), ["e1", "e2", "e3", "e4"]),
        (EventQuery(types=()), []),
        (EventQuery(modality="planned"), ["e2"]),
        (EventQuery(modality="negated"), ["e3"]),
        (EventQuery(stream_id="other"), ["e4"]),
        (EventQuery(limit=2), ["e1", "e2"]),
        (EventQuery(order="valid", limit=2), ["e3", "e1"]),
        (EventQuery(target="FRA", order="valid", limit=1), ["e2"]),
    ],
)
def test_filters(store: EventStore, stream: Stream, query: EventQuery, expected: list[str]) -> None:
    got = list(store.read(query))
    assert ids(got) == ids(getattr(stream, name) for name in expected)
    assert store.count(query) == len(expected)


def test_position_bounds(store: EventStore, stream: Stream) -> None:
    p1, p2, p3, p4 = (e.position for e in (stream.e1, stream.e2, stream.e3, stream.e4))
    assert ids(store.read(EventQuery(after_position=p1))) == ids([stream.e2, stream.e3, stream.e4])
    assert ids(store.read(EventQuery(upto_position=p2))) == ids([stream.e1, stream.e2])
    assert ids(store.read(EventQuery(after_position=p2, upto_position=p3))) == ids([stream.e3])
    assert list(store.read(EventQuery(after_position=p4))) == []


def test_known_at_bounds_record_time(store: EventStore, stream: Stream) -> None:
    assert ids(store.read(EventQuery(known_at=stream.first_batch_known))) == ids([stream.e1, stream.e2])
    assert ids(store.read(EventQuery(known_at=stream.second_batch_known))) == ids(
        [stream.e1, stream.e2, stream.e3, stream.e4]
    )
    before = stream.first_batch_known - timedelta(microseconds=1)
    assert list(store.read(EventQuery(known_at=before))) == []
    # A naive time is read as UTC.
    naive = stream.first_batch_known.replace(tzinfo=None)
    assert store.count(EventQuery(known_at=naive)) == 2


def test_both_clocks_together(store: EventStore, stream: Stream) -> None:
    # What did the store know after the first batch about the world up to 1 May?
    query = EventQuery(as_of=date(2024, 5, 1), known_at=stream.first_batch_known)
    assert ids(store.read(query)) == ids([stream.e1])


def test_article_filter(store: EventStore, stream: Stream) -> None:
    source = sample.article()
    cited = store.append([sample.event(1, source=source), sample.event(2, source=source)], source).events
    assert ids(store.read(EventQuery(article_id=source.article_id))) == ids(cited)
    assert store.count(EventQuery(article_id="f" * 32)) == 0


def test_exclude_retracted_as_known_at(store: EventStore, stream: Stream) -> None:
    retraction = store.append([sample.retraction(1, stream.e1)]).events[0]
    everything = ids([stream.e1, stream.e2, stream.e3, stream.e4, retraction])
    assert ids(store.read()) == everything
    assert ids(store.read(EventQuery(exclude_retracted=True))) == everything[1:]
    # Before the retraction was recorded, e1 was still believed.
    then = EventQuery(exclude_retracted=True, known_at=stream.second_batch_known)
    assert ids(store.read(then)) == everything[:4]
    assert store.count(EventQuery(exclude_retracted=True, types=("LeadersMet",))) == 2


def test_retraction_without_target_hides_nothing(store: EventStore, stream: Stream) -> None:
    # A malformed retraction (no retracted_event_id) must not make NOT IN match nothing.
    store.append([replace(sample.retraction(1, stream.e1), payload={"reason": "?"})])
    assert store.count(EventQuery(exclude_retracted=True)) == 5


def test_follow_pages_through_the_stream(store: EventStore, stream: Stream) -> None:
    seen: list[Event] = []
    last = 0
    while batch := store.follow(last, batch_size=3):
        seen.extend(batch)
        last = batch[-1].position
    assert seen == list(store.read())
    assert store.follow(last, batch_size=3) == []


def test_reading_many_events_streams_them(engine) -> None:
    store = EventStore(engine, batch_size=100)
    total = 5000
    for start in range(0, total, 1000):
        batch = [
            sample.event(n, stream="bulk", payload={"note": "x" * 200})
            for n in range(start + 1, start + 1001)
        ]
        store.append(batch)
    reader = store.read(EventQuery(stream_id="bulk"))
    first = next(reader)
    # The store stays writable while a reader is part way through (and the reader keeps its snapshot).
    store.append([sample.event(1, stream="later")])
    versions = [first.stream_version] + [e.stream_version for e in reader]
    assert versions == list(range(1, total + 1))

    # Bounded memory: streaming the whole table peaks far below holding it in a list.
    gc.collect()
    tracemalloc.start()
    try:
        assert sum(1 for _ in store.read()) == total + 1
        _, streaming_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        held = list(store.read())
        _, holding_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(held) == total + 1
    assert streaming_peak * 4 < holding_peak
