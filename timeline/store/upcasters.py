"""Upcasting: old event payloads are brought to the current shape on read, so old rows stay readable.

Alembic changes tables, never event rows; when an event type's payload changes shape, register
a function from the old version's payload to the next one's here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Payload = Mapping[str, Any]
Upcaster = Callable[[Payload], Payload]

#: The schema version every event type is written at today.
CURRENT_SCHEMA_VERSION = 1


class Upcasters:
    """A registry of (event type, from_version) -> function(payload) -> payload of from_version + 1."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator: ``fn`` turns a ``from_version`` payload of ``event_type`` into the next version's."""

        def decorate(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._steps:
                raise ValueError(f"an upcaster for {event_type} v{from_version} is already registered")
            self._steps[key] = fn
            return fn

        return decorate

    def __bool__(self) -> bool:
        return bool(self._steps)

    def upcast(self, event_type: str, version: int, payload: Payload) -> tuple[int, Payload]:
        """Apply every registered step from ``version`` on; returns the new version and payload."""
        while (step := self._steps.get((event_type, version))) is not None:
            payload = step(payload)
            version += 1
        return version, payload


#: The production registry (empty: no event shape has changed yet).
UPCASTERS = Upcasters()
