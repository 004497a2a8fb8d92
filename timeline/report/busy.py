"""A busy pair's page in brief: counts per week or month per family, the events that weigh most,
and the rest as compact rows the page turns into a table only when asked ("show all").

Beyond a screenful of events, one marker and one row per event make solid columns of markers
and a page of megabytes; a reader wants the shape over time and the few events that moved it.
Pure: no store, no HTML.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from timeline.domain.events import Event
from timeline.projections.tone import DEFAULT_RULE, ToneRule

#: More events than this (the dyad's and its context's) and the page aggregates.
BUSY_EVENTS = 200
#: The events listed in full on a busy pair's page, the weightiest first.
TOP_EVENTS = 50
#: At most about this many bars across the chart: weeks while they fit, else months, else years.
MAX_BARS = 120
#: Open invitations first; the rest follow, grouped by how they ended.
INVITATION_ORDER = ("pending", "accepted", "fulfilled", "declined", "withdrawn")
OPEN_STATES = frozenset({"pending", "accepted"})


def is_busy(event_count: int) -> bool:
    return event_count > BUSY_EVENTS


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar: the days [start, end) and how many events of each family fell in them."""

    start: date
    end: date
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def bucket_unit(first: date, last: date) -> str:
    """ "week" when the span has at most MAX_BARS weeks, else "month", else "year"."""
    days = (last - first).days + 1
    if days / 7 <= MAX_BARS:
        return "week"
    if days / 30.44 <= MAX_BARS:
        return "month"
    return "year"


def bucket_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return date(day.year, 1, 1)


def next_start(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def bucket_label(bucket: Bucket, unit: str) -> str:
    start = bucket.start
    if unit == "week":
        return f"week of {start.day} {calendar.month_abbr[start.month]} {start.year}"
    if unit == "month":
        return f"{calendar.month_name[start.month]} {start.year}"
    return str(start.year)


def buckets(days_and_families: Iterable[tuple[date, str]], unit: str) -> list[Bucket]:
    """The bars, in time order, only those with an event (an empty week is a gap in the chart)."""
    counted: dict[date, Counter[str]] = {}
    for day, family in days_and_families:
        counted.setdefault(bucket_start(day, unit), Counter())[family] += 1
    return [Bucket(start, next_start(start, unit), dict(c)) for start, c in sorted(counted.items())]


def weight(event: Event, latest: date, rule: ToneRule = DEFAULT_RULE) -> float:
    """How much an event says: its |Goldstein| value, halving with age before the pair's latest event
    as the tone rule weighs facts (an event of no valence, or a context event, weighs its age alone
    times a little, so that it sorts after every valued one of its time)."""
    strength = abs(event.goldstein) if event.goldstein else 0.01
    return strength * rule.weight(event.occurred_on, latest)


def top_events(
    marked: Iterable[tuple[Event, bool]], count: int = TOP_EVENTS, rule: ToneRule = DEFAULT_RULE
) -> list[tuple[Event, bool]]:
    """The ``count`` weightiest (event, is context) pairs, shown in valid-time order."""
    items = list(marked)
    if not items:
        return []
    latest = max(e.occurred_on for e, _ in items)
    chosen = sorted(
        items, key=lambda item: (-weight(item[0], latest, rule), -item[0].occurred_on.toordinal())
    )[:count]
    return sorted(chosen, key=lambda item: (item[0].occurred_on, item[0].position or 0))


def compact_rows(
    marked: Iterable[tuple[Event, bool]],
    family: Callable[[str], str],
    kind: Callable[[Event], tuple[str, str]],
    party: Callable[[Event, str], str],
    source: Callable[[Event], tuple[str, str | None]],
) -> dict[str, Any]:
    """Every event as a short row of indexes into shared tables (types, parties, sources), so that
    31,000 events cost a dozen bytes each: ``{"start", "types", "parties", "sources", "rows"}``, a
    row being [days after the row before's day (the first: after start), type, actor, target,
    source minus the row before's source], and a sixth item, 1, for a context event."""
    items = list(marked)
    start = min((e.occurred_on for e, _ in items), default=date.today())
    tables: dict[str, dict[Any, int]] = {"types": {}, "parties": {}, "sources": {}}

    def index(table: str, value: Any) -> int:
        found = tables[table]
        return found.setdefault(value, len(found))

    rows = []
    day, source_at = 0, 0
    for event, context in items:
        label, coding = kind(event)
        # Day and source as steps from the row before: in date order both are mostly 0 or 1.
        offset, where = (event.occurred_on - start).days, index("sources", source(event))
        row = [
            offset - day,
            index("types", (label, coding, family(event.type))),
            index("parties", party(event, "actor")),
            index("parties", party(event, "target")),
            where - source_at,
        ]
        if context:
            row.append(1)
        rows.append(row)
        day, source_at = offset, where
    return {
        "start": start.isoformat(),
        "types": [list(t) for t in tables["types"]],
        "parties": list(tables["parties"]),
        "sources": [list(s) for s in tables["sources"]],
        "rows": rows,
    }


def grouped_invitations(
    invitations: Iterable[Mapping[str, Any]],
) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """The invitations by status, open ones first, each group newest first."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for invitation in invitations:
        groups.setdefault(str(invitation.get("status")), []).append(invitation)
    order = {s: n for n, s in enumerate(INVITATION_ORDER)}
    return [
        (status, sorted(items, key=lambda i: str(i.get("extended_on")), reverse=True))
        for status, items in sorted(
            groups.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    ]
