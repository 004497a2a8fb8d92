"""A made-up busy pair (Iceland and Malta, or two others): many short articles, each reporting a few events on
days of their own, so that every event is a fact of its own and the pair has more than a screen of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for

START = date(2021, 1, 4)
ISL, MLT = Party("ISL", "Eva Jonsdottir", "Foreign Minister"), Party("MLT", "Luca Borg", "Foreign Minister")
# (type, CAMEO, Goldstein, what the sentence says), in the order they come round.
KINDS = (
    ("MeetingHeld", "040", 1.0, "The two ministers met in {b}'s capital on day {n}."),
    ("CriticismVoiced", "111", -2.0, "{a}'s minister faulted {b}'s fishing rules on day {n}."),
    ("AgreementSigned", "057", 8.0, "The two signed a ferry accord on day {n}."),
    ("PhoneCallHeld", "041", 1.0, "The ministers spoke by telephone on day {n}."),
    ("CondolencesExpressed", "018", 3.4, "{a} sent sympathy over a storm in {b} on day {n}."),
    ("ThreatIssued", "130", -4.4, "{b} warned {a} over quota talks on day {n}."),
    ("InvitationExtended", "036", 4.0, "{b}'s minister invited the minister of {a} on day {n}."),
)
PER_ARTICLE = 5


def busy_events(
    count: int, span_days: int | None = None, sides: tuple[Party, Party] = (ISL, MLT)
) -> list[tuple[Article, list[Event]]]:
    """``count`` events of the pair from START, in articles of PER_ARTICLE events: one a day, or
    spread evenly over ``span_days`` (several a day when there are more events than days)."""

    def day(n: int) -> date:
        return START + timedelta(days=n if span_days is None else n * span_days // count)

    found: list[tuple[Article, list[Event]]] = []
    for first in range(0, count, PER_ARTICLE):
        numbers = range(first, min(first + PER_ARTICLE, count))
        a, b = (side.country or "?" for side in sides)
        sentences = [KINDS[n % len(KINDS)][3].format(n=n, a=a, b=b) for n in numbers]
        text = f"{a} and {b}, dispatch {first}. " + " ".join(sentences)
        published = day(numbers[-1]) + timedelta(days=1)
        article = Article(
            article_id_for(text), published, text, outlet="North Atlantic Wire", title=f"Dispatch {first}"
        )
        events = []
        for index, (n, sentence) in enumerate(zip(numbers, sentences, strict=True), start=1):
            type_, cameo, goldstein, _ = KINDS[n % len(KINDS)]
            actor, target = sides[::-1] if type_ in ("ThreatIssued", "InvitationExtended") else sides
            at = text.index(sentence)
            events.append(
                Event(
                    event_id=event_id_for(article.article_id, index),
                    stream_id=article_stream(article.article_id),
                    stream_version=index,
                    type=type_,
                    occurred_on=day(n),
                    modality="reported",
                    actor=actor,
                    target=target,
                    cameo=cameo,
                    goldstein=goldstein,
                    provenance=Provenance(
                        article.article_id, index, at, at + len(sentence), sentence, "test-busy"
                    ),
                )
            )
        found.append((article, events))
    return found


def load_busy_pair(
    store: Any, count: int, span_days: int | None = None, sides: tuple[Party, Party] = (ISL, MLT)
) -> list[Event]:
    """Appends ``count`` events of the pair ``sides`` (ISL-MLT) to ``store``; returns them."""
    appended: list[Event] = []
    for article, events in busy_events(count, span_days, sides):
        store.append(events, article)
        appended.extend(events)
    return appended
