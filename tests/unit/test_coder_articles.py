"""Whole articles written for these tests (tests/fixtures/coder): the facts a careful analyst would code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline.domain.articles import Article, article_id_for
from timeline.extract.header import parse_header
from timeline.extract.pipeline import extract_events

FIXTURES = Path(__file__).parents[1] / "fixtures" / "coder"


def facts(name: str) -> set[tuple[str, str, str | None, str | None, str]]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    published = parse_header(text).published
    assert published is not None
    events = extract_events(Article(article_id_for(text), published, text))
    return {
        (e.type, e.occurred_on.isoformat(), e.actor.country, e.target.country, e.modality)
        for e in events
        if e.type != "StatementRecorded"
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "brazil-germany.txt",
            {
                ("MeetingHeld", "2025-03-13", "BRA", "DEU", "reported"),
                ("VisitMade", "2025-03-12", "DEU", "BRA", "reported"),
                # Told without a date of its own, in a story whose latest happening is Thursday's talks.
                ("InvitationAccepted", "2025-03-13", "DEU", "BRA", "reported"),
                ("AgreementSigned", "2025-03-14", "BRA", "DEU", "reported"),
                ("AidProvided", "2025-03-14", "DEU", "BRA", "planned"),
                ("CriticismVoiced", "2025-03-01", "ARG", "BRA", "reported"),
            },
        ),
        (
            "asia-roundup.txt",
            {
                ("PhoneCallHeld", "2025-02-04", "VNM", "SGP", "reported"),
                ("InvitationExtended", "2025-02-04", "VNM", "SGP", "reported"),
                ("CriticismVoiced", "2025-02-05", "KOR", "JPN", "reported"),
                ("SanctionsImposed", "2025-02-06", "USA", "IRN", "reported"),
                ("CriticismVoiced", "2025-02-06", "IRN", "USA", "reported"),
                ("AidProvided", "2025-02-06", "NOR", "SDN", "reported"),
                ("VisitMade", "2025-03-01", "NOR", "SDN", "planned"),
                ("VisitMade", "2025-02-06", "IDN", "MYS", "negated"),
            },
        ),
        (
            "anwar-prabowo.txt",
            {
                ("MeetingHeld", "2024-11-14", "MYS", "IDN", "reported"),
                ("VisitMade", "2024-11-14", "IDN", "MYS", "reported"),
                ("AgreementSigned", "2024-11-14", "MYS", "IDN", "reported"),
                ("RelationsCharacterized", "2024-11-14", "MYS", "IDN", "reported"),
                ("CriticismVoiced", "2024-11-11", "MYS", "CHN", "reported"),
            },
        ),
        (
            "dhaka-tokyo.txt",
            {
                ("MeetingHeld", "2024-08-11", "BGD", "JPN", "reported"),
                ("InvitationExtended", "2024-08-11", "BGD", "JPN", "reported"),
                ("CooperationIntentExpressed", "2024-08-11", "JPN", "BGD", "reported"),
            },
        ),
        (
            "sharif-new-york.txt",
            {
                ("MeetingHeld", "2024-09-25", "PAK", "IRN", "reported"),
                ("CooperationIntentExpressed", "2024-09-25", "IRN", "PAK", "reported"),
                ("PhoneCallHeld", "2024-09-26", "PAK", "SAU", "reported"),
                ("CriticismVoiced", "2024-09-26", "PAK", "AFG", "reported"),
                ("VisitMade", "2024-10-01", "PAK", "CHN", "planned"),
            },
        ),
    ],
)
def test_article_facts(name: str, expected: set) -> None:
    assert expected <= facts(name)


def test_commentary_stays_the_outlets() -> None:
    text = (FIXTURES / "dhaka-tokyo.txt").read_text(encoding="utf-8")
    events = extract_events(Article(article_id_for(text), date(2024, 8, 12), text))
    last = events[-1]  # "The engagement underscores both nations' desire ...": the writer's view
    assert (last.type, last.actor.name, last.occurred_on) == (
        "StatementRecorded",
        "MENAFN",
        date(2024, 8, 12),
    )


def test_no_fact_is_dated_after_its_article_unless_planned() -> None:
    for path in FIXTURES.glob("*.txt"):
        published = parse_header(path.read_text(encoding="utf-8")).published
        for kind, day, _a, _t, modality in facts(path.name):
            assert modality == "planned" or date.fromisoformat(day) <= published, (path.name, kind, day)
