"""Event and Article <-> table rows: the only place that knows how the domain is laid out in columns."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, type_coerce
from sqlalchemy.types import NullType

from timeline.domain.articles import Article
from timeline.domain.events import Event, Party, Provenance

from .tables import articles, events

#: Columns the caller's event fills, in the order of ``event_values`` (the store adds position
#: and recorded_at).
INSERT_COLUMNS: tuple[str, ...] = (
    "event_id", "stream_id", "stream_version", "type", "schema_version",
    "occurred_on", "date_precision", "date_basis", "modality",
    "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
    "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end", "sentence",
    "extractor_version", "payload",
)  # fmt: skip

_READ_ORDER = ("position", "recorded_at", *INSERT_COLUMNS)
_AS_STORED = ("occurred_on", "recorded_at")  # converted in ``events_from_rows``, not by SQLAlchemy

#: The columns to select for ``events_from_rows``, in its order.
EVENT_COLUMNS: tuple[ColumnElement[Any], ...] = tuple(
    type_coerce(events.c[name], NullType()).label(name) if name in _AS_STORED else events.c[name]
    for name in _READ_ORDER
)

ARTICLE_COLUMNS: tuple[ColumnElement[Any], ...] = tuple(articles.c)

# Events are built positionally below (it is the read path's hot loop); fail loudly at import,
# not with shifted fields, if the domain's Event changes shape.
_EVENT_FIELDS = (
    "event_id", "stream_id", "stream_version", "type", "occurred_on", "date_precision", "date_basis",
    "modality", "actor", "target", "cameo", "goldstein", "provenance", "payload", "schema_version",
    "position", "recorded_at",
)  # fmt: skip
if tuple(f.name for f in fields(Event)) != _EVENT_FIELDS or hasattr(Event, "__post_init__"):
    raise RuntimeError("timeline.domain.events.Event changed its fields: update timeline/store/rows.py")
if getattr(Event, "__slots__", None) != _EVENT_FIELDS:
    raise RuntimeError("timeline.domain.events.Event is no longer slotted: update timeline/store/rows.py")


#: The setters of Event's slots, in field order (see events_from_rows).
_SETTERS: tuple[Callable[[Event, Any], None], ...] = tuple(
    getattr(Event, name).__set__ for name in _EVENT_FIELDS
)


def dump_payload(payload: Any) -> str:
    """The payload as JSON text (compact, Unicode kept as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


_raw_decode = json.JSONDecoder().raw_decode


def load_payload(text: str) -> Any:
    """The payload of a row: JSON text as dump_payload wrote it.

    ``raw_decode`` skips json.loads's checks for surrounding whitespace, which text written
    by dump_payload never has; anything else falls back to json.loads (and its errors).
    """
    try:
        value, end = _raw_decode(text)
        if end == len(text):
            return value
    except ValueError:
        pass
    return json.loads(text)


def event_values(event: Event) -> tuple[Any, ...]:
    """The values of ``event`` in INSERT_COLUMNS order (dates as ISO text, payload as JSON text)."""
    prov = event.provenance
    actor, target = event.actor, event.target
    goldstein = event.goldstein
    return (
        event.event_id, event.stream_id, event.stream_version, event.type, event.schema_version,
        event.occurred_on.isoformat(), event.date_precision, event.date_basis, event.modality,
        actor.country, actor.name, actor.role, target.country, target.name, target.role,
        event.cameo, None if goldstein is None else float(goldstein),
        prov.article_id if prov else None, prov.sentence_index if prov else None,
        prov.char_start if prov else None, prov.char_end if prov else None,
        prov.sentence if prov else None, prov.extractor_version if prov else None,
        dump_payload(dict(event.payload)),
    )  # fmt: skip


def stored_copy(event: Event, position: int, recorded_at: datetime) -> Event:
    """``event`` with the store's fields set (as Event.stored, without dataclasses.replace's cost)."""
    return Event(
        event.event_id, event.stream_id, event.stream_version, event.type, event.occurred_on,
        event.date_precision, event.date_basis, event.modality, event.actor, event.target,
        event.cameo, event.goldstein, event.provenance, event.payload, event.schema_version,
        position, recorded_at,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _party(country: str | None, name: str | None, role: str | None) -> Party:
    # Parties repeat across a stream; sharing the (immutable) objects saves time and memory.
    return Party(country, name, role)


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite keeps naive UTC text
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def events_from_rows(rows: Iterable[Sequence[Any]]) -> Iterator[Event]:
    """The Events stored in ``rows`` (selected as EVENT_COLUMNS), payloads as stored (not upcast).

    Each Event is filled through its slots' own setters rather than its frozen dataclass
    ``__init__``, which goes through ``object.__setattr__`` once per field: the same object (the
    checks above keep the fields in step) in about half the time, on the read path's hot loop.
    """
    loads = load_payload
    from_iso = date.fromisoformat
    new = object.__new__
    (
        set_event_id, set_stream_id, set_stream_version, set_type, set_occurred_on, set_date_precision,
        set_date_basis, set_modality, set_actor, set_target, set_cameo, set_goldstein, set_provenance,
        set_payload, set_schema_version, set_position, set_recorded_at,
    ) = _SETTERS  # fmt: skip
    last_stamp: Any = None
    recorded: datetime | None = None
    for row in rows:
        (
            position, stamp, event_id, stream_id, stream_version, type_, schema_version,
            occurred_on, date_precision, date_basis, modality,
            actor_country, actor_name, actor_role, target_country, target_name, target_role,
            cameo, goldstein, article_id, sentence_index, char_start, char_end, sentence,
            extractor_version, payload,
        ) = row  # fmt: skip
        if stamp != last_stamp:  # one record time per append, so consecutive rows share it
            last_stamp, recorded = stamp, _utc(stamp)
        event = new(Event)
        set_event_id(event, event_id)
        set_stream_id(event, stream_id)
        set_stream_version(event, stream_version)
        set_type(event, type_)
        set_occurred_on(event, from_iso(occurred_on) if isinstance(occurred_on, str) else occurred_on)
        set_date_precision(event, date_precision)
        set_date_basis(event, date_basis)
        set_modality(event, modality)
        set_actor(event, _party(actor_country, actor_name, actor_role))
        set_target(event, _party(target_country, target_name, target_role))
        set_cameo(event, cameo)
        set_goldstein(event, goldstein)
        set_provenance(
            event,
            None
            if article_id is None
            else Provenance(article_id, sentence_index, char_start, char_end, sentence, extractor_version),
        )
        set_payload(event, loads(payload))
        set_schema_version(event, schema_version)
        set_position(event, position)
        set_recorded_at(event, recorded)
        yield event


def article_row(article: Article, recorded_at: datetime) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "published": article.published,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        "text": article.text,
        "recorded_at": recorded_at,
    }


def article_from_row(row: Any) -> Article:
    return Article(
        article_id=row.article_id,
        published=row.published,
        text=row.text,
        outlet=row.outlet,
        url=row.url,
        title=row.title,
        recorded_at=row.recorded_at,
    )
