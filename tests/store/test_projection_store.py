"""Persisted projections: checkpoint, incremental catch-up, late events, retractions, replay, migration."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.domain.events import Event, Party
from timeline.projections import facts, invitations, relations, runner
from timeline.projections.catalog import FACTS, INVITATIONS, is_dyad_partition
from timeline.projections.ordering import in_valid_order
from timeline.projections.projection import dump_state
from timeline.store import EventStore, create_engine, current, downgrade, migrate, upgrade
from timeline.store.projection_store import ProjectionStore, joined_items

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
    return FACTS.state_of(ps.partitions("facts"))


def test_catch_up_folds_new_events_and_moves_the_checkpoint(store: EventStore) -> None:
    ps = ProjectionStore(store)
    assert runner.checkpoint(ps) is None
    first = runner.catch_up(ps)
    assert first.rebuilt and runner.checkpoint(ps).position == 0  # an empty stream, built once
    stored = store.append([ev("MeetingHeld", 10, AUT, CHE), ev("InvitationExtended", 11, AUT, ITA)]).events
    done = runner.catch_up(ps)
    assert (done.rebuilt, done.events, done.incremental, done.refolded) == (False, 2, 3, ())
    mark = runner.checkpoint(ps)
    assert mark.position == stored[-1].position and mark.recorded_at == stored[-1].recorded_at
    assert runner.catch_up(ps).events == 0  # nothing new: a no-op
    assert sorted(stored_facts(ps)["groups"]) == ["AUT|CHE", "AUT|ITA"]  # an invitation is a fact too
    assert stored_facts(ps)["groups"]["AUT|CHE"]["facts"][0]["sources"] == [stored[0].event_id]
    assert [k for k, _ in ps.partitions("invitations")] == ["ITA"]


def test_a_late_event_refolds_its_partition_and_equals_a_replay(store: EventStore) -> None:
    ps = ProjectionStore(store)
    store.append([ev("InvitationAccepted", 30, ITA, AUT), ev("VisitMade", 35, ITA, ("AUT", None))])
    runner.catch_up(ps)
    [before] = invitations.invitations_of(INVITATIONS.state_of(ps.partitions("invitations")))
    assert before.status == "fulfilled" and before.extended_on == START + timedelta(days=30)

    late = store.append([ev("InvitationExtended", 10, AUT, ITA)]).events[0]  # an older article, read last
    done = runner.catch_up(ps)
    assert "invitations:ITA" in done.refolded and done.incremental == 0
    [after] = invitations.invitations_of(INVITATIONS.state_of(ps.partitions("invitations")))
    assert (after.invitation_id, after.extended_on, after.status) == (
        late.event_id,
        late.occurred_on,
        "fulfilled",
    )

    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental


def test_a_retraction_takes_the_event_out_and_a_replay_agrees(store: EventStore) -> None:
    ps = ProjectionStore(store)
    kept, wrong = store.append([ev("MeetingHeld", 5, AUT, CHE), ev("DiplomatExpelled", 6, AUT, CHE)]).events
    runner.catch_up(ps)
    assert len(stored_facts(ps)["groups"]["AUT|CHE"]["facts"]) == 2
    store.append([retraction(store, wrong)])
    done = runner.catch_up(ps)
    assert done.refolded == ("facts:AUT|CHE",)
    [fact] = stored_facts(ps)["groups"]["AUT|CHE"]["facts"]
    assert fact["sources"] == [kept.event_id]
    incremental = ps.rows()
    assert (wrong.position,) not in {(r[3],) for r in incremental["projection_members"]}
    runner.replay(ps)
    assert ps.rows() == incremental


def test_retracting_a_partition_s_only_event_removes_the_partition(store: EventStore) -> None:
    ps = ProjectionStore(store)
    [only] = store.append([ev("InvitationExtended", 3, CHE, ITA)]).events
    runner.catch_up(ps)
    store.append([retraction(store, only)])
    runner.catch_up(ps)
    assert list(ps.partitions("invitations")) == []
    assert ps.rows()["projection_members"] == []


def test_an_event_and_its_retraction_in_one_catch_up_are_never_folded(store: EventStore) -> None:
    ps = ProjectionStore(store)
    runner.catch_up(ps)
    [wrong] = store.append([ev("MeetingHeld", 5, AUT, CHE)]).events
    store.append([retraction(store, wrong)])
    runner.catch_up(ps)
    assert list(ps.partitions("facts")) == []


def test_snapshots_are_safe_points_and_match_a_replay(store: EventStore, monkeypatch) -> None:
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 1)  # a snapshot after every member
    ps = ProjectionStore(store)
    for day in range(0, 40, 4):  # ten meetings, each its own fact
        store.append([ev("MeetingHeld", day, AUT, CHE)])
        runner.catch_up(ps)
    facts_snapshots = [r for r in ps.rows()["projection_snapshots"] if r[0] == "facts"]
    assert [row[2].isoformat() for row in facts_snapshots] == [
        (START + timedelta(days=day)).isoformat() for day in range(0, 40, 4)
    ]  # named by the sort key of the member they follow
    store.append([ev("MeetingHeld", 30, AUT, CHE)])  # late: between the meetings of days 28 and 32
    done = runner.catch_up(ps)
    assert done.refolded == ("facts:AUT|CHE",)
    # From the snapshot after day 28: days 30 and 32; by day 32 the fact day 30 joined (day 28's)
    # is out of every later report's reach, and the stored snapshot after day 36 is patched.
    assert done.refolded_events == 2
    incremental = ps.rows()
    assert len([r for r in incremental["projection_snapshots"] if r[0] == "facts"]) == 11
    runner.replay(ps)
    assert ps.rows() == incremental


def test_snapshots_are_picked_by_position_not_ordinal(monkeypatch) -> None:
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 100)
    picked = [p for p in range(1, 100_001) if runner.takes_snapshot(p)]
    assert 950 <= len(picked) <= 1050  # about one in SNAPSHOT_EVERY, spread evenly
    assert max(b - a for a, b in itertools.pairwise(picked)) < 300
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 1)
    assert all(runner.takes_snapshot(p) for p in range(1, 1000))


def _busy_pair(store: EventStore, years: int = 5, every: int = 9) -> list[Event]:
    """A pair met every ``every`` days for ``years`` years, one article a meeting, caught up in order."""
    ps = ProjectionStore(store)
    made = []
    for day in range(0, 365 * years, every):
        made += store.append([ev("MeetingHeld", day, AUT, CHE, sectors=["trade"] if day % 7 else [])]).events
    runner.catch_up(ps)
    return made


def test_a_late_article_refolds_the_months_it_reaches_not_the_years_after(
    store: EventStore, monkeypatch
) -> None:
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    made = _busy_pair(store)
    members = len(made)
    late = ev("VisitMade", 400, ("AUT", "Eva Huber"), ("CHE", None))  # takes in the day's meeting
    store.append([late, ev("MeetingHeld", 402, CHE, AUT), ev("CriticismVoiced", 410, CHE, AUT)])
    done = runner.catch_up(ps)
    assert done.refolded == ("facts:AUT|CHE",)
    after_it = sum(1 for e in made if e.occurred_on > late.occurred_on)
    # A year of the pair (the facts a later event could still join) and a snapshot's gap, not the
    # four years after it.
    assert done.refolded_events < 365 / 9 + 4 * 12 < after_it
    incremental = ps.rows()
    [partition] = [r for r in incremental["projection_partitions"] if r[1] == "AUT|CHE"]
    assert partition[4] == members + 3
    runner.replay(ps)
    assert ps.rows() == incremental
    assert runner.differences(ps) == []


def test_a_late_article_decodes_only_the_facts_it_can_reach_and_splices_the_digest(
    store: EventStore, monkeypatch
) -> None:
    """The refold reads the stored group decoded from its snapshot's horizon to a month after the
    late article only (the years before and after go back as text) and the digest is spliced, not
    built again: the rows are still a replay's."""
    from timeline.projections import digest as digests
    from timeline.store.projection_store import ProjectionRows

    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    _busy_pair(store)
    loaded, built = [], []
    load, build = ProjectionRows.load_partition, digests.build
    monkeypatch.setattr(
        ProjectionRows, "load_partition", lambda self, p, k: loaded.append((p, k)) or load(self, p, k)
    )
    monkeypatch.setattr(digests, "build", lambda group, *rule: built.append(1) or build(group, *rule))
    for day in (800, 1100, 1500):
        visit = ev("VisitMade", day, ("AUT", "Eva Huber"), ("CHE", None))
        store.append([visit, ev("MeetingHeld", day, CHE, AUT)])
        assert runner.catch_up(ps).refolded == ("facts:AUT|CHE",)
    assert ("facts", "AUT|CHE") not in loaded and built == []
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental


def test_a_late_article_reads_and_rewrites_only_the_chunks_of_the_years_it_reaches(
    store: EventStore, monkeypatch
) -> None:
    """A dyad's facts are kept a chunk per year they were opened in: a late article reads the
    chunks of its snapshot's horizon and of the month after it, and rewrites only the chunks
    whose text changed; the rows are still a replay's."""
    from timeline.store.projection_store import ProjectionRows

    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    _busy_pair(store)  # 2024 to 2028
    read, written = [], []
    chunk_texts, update = ProjectionRows.chunk_texts, ProjectionRows.update_partition

    def reading(self, projection, partition, first=None, last=None):
        read.append((partition, first, last))
        return chunk_texts(self, projection, partition, first, last)

    def writing(self, projection, partition, row, chunks):
        written.append((partition, dict(chunks)))
        return update(self, projection, partition, row, chunks)

    monkeypatch.setattr(ProjectionRows, "chunk_texts", reading)
    monkeypatch.setattr(ProjectionRows, "update_partition", writing)
    late = ev("AgreementSigned", 1100, AUT, CHE)  # 2027-01-05
    store.append([late])
    assert runner.catch_up(ps).refolded == ("facts:AUT|CHE",)
    [(key, first, last)] = read  # not the years before the snapshot's horizon, nor those after
    assert key == "AUT|CHE" and 2025 <= first <= 2027 and last == 2027
    [(key, chunks)] = written
    assert key == "AUT|CHE" and list(chunks) == [2027] and late.event_id in str(chunks[2027])
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental
    assert runner.differences(ps) == []


def test_a_snapshot_keeps_the_facts_its_pair_s_precisions_so_far_let_later_reports_reach(
    store: EventStore, monkeypatch
) -> None:
    """A day-precise pair's snapshot keeps the facts opened in the last few days (a report can join
    a fact at most 3 days apart), not a year of them; once a report dated by its year only comes,
    the snapshots after it keep a year. A late report before that one cannot start from a snapshot
    taken before it (the year's report may have joined a fact the snapshot left out): it refolds
    from the start, and the rows are still a replay's."""
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    made = _busy_pair(store, years=3)
    snapshots = [json.loads(r[4]) for r in ps.rows()["projection_snapshots"] if r[1] == "AUT|CHE"]
    assert snapshots and all(len(s["facts"]) <= 1 for s in snapshots)  # a meeting every 9 days
    coarse = replace(ev("MeetingHeld", 2 * 365 + 5, AUT, CHE), date_precision="year")
    store.append([coarse])  # late too: coarser than any before, it refolds to the end
    runner.catch_up(ps)
    late = ev("AgreementSigned", 401, AUT, CHE)
    store.append([late])
    done = runner.catch_up(ps)
    assert done.refolded_events >= sum(1 for e in made if e.occurred_on <= late.occurred_on)
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental
    assert runner.differences(ps) == []
    after = ev("AgreementSigned", 2 * 365 + 100, AUT, CHE)  # after the year's report: from a snapshot
    store.append([after])
    done = runner.catch_up(ps)
    assert done.refolded_events < sum(1 for e in made if e.occurred_on <= after.occurred_on) / 2
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental
    assert runner.differences(ps) == []


def test_late_articles_years_apart_in_one_catch_up_are_both_folded(store: EventStore, monkeypatch) -> None:
    # The refold may stop only after the last of them: a snapshot between the two equals the stored
    # one once the first is out of reach, but the stored facts after it lack the second.
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    _busy_pair(store)
    store.append([ev("AgreementSigned", 300, AUT, CHE)])
    store.append([ev("AgreementSigned", 1200, CHE, AUT)])
    runner.catch_up(ps)
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental


def test_a_late_article_of_coarser_precision_refolds_to_the_end(store: EventStore, monkeypatch) -> None:
    # A report dated only by its year can join any fact of that year, and changes `coarsest` for
    # every later event: no stored snapshot after it is equal any more.
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 4)
    ps = ProjectionStore(store)
    made = _busy_pair(store, years=3)
    year = replace(ev("MeetingHeld", 366, AUT, CHE), date_precision="year")
    store.append([year])
    done = runner.catch_up(ps)
    assert done.refolded_events > sum(1 for e in made if e.occurred_on > year.occurred_on)
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental


COUNTRIES = {"AUT": ["Eva Huber", None], "CHE": ["Marc Favre", None], "ITA": ["Lia Conti", "Ugo Neri", None]}
LATE_KINDS = [
    ("MeetingHeld", 6), ("VisitMade", 2), ("PhoneCallHeld", 2), ("InvitationExtended", 2),
    ("InvitationAccepted", 1), ("AgreementSigned", 1), ("CriticismVoiced", 1), ("RelationsCharacterized", 1),
]  # fmt: skip
PRECISIONS = ["day"] * 12 + ["week", "month", "year"]


def _random_articles(rng: random.Random, count: int, span: int) -> list[list[Event]]:
    """Articles of one to four events about one pair around one day, in date order."""
    kinds = [k for k, weight in LATE_KINDS for _ in range(weight)]
    articles = []
    for day in sorted(rng.randrange(span) for _ in range(count)):
        a, b = rng.sample(sorted(COUNTRIES), 2)
        article = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(kinds)
            one = ev(
                kind,
                day - rng.randint(0, 4),
                (a, rng.choice(COUNTRIES[a])),
                (b, rng.choice(COUNTRIES[b])),
                modality="reported" if rng.random() < 0.9 else "planned",
                **({"tone": rng.choice(["close", "strained"])} if kind == "RelationsCharacterized" else {}),
            )
            article.append(replace(one, date_precision=rng.choice(PRECISIONS)))
            if rng.random() < 0.5:
                a, b = b, a
        articles.append(article)
    return articles


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_late_articles_in_random_orders_give_the_state_of_a_replay(
    store: EventStore, monkeypatch, seed: int
) -> None:
    # Articles spread over six years arrive mostly in date order with a fifth of them late, by days
    # or by years, with now and then a retraction; after each catch-up the tables equal a replay.
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 3)
    rng = random.Random(seed)
    articles = _random_articles(rng, 160, 6 * 365)
    order = list(range(len(articles)))
    for i in range(len(order)):
        if rng.random() < 0.2:
            j = rng.randrange(i, len(order))
            order[i], order[j] = order[j], order[i]  # this one comes late
    ps = ProjectionStore(store)
    appended: list[Event] = []
    refolds = 0
    for step, index in enumerate(order):
        appended += store.append(articles[index]).events
        if rng.random() < 0.05:
            store.append([retraction(store, rng.choice(appended))])
        done = runner.catch_up(ps)
        refolds += len(done.refolded)
        if step % 40 == 39 or step == len(order) - 1:
            incremental = ps.rows()
            runner.replay(ps)
            assert ps.rows() == incremental, f"after {step + 1} articles"
    assert refolds > 20  # the orders above did make late articles


@pytest.mark.parametrize("seed", [4, 5])
def test_day_precise_late_articles_match_the_fold_of_the_stream_after_every_catch_up(
    store: EventStore, monkeypatch, seed: int
) -> None:
    # Mostly day-precise reports: a late one stops making a difference a few days after its date,
    # so the refold stops there and patches the stored snapshots after it (one after every member
    # or two here). Every catch-up leaves the rows a fold of the stream gives, snapshots included.
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 1 + seed % 2)
    monkeypatch.setitem(globals(), "PRECISIONS", ["day"] * 30 + ["week"])
    rng = random.Random(seed)
    articles = _random_articles(rng, 90, 3 * 365)
    order = list(range(len(articles)))
    for i in range(len(order)):
        if rng.random() < 0.25:
            j = rng.randrange(i, len(order))
            order[i], order[j] = order[j], order[i]
    ps = ProjectionStore(store)
    refolded = 0
    for index in order:
        store.append(articles[index])
        refolded += len(runner.catch_up(ps).refolded)
        assert runner.differences(ps) == []
    assert refolded > 10
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental


def test_a_day_precise_late_article_refolds_only_the_days_it_reaches(store: EventStore, monkeypatch) -> None:
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 8)
    ps = ProjectionStore(store)
    made = _busy_pair(store)
    late = ev("AgreementSigned", 401, AUT, CHE, sectors=["energy"])
    snapshots = ps.rows()["projection_snapshots"]
    # The refold starts after the latest snapshot before the late report.
    since = max(r[2] for r in snapshots if r[:2] == ("facts", "AUT|CHE") and r[2] < late.occurred_on)
    store.append([late])
    done = runner.catch_up(ps)
    assert done.refolded == ("facts:AUT|CHE",)
    between = sum(1 for e in made if since < e.occurred_on <= late.occurred_on)
    # The members from that snapshot to the late report, the report, and the next meeting (9 days
    # on: out of a day-precise report's reach), not a year of the pair.
    assert done.refolded_events <= between + 2
    incremental = ps.rows()
    runner.replay(ps)
    assert ps.rows() == incremental
    assert runner.differences(ps) == []


def test_a_stale_fold_version_or_a_large_gap_rebuilds(store: EventStore, monkeypatch) -> None:
    ps = ProjectionStore(store)
    runner.catch_up(ps)
    store.append([ev("MeetingHeld", 1, AUT, CHE), ev("MeetingHeld", 9, AUT, ITA)])
    monkeypatch.setattr(runner, "CATCH_UP_LIMIT", 1)
    assert runner.catch_up(ps).rebuilt
    monkeypatch.setattr(runner, "CATCH_UP_LIMIT", 50_000)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE projection_checkpoints SET version = 'old'"))
    assert runner.checkpoint(ps) is None
    assert runner.catch_up(ps).rebuilt and runner.checkpoint(ps) is not None


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
        runner.catch_up(ps)
    stream = list(store.read())
    stored = ps.rows()
    chunks: dict[tuple[str, str], list[str]] = {}
    for projection, key, _, items in stored["projection_chunks"]:  # in chunk order
        chunks.setdefault((projection, key), []).append(items)
    assert {key for key, _ in chunks} == {"facts"}  # a dyad's facts go to chunks, invitations stay whole
    rows = {
        (r[0], r[1]): json.loads(joined_items(r[5], chunks.get((r[0], r[1]), [])))
        for r in stored["projection_partitions"]
    }
    assert all(json.loads(r[5]).get("facts", []) == [] for r in stored["projection_partitions"])
    full_facts = facts.fold(in_valid_order(stream))["groups"]
    full_invitations = invitations.fold(in_valid_order(stream))["partitions"]
    expected = {("facts", k): json.loads(json.dumps(v)) for k, v in full_facts.items()}
    expected |= {("invitations", k): json.loads(json.dumps(v)) for k, v in full_invitations.items()}
    assert rows == expected
    assert {r[1] for r in ps.rows()["projection_partitions"]} == {"AUT|CHE", "CHE|ITA", "ITA"}
    assert dump_state({"b": 1, "a": [2]}) == '{"b":1,"a":[2]}'  # compact, in the fold's key order


PEOPLE = {"AUT": [None, "Eva Huber"], "CHE": [None, "Marc Favre"], "ITA": [None, "Lia Conti"]}


@pytest.mark.parametrize("spread", [1, 150])
def test_a_replay_writing_as_it_scans_equals_catch_up(store: EventStore, monkeypatch, spread: int) -> None:
    # Batches of two: member rows and partitions go to the database while the ordered scan is open;
    # spread over years, the facts of each pair are set aside as the scan passes them.
    monkeypatch.setattr(runner, "WRITE_BATCH", 2)
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 2)
    monkeypatch.setattr(runner, "SET_ASIDE_EVERY", 1)
    ps = ProjectionStore(store)
    pairs = itertools.cycle([(AUT, CHE), (CHE, ITA), (ITA, AUT)])
    for day, (a, b) in zip(range(0, 36 * spread, 3 * spread), pairs, strict=False):
        store.append([ev("MeetingHeld", day, a, b), ev("InvitationExtended", day, b, a)])
        runner.catch_up(ps)
    store.append([ev("VisitMade", 4 * spread, AUT, CHE)])  # late, refolds a partition
    runner.catch_up(ps)
    incremental = ps.rows()
    assert len(incremental["projection_members"]) == 38  # 25 facts members, 13 invitations members
    runner.replay(ps)
    assert ps.rows() == incremental


def test_a_replay_that_keeps_each_fact_s_text_writes_what_encoding_anew_writes(
    store: EventStore, monkeypatch
) -> None:
    # A replay keeps each fact's JSON until an event changes it (joins it, or a visit takes in the
    # meetings of its trip, which then leave the list): snapshots after nearly every member and
    # set-asides every few events must give the bytes of a replay that encodes every fact anew.
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 2)
    monkeypatch.setattr(runner, "SET_ASIDE_EVERY", 3)
    made = []
    for day in range(0, 2400, 60):
        made += [
            ev("MeetingHeld", day, AUT, CHE),
            ev("MeetingHeld", day + 1, ("AUT", None), CHE),  # the same meeting, told again
            ev("AgreementSigned", day + 2, CHE, AUT, sectors=["trade"]),
            ev("VisitMade", day + 2, AUT, ("CHE", None)),  # takes in the meeting
            ev("MeetingHeld", day + 3, CHE, ITA),
            ev("AgreementSigned", day + 4, AUT, CHE, sectors=["energy"]),  # joins the agreement
        ]
    # A report dated by its year only, first: every snapshot after it keeps a year of facts, which
    # later events could still join, and which the kept texts spare encoding again.
    made[0] = replace(made[0], date_precision="year")
    store.append(made)
    ps = ProjectionStore(store)
    encoded = []  # the length of every text encoded: the work a replay does in JSON

    def counted(value):
        text = dump_state(value)
        encoded.append(len(text))
        return text

    monkeypatch.setattr(runner, "dump_state", counted)
    runner.replay(ps)
    kept, kept_encoded = ps.rows(), sum(encoded)
    anew = tuple(replace(p, apply_item=None) for p in runner.PROJECTIONS)
    assert anew != runner.PROJECTIONS
    monkeypatch.setattr(runner, "PROJECTIONS", anew)
    encoded.clear()
    runner.replay(ps)
    assert ps.rows() == kept
    assert len(kept["projection_snapshots"]) > 50 and kept_encoded < sum(encoded) / 2


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
@given(
    steps=arrivals(),
    every=st.sampled_from([2, 3, 1000]),
    spread=st.sampled_from([1, 200]),  # days apart per step: 200 spans ten years, and facts are set aside
    aside=st.sampled_from([1, 3, 20_000]),
)
def test_any_arrival_order_with_retractions_equals_a_replay(
    tmp_path_factory, steps, every, spread, aside
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"
    engine = create_engine(url)
    migrate(engine)
    store = EventStore(engine)
    saved = runner.SNAPSHOT_EVERY, runner.SET_ASIDE_EVERY
    runner.SNAPSHOT_EVERY, runner.SET_ASIDE_EVERY = every, aside
    try:
        ps = ProjectionStore(store)
        appended: list[Event] = []
        retracted: set[int] = set()
        for kind, what in steps:
            if kind == "event":
                kind_of, day, actor, target = what
                appended.append(store.append([ev(kind_of, day * spread, actor, target)]).events[0])
            elif isinstance(what, int) and what < len(appended) and what not in retracted:
                retracted.add(what)
                store.append([retraction(store, appended[what])])
            runner.catch_up(ps)
        incremental = ps.rows()
        runner.replay(ps)
        assert ps.rows() == incremental
    finally:
        runner.SNAPSHOT_EVERY, runner.SET_ASIDE_EVERY = saved
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


def _snapshot_columns(url: str) -> tuple[list[str], list[str]]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        columns = [c["name"] for c in inspector.get_columns("projection_snapshots")]
        return columns, inspector.get_pk_constraint("projection_snapshots")["constrained_columns"]
    finally:
        engine.dispose()


def test_migration_0005_keys_snapshots_by_sort_key_both_ways(db_url: str, monkeypatch) -> None:
    monkeypatch.setattr(runner, "SNAPSHOT_EVERY", 1)
    assert upgrade(db_url) == "0006"
    engine = create_engine(db_url)
    store = EventStore(engine)
    store.append([ev("MeetingHeld", day, AUT, CHE) for day in (1, 9, 30)])
    ps = ProjectionStore(store)
    runner.catch_up(ps)
    built = ps.rows()
    assert len(built["projection_snapshots"]) == 3
    engine.dispose()

    assert downgrade(db_url, "0004") == "0004"
    columns, key = _snapshot_columns(db_url)
    assert "members" in columns and key == ["projection", "partition", "members"]
    assert upgrade(db_url) == "0006"
    columns, key = _snapshot_columns(db_url)
    assert "members" not in columns
    assert key == ["projection", "partition", "through_on", "through_position"]

    engine = create_engine(db_url)
    ps = ProjectionStore(EventStore(engine))
    assert runner.checkpoint(ps) is None  # the cache was forgotten: the next write rebuilds it
    assert runner.catch_up(ps).rebuilt and ps.rows() == built
    engine.dispose()


def test_migration_0006_keeps_facts_in_chunks_both_ways(db_url: str) -> None:
    assert upgrade(db_url) == "0006"
    engine = create_engine(db_url)
    store = EventStore(engine)
    store.append([ev("MeetingHeld", day, AUT, CHE) for day in (1, 9, 400)] + [ev("MeetingHeld", 3, CHE, ITA)])
    ps = ProjectionStore(store)
    runner.catch_up(ps)
    built = ps.rows()
    # Two years of AUT|CHE's facts, one of CHE|ITA's: a chunk per dyad and year the facts were opened in.
    chunks = [(r[1], r[2]) for r in built["projection_chunks"]]
    assert chunks == [("AUT|CHE", 2024), ("AUT|CHE", 2025), ("CHE|ITA", 2024)]
    answers = _reads(store, START + timedelta(days=500))
    engine.dispose()

    assert downgrade(db_url, "0005") == "0005"
    assert "projection_chunks" not in _tables(db_url)
    engine = create_engine(db_url)
    with engine.connect() as conn:  # no projection is current: no partition row is read without its chunks
        assert conn.execute(sa.text("SELECT count(*) FROM projection_checkpoints")).scalar_one() == 0
    engine.dispose()

    assert upgrade(db_url) == "0006"
    engine = create_engine(db_url)
    store = EventStore(engine)
    ps = ProjectionStore(store)
    assert runner.checkpoint(ps) is None
    lagging = _reads(store, START + timedelta(days=500))  # folded in memory, and said so
    assert lagging["records"] == answers["records"] and lagging["lags"]["relations"] is not None
    assert runner.catch_up(ps).rebuilt and ps.rows() == built
    assert _reads(store, START + timedelta(days=500)) == answers
    engine.dispose()


@pytest.mark.parametrize("as_of_day", [5, 25])
def test_partition_reads_pick_the_partitions_asked_for(store: EventStore, as_of_day: int) -> None:
    store.append(
        [ev("MeetingHeld", 1, AUT, CHE), ev("MeetingHeld", 20, CHE, ITA), ev("MeetingHeld", 2, AUT, AUT)]
    )
    ps = ProjectionStore(store)
    runner.catch_up(ps)
    assert [k for k, _ in ps.partitions("facts")] == ["AUT|AUT", "AUT|CHE", "CHE|ITA"]
    assert [k for k, _ in ps.partitions("facts", ["CHE|ITA"])] == ["CHE|ITA"]
    state = FACTS.state_of(ps.partitions("facts", accept=is_dyad_partition))
    found = relations.statuses(state, START + timedelta(days=as_of_day))
    assert [s.dyad for s in found] == (
        [("AUT", "CHE")] if as_of_day < 20 else [("AUT", "CHE"), ("CHE", "ITA")]
    )


def _reads(store: EventStore, as_of: date) -> dict:
    """Every read the service answers from the tables (when they are current), as records."""
    from timeline import output, service
    from timeline.query import EventQuery

    everything = EventQuery(as_of=as_of, exclude_retracted=True)
    found = {
        "relations": service.relations(store, as_of),
        "invitations": service.invitations(store, as_of),
        "facts": service.facts(store, everything),
        "explain": service.explain(store, "AUT", "CHE", as_of),
    }
    lags = {name: answer.lag for name, answer in found.items()}
    records = {name: output.records(answer.items) for name, answer in found.items() if name != "explain"}
    records["explain"] = found["explain"].to_json()
    return {"records": records, "lags": lags}


def test_reads_on_lagging_tables_write_nothing_and_say_so(store: EventStore) -> None:
    ps = ProjectionStore(store)
    store.append([ev("MeetingHeld", 5, AUT, CHE), ev("InvitationExtended", 6, AUT, ITA)])
    runner.catch_up(ps)
    as_of = START + timedelta(days=90)
    # Appended behind the runner's back (another tool, a crash between append and catch-up).
    store.append([ev("MeetingHeld", 2, AUT, CHE), ev("InvitationAccepted", 8, ITA, AUT)])
    before = ps.rows()
    lagging = _reads(store, as_of)
    assert ps.rows() == before  # no read wrote a row or moved the checkpoint
    assert runner.freshness(ps).behind == 2 and not runner.freshness(ps).current
    behind = {name: lag and lag.behind for name, lag in lagging["lags"].items()}
    assert behind == dict.fromkeys(lagging["lags"], 2)

    runner.catch_up(ps)
    current = _reads(store, as_of)
    assert all(lag is None for lag in current["lags"].values())
    assert current["records"] == lagging["records"]  # folded in memory or read from the tables: one answer


def test_reads_on_tables_never_built_write_nothing(store: EventStore) -> None:
    store.append([ev("MeetingHeld", 5, AUT, CHE)])
    ps = ProjectionStore(store)
    assert runner.checkpoint(ps) is None
    found = _reads(store, START + timedelta(days=90))
    assert runner.checkpoint(ps) is None and all(rows == [] for rows in ps.rows().values())
    assert found["lags"]["relations"].behind == 1
    assert found["records"]["relations"][0]["dyad"] == ["AUT", "CHE"]


def test_a_read_of_the_past_folds_without_a_lag_note(store: EventStore) -> None:
    from timeline import service

    ps = ProjectionStore(store)
    [first] = store.append([ev("MeetingHeld", 5, AUT, CHE)]).events
    store.append([ev("MeetingHeld", 9, AUT, ITA)])
    runner.catch_up(ps)
    then = service.relations(store, START + timedelta(days=90), known_at=first.recorded_at)
    assert [r.dyad for r in then.items] == [("AUT", "CHE")] and then.lag is None  # older view, no lag


def test_incremental_catch_up_with_late_articles_equals_a_replay(store: EventStore) -> None:
    # Each append caught up as a write command does: 2024 first, then older news, then retractions.
    ps = ProjectionStore(store)
    days = [40, 41, 10, 55, 3, 41, 12, 60, 1]
    pairs = itertools.cycle([(AUT, CHE), (CHE, ITA), (ITA, AUT)])
    appended = []
    for day, (a, b) in zip(days, pairs, strict=False):
        kind = "InvitationExtended" if day % 3 == 0 else "MeetingHeld"
        appended += store.append([ev(kind, day, a, b), ev("VisitMade", day + 2, b, a)]).events
        runner.catch_up(ps)
    store.append([retraction(store, appended[3])])
    runner.catch_up(ps)
    incremental = ps.rows()
    answers = _reads(store, START + timedelta(days=90))["records"]
    done = runner.replay(ps)
    assert done.rebuilt and ps.rows() == incremental
    assert _reads(store, START + timedelta(days=90))["records"] == answers
    # The tables equal a fold of the whole stream in memory (what a lagging read answers with).
    assert runner.differences(ps) == []
