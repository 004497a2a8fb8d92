"""A stored facts group read in three parts gives back its own bytes, and its digest spliced
after a change is the digest built anew."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_projections_digest import START, dyad_events
from timeline.domain.calendar import shift
from timeline.projections import digest, facts, facts_text
from timeline.projections.ordering import in_valid_order
from timeline.projections.projection import dump_state

DAYS = st.integers(-30, 1300)


@settings(max_examples=80, deadline=None)
@given(dyad_events(), DAYS, DAYS)
def test_a_group_cut_at_two_days_joins_back_to_its_own_bytes(events, since, until):
    group = facts.fold(in_valid_order(events))["groups"]["DNK|SWE"]
    text = dump_state(group)
    first, last = (START + timedelta(days=d) for d in sorted((since, until)))
    parts = facts_text.cut(text, first.isoformat(), last.isoformat())
    assert parts is not None
    held = group["facts"]
    between = [f for f in held if first.isoformat() <= f["opened_on"] < last.isoformat()]
    before = [f for f in held if f["opened_on"] < first.isoformat()]
    assert parts.group == {**group, "facts": between}
    assert parts.latest_before == (before[-1]["opened_on"] if before else None)
    assert facts_text.joined(parts.before, dump_state(parts.group), parts.after) == text
    # The facts between may change: the joined text is the group holding the changed ones.
    fewer = {**parts.group, "facts": between[1:]}
    joined = facts_text.joined(parts.before, dump_state(fewer), parts.after)
    assert json.loads(joined)["facts"] == [f for f in held if f not in between[:1]]


def test_text_laid_out_otherwise_is_not_cut():
    assert facts_text.cut('{"through":null,"facts":[]}', "2021-01-01", "2021-02-01") is None
    assert facts.read_window("[]", {"coarsest": 0}, START, START) is None


@settings(max_examples=80, deadline=None)
@given(dyad_events(), st.integers(0, 1200), st.sampled_from(["day", "month"]), st.integers(0, 400))
def test_a_digest_spliced_after_a_late_report_is_the_digest_built_anew(events, late_day, precision, span):
    """A late report changes a run of the facts: the digest spliced from the one before, given a
    stretch of the facts around the run, is the digest built from the facts after (or None, when
    the facts outside the stretch are dated where the run is)."""
    late = events[0].__class__(
        event_id="late",
        stream_id="s",
        stream_version=999,
        type=events[0].type,
        occurred_on=START + timedelta(days=late_day),
        date_precision=precision,
        actor=events[0].actor,
        target=events[0].target,
        payload=dict(events[0].payload),
        position=999,
    )
    before = facts.fold(in_valid_order(events))["groups"]["DNK|SWE"]
    after = facts.fold(in_valid_order([*events, late]))["groups"]["DNK|SWE"]
    old, new = before["facts"], after["facts"]
    # The stretch: the facts opened within ``span`` days of the late report, in both.
    lo_day = shift(late.occurred_on, -span).isoformat()
    hi_day = shift(late.occurred_on, span + 1).isoformat()
    cut_old = [i for i, f in enumerate(old) if lo_day <= f["opened_on"] < hi_day]
    cut_new = [i for i, f in enumerate(new) if lo_day <= f["opened_on"] < hi_day]
    a0, a1 = (cut_old[0], cut_old[-1] + 1) if cut_old else (0, 0)
    b0, b1 = (cut_new[0], cut_new[-1] + 1) if cut_new else (0, 0)
    if old[:a0] != new[:b0] or old[a1:] != new[b1:] or a0 != b0:
        return  # the change reaches outside the stretch: not a case a refold hands over
    outside = [*old[:a0], *old[a1:]]
    low = max((f["occurred_on"] for f in old[:a0]), default="0001-01-01")
    low = shift(START.fromisoformat(low), 1).isoformat() if old[:a0] else low
    high = min((f["occurred_on"] for f in old[a1:]), default="9999-12-31")
    built = digest.spliced(digest.build(before), old[a0:a1], new[b0:b1], low, high)
    if built is None:
        assert outside  # only facts outside the stretch can make a splice impossible
        return
    assert json.loads(dump_state(built)) == json.loads(dump_state(digest.build(after)))
    assert dump_state(built) == dump_state(digest.build(after))


@settings(max_examples=60, deadline=None)
@given(dyad_events())
def test_a_group_split_by_year_joins_back_to_its_own_bytes(events):
    group = facts.fold(in_valid_order(events))["groups"]["DNK|SWE"]
    text = dump_state(group)
    found = facts_text.by_year(text)
    assert found is not None
    empty, chunks = found
    assert empty == dump_state({**group, "facts": []})
    years = [year for year, _ in chunks]
    assert years == sorted(set(years))
    for year, items in chunks:
        assert {f["opened_on"][:4] for f in json.loads("[" + items + "]")} == {f"{year:04d}"}
    assert facts_text.joined("", empty, ",".join(items for _, items in chunks)) == text
    assert facts_text.by_year('{"through":null,"facts":[]}') is None
