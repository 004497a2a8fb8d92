"""Projections: pure folds over the event stream (facts, relationship status, invitations).

Callers hand in domain events already bounded to ``as_of``/``known_at`` with retracted
events removed; the functions here put them in valid-time order themselves.

The convenience functions ``facts``, ``relations`` and ``invitations`` share their names
with the modules holding the folds: import the folds by name
(``from timeline.projections.relations import apply, status``), since
``timeline.projections.relations`` as an attribute is the function below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from timeline.domain.events import Event
from timeline.projections import facts as _facts  # the modules, bound before the functions shadow them
from timeline.projections import invitations as _invitations
from timeline.projections import relations as _relations
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
    "history",
    "invitations",
    "plan",
    "relations",
]


def facts(events: Iterable[Event]) -> list[Fact]:
    """Reports grouped into facts, each with its sources."""
    return _facts.run(in_valid_order(events))


def relations(
    events: Iterable[Event], as_of: date | None = None, rule: ToneRule = DEFAULT_RULE
) -> list[RelationStatus]:
    """One status per dyad as of ``as_of`` (default: the latest fact's date)."""
    return _relations.run(in_valid_order(events), as_of, rule)


def explain(
    events: Iterable[Event], dyad: Iterable[str], as_of: date | None = None, rule: ToneRule = DEFAULT_RULE
) -> Explanation | None:
    """The facts behind one dyad's status, with their weights."""
    state = _relations.fold(in_valid_order(events))
    when = as_of or _relations.latest_date(state)
    return _relations.explain(state, dyad, when, rule) if when else None


def history(events: Iterable[Event], dyad: Iterable[str], rule: ToneRule = DEFAULT_RULE) -> list[Step]:
    """The dyad's timeline, event by event, with each change of tone."""
    return _relations.history(in_valid_order(events), dyad, rule)


def invitations(
    events: Iterable[Event], as_of: date | None = None, status: str | None = None
) -> list[Invitation]:
    """Every invitation with its status as of ``as_of`` (default: all the events say)."""
    return _invitations.run(in_valid_order(events), as_of, status)
