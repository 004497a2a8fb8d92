"""Projections: pure folds over the event stream (facts, relationship status, invitations).

Callers hand in domain events already bounded to ``as_of``/``known_at`` with retracted
events removed; the functions here put them in valid-time order themselves. Each fold has
its module (``facts``, ``relations``, ``invitations``), whose ``FACTS``, ``RELATIONS`` and
``INVITATIONS`` are its :class:`~timeline.projections.projection.Projection`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from timeline.domain.events import Event
from timeline.projections import facts, invitations, relations
from timeline.projections.facts import Fact
from timeline.projections.invitations import Invitation
from timeline.projections.ordering import ApplyPlan, in_valid_order, plan
from timeline.projections.relations import Explanation, RelationStatus, Step
from timeline.projections.tone import DEFAULT_RULE, ToneRule

__all__ = [
    "DEFAULT_RULE",
    "ApplyPlan",
    "Explanation",
    "Fact",
    "Invitation",
    "RelationStatus",
    "Step",
    "ToneRule",
    "explain",
    "facts",
    "facts_from",
    "history",
    "invitations",
    "invitations_from",
    "plan",
    "relations",
    "relations_from",
]


def facts_from(events: Iterable[Event]) -> list[Fact]:
    """Reports grouped into facts, each with its sources."""
    return facts.run(in_valid_order(events))


def relations_from(
    events: Iterable[Event], as_of: date | None = None, rule: ToneRule = DEFAULT_RULE
) -> list[RelationStatus]:
    """One status per dyad as of ``as_of`` (default: the latest fact's date)."""
    return relations.run(in_valid_order(events), as_of, rule)


def explain(
    events: Iterable[Event], dyad: Iterable[str], as_of: date | None = None, rule: ToneRule = DEFAULT_RULE
) -> Explanation | None:
    """The facts behind one dyad's status, with their weights."""
    state = relations.fold(in_valid_order(events))
    when = as_of or relations.latest_date(state)
    return relations.explain(state, dyad, when, rule) if when else None


def history(events: Iterable[Event], dyad: Iterable[str], rule: ToneRule = DEFAULT_RULE) -> list[Step]:
    """The dyad's timeline, event by event, with each change of tone."""
    return relations.history(in_valid_order(events), dyad, rule)


def invitations_from(
    events: Iterable[Event], as_of: date | None = None, status: str | None = None
) -> list[Invitation]:
    """Every invitation with its status as of ``as_of`` (default: all the events say)."""
    return invitations.run(in_valid_order(events), as_of, status)
