"""Article -> events: the extractor's entry point (pure; no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from timeline.domain.articles import Article
from timeline.domain.events import Event, Provenance, article_stream, event_id_for
from timeline.domain.vocabulary import event_type, tone_code
from timeline.extract.actors import ArticleContext
from timeline.extract.coder import SentenceCoder, Statement
from timeline.extract.header import parse_header
from timeline.extract.lexicon import Lexicon
from timeline.extract.sentences import split_sentences
from timeline.extract.triggers import TriggerBook, default_triggers

EXTRACTOR_VERSION = "0.3.0"


class NoSentencesError(ValueError):
    """The text holds nothing that reads as a sentence."""


@dataclass(frozen=True, slots=True)
class Extractor:
    """The extractor's data: lexicons and trigger phrases, shipped and the user's own."""

    lexicon: Lexicon
    triggers: TriggerBook

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Extractor:
        """Shipped data plus user files (one JSON file may carry lexicon and trigger keys alike)."""
        if not extra:
            return cls.default()
        return cls(Lexicon.load(extra=extra), TriggerBook.load(extra=extra))

    @classmethod
    def default(cls) -> Extractor:
        return cls(Lexicon.default(), default_triggers())

    def extract(self, article: Article) -> list[Event]:
        """Every statement of the article as an event, in reading order (stream versions 1..n)."""
        header = parse_header(article.text)
        context = ArticleContext(published=article.published, outlet=article.outlet or header.outlet)
        if header.dateline:
            context.dateline_country = self.lexicon.country_for(header.dateline.split("/")[0].strip().title())
        coder = SentenceCoder(self.lexicon, self.triggers, context)
        sentences = split_sentences(header.body, header.body_offset)
        if not sentences:
            raise NoSentencesError("no sentences in the text")
        coder.set_anchor([s.text for s in sentences[:2]])
        events: list[Event] = []
        for sentence in sentences:
            for ordinal, statement in enumerate(coder.code(sentence.text)):
                events.append(
                    _event(
                        article,
                        sentence.index,
                        sentence.start,
                        sentence.end,
                        sentence.text,
                        statement,
                        ordinal,
                        len(events) + 1,
                    )
                )
        return events


def extract_events(article: Article, extractor: Extractor | None = None) -> list[Event]:
    """Every statement of the article as an event (with the shipped data unless told otherwise)."""
    return (extractor or Extractor.default()).extract(article)


def _event(
    article: Article,
    index: int,
    start: int,
    end: int,
    text: str,
    statement: Statement,
    ordinal: int,
    version: int,
) -> Event:
    spec = event_type(statement.type)
    cameo, goldstein = spec.cameo, spec.goldstein
    if statement.type == "RelationsCharacterized" and "tone" in statement.payload:
        cameo, goldstein = tone_code(statement.payload["tone"])
    payload = {"published": article.published.isoformat(), **statement.payload}
    return Event(
        event_id=event_id_for(article.article_id, index, ordinal, statement.type),
        stream_id=article_stream(article.article_id),
        stream_version=version,
        type=statement.type,
        occurred_on=statement.occurred_on,
        date_precision=statement.date_precision,
        date_basis=statement.date_basis,
        modality=statement.modality,
        actor=statement.actor,
        target=statement.target,
        cameo=cameo,
        goldstein=goldstein,
        provenance=Provenance(article.article_id, index, start, end, text, EXTRACTOR_VERSION),
        payload=payload,
    )
