"""EventQuery -> SQL conditions and order. Every value is a bound parameter, never text in the SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from timeline.domain.vocabulary import the_type_with
from timeline.names import like_patterns
from timeline.query import EventQuery, PartyFilters, party_filters

from .dialects import Dialect
from .tables import events

#: The event type whose payload["retracted_event_id"] names the event it withdraws.
RETRACTION_TYPE = the_type_with("retraction")
RETRACTED_KEY = "retracted_event_id"

ORDERS = ("position", "valid")


def _party(side: str, wanted: PartyFilters, dialect: Dialect) -> ColumnElement[bool]:
    """Any of ``wanted`` on one side of the event: its country, or its person by a full name or
    by whole words of the name, accents and case aside (``timeline.names.name_matches`` in SQL)."""
    country = events.c[f"{side}_country"]
    name = dialect.folded(events.c[f"{side}_name"])
    found: list[ColumnElement[bool]] = []
    for one in wanted:
        if one.country:
            found.append(country == one.country)
        if one.names:
            found.append(name.in_(one.names))
        if one.words:
            found.append(name == one.words)
            found.extend(name.like(pattern, escape="\\") for pattern in like_patterns(one.words))
    return or_(false(), *found)


def conditions(query: EventQuery, dialect: Dialect) -> list[ColumnElement[bool]]:
    """The WHERE conditions for ``query`` (to be ANDed)."""
    c = events.c
    where: list[ColumnElement[bool]] = []
    if query.after_position is not None:
        where.append(c.position > query.after_position)
    if query.upto_position is not None:
        where.append(c.position <= query.upto_position)
    if query.stream_id is not None:
        where.append(c.stream_id == query.stream_id)
    if query.article_id is not None:
        where.append(c.article_id == query.article_id)
    if query.as_of is not None:
        where.append(c.occurred_on <= query.as_of)
    if query.known_at is not None:
        where.append(c.recorded_at <= query.known_at)
    if query.since is not None:
        where.append(c.occurred_on >= query.since)
    if query.until is not None:
        where.append(c.occurred_on <= query.until)
    for side in ("actor", "target"):
        wanted = party_filters(getattr(query, side))
        if wanted:
            where.append(_party(side, wanted, dialect))
    if query.dyad is not None:
        a, b = (code.upper() for code in query.dyad)
        where.append(
            or_(
                and_(c.actor_country == a, c.target_country == b),
                and_(c.actor_country == b, c.target_country == a),
            )
        )
    if query.types is not None:
        where.append(c.type.in_(query.types))
    if query.modality is not None:
        where.append(c.modality == query.modality)
    if query.extractor_version is not None:
        where.append(c.extractor_version == query.extractor_version)
    if query.exclude_retracted:
        where.append(c.event_id.not_in(_retracted(query, dialect)))
    return where


def _retracted(query: EventQuery, dialect: Dialect) -> Any:
    """The ids named by retractions the store knew at ``query.known_at`` (all of them if unset)."""
    retractions = events.alias("retractions")
    named = dialect.json_text(retractions.c.payload, RETRACTED_KEY)
    stmt = select(named).where(retractions.c.type == RETRACTION_TYPE, named.is_not(None))
    if query.known_at is not None:
        stmt = stmt.where(retractions.c.recorded_at <= query.known_at)
    return stmt


def retracted_ids(dialect: Dialect, known_at: Any = None) -> Any:
    """A subquery of the event ids retracted as the store knew it at ``known_at`` (now if None)."""
    return _retracted(EventQuery(known_at=known_at), dialect)


def order_by(query: EventQuery) -> tuple[ColumnElement[Any], ...]:
    if query.order == "position":
        return (events.c.position,)
    if query.order == "valid":
        return (events.c.occurred_on, events.c.position)
    raise ValueError(f"unknown order {query.order!r} (use one of: {', '.join(ORDERS)})")
