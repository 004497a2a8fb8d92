"""A dyad's digest gives the same status as folding its facts, as of any date."""

from __future__ import annotations

import marshal
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.events import Event, Party
from timeline.projections import digest, facts
from timeline.projections.catalog import FACTS
from timeline.projections.ordering import in_valid_order
from timeline.projections.relations import status as folded_status
from timeline.projections.tone import ToneRule

START = date(2021, 1, 1)
KINDS = [
    "MeetingHeld",
    "VisitMade",
    "AgreementSigned",
    "CooperationIntentExpressed",
    "CriticismVoiced",
    "DiplomatExpelled",
    "RelationsCharacterized",
    "StatementRecorded",
    "AidProvided",
]


@st.composite
def dyad_events(draw):
    out = []
    for n in range(1, draw(st.integers(1, 40)) + 1):
        kind = draw(st.sampled_from(KINDS))
        a, b = draw(st.sampled_from([("SWE", "DNK"), ("DNK", "SWE")]))
        payload = {}
        if kind == "RelationsCharacterized":
            payload["tone"] = draw(
                st.sampled_from(["hostile", "strained", "neutral", "cooperative", "close", None])
            )
        if draw(st.booleans()):
            payload["sectors"] = draw(st.lists(st.sampled_from(["trade", "energy", "health"]), max_size=2))
        out.append(
            Event(
                event_id=f"d{n}",
                stream_id="s",
                stream_version=n,
                type=kind,
                occurred_on=START + timedelta(days=draw(st.integers(0, 1200))),
                date_precision=draw(st.sampled_from(["day", "day", "month"])),
                actor=Party(a),
                target=Party(b),
                payload=payload,
                position=n,
            )
        )
    return out


def same(mine, theirs):
    assert (mine is None) == (theirs is None)
    if mine is None:
        return
    assert abs(mine.score - theirs.score) <= 0.0011
    assert mine.to_json() | {"score": None} == theirs.to_json() | {"score": None}


@settings(max_examples=150, deadline=None)
@given(dyad_events(), st.lists(st.integers(-10, 6000), min_size=1, max_size=6), st.sampled_from([2, 5, 128]))
def test_the_digest_reads_like_the_facts(events, days, block):
    saved = digest.BLOCK
    digest.BLOCK = block
    try:
        state = facts.fold(in_valid_order(events))
        group = state["groups"]["DNK|SWE"]
        built = digest.build(group)
        assert digest.usable(built)
        for day in days:
            as_of = START + timedelta(days=day)
            same(digest.status(built, ("DNK", "SWE"), as_of), folded_status(state, ("DNK", "SWE"), as_of))
    finally:
        digest.BLOCK = saved


def test_a_digest_of_another_rule_is_not_used_and_the_facts_are_read_instead():
    event = Event("x1", "s", 1, "AgreementSigned", START, actor=Party("SWE"), target=Party("DNK"), position=1)
    state = facts.fold([event])
    built = digest.build(state["groups"]["DNK|SWE"])
    other = ToneRule(half_life_days=30.0)
    assert digest.usable(built) and not digest.usable(built, other) and not digest.usable(None)
    reads = []

    def state_of(key):
        reads.append(key)
        return state

    as_of = START + timedelta(days=60)
    [mine] = digest.statuses([("DNK|SWE", built)], as_of, state_of, other)
    assert reads == ["DNK|SWE"] and mine == folded_status(state, ("DNK", "SWE"), as_of, other)
    [fast] = digest.statuses([("DNK|SWE", built)], as_of, state_of)
    assert reads == ["DNK|SWE"] and fast.fact_count == 1
    assert digest.statuses([("DNK|SWE", built)], START - timedelta(days=1), state_of) == []


def test_dates_beyond_the_digest_range_are_folded_instead():
    """A fact dated 9999-12-31 (a hostile or mistyped date line) must not break every read."""
    events = [
        Event(
            "f1",
            "s",
            1,
            "MeetingHeld",
            date(9999, 12, 31),
            actor=Party("SWE"),
            target=Party("DNK"),
            position=1,
        ),
        Event("f2", "s", 2, "MeetingHeld", START, actor=Party("SWE"), target=Party("DNK"), position=2),
    ]
    state = facts.fold(in_valid_order(events))
    built = digest.build(state["groups"]["DNK|SWE"])
    assert not digest.usable(built)
    for as_of in (START, date(9999, 12, 31)):
        [mine] = digest.statuses([("DNK|SWE", built)], as_of, lambda _key: state)
        assert mine == folded_status(state, ("DNK", "SWE"), as_of)


def test_a_quiet_dyad_reads_the_same_from_its_digest_years_later():
    """Ages count from the latest fact, so the digest's answer is the fold's long after it too."""
    kinds = ["MeetingHeld", "DiplomatExpelled", "CriticismVoiced"]
    events = [
        Event(f"q{n}", "s", n, kind, START + timedelta(days=40 * n), actor=Party("SWE"), target=Party("DNK"),
              position=n)
        for n, kind in enumerate(kinds, 1)
    ]  # fmt: skip
    state = facts.fold(in_valid_order(events))
    built = digest.build(state["groups"]["DNK|SWE"])
    answers = []
    for years in (0, 3, 30, 150):
        as_of = START + timedelta(days=120 + 365 * years)
        mine = digest.status(built, ("DNK", "SWE"), as_of)
        same(mine, folded_status(state, ("DNK", "SWE"), as_of))
        answers.append((mine.tone, mine.score))
        assert mine.quiet_days == (as_of - (START + timedelta(days=120))).days
    assert set(answers) == {("hostile", answers[0][1])}


@settings(max_examples=60, deadline=None)
@given(dyad_events())
def test_a_digest_from_the_entries_of_facts_set_aside_equals_the_whole_groups(events):
    """A replay keeps, for the facts it sets aside, only their digest entries (marshalled to a
    file): the digest built from those and the facts still held is the one built from the group."""
    group = facts.fold(in_valid_order(events))["groups"]["DNK|SWE"]
    whole = digest.build(group)
    held = group["facts"]
    for cut in range(len(held) + 1):
        earlier = marshal.loads(marshal.dumps(FACTS.digest_entries("DNK|SWE", held[:cut])))
        assert FACTS.digest_from("DNK|SWE", {**group, "facts": held[cut:]}, earlier) == whole
    assert FACTS.digest_entries("SWE|SWE", held) == [] and FACTS.digest_from("SWE|SWE", group, []) is None
