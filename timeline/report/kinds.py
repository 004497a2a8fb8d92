"""Event types as a reader names them: "cooperation intent", with the coding behind it on hover."""

from __future__ import annotations

from timeline.domain.events import Event
from timeline.domain.vocabulary import event_types


def type_label(event_type: str) -> str:
    """The type's readable name from the vocabulary; the type itself when the vocabulary lacks it."""
    spec = event_types().get(event_type)
    return spec.label if spec and spec.label else event_type


def coding(event: Event) -> str:
    """ "CooperationIntentExpressed · CAMEO 030 · Goldstein +4.0": the event's own coding, which for a
    described relationship follows the tone the speaker gave rather than the type's default."""
    bits = [event.type]
    if event.cameo:
        bits.append(f"CAMEO {event.cameo}")
    if event.goldstein is not None:
        bits.append(f"Goldstein {event.goldstein:+.1f}")
    return " · ".join(bits)
