"""The event vocabulary (types, CAMEO codes, Goldstein values, families), loaded from data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

TONES = ("hostile", "strained", "neutral", "cooperative", "close")


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    cameo: str | None
    goldstein: float | None
    family: str
    symmetric: bool = False


@cache
def _data() -> dict:
    return json.loads(resources.files("timeline.domain").joinpath("data/vocabulary.json").read_text("utf-8"))


@cache
def event_types() -> dict[str, EventType]:
    return {
        name: EventType(name, spec["cameo"], spec["goldstein"], spec["family"], spec.get("symmetric", False))
        for name, spec in _data()["types"].items()
    }


def event_type(name: str) -> EventType:
    try:
        return event_types()[name]
    except KeyError:
        raise ValueError(f"unknown event type {name!r}") from None


def tone_code(tone: str) -> tuple[str, float]:
    """CAMEO code and Goldstein value of a RelationsCharacterized statement with this tone."""
    spec = _data()["tones"][tone]
    return spec["cameo"], spec["goldstein"]
