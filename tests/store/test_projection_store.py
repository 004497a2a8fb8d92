"""Persisted projections: checkpoint, incremental catch-up, late events, retractions, replay, migration."""

from __future__ import annotations

import importlib
import itertools
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.domain.events import Event, Party
from timeline.projections import facts, invitations
from timeline.projections.ordering import in_valid_order
from timeline.store import EventStore, create_engine, current, downgrade, migrate, upgrade
from timeline.store.projection_store import ProjectionStore, dump_state

projection_store = importlib.import_module("timeline.store.projection_store")

PROJECTION_TABLES = {
    "projection_checkpoints",
    "projection_partitions",
    "projection_members",
    "projection_snapshots",
}
START = date(2024, 1, 1)
_serial = itertools.count(1)


def ev(kind: str, day: int, actor: tuple, target: tuple, modality: str = "reported", **payload) -> Event:
    n = next(_serial)
    return Event(
        event_id=f"00000000-0000-0000-0000-{n:012d}",
        stream_id=f"test-{n}",
        stream_version=1,
        type=kind,
        occurred_on=START + timedelta(days=day),
        modality=modality,
        actor=Party(*actor),
        target=Party(*target),
        payload=payload,
    )


def retraction(store: EventStore, of: Event) -> Event:
    n = next(_serial)
    return Event(
        event_id=f"00000000-0000-0000-0001-{n:012d}",
        stream_id="retractions",
        stream_version=store.stream_version("retractions") + 1,
        type="EventRetracted",
        occurred_on=date(2025, 1, 1),
        date_basis="recorded",
        payload={"retracted_event_id": of.event_id, "reason": "test"},
    )


AUT, CHE, ITA = ("AUT", "Eva Huber"), ("CHE", "Marc Favre"), ("ITA", "Lia Conti")


def stored_facts(ps: ProjectionStore) -> dict:
    return ps.state("facts")


def test_catch_up_folds_new_events_and_moves_the_checkpoint(store: EventStore) -> None:
    ps = ProjectionStore(store)
    assert ps.checkpoint() is None
    first = ps.catch_up()
    assert first.rebuilt and ps.checkpoint().position == 0  # an empty stream, built once
    stored = store.append([ev("MeetingHeld", 10, AUT, CHE), ev("InvitationExtended", 11, AUT, ITA)]).events
    done = ps.catch_up()
    assert (done.rebuilt, done.events, done.incremental, done.refolded) == (False, 2, 3, ())
    mark = ps.checkpoint()
    assert mark.position == stored[-1].position and mark.recorded_at == stored[-1].recorded_at
    assert ps.catch_up().events == 0  # nothing new: a no-op
    assert sorted(stored_facts(ps)["groups"]) == ["AUT|CHE", "AUT|ITA"]  # an invitation is a fact too
    assert stored_facts(ps)["groups"]["AUT|CHE"]["facts"][0]["sources"] == [stored[0].event_id]
    assert [k for k, _ in ps.partitions("invitations")] == ["ITA"]


def test_a_late_event_refolds_its_partition_and_equals_a_replay(store: EventStore) -> None:
    ps = ProjectionStore(store)
    store.append([ev("InvitationAccepted", 30, ITA, AUT), ev("VisitMade", 35, ITA, ("AUT", None))])
    ps.catch_up()
    [before] = invitations.invitations_of(ps.state("invitations"))
    assert before.status == "fulfilled" and before.extended_on == START + timedelta(days=30)

    late = store.append([ev("InvitationExtended", 10, AUT, ITA)]).events[0]  # an older article, read last
    done = ps.catch_up()
    assert "invitations:ITA" in done.refolded and done.incremental == 0
    [after] = invitations.invitations_of(ps.state("invitations"))
    assert (after.invitation_id, after.extended_on, after.status) == (
        late.event_id,
        late.occurred_on,
        "fulfilled",
    )

    incremental = ps.rows()
    ps.replay()
    assert ps.rows() == incremental


def test_a_retraction_takes_the_event_out_and_a_replay_agrees(store: EventStore) -> None:
    ps = ProjectionStore(store)
    kept, wrong = store.append([ev("MeetingHeld", 5, AUT, CHE), ev("DiplomatExpelled", 6, AUT, CHE)]).events
    ps.catch_up()
    assert len(stored_facts(ps)["groups"]["AUT|CHE"]["facts"]) == 2
    store.append([retraction(store, wrong)])
    done = ps.catch_up()
    assert done.refolded == ("facts:AUT|CHE",)
    [fact] = stored_facts(ps)["groups"]["AUT|CHE"]["facts"]
    assert fact["sources"] == [kept.event_id]
    incremental = ps.rows()
    assert (wrong.position,) not in {(r[3],) for r in incremental["projection_members"]}
    ps.replay()
    assert ps.rows() == incremental


def test_retracting_a_partition_s_only_event_removes_the_partition(store: EventStore) -> None:
    ps = ProjectionStore(store)
    [only] = store.append([ev("InvitationExtended", 3, CHE, ITA)]).events
    ps.catch_up()
    store.append([retraction(store, only)])
    ps.catch_up()
    assert list(ps.partitions("invitations")) == []
    assert ps.rows()["projection_members"] == []


def test_an_event_and_its_retraction_in_one_catch_up_are_never_folded(store: EventStore) -> None:
    ps = ProjectionStore(store)
    ps.catch_up()
    [wrong] = store.append([ev("MeetingHeld", 5, AUT, CHE)]).events
    store.append([retraction(store, wrong)])
    ps.catch_up()
    assert list(ps.partitions("facts")) == []


def test_snapshots_are_safe_points_and_match_a_replay(store: EventStore, monkeypatch) -> None:
    monkeypatch.setattr(projection_store, "SNAPSHOT_EVERY", 3)
    ps = ProjectionStore(store)
    for day in range(0, 40, 4):  # ten meetings, each its own fact
        store.append([ev("MeetingHeld", day, AUT, CHE)])
        ps.catch_up()
    snapshots = ps.rows()["projection_snapshots"]
    assert [(row[2], row[3].isoformat()) for row in snapshots] == [(6, "2024-01-21"), (9, "2024-02-02")]
    store.append([ev("MeetingHeld", 30, AUT, CHE)])  # late: after the snapshot at 6 members, before 9
    done = ps.catch_up()
    assert done.refolded == ("facts:AUT|CHE",)
    incremental = ps.rows()
    # The snapshot at 6 is still good and is the safe point; the one at 9 is taken again.
    assert [(row[2], row[3].isoformat()) for row in incremental["projection_snapshots"]] == [
        (6, "2024-01-21"),
        (9, "2024-01-31"),
    ]
    ps.replay()
    assert ps.rows() == incremental


def test_a_stale_fold_version_or_a_large_gap_rebuilds(store: EventStore, monkeypatch) -> None:
    ps = ProjectionStore(store)
    ps.catch_up()
    store.append([ev("MeetingHeld", 1, AUT, CHE), ev("MeetingHeld", 9, AUT, ITA)])
    monkeypatch.setattr(projection_store, "CATCH_UP_LIMIT", 1)
    assert ps.catch_up().rebuilt
    monkeypatch.setattr(projection_store, "CATCH_UP_LIMIT", 50_000)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE projection_checkpoints SET version = 'old'"))
    assert ps.checkpoint() is None
    assert ps.catch_up().rebuilt and ps.checkpoint() is not None


def test_state_rows_are_the_fold_of_the_stream(store: EventStore) -> None:
    made = [
        ev("MeetingHeld", 20, AUT, CHE),
        ev("InvitationExtended", 21, CHE, ITA),
        ev("MeetingHeld", 2, CHE, AUT),
        ev("VisitMade", 40, ITA, ("CHE", None)),
        ev("CriticismVoiced", 1, ITA, AUT, modality="planned"),
    ]
    ps = ProjectionStore(store)
    for event in made:
        store.append([event])
        ps.catch_up()
    stream = list(store.read())
    rows = {(r[0], r[1]): json.loads(r[5]) for r in ps.rows()["projection_partitions"]}
    full_facts = facts.fold(in_valid_order(stream))["groups"]
    full_invitations = invitations.fold(in_valid_order(stream))["partitions"]
    expected = {("facts", k): json.loads(json.dumps(v)) for k, v in full_facts.items()}
    expected |= {("invitations", k): json.loads(json.dumps(v)) for k, v in full_invitations.items()}
    assert rows == expected
    assert {r[1] for r in ps.rows()["projection_partitions"]} == {"AUT|CHE", "CHE|ITA", "ITA"}
    assert dump_state({"b": 1, "a": [2]}) == '{"b":1,"a":[2]}'  # compact, in the fold's key order


PEOPLE = {"AUT": [None, "Eva Huber"], "CHE": [None, "Marc Favre"], "ITA": [None, "Lia Conti"]}
def test_a_replay_writing_as_it_scans_equals_catch_up(store: EventStore, monkeypatch) -> None:
    # Batches of two: member rows and partitions go to the database while the ordered scan is open.
    monkeypatch.setattr(projection_store, "WRITE_BATCH", 2)
    monkeypatch.setattr(projection_store, "SNAPSHOT_EVERY", 2)
    ps = ProjectionStore(store)
    pairs = itertools.cycle([(AUT, CHE), (CHE, ITA), (ITA, AUT)])
    for day, (a, b) in zip(range(0, 36, 3), pairs, strict=False):
        store.append([ev("MeetingHeld", day, a, b), ev("InvitationExtended", day, b, a)])
        ps.catch_up()
    store.append([ev("VisitMade", 4, AUT, CHE)])  # late, refolds a partition
    ps.catch_up()
    incremental = ps.rows()
    assert len(incremental["projection_members"]) == 38  # 25 facts members, 13 invitations members
    ps.replay()
    assert ps.rows() == incremental


KINDS = ["MeetingHeld", "VisitMade", "InvitationExtended", "InvitationAccepted", "AgreementSigned"]


@st.composite
def arrivals(draw: st.DrawFn) -> list[tuple[str, object]]:
    """Appends as a store might see them: events with dates jumping about, and retractions of earlier ones."""
    steps: list[tuple[str, object]] = []
    for _ in range(draw(st.integers(1, 14))):
        if steps and draw(st.integers(0, 5)) == 0:
            steps.append(("retract", draw(st.integers(0, len(steps) - 1))))
            continue
        a, b = draw(st.permutations(sorted(PEOPLE)))[:2]
        steps.append(
            (
                "event",
                (
                    draw(st.sampled_from(KINDS)),
                    draw(st.integers(0, 60)),
                    (a, draw(st.sampled_from(PEOPLE[a]))),
                    (b, draw(st.sampled_from(PEOPLE[b]))),
                ),
            )
        )
    return steps


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=arrivals(), every=st.sampled_from([2, 3, 1000]))
def test_any_arrival_order_with_retractions_equals_a_replay(tmp_path_factory, steps, every) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"
    engine = create_engine(url)
    migrate(engine)
    store = EventStore(engine)
    saved = projection_store.SNAPSHOT_EVERY
    projection_store.SNAPSHOT_EVERY = every
    try:
        ps = ProjectionStore(store)
        appended: list[Event] = []
        retracted: set[int] = set()
        for kind, what in steps:
            if kind == "event":
                appended.append(store.append([ev(*what)]).events[0])
            elif isinstance(what, int) and what < len(appended) and what not in retracted:
                retracted.add(what)
                store.append([retraction(store, appended[what])])
            ps.catch_up()
        incremental = ps.rows()
        ps.replay()
        assert ps.rows() == incremental
    finally:
        projection_store.SNAPSHOT_EVERY = saved
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migration_0002_adds_and_removes_the_projection_tables(db_url: str) -> None:
    assert upgrade(db_url, "0001") == "0001"
    assert not PROJECTION_TABLES & _tables(db_url)
    assert upgrade(db_url, "0002") == "0002"
    assert _tables(db_url) >= PROJECTION_TABLES
    assert downgrade(db_url, "0001") == "0001"
    assert not PROJECTION_TABLES & _tables(db_url)
    assert {"events", "articles"} <= _tables(db_url)
    upgrade(db_url)
    assert _tables(db_url) >= PROJECTION_TABLES and current(db_url) is not None


@pytest.mark.parametrize("as_of_day", [5, 25])
def test_partition_reads_pick_the_partitions_asked_for(store: EventStore, as_of_day: int) -> None:
    store.append(
        [ev("MeetingHeld", 1, AUT, CHE), ev("MeetingHeld", 20, CHE, ITA), ev("MeetingHeld", 2, AUT, AUT)]
    )
    ps = ProjectionStore(store)
    ps.catch_up()
    assert [k for k, _ in ps.partitions("facts")] == ["AUT|AUT", "AUT|CHE", "CHE|ITA"]
    assert [k for k, _ in ps.partitions("facts", ["CHE|ITA"])] == ["CHE|ITA"]
    relations = importlib.import_module("timeline.projections.relations")
    from timeline.projections.catalog import is_dyad_partition

    state = ps.state("facts", accept=is_dyad_partition)
    found = relations.statuses(state, START + timedelta(days=as_of_day))
    assert [s.dyad for s in found] == (
        [("AUT", "CHE")] if as_of_day < 20 else [("AUT", "CHE"), ("CHE", "ITA")]
    )
