"""What a report shows: per dyad, its status, its events and their context, its tone over time and
its invitations, and the articles cited. The service gathers them from the store
(``service.report_view``); this module only shapes them, and knows neither the store nor the service."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from timeline.domain.articles import Article
from timeline.domain.events import Event
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


def _between(invitation: dict[str, Any], dyad: Dyad) -> bool:
    sides = {
        (invitation.get("inviter") or {}).get("country"),
        (invitation.get("invitee") or {}).get("country"),
    }
    return sides == set(dyad)


def dyad_view(
    dyad: Dyad,
    status: dict[str, Any] | None,
    invitations: Iterable[dict[str, Any]],
    events: Sequence[Event],
    context: Sequence[Event],
    as_of: date,
) -> DyadView:
    """One dyad's part of the page, from its status, its events (valid-time order) and their context."""
    every_day = not is_busy(len(events) + len(context))
    return DyadView(
        dyad=dyad,
        status=status,
        events=tuple(events),
        context=tuple(context),
        series=tuple(tone_series(events, dyad, as_of, every_event_day=every_day)),
        invitations=tuple(i for i in invitations if _between(i, dyad)),
    )
