"""The event record shared by the extractor, the store and the projections."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

#: Namespace for deterministic event ids (uuid5 of the article and the statement).
EVENT_NAMESPACE = uuid.UUID("6f1c5a2e-3f0b-5d8e-9a44-2b7e1d0c9a11")

MODALITIES = ("reported", "planned", "negated")
PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Party:
    """One side of an event: a country (ISO 3166-1 alpha-3) and, where named, a person and their role."""

    country: str | None = None
    name: str | None = None
    role: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"country": self.country, "name": self.name, "role": self.role}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Party:
        data = data or {}
        return cls(country=data.get("country"), name=data.get("name"), role=data.get("role"))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a statement was read: the article, the sentence and the extractor that coded it."""

    article_id: str
    sentence_index: int
    char_start: int
    char_end: int
    sentence: str
    extractor_version: str


@dataclass(frozen=True, slots=True)
class Event:
    """An immutable, dated statement.

    Valid time is ``occurred_on`` (with its precision and how it was found); record
    time is ``recorded_at`` and ``position``, both set by the store, never by the caller.
    """

    event_id: str
    stream_id: str
    stream_version: int
    type: str
    occurred_on: date
    date_precision: str = "day"
    date_basis: str = "article"
    modality: str = "reported"
    actor: Party = field(default_factory=Party)
    target: Party = field(default_factory=Party)
    cameo: str | None = None
    goldstein: float | None = None
    provenance: Provenance | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    position: int | None = None
    recorded_at: datetime | None = None

    def content(self) -> dict[str, Any]:
        """What the caller said: every field but those the store assigns (position, recorded_at).

        Idempotent appends compare this, so that a replayed append is recognised and a
        conflicting one is refused.
        """
        prov = self.provenance
        return {
            "event_id": self.event_id,
            "stream_id": self.stream_id,
            "stream_version": self.stream_version,
            "type": self.type,
            "schema_version": self.schema_version,
            "occurred_on": self.occurred_on.isoformat(),
            "date_precision": self.date_precision,
            "date_basis": self.date_basis,
            "modality": self.modality,
            "actor": self.actor.to_dict(),
            "target": self.target.to_dict(),
            "cameo": self.cameo,
            "goldstein": self.goldstein,
            "article_id": prov.article_id if prov else None,
            "sentence_index": prov.sentence_index if prov else None,
            "char_start": prov.char_start if prov else None,
            "char_end": prov.char_end if prov else None,
            "sentence": prov.sentence if prov else None,
            "extractor_version": prov.extractor_version if prov else None,
            "payload": dict(self.payload),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of docs/json.md (plus the store's columns)."""
        data = self.content()
        data["position"] = self.position
        data["recorded_at"] = self.recorded_at.isoformat() if self.recorded_at else None
        return data

    def stored(self, position: int, recorded_at: datetime) -> Event:
        return replace(self, position=position, recorded_at=recorded_at)

    @property
    def dyad(self) -> tuple[str, str] | None:
        """The unordered pair of countries, sorted, when both sides are known and differ."""
        a, b = self.actor.country, self.target.country
        if not a or not b or a == b:
            return None
        return (a, b) if a <= b else (b, a)


def event_id_for(article_id: str, *parts: object) -> str:
    """A deterministic id: the same statement of the same article always gets the same id."""
    key = "\x1f".join([article_id, *(str(p) for p in parts)])
    return str(uuid.uuid5(EVENT_NAMESPACE, key))


def article_stream(article_id: str) -> str:
    """Each article's statements form one stream, versioned 1..n in reading order."""
    return f"article-{article_id}"
