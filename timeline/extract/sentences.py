"""Split article text into sentences with character offsets, in linear time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int  # offsets into the original text (plus the caller's offset); end is exclusive
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Abbreviations:
    never_final: frozenset[str]
    final_before_capital: frozenset[str]
    openers: frozenset[str]

    def kind(self, token: str) -> str | None:
        """'never', 'capital' or None for the word before a period (without the period)."""
        for candidate in (token, token.lower()):
            if candidate in self.never_final:
                return "never"
            if candidate in self.final_before_capital:
                return "capital"
        return None


def _data_lines(name: str) -> list[str]:
    text = resources.files("timeline.extract").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def _abbreviations() -> _Abbreviations:
    """The abbreviation lists, read once from the package data."""
    sections: dict[str, set[str]] = {}
    current = ""
    for line in _data_lines("abbreviations.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, set()).add(line)
    return _Abbreviations(
        never_final=frozenset(sections.get("never-final", set())),
        final_before_capital=frozenset(sections.get("final-before-capital", set())),
        openers=frozenset(_data_lines("sentences_openers.txt")),
    )


# A blank line (any whitespace on it) or a Unicode paragraph separator ends a paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*+\n\s*+|\u2029\s*+")
# Sentence-final punctuation, then any closing quotes or brackets, then whitespace or the end.
# Possessive quantifiers and the look-behind keep this linear on long runs of dots.
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_CANDIDATE = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[" + re.escape(_CLOSERS) + r"]*+(?=\s|\Z)")
_OPENERS_PUNCT = re.compile(r"\s*+[\"'\u201c\u2018\u00ab(\[]*+")
_WORD = re.compile(r"[^\W_]++(?:[.'\u2019][^\W_]++)*+")
_INITIALISM = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")
_TOKEN_LIMIT = 40  # abbreviations are short; no need to look further back


def _token_before(text: str, stop: int, floor: int) -> str:
    """The word just before text[stop], without leading quotes or brackets."""
    start = stop
    limit = max(floor, stop - _TOKEN_LIMIT)
    while start > limit and not text[start - 1].isspace():
        start -= 1
    return text[start:stop].lstrip("\"'\u201c\u2018\u00ab([")


def _is_boundary(text: str, match: re.Match[str], paragraph_start: int) -> bool:
    """Whether the punctuation matched here ends a sentence."""
    after = _OPENERS_PUNCT.match(text, match.end()).end()
    if after >= len(text):
        return True
    following = text[after]
    if following.islower():
        return False  # "a.m. on Monday", "'No!' she said" go on
    punct = match.group().rstrip(_CLOSERS)
    if "!" in punct or "?" in punct or "\u2026" in punct or len(punct) > 1:
        return True
    if match.end() - match.start() > len(punct):
        return True  # a period inside closing quotes: 'said "no."' ends there
    token = _token_before(text, match.start(), paragraph_start)
    if len(token) == 1 and token.isupper():
        return False  # an initial: "Albert P. Khorev", "S. Jaishankar"
    abbreviations = _abbreviations()
    kind = abbreviations.kind(token)
    if kind == "never":
        return False
    next_word_match = _WORD.match(text, after)
    next_word = next_word_match.group() if next_word_match else ""
    if _INITIALISM.fullmatch(token):
        return next_word in abbreviations.openers
    if kind == "capital":
        # "Co. Ltd." is one name; otherwise a capital starts a new sentence.
        return following.isupper() and abbreviations.kind(next_word.rstrip(".")) is None
    return True


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return spans


def _has_content(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of text, each with its index and [start, end) offsets (plus offset) into text."""
    sentences: list[Sentence] = []

    def add(start: int, end: int) -> None:
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped or not _has_content(stripped):
            return
        lead = len(piece) - len(piece.lstrip())
        begin = start + lead
        finish = begin + len(stripped)
        sentences.append(Sentence(len(sentences), begin + offset, finish + offset, stripped))

    for para_start, para_end in _paragraph_spans(text):
        start = para_start
        for match in _CANDIDATE.finditer(text, para_start, para_end):
            if match.end() < para_end and _is_boundary(text, match, para_start):
                add(start, match.end())
                start = match.end()
        add(start, para_end)
    return sentences
