"""The retraction: an event that withdraws another, the one shape `retract`, `amend`,
`retract --article` and `reextract` all append."""

from __future__ import annotations

from datetime import date
from typing import Any

from timeline.domain.events import Event, event_id_for
from timeline.domain.vocabulary import the_type_with

RETRACTIONS_STREAM = "retractions"
RETRACTED = the_type_with("retraction")


def retraction(event_id: str, reason: str, version: int, on: date, **extra: Any) -> Event:
    """The ``version``-th event of the retractions stream, withdrawing ``event_id`` for ``reason``
    (``extra`` goes into the payload beside them: the lexicon a re-reading used, ...)."""
    return Event(
        event_id=event_id_for(RETRACTIONS_STREAM, event_id, version),
        stream_id=RETRACTIONS_STREAM,
        stream_version=version,
        type=RETRACTED,
        occurred_on=on,
        date_basis="recorded",
        payload={"retracted_event_id": event_id, "reason": reason, **extra},
    )
