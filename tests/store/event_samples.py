"""Small, made-up events and articles for the store tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for


def article(
    text: str = "A short made-up report about two envoys.", published: date = date(2024, 5, 2)
) -> Article:
    return Article(
        article_id=article_id_for(text),
        published=published,
        text=text,
        outlet="The Test Gazette",
        url="https://example.org/report",
        title="Envoys talk",
    )


def event(
    n: int,
    *,
    stream: str = "stream-a",
    version: int | None = None,
    type: str = "LeadersMet",
    occurred_on: date = date(2024, 5, 1),
    actor: Party | None = None,
    target: Party | None = None,
    modality: str = "reported",
    payload: dict[str, Any] | None = None,
    source: Article | None = None,
    schema_version: int = 1,
) -> Event:
    """The n-th sample event; ``source`` gives it provenance (and an id derived from the article)."""
    provenance = None
    event_id = event_id_for(f"sample-{stream}", n)
    if source is not None:
        provenance = Provenance(source.article_id, n, 0, 12, f"Sentence number {n}.", "test-1")
        event_id = event_id_for(source.article_id, n)
        stream = article_stream(source.article_id)
    return Event(
        event_id=event_id,
        stream_id=stream,
        stream_version=version if version is not None else n,
        type=type,
        occurred_on=occurred_on,
        modality=modality,
        actor=actor or Party("FRA", "Amélie Durand", "foreign minister"),
        target=target or Party("JPN"),
        cameo="040",
        goldstein=1.0,
        provenance=provenance,
        payload=payload if payload is not None else {"note": f"sample {n}"},
        schema_version=schema_version,
    )


def retraction(n: int, retracted: Event, *, stream: str = "retractions") -> Event:
    return Event(
        event_id=event_id_for("sample-retraction", n),
        stream_id=stream,
        stream_version=n,
        type="EventRetracted",
        occurred_on=retracted.occurred_on,
        payload={"retracted_event_id": retracted.event_id, "reason": "misread"},
    )
