"""The event vocabulary (types, CAMEO codes, Goldstein values, families, traits), loaded from data.

A trait says what kind of happening a type is (can it be planned, does it need a speaker, does
it touch an invitation...): the coder and the projections ask :func:`types_with` instead of
keeping lists of type names of their own, so a new type is one line of ``vocabulary.json``.
"""

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
    traits: frozenset[str] = frozenset()
    label: str = ""  # for people: "cooperation intent"
    meaning: str = ""  # what a sentence must report to be coded so (docs/event-types.md)


@cache
def _data() -> dict:
    return json.loads(resources.files("timeline.domain").joinpath("data/vocabulary.json").read_text("utf-8"))


@cache
def event_types() -> dict[str, EventType]:
    known = {name for name in _data()["traits"] if not name.startswith("_")}
    found = {}
    for name, spec in _data()["types"].items():
        traits = frozenset(spec.get("traits", ()))
        if traits - known:  # a misspelt trait would silently leave the type out of a set
            raise ValueError(f"event type {name!r} has unknown traits {sorted(traits - known)}")
        found[name] = EventType(
            name,
            spec["cameo"],
            spec["goldstein"],
            spec["family"],
            spec.get("symmetric", False),
            traits,
            spec.get("label", name),
            spec.get("meaning", ""),
        )
    return found


@cache
def types_with(trait: str) -> frozenset[str]:
    """The names of the event types that have ``trait`` (see ``traits`` in vocabulary.json)."""
    if trait not in _data()["traits"] or trait.startswith("_"):
        raise ValueError(f"unknown event-type trait {trait!r}")
    return frozenset(name for name, kind in event_types().items() if trait in kind.traits)


@cache
def types_of_family(family: str) -> frozenset[str]:
    """The names of the event types of one family (``housekeeping``: retractions and erasures)."""
    return frozenset(name for name, kind in event_types().items() if kind.family == family)


def the_type_with(trait: str) -> str:
    """The one event type that has ``trait`` (``retraction``: the type that retracts an event)."""
    (name,) = types_with(trait)
    return name


def event_type(name: str) -> EventType:
    try:
        return event_types()[name]
    except KeyError:
        raise ValueError(f"unknown event type {name!r}") from None


def tone_code(tone: str) -> tuple[str, float]:
    """CAMEO code and Goldstein value of a RelationsCharacterized statement with this tone."""
    spec = _data()["tones"][tone]
    return spec["cameo"], spec["goldstein"]
