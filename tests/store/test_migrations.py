"""The schema comes from Alembic only: upgrade, downgrade to base, upgrade again, on every database."""

from __future__ import annotations

import sqlalchemy as sa

from timeline.store import current, downgrade, open_store, upgrade
from timeline.store.database import head_revision


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


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
