"""The comparison behind `timeline reextract`, without a database: which events stay, go and come."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from timeline.domain.events import Event, Party, Provenance, event_id_for
from timeline.reextract import describe, plan, reading

ARTICLE = "a1"


def coded(sentence: int, kind: str, target: str | None, version: int, position: int | None = None) -> Event:
    return Event(
        event_id=event_id_for(ARTICLE, sentence, 0, kind),
        stream_id=f"article-{ARTICLE}",
        stream_version=version,
        type=kind,
        occurred_on=date(2024, 5, 13),
        actor=Party("CHL"),
        target=Party(target),
        provenance=Provenance(ARTICLE, sentence, 0, 10, "A sentence.", "0.4.0"),
        payload={"published": "2024-05-14"},
        position=position,
    )


def test_a_reading_that_stays_keeps_its_event_and_the_lexicon_digest_does_not_count() -> None:
    stored = [
        coded(0, "MeetingHeld", "NZL", 1, position=1),
        coded(1, "AgreementSigned", "ARG", 2, position=2),
    ]
    fresh = [replace(e, payload={**e.payload, "lexicon": "abc123"}) for e in stored]
    found = plan(ARTICLE, fresh, stored, [e.event_id for e in stored], 3)
    assert not found.changed


def test_a_changed_sentence_is_retracted_and_its_new_reading_appended_after_the_stream() -> None:
    old = coded(0, "StatementRecorded", None, 1, position=1)
    kept = coded(1, "AgreementSigned", "ARG", 2, position=2)
    new = coded(0, "MeetingHeld", "NZL", 1)
    found = plan(ARTICLE, [new, kept], [old, kept], [old.event_id, kept.event_id], 3)
    assert found.retract == (old,)
    (appended,) = found.append
    assert (appended.event_id, appended.stream_version) == (new.event_id, 3)
    assert list(found.diff()) == [
        "- StatementRecorded CHL->? 2024-05-13",
        "+ MeetingHeld CHL->NZL 2024-05-13",
    ]


def test_an_id_held_by_an_earlier_reading_is_derived_anew_and_stays_unique() -> None:
    fresh = coded(0, "MeetingHeld", "NZL", 1)
    first = plan(ARTICLE, [fresh], [], [fresh.event_id], 5).append[0]
    assert first.event_id != fresh.event_id
    second = plan(ARTICLE, [fresh], [], [fresh.event_id, first.event_id], 6).append[0]
    assert second.event_id not in (fresh.event_id, first.event_id)
    assert (
        plan(ARTICLE, [fresh], [], [fresh.event_id], 5).append[0].event_id == first.event_id
    )  # deterministic


def test_repeated_readings_are_matched_one_for_one() -> None:
    twice = [
        coded(0, "MeetingHeld", "NZL", 1, position=1),
        replace(coded(0, "MeetingHeld", "NZL", 2), position=2),
    ]
    twice[1] = replace(twice[1], event_id="second")
    found = plan(ARTICLE, [coded(0, "MeetingHeld", "NZL", 1)], twice, [e.event_id for e in twice], 3)
    assert [e.event_id for e in found.retract] == ["second"] and found.append == ()


def test_events_made_by_a_person_and_readings_a_person_retracted_are_left_alone() -> None:
    by_hand = replace(coded(2, "VisitMade", "PER", 1, position=1), payload={"by": "an editor"})
    vetoed = coded(0, "MeetingHeld", "NZL", 1)
    found = plan(ARTICLE, [vetoed], [by_hand], [by_hand.event_id, vetoed.event_id], 2, [reading(vetoed)])
    assert not found.changed


def test_describe_names_the_modality_when_it_is_not_reported() -> None:
    planned = replace(coded(0, "VisitMade", "PER", 1), modality="planned", actor=Party(None, "Ilse Varga"))
    assert describe(planned) == "VisitMade (planned) Ilse Varga->PER 2024-05-13"
