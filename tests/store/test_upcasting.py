"""Old event shapes stay readable: rows keep their schema_version, payloads are upcast on read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import event_samples as sample
import pytest
from sqlalchemy import Engine

from timeline.query import EventQuery
from timeline.store import EventStore, Upcasters


def _registry() -> Upcasters:
    upcasters = Upcasters()

    @upcasters.register("LeadersMet", 1)
    def rename_note(payload: Any) -> dict[str, Any]:
        # v2 called "note" "remark".
        data = dict(payload)
        data["remark"] = data.pop("note", None)
        return data

    @upcasters.register("LeadersMet", 2)
    def add_venue(payload: Any) -> dict[str, Any]:
        return {**payload, "venue": None}

    return upcasters


def test_old_payloads_are_upcast_on_read(engine: Engine) -> None:
    EventStore(engine).append([sample.event(1), sample.event(2, type="AgreementSigned")])
    store = EventStore(engine, upcasters=_registry())

    met, signed = store.read()
    assert met.schema_version == 3
    assert met.payload == {"remark": "sample 1", "venue": None}
    assert signed.schema_version == 1 and signed.payload == {"note": "sample 2"}  # no upcaster for it
    assert store.get_event(met.event_id) == met
    assert store.follow(0, 1) == [met]
    assert list(store.read(EventQuery(types=("LeadersMet",)))) == [met]

    # The row itself is unchanged: a store without the upcasters reads it as written.
    plain = EventStore(engine).get_event(met.event_id)
    assert plain.schema_version == 1 and plain.payload == {"note": "sample 1"}


def test_idempotence_accepts_the_old_and_the_upcast_shape(engine: Engine) -> None:
    EventStore(engine).append([sample.event(1)])
    store = EventStore(engine, upcasters=_registry())
    upcast = store.get_event(sample.event(1).event_id)

    again = store.append([sample.event(1)])
    assert again.appended == 0 and again.events == (upcast,)
    current_shape = replace(sample.event(1), schema_version=3, payload={"remark": "sample 1", "venue": None})
    assert store.append([current_shape]).appended == 0


def test_an_upcaster_is_registered_once() -> None:
    upcasters = _registry()
    with pytest.raises(ValueError, match="already registered"):
        upcasters.register("LeadersMet", 1)(lambda payload: payload)
