"""A visit put off to a later date leaves its invitation open; called off, it declines it."""

from __future__ import annotations

import pytest

from tests.unit.coding import code

_INVITED = "Norway's king invited Brazil's president Lula to visit Oslo in May. "


@pytest.mark.parametrize(
    ("sentence", "declined"),
    [
        ("Lula called off the trip on Tuesday.", True),
        ("Lula said on Tuesday he was postponing the trip.", True),
        ("Lula said on Tuesday he was postponing the trip to a later date.", False),
        ("Lula said on Tuesday he was postponing the trip to June 10.", False),
    ],
)
def test_put_off_or_called_off(sentence: str, declined: bool) -> None:
    events = code(_INVITED + sentence, "2025-04-30")
    visits = [e for e in events if e.type == "VisitMade"]
    assert [v.modality for v in visits] == ["negated"]
    answers = {(e.actor.country, e.target.country) for e in events if e.type == "InvitationDeclined"}
    assert answers == ({("BRA", "NOR")} if declined else set())


def test_a_relative_clause_describes_the_noun_it_hangs_on() -> None:
    events = code(
        "Denmark's prime minister spoke to Germany's chancellor on Friday, a conversation she "
        "described as constructive."
    )
    described = {(e.actor.country, e.target.country) for e in events if e.type == "RelationsCharacterized"}
    assert described == {("DNK", "DEU")}
