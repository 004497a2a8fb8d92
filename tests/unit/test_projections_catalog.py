"""Persisted projections fold one partition at a time; reads pick facts by date, side and type."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from timeline.domain.events import Event, Party
from timeline.projections.catalog import FACTS, INVITATIONS, PROJECTIONS, by_name, is_dyad_partition
from timeline.projections.facts import facts_of
from timeline.projections.ordering import in_valid_order
from timeline.projections.selection import FactFilter

START = date(2023, 6, 1)
_ids = itertools.count(1)


def ev(kind, day, actor, target, modality="reported"):
    n = next(_ids)
    return Event(
        event_id=f"c{n}",
        stream_id="s",
        stream_version=n,
        type=kind,
        occurred_on=START + timedelta(days=day),
        modality=modality,
        actor=Party(*actor),
        target=Party(*target),
        position=n,
    )


STREAM = [
    ev("MeetingHeld", 3, ("NOR", "Ola Berg"), ("FIN", "Aino Virtanen")),
    ev("InvitationExtended", 4, ("NOR", "Ola Berg"), ("FIN", "Aino Virtanen")),
    ev("CriticismVoiced", 9, ("FIN", None), ("EST", None)),
    ev("InvitationAccepted", 10, ("FIN", "Aino Virtanen"), ("NOR", None)),
    ev("VisitMade", 30, ("FIN", "Aino Virtanen"), ("NOR", None)),
    ev("MeetingHeld", 30, ("NOR", None), ("FIN", "Aino Virtanen")),
    ev("StatementRecorded", 31, ("FIN", None), ("FIN", None)),
    ev("MeetingHeld", 40, ("EST", None), ("NOR", None), modality="planned"),
]


def test_folding_partition_by_partition_equals_the_whole_fold():
    for projection in PROJECTIONS:
        whole = projection.fold(in_valid_order(STREAM))
        values: dict = {}
        for event in in_valid_order(STREAM):
            key = projection.partition_of(event)
            if key is not None:
                values[key] = projection.apply_partition(key, values.get(key), event)
        assert projection.state_of(values.items()) == whole, projection.name
        for key, value in values.items():
            events = [e for e in in_valid_order(STREAM) if projection.partition_of(e) == key]
            seen = []
            assert (
                projection.fold_partition(key, None, events, lambda v, e, seen=seen: seen.append(e.event_id))
                == value
            )
            assert seen == [e.event_id for e in events]
            assert projection.watermark(value) == (events[-1].occurred_on.isoformat(), events[-1].position)


def test_the_catalog():
    assert by_name("facts") is FACTS and by_name("invitations") is INVITATIONS
    assert FACTS.watermark(None) is None
    assert is_dyad_partition("FIN|NOR")
    assert (
        not is_dyad_partition("FIN|FIN") and not is_dyad_partition("-|FIN") and not is_dyad_partition("FIN|-")
    )


def test_a_fact_filter_bounds_dates_sides_and_types():
    facts = facts_of(FACTS.fold(in_valid_order(STREAM)))
    assert len(facts) == 6  # the visit absorbs the meeting of the same trip; the planned one is none

    def picked(**bounds):
        return [(f.type, f.occurred_on.day) for f in FactFilter(**bounds).select(facts)]

    assert picked(as_of=START + timedelta(days=9)) == [
        ("MeetingHeld", 4),
        ("InvitationExtended", 5),
        ("CriticismVoiced", 10),
    ]
    assert picked(since=START + timedelta(days=10), until=START + timedelta(days=30)) == [
        ("InvitationAccepted", 11),
        ("VisitMade", 1),
    ]
    assert picked(types=("VisitMade",)) == [("VisitMade", 1)]
    assert picked(actor="EST") == []
    assert picked(target="EST") == [("CriticismVoiced", 10)]
    # A meeting has no direction: either side matches; a person's name matches too.
    assert ("MeetingHeld", 4) in picked(actor="FIN")
    assert picked(actor="aino virtanen", types=("InvitationAccepted",)) == [("InvitationAccepted", 11)]


def test_a_fact_filter_skips_partitions_without_the_country_asked():
    wanted = FactFilter(actor="FIN", target="NOR")
    assert wanted.partition_accepts("FIN|NOR")
    assert not wanted.partition_accepts("EST|FIN")
    assert FactFilter(actor="Aino Virtanen").partition_accepts("EST|NOR")  # a person: any partition
