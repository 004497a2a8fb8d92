"""Append-only in the database itself: UPDATE and DELETE through raw SQL are refused."""

from __future__ import annotations

import event_samples as sample
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from timeline.store import EventStore, open_store

STATEMENTS = [
    "UPDATE events SET type = 'Tampered'",
    "UPDATE events SET payload = '{}' WHERE position = 1",
    "DELETE FROM events",
    "DELETE FROM events WHERE position = 1",
    "UPDATE articles SET text = 'tampered'",
    "DELETE FROM articles",
]


def _snapshot(engine: Engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as conn:
        events = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM events ORDER BY position"))]
        articles = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM articles ORDER BY article_id"))]
    return events, articles


@pytest.mark.parametrize("statement", STATEMENTS)
def test_raw_update_and_delete_are_refused(store: EventStore, engine: Engine, statement: str) -> None:
    source = sample.article()
    store.append([sample.event(1, source=source), sample.event(2, source=source)], source)
    before = _snapshot(engine)
    assert len(before[0]) == 2 and len(before[1]) == 1

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text(statement))

    assert _snapshot(engine) == before


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(postgres_schema_url: str) -> None:
    with open_store(postgres_schema_url) as store:
        store.append([sample.event(1)])
        for table in ("events", "articles"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {table} CASCADE"))
        assert store.count() == 1
