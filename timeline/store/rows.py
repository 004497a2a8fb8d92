"""Event and Article <-> table rows: the only place that knows how the domain is laid out in columns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Column

from timeline.domain.articles import Article
from timeline.domain.events import Event, Party, Provenance

from .tables import articles, events

#: The events columns in the order ``event_from_row`` unpacks them.
EVENT_COLUMNS: tuple[Column[Any], ...] = tuple(
    events.c[name]
    for name in (
        "position", "event_id", "stream_id", "stream_version", "type", "schema_version",
        "occurred_on", "date_precision", "date_basis", "modality", "recorded_at",
        "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
        "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end", "sentence",
        "extractor_version", "payload",
    )
)  # fmt: skip

ARTICLE_COLUMNS: tuple[Column[Any], ...] = tuple(articles.c)


def dump_payload(payload: Any) -> str:
    """The payload as JSON text (compact, Unicode kept as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def event_row(event: Event, recorded_at: datetime) -> dict[str, Any]:
    """The row to insert for ``event`` (the database assigns the position)."""
    prov = event.provenance
    actor, target = event.actor, event.target
    return {
        "event_id": event.event_id,
        "stream_id": event.stream_id,
        "stream_version": event.stream_version,
        "type": event.type,
        "schema_version": event.schema_version,
        "occurred_on": event.occurred_on,
        "date_precision": event.date_precision,
        "date_basis": event.date_basis,
        "modality": event.modality,
        "recorded_at": recorded_at,
        "actor_country": actor.country,
        "actor_name": actor.name,
        "actor_role": actor.role,
        "target_country": target.country,
        "target_name": target.name,
        "target_role": target.role,
        "cameo": event.cameo,
        "goldstein": event.goldstein,
        "article_id": prov.article_id if prov else None,
        "sentence_index": prov.sentence_index if prov else None,
        "char_start": prov.char_start if prov else None,
        "char_end": prov.char_end if prov else None,
        "sentence": prov.sentence if prov else None,
        "extractor_version": prov.extractor_version if prov else None,
        "payload": dump_payload(dict(event.payload)),
    }


@lru_cache(maxsize=4096)
def _party(country: str | None, name: str | None, role: str | None) -> Party:
    # Parties repeat across a stream; sharing the (immutable) objects saves time and memory.
    return Party(country, name, role)


def event_from_row(row: Sequence[Any]) -> Event:
    """The Event stored in ``row`` (columns in EVENT_COLUMNS order), payload as stored (not upcast)."""
    (
        position, event_id, stream_id, stream_version, type_, schema_version,
        occurred_on, date_precision, date_basis, modality, recorded_at,
        actor_country, actor_name, actor_role, target_country, target_name, target_role,
        cameo, goldstein, article_id, sentence_index, char_start, char_end, sentence,
        extractor_version, payload,
    ) = row  # fmt: skip
    provenance = (
        None
        if article_id is None
        else Provenance(article_id, sentence_index, char_start, char_end, sentence, extractor_version)
    )
    return Event(
        event_id,
        stream_id,
        stream_version,
        type_,
        occurred_on,
        date_precision,
        date_basis,
        modality,
        _party(actor_country, actor_name, actor_role),
        _party(target_country, target_name, target_role),
        cameo,
        goldstein,
        provenance,
        json.loads(payload),
        schema_version,
        position,
        recorded_at,
    )


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
