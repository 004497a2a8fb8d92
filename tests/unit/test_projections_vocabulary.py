"""What kind of happening each event type is lives in vocabulary.json, and every module reads it there."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from timeline import service
from timeline.domain import vocabulary
from timeline.extract import coder
from timeline.projections import facts, invitations, relations, tone
from timeline.store import filters


def _file() -> dict:
    return json.loads(resources.files("timeline.domain").joinpath("data/vocabulary.json").read_text("utf-8"))


def _listed(trait: str) -> frozenset[str]:
    """The types the data file itself gives ``trait``, read without the vocabulary module."""
    return frozenset(name for name, spec in _file()["types"].items() if trait in spec.get("traits", ()))


@pytest.mark.parametrize(
    ("found", "trait"),
    [
        (coder.ACTIONS, "plannable"),
        (coder._NEEDS_SPEAKER, "needs_speaker"),
        (coder._MUTUAL, "describes_pair"),
        (coder._SECTOR_TYPES, "carries_sectors"),
        (coder._SHARED_ACTS, "joinable"),
        (coder._REACTIONS, "reaction"),
        (coder._ANSWERS, "answers_invitation"),
        (coder._TOLD_BY_NOUNS, "told_by_noun"),
        (invitations.TOUCHING, "touches_invitation"),
        (relations.INTENT_TYPES, "intent"),
        (relations.MUTUAL_TYPES, "mutual_intent"),
        (tone.RUPTURE_TYPES, "rupture"),
        (tone.NO_VALENCE_TYPES, "no_valence"),
    ],
)
def test_each_property_set_is_the_data_files(found, trait):
    assert found == _listed(trait) and found
    assert trait in _file()["traits"]  # documented beside the types


def test_housekeeping_and_the_retraction_type_come_from_the_data():
    housekeeping = {name for name, spec in _file()["types"].items() if spec["family"] == "housekeeping"}
    assert facts.NOT_FACTS == housekeeping == {"EventRetracted", "ArticleErased"}
    assert service.RETRACTED == filters.RETRACTION_TYPE == "EventRetracted"
    assert _listed("retraction") == {"EventRetracted"}


def test_a_trait_added_in_the_data_is_what_types_with_answers(monkeypatch):
    data = _file()
    data["types"]["ThreatIssued"]["traits"].append("plannable")
    monkeypatch.setattr(vocabulary, "_data", lambda: data)
    for cached in (vocabulary.event_types, vocabulary.types_with):
        cached.cache_clear()
    try:
        assert "ThreatIssued" in vocabulary.types_with("plannable")
        data["types"]["ThreatIssued"]["traits"].append("plannabel")
        vocabulary.event_types.cache_clear()
        with pytest.raises(ValueError, match="unknown traits"):
            vocabulary.event_types()
        with pytest.raises(ValueError, match="unknown event-type trait"):
            vocabulary.types_with("unheard-of")
    finally:
        monkeypatch.undo()
        for cached in (vocabulary.event_types, vocabulary.types_with):
            cached.cache_clear()
    assert "ThreatIssued" not in vocabulary.types_with("plannable")
