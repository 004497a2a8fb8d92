"""An article's sentences as the extractor numbers them: for events a person codes by hand.

`timeline add --article ID --sentence N` must point at the same sentence N that the extractor's
events cite, so this follows ``Extractor.extract`` step for step (header, normalise, parse, the
prose filter) and gives each sentence's span in the stored text. It parses with spaCy, so only
the commands that need a sentence no event cites yet import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeline.domain.articles import Article
from timeline.extract.header import parse_header
from timeline.extract.normalise import normalise
from timeline.extract.pipeline import Extractor, _is_prose


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # as in an event's ``sentence_index``
    char_start: int  # into the stored article text
    char_end: int
    text: str


def split(article: Article, extractor: Extractor | None = None) -> list[Sentence]:
    """The article's coded sentences, in reading order, with their spans in ``article.text``."""
    extractor = extractor or Extractor.default()
    header = parse_header(article.text)
    clean = normalise(header.body)
    doc = extractor.parser(clean.text)
    found: list[Sentence] = []
    for index, sentence in enumerate(s for s in doc.sents if _is_prose(s)):
        words = [t for t in sentence if not t.is_space]
        start = header.body_offset + clean.original(words[0].idx)
        end = header.body_offset + clean.original(words[-1].idx + len(words[-1].text) - 1) + 1
        found.append(Sentence(index, start, end, article.text[start:end]))
    return found
