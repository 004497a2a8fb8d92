"""Out-of-order arrival: incremental folds plus partition recomputes equal a full rebuild."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.events import Event, Party
from timeline.projections import invitations
from timeline.projections.facts import FACTS
from timeline.projections.invitations import INVITATIONS
from timeline.projections.ordering import ApplyPlan, as_key, in_valid_order, is_incremental, plan, sort_key
from timeline.projections.relations import RELATIONS

FOLDS = (FACTS, RELATIONS, INVITATIONS)
START = date(2024, 1, 1)


def ev(n, kind, day, actor, target, modality="reported"):
    return Event(
        event_id=f"o{n}",
        stream_id="s",
        stream_version=n,
        type=kind,
        occurred_on=START + timedelta(days=day),
        modality=modality,
        actor=Party(*actor),
        target=Party(*target),
        position=n,
    )


def test_a_later_event_folds_incrementally_an_earlier_one_does_not():
    mark = list(sort_key(ev(5, "MeetingHeld", 10, ("AUT", None), ("CHE", None))))
    assert is_incremental(None, ev(1, "MeetingHeld", 0, ("AUT", None), ("CHE", None)))
    assert is_incremental(mark, ev(6, "MeetingHeld", 10, ("AUT", None), ("CHE", None)))
    assert not is_incremental(mark, ev(7, "MeetingHeld", 9, ("AUT", None), ("CHE", None)))
    assert not is_incremental(mark, ev(5, "MeetingHeld", 10, ("AUT", None), ("CHE", None)))  # seen already


def test_plan_names_the_latest_snapshot_before_the_late_event():
    late = ev(50, "MeetingHeld", 20, ("AUT", None), ("CHE", None))
    snapshots = [["2024-01-05", 3], ["2024-01-15", 9], ["2024-01-21", 60], ["2024-01-22", 12]]
    decided = plan("AUT|CHE", ["2024-02-01", 40], late, snapshots)
    assert decided == ApplyPlan("AUT|CHE", False, ("2024-01-15", 9))
    assert plan("AUT|CHE", ["2024-02-01", 40], late).safe_point is None
    assert plan("AUT|CHE", ["2024-01-01", 1], late).incremental
    assert decided.to_json()["safe_point"] == ["2024-01-15", 9]
    assert as_key(["2024-01-15", 9]) == ("2024-01-15", 9)


PEOPLE = {"AUT": [None, "Eva Huber"], "CHE": [None, "Marc Favre"], "ITA": [None, "Lia Conti"]}
KINDS = [
    "MeetingHeld",
    "VisitMade",
    "InvitationExtended",
    "InvitationAccepted",
    "InvitationDeclined",
    "CriticismVoiced",
    "AgreementSigned",
    "DiplomatExpelled",
]


@st.composite
def arrivals(draw):
    """Events in the order a store might receive them: positions rise, dates jump about."""
    count = draw(st.integers(min_value=1, max_value=25))
    out = []
    for n in range(1, count + 1):
        a, b = draw(st.permutations(sorted(PEOPLE)))[:2]
        out.append(
            ev(
                n,
                draw(st.sampled_from(KINDS)),
                draw(st.integers(0, 40)),
                (a, draw(st.sampled_from(PEOPLE[a]))),
                (b, draw(st.sampled_from(PEOPLE[b]))),
                draw(st.sampled_from(["reported", "reported", "reported", "planned"])),
            )
        )
    return out


def maintain(projection, stream, snapshot_every=0):
    """What a store would do: fold in arrival order, refolding a partition from a safe point when late."""
    state = projection.initial_state()
    seen: dict[str, list[Event]] = {}
    snapshots: dict[str, list[tuple[list, dict]]] = {}
    recomputes = 0
    for event in stream:
        key = projection.partition_of(event)
        if key is None:
            continue
        seen.setdefault(key, []).append(event)
        mark = projection.watermark(projection.value(state, key))
        decided = plan(key, mark, event, [k for k, _ in snapshots.get(key, [])])
        if decided.incremental:
            projection.apply(state, event)
        else:
            recomputes += 1
            ordered = in_valid_order(seen[key])
            if decided.safe_point is None:
                projection.rebuild_partition(state, key, ordered)
            else:
                base = dict(snapshots[key])[tuple(decided.safe_point)]
                partial = copy.deepcopy(base)
                for later in (e for e in ordered if sort_key(e) > decided.safe_point):
                    projection.apply(partial, later)
                _replace(state, partial, key)
            # Snapshots taken at or after the late event no longer hold: drop them.
            snapshots[key] = [(k, s) for k, s in snapshots.get(key, []) if k < sort_key(event)]
        if snapshot_every and len(seen[key]) % snapshot_every == 0:
            mark = projection.watermark(projection.value(state, key))
            snapshots.setdefault(key, []).append((mark, copy.deepcopy(state)))
            snapshots[key][-1] = (tuple(snapshots[key][-1][0]), snapshots[key][-1][1])
    return state, recomputes


def _replace(state, partial, key):
    container = "partitions" if "partitions" in state else "groups"
    state[container][key] = partial[container][key]


@settings(max_examples=150, deadline=None)
@given(arrivals(), st.sampled_from([0, 2, 3]))
def test_late_events_give_the_same_state_as_a_full_rebuild(stream, snapshot_every):
    for projection in FOLDS:
        kept, _ = maintain(projection, stream, snapshot_every)
        rebuilt = projection.fold(in_valid_order(stream))
        assert kept == rebuilt, projection.name


def test_an_old_article_arriving_late_forces_a_recompute_and_changes_the_answer():
    stream = [
        ev(1, "InvitationAccepted", 30, ("ITA", "Lia Conti"), ("AUT", "Eva Huber")),
        ev(2, "VisitMade", 35, ("ITA", "Lia Conti"), ("AUT", None)),
        ev(3, "InvitationExtended", 10, ("AUT", "Eva Huber"), ("ITA", "Lia Conti")),  # arrives last
    ]
    state, recomputes = maintain(INVITATIONS, stream)
    assert recomputes == 1
    [one] = invitations.invitations_of(state)
    assert (one.status, one.extended_on, one.invitation_id) == ("fulfilled", START + timedelta(days=10), "o3")
