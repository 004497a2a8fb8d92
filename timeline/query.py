"""What a reader asks of the stream: bounds on both clocks and filters. Plain data, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class PartyFilter:
    """One ``--actor``/``--target`` value: a country, or a person by any of their names.

    A side matches when its country is ``country``, or its person's folded name
    (``timeline.names.fold``) is one of ``names`` or holds ``words`` as whole words.
    """

    country: str | None = None  # ISO3
    names: tuple[str, ...] = ()  # folded full names and aliases
    words: str | None = None  # folded words of a name ("modi", "lopez obrador")

    @classmethod
    def exact(cls, value: str) -> PartyFilter:
        """A bare string, as callers gave it before: an ISO3 code or a person's full name."""
        from timeline.names import fold

        value = value.strip()
        if len(value) == 3 and value.isalpha():
            return cls(country=value.upper())
        return cls(names=(fold(value),))


#: What EventQuery.actor/target hold: any of several filters (or one bare code or name).
PartyFilters = tuple[PartyFilter, ...]


def party_filters(value: str | PartyFilter | PartyFilters | None) -> PartyFilters:
    """The filters of one side, whatever form a caller gave them in (empty: any side)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (PartyFilter.exact(value),)
    if isinstance(value, PartyFilter):
        return (value,)
    return tuple(v if isinstance(v, PartyFilter) else PartyFilter.exact(v) for v in value)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A read of the event stream.

    ``as_of`` bounds valid time (``occurred_on <= as_of``); ``known_at`` bounds record
    time (``recorded_at <= known_at``). Every filter is optional; ``None`` means "any".
    """

    after_position: int | None = None  # exclusive
    upto_position: int | None = None  # inclusive
    stream_id: str | None = None
    article_id: str | None = None
    as_of: date | None = None
    known_at: datetime | None = None
    since: date | None = None  # occurred_on >= since
    until: date | None = None  # occurred_on <= until
    actor: str | PartyFilter | PartyFilters | None = None  # any of these (see party_filters)
    target: str | PartyFilter | PartyFilters | None = None
    dyad: tuple[str, str] | None = None  # unordered pair of ISO3 codes
    types: tuple[str, ...] | None = None
    modality: str | None = None
    extractor_version: str | None = None  # the provenance's extractor version, exactly
    exclude_retracted: bool = False  # leave out events retracted by EventRetracted (as known at known_at)
    order: str = "position"  # "position" (record order) or "valid" (occurred_on, then position)
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """A listing of the stored articles, by publication date.

    ``since``/``until`` bound ``published``; ``outlet`` matches the outlet's name whole, in any
    letter case; ``known_at`` bounds record time, for the articles and for the events and
    retractions and erasures counted with them.
    """

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    known_at: datetime | None = None
    limit: int | None = None
