"""What a report shows, gathered from the store through the service layer: per dyad, its status,
its events and their context, its tone over time and its invitations, and the articles cited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from timeline import service
from timeline.clock import today
from timeline.domain.articles import Article
from timeline.domain.events import Event
from timeline.query import EventQuery
from timeline.report.busy import is_busy, top_events
from timeline.report.series import TonePoint, tone_series

Dyad = tuple[str, str]


@dataclass(frozen=True, slots=True)
class DyadView:
    """One dyad's part of the report."""

    dyad: Dyad
    status: dict[str, Any] | None  # the `relations` record, None when no fact links the two yet
    events: tuple[Event, ...]  # the dyad's events, in valid-time order
    context: tuple[Event, ...]  # events of the same articles with one side of the dyad and no other country
    series: tuple[TonePoint, ...]
    invitations: tuple[dict[str, Any], ...]  # `invitations` records between the two

    @property
    def key(self) -> str:
        return "-".join(self.dyad)

    @property
    def busy(self) -> bool:
        """More than a screenful of events: the page shows this pair in aggregate (see ``busy``)."""
        return is_busy(len(self.events) + len(self.context))

    def timeline(self) -> list[tuple[Event, bool]]:
        """Every event shown, in valid-time order, with True for a context event."""
        marked = [(e, False) for e in self.events] + [(e, True) for e in self.context]
        return sorted(marked, key=lambda item: (item[0].occurred_on, item[0].position or 0))

    def listed(self) -> list[tuple[Event, bool]]:
        """The events the page lists in full: every one, or a busy pair's weightiest."""
        return top_events(self.timeline()) if self.busy else self.timeline()


@dataclass(frozen=True, slots=True)
class ReportView:
    """The whole page: one dyad, or every dyad the store links as of the day."""

    as_of: date
    known_at: datetime | None
    dyads: tuple[DyadView, ...]
    articles: dict[str, Article] = field(default_factory=dict)
    single: bool = True


def _context(
    store: Any, dyad: Dyad, events: Sequence[Event], as_of: date, known_at: datetime | None
) -> list[Event]:
    """Events the dyad's articles report about one of the two countries with no other country named.

    "Condolences for the attack in Moscow": the attack has no known perpetrator, so it belongs to
    no dyad, but it is what the condolences answer, and the report should show it beside them.
    """
    found: dict[str, Event] = {}
    sides = set(dyad)
    # The retractions read once, not as a clause of each article's read: a busy pair cites
    # thousands of articles, and that clause cost more than the read itself.
    retracted = {
        str(e.payload.get("retracted_event_id"))
        for e in store.read(EventQuery(types=(service.RETRACTED,), known_at=known_at))
    }
    for article_id in dict.fromkeys(e.provenance.article_id for e in events if e.provenance):
        query = EventQuery(article_id=article_id, as_of=as_of, known_at=known_at, order="valid")
        for event in store.read(query):
            countries = {c for c in (event.actor.country, event.target.country) if c}
            if event.event_id in retracted or event.type == service.RETRACTED:
                continue
            if event.dyad is None and countries and countries <= sides:
                found[event.event_id] = event
    return sorted(found.values(), key=lambda e: (e.occurred_on, e.position or 0))


def _between(invitation: dict[str, Any], dyad: Dyad) -> bool:
    sides = {
        (invitation.get("inviter") or {}).get("country"),
        (invitation.get("invitee") or {}).get("country"),
    }
    return sides == set(dyad)


def _dyad_view(
    store: Any,
    dyad: Dyad,
    status: dict[str, Any] | None,
    invitations: Iterable[dict[str, Any]],
    as_of: date,
    known_at: datetime | None,
) -> DyadView:
    events = service.state_events(store, as_of, known_at, dyad)
    context = _context(store, dyad, events, as_of, known_at)
    every_day = not is_busy(len(events) + len(context))
    return DyadView(
        dyad=dyad,
        status=status,
        events=tuple(events),
        context=tuple(context),
        series=tuple(tone_series(events, dyad, as_of, every_event_day=every_day)),
        invitations=tuple(i for i in invitations if _between(i, dyad)),
    )


def build(
    store: Any, countries: Sequence[str] = (), as_of: date | None = None, known_at: datetime | None = None
) -> ReportView:
    """The report of the dyad ``countries`` (two codes or names), or of every dyad when empty."""
    if len(countries) not in (0, 2):
        raise service.ServiceError("a report is of two countries (A B), or of every dyad (no country)")
    as_of = as_of or today()
    dyad = service.dyad_of(*countries) if countries else None
    found = service.relations(store, as_of=as_of, known_at=known_at, dyad=dyad)
    statuses: dict[Dyad, dict[str, Any]] = {(r["dyad"][0], r["dyad"][1]): r for r in found}
    invitations = service.invitations(store, as_of=as_of, known_at=known_at)
    wanted = [dyad] if dyad else sorted(statuses)
    views = tuple(_dyad_view(store, d, statuses.get(d), invitations, as_of, known_at) for d in wanted)
    # A busy pair's page quotes only the articles of the events it lists in full.
    cited = dict.fromkeys(
        e.provenance.article_id for v in views for e, _ in v.listed() if e.provenance is not None
    )
    articles = {aid: a for aid in cited if (a := store.get_article(aid)) is not None}
    return ReportView(as_of, known_at, views, articles, single=bool(countries))
