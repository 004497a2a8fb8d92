"""Filter values are bound parameters: text that looks like SQL is just text."""

from __future__ import annotations

from datetime import date

import event_samples as sample
import pytest

from timeline.query import EventQuery
from timeline.store import EventStore

HOSTILE = [
    "'; DROP TABLE events; --",
    "x' OR '1'='1",
    '"); DELETE FROM articles; --',
    "FRA' UNION SELECT * FROM articles --",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_filter_values_leave_the_tables_intact(store: EventStore, text: str) -> None:
    source = sample.article()
    store.append([sample.event(1, source=source), sample.event(2, source=source)], source)
    queries = [
        EventQuery(actor=text),
        EventQuery(target=text),
        EventQuery(dyad=(text, "FRA")),
        EventQuery(types=(text, "LeadersMet'--")),
        EventQuery(modality=text),
        EventQuery(stream_id=text),
        EventQuery(article_id=text, exclude_retracted=True),
    ]
    for query in queries:
        assert list(store.read(query)) == []
        assert store.count(query) == 0
    assert store.get_event(text) is None
    assert store.get_article(text) is None
    assert not store.has_article(text)
    assert store.stream_version(text) == 0
    assert store.count() == 2
    assert store.has_article(source.article_id)


def test_hostile_text_is_stored_and_read_back_verbatim(store: EventStore) -> None:
    event = sample.event(1, stream=HOSTILE[0], payload={"quote": HOSTILE[1]}, occurred_on=date(2024, 1, 2))
    store.append([event])
    (read,) = store.read(EventQuery(stream_id=HOSTILE[0]))
    assert read.content() == event.content()
    assert store.count() == 1
