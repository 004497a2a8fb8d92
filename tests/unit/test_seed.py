"""The seed article, as issue 3 asks: what ingesting it must yield at least."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline.domain.articles import Article, article_id_for
from timeline.extract.pipeline import extract_events

SEED = next((Path(__file__).parents[2] / "seeds").glob("*.txt"))
SATURDAY, PUBLISHED = date(2024, 3, 30), date(2024, 3, 31)


@pytest.fixture(scope="module")
def events() -> list:
    text = SEED.read_text(encoding="utf-8")
    return extract_events(Article(article_id_for(text), PUBLISHED, text))


def find(events: list, kind: str, actor: str | None, target: str | None) -> list:
    return [
        e
        for e in events
        if e.type == kind
        and e.actor.country == actor
        and e.target.country == target
        and e.modality == "reported"
    ]


def test_meeting_in_islamabad_between_the_prime_minister_and_the_ambassador(events: list) -> None:
    meetings = find(events, "MeetingHeld", "PAK", "RUS") + find(events, "MeetingHeld", "RUS", "PAK")
    assert meetings and meetings[0].occurred_on == SATURDAY
    names = {meetings[0].actor.name, meetings[0].target.name}
    assert names == {"Shehbaz Sharif", "Albert P. Khorev"}


def test_condolences_and_the_attack_they_are_about(events: list) -> None:
    condolences = find(events, "CondolencesExpressed", "PAK", "RUS")
    assert condolences and condolences[0].occurred_on == SATURDAY
    attack = [e for e in events if e.type == "AttackOccurred" and e.target.country == "RUS"]
    assert attack and attack[0].occurred_on == date(2024, 3, 22)


def test_solidarity_and_reciprocal_cooperation_with_sectors(events: list) -> None:
    assert find(events, "SolidarityExpressed", "PAK", "RUS")
    for actor, target in (("PAK", "RUS"), ("RUS", "PAK")):
        intents = find(events, "CooperationIntentExpressed", actor, target)
        assert intents and all(e.occurred_on == SATURDAY for e in intents)
    sectors = {
        s
        for e in find(events, "CooperationIntentExpressed", "PAK", "RUS")
        for s in e.payload.get("sectors", ())
    }
    assert {"energy", "trade", "investment"} <= sectors


def test_invitation_to_putin_to_visit_pakistan(events: list) -> None:
    invitations = find(events, "InvitationExtended", "PAK", "RUS")
    assert invitations
    invitation = invitations[0]
    assert invitation.occurred_on == SATURDAY
    assert invitation.actor.name == "Shehbaz Sharif" and invitation.target.name == "Vladimir Putin"
    assert invitation.payload["destination"] == "PAK"
    assert not find(events, "VisitMade", "RUS", "PAK")  # asked to visit is not a visit made


def test_relations_described_cordial_and_commentary_kept(events: list) -> None:
    described = find(events, "RelationsCharacterized", "PAK", "RUS")
    assert described and described[0].payload["tone"] in ("cooperative", "close")
    commentary = [e for e in events if e.type == "StatementRecorded" and e.actor.role == "outlet"]
    assert commentary and all(e.occurred_on == PUBLISHED for e in commentary)
    assert commentary[0].actor.name == "MENAFN"
