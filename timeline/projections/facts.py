"""Corroboration: reports of the same happening folded into one Fact with all its sources.

News repeats itself, so the projections count facts, not reports. Two reports are the
same fact when all of these hold:

* the same type; RelationsCharacterized also needs the same ``payload["tone"]``;
* the same sides: the same unordered pair of countries for symmetric types (a meeting, a
  call, an agreement), the same actor and target countries for the others;
* no contradicting people: on each side either report leaves the person out, or both
  name the same person ("Modi" and "Narendra Modi" agree, "Blinken" and "Austin" do not);
* close dates, by the coarser precision of the two: within 3 days (day), the same week
  with 3 days of slack (week), the same month (month), the same year (year);
* both are ``reported``: planned and negated events are not facts.

A visit counts once, not as a visit plus a hosting: a MeetingHeld between the visitor's
and the host's countries, within the visit's date window, whose person on the visitor's
side is the visitor (or unnamed), is a source of the VisitMade fact, whichever is read
first. The fact keeps the earliest date of its finest precision, the earliest date it was
reported (``payload["published"]`` where the extractor set it, else ``recorded_at``), its
sources in reading order and the union of their sectors.

The fold's state is a JSON-able dict partitioned by the pair of countries involved (see
:mod:`timeline.projections.ordering`); each partition keeps its facts and its watermark.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from typing import Any, NamedTuple

from timeline.domain.calendar import shift
from timeline.domain.events import Event, Party
from timeline.domain.vocabulary import event_types, types_of_family
from timeline.projections import facts_text, parties
from timeline.projections.projection import Projection, dump_state

State = dict[str, Any]

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
DAY_WINDOW = 3  # days either side for two day-precision reports of the same happening
#: How far back a fact can have been opened and still take a report, by the coarsest precision
#: the partition has seen (a month-precision fact opened on the 1st takes reports until the 31st).
REACH_DAYS = {0: DAY_WINDOW + 1, 1: 7 + DAY_WINDOW, 2: 32, 3: 367}
NOT_FACTS = types_of_family("housekeeping")  # retractions and erasures are not happenings


def initial_state() -> State:
    return {"groups": {}}


def is_fact_report(event: Event) -> bool:
    """Only reported happenings become facts; planned and negated ones do not."""
    return event.modality == "reported" and event.type not in NOT_FACTS


def group_key(event: Event) -> str:
    """The partition of an event: its two countries, sorted ("-" for an unknown side)."""
    a, b = event.actor.country or "-", event.target.country or "-"
    return f"{a}|{b}" if a <= b else f"{b}|{a}"


def partition_of(event: Event) -> str | None:
    """The partition an event is folded into, or None when it is no fact."""
    return group_key(event) if is_fact_report(event) else None


def dates_match(d1: date, p1: str, d2: date, p2: str) -> bool:
    """Could two reported dates name the same day, given their precisions."""
    r1, r2 = PRECISION_RANK.get(p1, 0), PRECISION_RANK.get(p2, 0)
    coarse = max(r1, r2)
    if coarse == PRECISION_RANK["year"]:
        return d1.year == d2.year
    if coarse == PRECISION_RANK["month"]:
        return (d1.year, d1.month) == (d2.year, d2.month)
    if coarse == PRECISION_RANK["week"]:
        if r1 == r2:
            return d1 == d2
        monday, other = (d1, d2) if r1 > r2 else (d2, d1)
        return shift(monday, -DAY_WINDOW) <= other <= shift(monday, 6 + DAY_WINDOW)
    return abs((d1 - d2).days) <= DAY_WINDOW


def reported_on(event: Event) -> str | None:
    """When the world first read of it: the article's date where known, else when it was stored."""
    published = event.payload.get("published") if event.payload else None
    if published:
        return str(published)
    return event.recorded_at.isoformat() if event.recorded_at else None


@cache
def _type_traits(type_name: str) -> tuple[str, float | None, bool]:
    """(family, default Goldstein value, symmetric) of a type: looked up once per type, not per report."""
    spec = event_types().get(type_name)
    if spec is None:
        return ("statements", None, False)
    return (spec.family, spec.goldstein, bool(spec.symmetric))


def _goldstein(event: Event) -> float | None:
    if event.goldstein is not None:
        return event.goldstein
    return _type_traits(event.type)[1]


def _family(type_name: str) -> str:
    return _type_traits(type_name)[0]


def _symmetric(type_name: str) -> bool:
    return _type_traits(type_name)[2]


def _sectors(event: Event) -> list[str]:
    raw = event.payload.get("sectors") if event.payload else None
    return sorted({str(s) for s in raw if s}) if raw else []


def _tone(event: Event) -> str | None:
    if event.type != "RelationsCharacterized":
        return None
    tone = (event.payload or {}).get("tone")
    return str(tone) if tone else None


def _open(event: Event, on: str) -> dict[str, Any]:
    """A new fact from its first report (``on``: the report's date, ISO)."""
    return {
        "fact_id": event.event_id,
        "type": event.type,
        "family": _family(event.type),
        "actor": event.actor.to_dict(),
        "target": event.target.to_dict(),
        "dyad": list(dyad) if (dyad := event.dyad) else None,
        "occurred_on": on,
        "date_precision": event.date_precision,
        "opened_on": on,
        "first_reported": reported_on(event),
        "sources": [event.event_id],
        "sectors": _sectors(event),
        "goldstein": _goldstein(event),
        "tone": _tone(event),
    }


def _aligned(fact: Mapping[str, Any], actor: Party, target: Party, symmetric: bool) -> bool | None:
    """True/False: the event's sides line up with the fact's as given/swapped; None: they do not."""
    fa, ft = fact["actor"]["country"], fact["target"]["country"]
    if (fa, ft) == (actor.country, target.country):
        return True
    if symmetric and (fa, ft) == (target.country, actor.country):
        return False
    return None


def _people_agree(fact: Mapping[str, Any], actor: Party, target: Party, straight: bool) -> bool:
    first, second = (actor, target) if straight else (target, actor)
    return parties.compatible_person(fact["actor"]["name"], first.name) and parties.compatible_person(
        fact["target"]["name"], second.name
    )


def _same_dates(fact: Mapping[str, Any], event: Event) -> bool:
    return dates_match(
        date.fromisoformat(fact["occurred_on"]),
        fact["date_precision"],
        event.occurred_on,
        event.date_precision,
    )


class _Report(NamedTuple):  # a tuple: made once per report matched, on the fold's hot path
    """What matching a report against each candidate fact asks of it, worked out once per report."""

    event: Event
    tone: str | None
    symmetric: bool
    actor: Party  # the sides without inferred people (see _named_sides)
    target: Party

    @classmethod
    def of(cls, event: Event) -> _Report:
        return cls(event, _tone(event), _symmetric(event.type), *_named_sides(event))


def _same_happening(fact: Mapping[str, Any], event: Event, report: _Report | None = None) -> bool:
    if fact["type"] != event.type:
        return False
    report = report or _Report.of(event)
    if fact["tone"] != report.tone:
        return False
    symmetric = report.symmetric
    straight = _aligned(fact, event.actor, event.target, symmetric)
    if straight is None:
        return False
    actor, target = report.actor, report.target
    if not _people_agree(fact, actor, target, straight):
        # Symmetric types between one country's own people can line up either way round.
        if not (symmetric and event.actor.country == event.target.country):
            return False
        if not _people_agree(fact, actor, target, not straight):
            return False
    return _same_dates(fact, event)


def _named_sides(event: Event) -> tuple[Party, Party]:
    """The event's sides without the people the extractor only inferred (the lexicon's holder of
    an office the text names): an inference does not contradict a report that names someone."""
    inferred = event.payload.get("inferred_persons") or ()
    actor = replace(event.actor, name=None) if "actor" in inferred else event.actor
    target = replace(event.target, name=None) if "target" in inferred else event.target
    return actor, target


def _hosting_of(visit: Mapping[str, Any], meeting_actor: Party, meeting_target: Party) -> bool:
    """A meeting between the visit's two countries whose person on the visitor's side is the visitor."""
    visitor, host = visit["actor"], visit["target"]
    pair = {meeting_actor.country, meeting_target.country}
    if pair != {visitor["country"], host["country"]} or visitor["country"] == host["country"]:
        return False
    on_visitor_side = meeting_actor if meeting_actor.country == visitor["country"] else meeting_target
    return parties.compatible_person(visitor["name"], on_visitor_side.name)


def _meeting_is_hosting(visit: Mapping[str, Any], event: Event) -> bool:
    return (
        visit["type"] == "VisitMade"
        and event.type == "MeetingHeld"
        and _hosting_of(visit, event.actor, event.target)
        and _same_dates(visit, event)
    )


def _absorb(fact: dict[str, Any], event: Event) -> None:
    """Add one more report of the same happening to ``fact``."""
    fact["sources"].append(event.event_id)
    if fact["type"] == event.type:
        fact["actor"] = parties.merge_party(fact["actor"], event.actor.to_dict())
        fact["target"] = parties.merge_party(fact["target"], event.target.to_dict())
        rank_fact = PRECISION_RANK.get(fact["date_precision"], 0)
        rank_event = PRECISION_RANK.get(event.date_precision, 0)
        on = event.occurred_on.isoformat()
        if rank_event < rank_fact or (rank_event == rank_fact and on < fact["occurred_on"]):
            fact["occurred_on"], fact["date_precision"] = on, event.date_precision
    if event.payload and event.payload.get("sectors"):
        fact["sectors"] = sorted(set(fact["sectors"]) | set(_sectors(event)))
    reported = reported_on(event)
    if reported and (fact["first_reported"] is None or reported < fact["first_reported"]):
        fact["first_reported"] = reported


def _merge_meeting_into_visit(visit: dict[str, Any], meeting: Mapping[str, Any]) -> None:
    visit["sources"].extend(meeting["sources"])
    visit["sectors"] = sorted(set(visit["sectors"]) | set(meeting["sectors"]))
    if meeting["first_reported"] and (
        visit["first_reported"] is None or meeting["first_reported"] < visit["first_reported"]
    ):
        visit["first_reported"] = meeting["first_reported"]


def _horizon(group: Mapping[str, Any], event: Event) -> str:
    """The earliest ``opened_on`` (ISO) of a fact of the partition that could still take this report."""
    coarsest = max(group["coarsest"], PRECISION_RANK.get(event.date_precision, 0))
    return _days_before(event.occurred_on, REACH_DAYS[coarsest])


@lru_cache(maxsize=4096)  # a date-ordered fold asks the same few days over and over
def _days_before(day: date, days: int) -> str:
    return shift(day, -days).isoformat()


def _candidates(group: Mapping[str, Any], event: Event) -> Iterable[dict[str, Any]]:
    """Facts of the partition that could still take this report, most recently opened first."""
    horizon = _horizon(group, event)
    for fact in reversed(group["facts"]):
        if fact["opened_on"] < horizon:
            break  # facts are opened in valid-time order, so every earlier one is older still
        yield fact


def _find(group: Mapping[str, Any], event: Event) -> dict[str, Any] | None:
    hosting = None
    report = None
    meeting = event.type == "MeetingHeld"  # only a meeting can be a visit's hosting
    horizon = _horizon(group, event)
    for fact in reversed(group["facts"]):  # _candidates, without a generator on the hot path
        if fact["opened_on"] < horizon:
            break
        if fact["type"] == event.type:
            report = report or _Report.of(event)
            if _same_happening(fact, event, report):
                return fact
        elif meeting and hosting is None and _meeting_is_hosting(fact, event):
            hosting = fact
    return hosting


def _absorb_earlier_meetings(group: dict[str, Any], visit: dict[str, Any], event: Event) -> None:
    """A visit read after the meetings of the same trip takes them in as its sources."""
    hosted = [
        fact
        for fact in _candidates(group, event)
        if fact is not visit
        and fact["type"] == "MeetingHeld"
        and _hosting_of(visit, Party.from_dict(fact["actor"]), Party.from_dict(fact["target"]))
        and dates_match(
            date.fromisoformat(fact["occurred_on"]),
            fact["date_precision"],
            event.occurred_on,
            event.date_precision,
        )
    ]
    if not hosted:
        return
    for fact in reversed(hosted):  # back in reading order
        _merge_meeting_into_visit(visit, fact)
    gone = {id(f) for f in hosted}
    # The meetings are among the newest facts: filter only the tail, so a busy pair stays linear.
    facts = group["facts"]
    cut, left = len(facts), len(gone)
    while left:
        cut -= 1
        left -= id(facts[cut]) in gone
    group["facts"] = facts[:cut] + [f for f in facts[cut:] if id(f) not in gone]


def fold_one(state: State, event: Event) -> dict[str, Any] | None:
    """Fold one event and return the fact (state dict) it joined or opened, None if it is no fact."""
    if not is_fact_report(event):
        return None
    groups = state["groups"]
    key = group_key(event)
    group = groups.get(key)
    if group is None:
        group = groups[key] = {"facts": [], "through": None, "coarsest": 0}
    on = event.occurred_on.isoformat()
    fact = _find(group, event)
    if fact is not None:
        _absorb(fact, event)
    else:
        fact = _open(event, on)
        group["facts"].append(fact)
        if event.type == "VisitMade":
            _absorb_earlier_meetings(group, fact, event)
    group["through"] = [on, event.position if event.position is not None else -1]  # as sort_key
    rank = PRECISION_RANK.get(event.date_precision, 0)
    if rank > group["coarsest"]:
        group["coarsest"] = rank
    return fact


def apply(state: State, event: Event) -> State:
    """Fold one event (in valid-time order). Updates ``state`` in place and returns it."""
    fold_one(state, event)
    return state


def settled(group: Mapping[str, Any], day: date) -> int:
    """How many of the group's first facts no event dated ``day`` or later can change: those opened
    before the widest reach back (facts are opened in valid-time order, see ``_candidates``)."""
    horizon = shift(day, -max(REACH_DAYS.values())).isoformat()
    facts = group["facts"]
    count = 0
    while count < len(facts) and facts[count]["opened_on"] < horizon:
        count += 1
    return count


def snapshot_skips(group: Mapping[str, Any], day: date, among: Mapping[str, Any] | None = None) -> int:
    """How many of the first facts of ``among`` (default: ``group``) a snapshot of ``group`` after
    an event dated ``day`` leaves out: those opened before the reach of the coarsest precision the
    group has seen. As long as no report coarser than that comes (see :func:`restorable`), no event
    dated ``day`` or later can change them, and the stored group still holds them as they were."""
    horizon = _days_before(day, REACH_DAYS[group["coarsest"]])
    return bisect_left((group if among is None else among)["facts"], horizon, key=_opened)


def _rank(event: Event) -> int:
    return PRECISION_RANK.get(event.date_precision, 0)


def restorable(snapshot: Mapping[str, Any], stored: Mapping[str, Any] | None, late: Sequence[Event]) -> bool:
    """Whether a refold with the reports ``late`` can start from ``snapshot`` and the stored group's
    facts it left out: only when no report after it is coarser than those before it (the stored
    group's ``coarsest``, which every member raised, is the snapshot's, and so is every late
    report's at most), so that no later report reaches back beyond the facts it keeps."""
    reach = snapshot["coarsest"]
    return stored is not None and stored["coarsest"] == reach and all(_rank(e) <= reach for e in late)


def splice(stored: Mapping[str, Any], refolded: Mapping[str, Any], day: date) -> State | None:
    """A refold of late events that reached, after an event dated ``day``, the same snapshot as the
    stored group had there (the same facts a snapshot keeps, and the same ``coarsest``): from then
    on both folds are the same, so the group is the refolded facts the snapshot left out followed
    by the stored ones from there on. None when a stored member after ``day`` is coarser than the
    snapshot's precision (it could reach the facts left out, which may differ): fold on.

    The watermark is the stored one (the refold stopped before it).
    """
    if stored["coarsest"] != refolded["coarsest"]:
        return None
    return {
        **stored,
        "facts": refolded["facts"][: snapshot_skips(refolded, day)]
        + stored["facts"][snapshot_skips(refolded, day, stored) :],
    }


def _opened(fact: Mapping[str, Any]) -> str:
    return str(fact["opened_on"])


def _earliest_joinable(day: date, future: int) -> list[str]:
    """By a fact's precision rank: the earliest ``occurred_on`` a report dated ``day`` or later, of
    precision rank at most ``future``, can still match (see :func:`dates_match`, whose test is set
    by the coarser precision of the two): within 3 days (day), 9 (a week's Monday against a day),
    the same month, the same year."""
    bound = [
        shift(day, -DAY_WINDOW).isoformat(),
        shift(day, -(6 + DAY_WINDOW)).isoformat(),
        day.replace(day=1).isoformat(),
        day.replace(month=1, day=1).isoformat(),
    ]
    return [min(bound[level] for level in range(rank, max(rank, future) + 1)) for rank in range(4)]


_OPENING = '{"facts":['  # how a group's JSON begins: its facts are its first key


class Divergence:
    """A dyad's facts refolded with late reports (``new``) beside the same members folded without
    them (``old``, what the stored group was), both from the event before the first late report on.

    Once the two differ only in facts no later report can reach (:meth:`converged`), every later
    report joins or opens the same fact in both, so the group a full refold would end with is the
    refolded facts up to there followed by the stored group's from there on (:meth:`splice`), and a
    stored snapshot after that point differs from a replay's only in those facts (:meth:`patch`).
    A fact can be reached when a later report could match its date (:func:`dates_match`, by the
    coarsest precision of the dyad's reports) and it is still among that report's candidates.
    """

    def __init__(
        self, key: str, value: State, stored: Mapping[str, Any], day: date, late: Sequence[Event]
    ) -> None:
        """Fork ``value`` (the refolded group before the first late report, dated ``day``)."""
        self.key = key
        self.stored = stored
        if value is None:  # the refold starts from empty and the late report comes first
            value = {"facts": [], "through": None, "coarsest": 0}
        ranks = [PRECISION_RANK.get(e.date_precision, 0) for e in late]
        reach = max([stored["coarsest"], value["coarsest"], *ranks])
        facts = value["facts"]
        # Facts opened before this no report dated ``day`` or later can change: both folds share them.
        self.shared = bisect_left(facts, shift(day, -REACH_DAYS[reach]).isoformat(), key=_opened)
        copied = json.loads(dump_state({"facts": facts[self.shared :]}))["facts"]
        self.old_state: State = {"groups": {key: {**value, "facts": facts[: self.shared] + copied}}}
        self.new: State | None = None
        self.cut: tuple[int, int, int] | None = None  # (new's prefix, old's prefix, common prefix)

    def apply_old(self, event: Event) -> None:
        fold_one(self.old_state, event)

    def converged(self, new: Mapping[str, Any], day: date) -> bool:
        """Whether no report dated ``day`` or later (a stored member: its precision is at most the
        stored group's coarsest) can tell the two folds apart; then :meth:`splice` and :meth:`patch`
        may be called."""
        old = self.old_state["groups"][self.key]
        if new["coarsest"] != old["coarsest"] or new["through"] != old["through"]:
            return False
        future = max(self.stored["coarsest"], new["coarsest"])
        horizon = shift(day, -REACH_DAYS[future]).isoformat()
        joinable = _earliest_joinable(day, future)
        fa, fb = new["facts"], old["facts"]
        same, most = 0, min(len(fa), len(fb))
        while same < most and fa[-1 - same]["opened_on"] >= horizon and fa[-1 - same] == fb[-1 - same]:
            same += 1
        for facts in (fa, fb):
            for fact in reversed(facts[self.shared : len(facts) - same]):
                if fact["opened_on"] < horizon:
                    break  # opened in valid-time order: every earlier one is older still
                if fact["occurred_on"] >= joinable[PRECISION_RANK.get(fact["date_precision"], 0)]:
                    return False
        a_hi, b_hi = len(fa) - same, len(fb) - same
        common = self.shared
        while common < min(a_hi, b_hi) and fa[common] == fb[common]:
            common += 1
        self.new, self.cut = dict(new), (a_hi, b_hi, common)
        return True

    def splice(self) -> State:
        """The group a refold to the last member would end with: the refolded facts before the
        point where the folds met, then the stored ones from there on. Raises LookupError when
        the folds met past the stored facts given."""
        assert self.new is not None and self.cut is not None
        a_hi, b_hi, _ = self.cut
        old, stored = self.old_state["groups"][self.key]["facts"], self.stored["facts"]
        if b_hi > len(stored):  # a stored group read only up to a day (see read_window)
            raise LookupError("the folds met past the stored facts decoded")
        assert b_hi == 0 or stored[b_hi - 1] == old[b_hi - 1]
        return {
            **self.stored,
            "facts": self.new["facts"][:a_hi] + stored[b_hi:],
            "coarsest": max(self.stored["coarsest"], self.new["coarsest"]),
        }

    def patch(self, text: str, day: date) -> str | None:
        """A stored snapshot taken after an event dated ``day`` past the meeting point, as a replay
        would write it: the old fold's facts before the meeting point that it holds replaced by the
        new fold's (None: it holds none of either, nor does any later one, and it stands as it is).
        Raises LookupError when the text is not laid out as expected."""
        assert self.new is not None and self.cut is not None
        a_hi, b_hi, common = self.cut
        fa, fb = self.new["facts"], self.old_state["groups"][self.key]["facts"]
        if not text.startswith(_OPENING):
            raise LookupError("a facts snapshot that does not begin with its facts")
        reach = facts_text.tail(text)["coarsest"]
        horizon = _days_before(day, REACH_DAYS[reach])  # as snapshot_skips and checkpoint
        a_lo = bisect_left(fa, horizon, hi=a_hi, key=_opened)
        b_lo = bisect_left(fb, horizon, hi=b_hi, key=_opened)
        if a_lo == a_hi and b_lo == b_hi:
            # It holds none of them; a later snapshot holds none either unless a coarser report
            # came between, which reaches further back.
            return None if reach == self.stored["coarsest"] else text
        take, drop = max(a_lo, common), max(b_lo, common)
        if drop < b_hi:
            first, last = dump_state(fb[drop]), dump_state(fb[b_hi - 1])
            start = text.find(first)
            end = text.find(last, max(start, 0))
            if start < 0 or end < 0:
                raise LookupError("a stored snapshot without the facts it should hold")
            end += len(last)
        elif drop > b_lo:
            before = dump_state(fb[drop - 1])
            start = text.find(before)
            if start < 0:
                raise LookupError("a stored snapshot without the facts it should hold")
            start = end = start + len(before)
        else:
            start = end = len(_OPENING)
        head, tail = text[:start], text[end:]
        between = ",".join(dump_state(f) for f in fa[take:a_hi])
        if between:
            if head[-1] not in "[,":
                between = "," + between
            if tail[0] not in "],":
                between += ","
        elif start < end:
            if head.endswith(","):
                head = head[:-1]
            elif tail.startswith(","):
                tail = tail[1:]
        return head + between + tail


#: How much later than the day it was opened a fact can be dated, by the coarsest precision its
#: group has seen: only a finer report moves a fact's date later (a year's fact to a day of that
#: year, then a month's to a day of that month, a week's to a day near its Monday), and reports
#: are folded in date order, so no fact is dated before the day it was opened.
LATER_DATE_DAYS = {0: 0, 1: 10, 2: 10 + 31, 3: 10 + 31 + 366}
#: How far past the last late report a refold's stored facts are decoded: it stops within a few
#: days of it when the dyad's reports are day-precise (else it refolds to the last member).
WINDOW_DAYS = 31


class Window(NamedTuple):
    """A stored group read for a refold from a snapshot after an event dated ``day`` (see
    :func:`read_window`), and what the facts left as text vouch for."""

    before: str  # the settled facts as of ``day``, as JSON text (the snapshot left them out)
    group: State  # the group with the facts opened from there up to a month after the late reports
    after: str  # the facts opened after those, as JSON text
    low: str  # every fact in ``before`` is dated before this (ISO)
    high: str  # every fact in ``after`` is dated on or after this


def _window_bounds(snapshot: Mapping[str, Any], day: date, until: date) -> tuple[date, date]:
    """The opened_on days :func:`read_window` decodes the facts from and up to (excluded)."""
    return shift(day, -REACH_DAYS[snapshot["coarsest"]]), shift(max(day, until), WINDOW_DAYS)


def window_chunks(snapshot: Mapping[str, Any], day: date, until: date) -> tuple[int, int]:
    """The first and last chunk (the years facts were opened in, see ``facts_text.by_year``) that
    :func:`read_window` reads of a group for the same arguments."""
    since, high = _window_bounds(snapshot, day, until)
    return since.year, high.year


def read_window(text: str, snapshot: Mapping[str, Any], day: date, until: date) -> Window | None:
    """The stored group ``text`` for a refold from ``snapshot``, taken after an event dated ``day``,
    of late reports dated up to ``until``: decoded only from the facts the snapshot left out (see
    :func:`snapshot_skips`) to WINDOW_DAYS after ``until`` (None: text not laid out as dump_state
    writes it). ``text`` may hold only the chunks :func:`window_chunks` names: the facts outside
    them are neither in the window nor in its texts before and after."""
    since, until_day = _window_bounds(snapshot, day, until)
    horizon, high = since.isoformat(), until_day.isoformat()  # horizon as snapshot_skips
    parts = facts_text.cut(text, horizon, high)
    if parts is None:
        return None
    low = "0001-01-01"
    if parts.latest_before is not None:
        drift = LATER_DATE_DAYS[parts.group["coarsest"]]
        low = shift(date.fromisoformat(parts.latest_before), drift + 1).isoformat()
    return Window(parts.before, parts.group, parts.after, low, high)


FACTS = Projection(
    "facts",
    "groups",
    initial_state,
    apply,
    partition_of,
    items="facts",
    settled=settled,
    splice=splice,
    diverge=Divergence,
    apply_item=fold_one,
    read_window=read_window,
    join_window=facts_text.joined,
    chunked=facts_text.by_year,
    window_chunks=window_chunks,
    snapshot_skips=snapshot_skips,
    restorable=restorable,
)
fold = FACTS.fold


@dataclass(frozen=True, slots=True)
class Fact:
    """One happening, however many reports tell of it."""

    fact_id: str
    type: str
    family: str
    actor: Party
    target: Party
    occurred_on: date
    date_precision: str
    first_reported: str | None
    sources: tuple[str, ...]
    sectors: tuple[str, ...]
    goldstein: float | None
    tone: str | None

    @property
    def source_count(self) -> int:
        return len(self.sources)

    @property
    def dyad(self) -> tuple[str, str] | None:
        a, b = self.actor.country, self.target.country
        if not a or not b or a == b:
            return None
        return (a, b) if a <= b else (b, a)

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> Fact:
        return cls(
            fact_id=data["fact_id"],
            type=data["type"],
            family=data["family"],
            actor=Party.from_dict(data["actor"]),
            target=Party.from_dict(data["target"]),
            occurred_on=date.fromisoformat(data["occurred_on"]),
            date_precision=data["date_precision"],
            first_reported=data["first_reported"],
            sources=tuple(data["sources"]),
            sectors=tuple(data["sectors"]),
            goldstein=data["goldstein"],
            tone=data["tone"],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fact_id": self.fact_id,
            "type": self.type,
            "family": self.family,
            "actor": self.actor.to_dict(),
            "target": self.target.to_dict(),
            "dyad": list(self.dyad) if self.dyad else None,
            "occurred_on": self.occurred_on.isoformat(),
            "date_precision": self.date_precision,
            "first_reported": self.first_reported,
            "sources": list(self.sources),
            "source_count": self.source_count,
            "sectors": list(self.sectors),
            "goldstein": self.goldstein,
            "tone": self.tone,
        }


def facts_of(state: Mapping[str, Any], group: str | None = None) -> list[Fact]:
    """The facts of one partition (or all), ordered by date then by the order they were opened."""
    keys = [group] if group else sorted(state["groups"])
    found = [
        (f["occurred_on"], key, i, f)
        for key in keys
        for i, f in enumerate(state["groups"].get(key, {"facts": []})["facts"])
    ]
    found.sort(key=lambda t: t[:3])
    return [Fact.from_state(t[3]) for t in found]


def run(events: Iterable[Event]) -> list[Fact]:
    """Every fact the events tell of."""
    return facts_of(fold(events))
