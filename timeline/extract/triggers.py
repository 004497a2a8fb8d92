"""Trigger phrases: which words of a sentence name which kind of event (loaded from data)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from re import _constants, _parser  # to read a pattern's leading words; stable since Python 3.11

from timeline.domain.vocabulary import event_types

MAX_TRIGGERS_PER_SENTENCE = 100


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str
    start: int
    end: int
    text: str
    voice: str = "active"
    modality: str | None = None
    tone: str | None = None
    nominal: bool = False


@dataclass(frozen=True, slots=True)
class _Rule:
    type: str
    pattern: re.Pattern[str]
    voice: str
    modality: str | None
    tone: str | None
    nominal: bool
    rank: int
    cues: re.Pattern[str] | None  # one of these words begins every match; None when that cannot be told


class TriggerBook:
    """The trigger rules, the modality cues and the tone words, from triggers.json and user files."""

    def __init__(self, data: dict) -> None:
        known = event_types()
        self.rules: list[_Rule] = []
        for rank, spec in enumerate(data["triggers"]):
            if spec["type"] not in known:
                raise ValueError(f"trigger for unknown event type {spec['type']!r}")
            try:
                cues = _first_literals(list(_parser.parse(spec["pattern"], re.IGNORECASE)))
            except re.error as exc:
                raise ValueError(
                    f"trigger pattern for {spec['type']} is not a valid expression: {exc}"
                ) from None
            self.rules.append(
                _Rule(
                    spec["type"],
                    re.compile(rf"(?<![\w-])(?:{spec['pattern']})(?![\w])", re.IGNORECASE),
                    spec.get("voice", "active"),
                    spec.get("modality"),
                    spec.get("tone"),
                    bool(spec.get("nominal", False)),
                    rank,
                    re.compile("|".join(re.escape(c.lower()) for c in sorted(cues))) if cues else None,
                )
            )
        self.tones: dict[str, list[str]] = {
            tone: words for tone, words in data["relation_tones"].items() if not tone.startswith("_")
        }
        self.planned = _cue_pattern(data["modality"]["planned"])
        self.negated = _cue_pattern(data["modality"]["negated"])
        self.reporting = _cue_pattern(data["reporting_verbs"])

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> TriggerBook:
        data = json.loads(
            resources.files("timeline.extract").joinpath("data/triggers.json").read_text("utf-8")
        )
        for path in extra:
            user = json.loads(Path(path).read_text("utf-8"))
            # User triggers go first: a user's phrase wins over a shipped one where both match.
            data["triggers"] = list(user.get("triggers", [])) + data["triggers"]
            for tone, words in user.get("relation_tones", {}).items():
                data["relation_tones"].setdefault(tone, []).extend(words)
        return cls(data)

    def find(self, sentence: str) -> list[Trigger]:
        """Non-overlapping triggers in reading order; the longer match wins, then the earlier rule."""
        hits: list[tuple[int, int, _Rule]] = []
        low = sentence.lower()
        for rule in self.rules:
            # A rule whose every match starts with one of a few words is skipped at once when none
            # of them is in the sentence: most rules, most sentences; a third of the extractor's time.
            if rule.cues is not None and not rule.cues.search(low):
                continue
            for match in rule.pattern.finditer(sentence):
                if match.end() > match.start():
                    hits.append((match.start(), match.end(), rule))
        hits.sort(key=lambda h: (-(h[1] - h[0]), h[2].rank, h[0]))
        chosen: list[tuple[int, int, _Rule]] = []
        taken = bytearray(len(sentence))  # characters already claimed by a chosen trigger
        for start, end, rule in hits:
            if not any(taken[start:end]):
                chosen.append((start, end, rule))
                taken[start:end] = b"\x01" * (end - start)
        chosen.sort(key=lambda h: h[0])
        # No real sentence tells a hundred statements; a text that seems to is noise, cut short
        # so that a pathological input cannot make the coder's per-trigger work quadratic.
        chosen = chosen[:MAX_TRIGGERS_PER_SENTENCE]
        return [
            Trigger(rule.type, s, e, sentence[s:e], rule.voice, rule.modality, rule.tone, rule.nominal)
            for s, e, rule in chosen
        ]

    def tone_of(self, text: str, default: str = "cooperative") -> str:
        """The tone a RelationsCharacterized statement gives the relationship."""
        low = text.lower()
        for tone in ("hostile", "strained", "close", "cooperative"):
            if any(re.search(rf"\b{re.escape(word)}", low) for word in self.tones.get(tone, ())):
                return tone
        return default


def _first_literals(items: list) -> set[str] | None:
    """The literal prefixes one of which every match of a parsed pattern starts with, or None."""
    if not items:
        return None
    op, arg = items[0]
    if op == _constants.LITERAL:
        prefix = ""
        for code, value in items:
            if code != _constants.LITERAL:
                break
            prefix += chr(value)
        return {prefix}
    if op == _constants.SUBPATTERN:
        return _first_literals(list(arg[3]))
    if op == _constants.BRANCH:
        found: set[str] = set()
        for alternative in arg[1]:
            inner = _first_literals(list(alternative))
            if inner is None:
                return None
            found |= inner
        return found
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, _high, sub = arg
        if low >= 1:
            return _first_literals(list(sub))
        optional, rest = _first_literals(list(sub)), _first_literals(items[1:])
        return None if optional is None or rest is None else optional | rest
    if op in (_constants.ASSERT, _constants.ASSERT_NOT, _constants.AT):
        return _first_literals(items[1:])
    return None


def _cue_pattern(words: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted((w for w in words if not w.startswith("_")), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ordered) + r")\b", re.IGNORECASE)


@cache
def default_triggers() -> TriggerBook:
    return TriggerBook.load()
