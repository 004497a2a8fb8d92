"""Trigger phrases: which words of a sentence name which kind of event (loaded from data)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from timeline.domain.vocabulary import event_types


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


class TriggerBook:
    """The trigger rules, the modality cues and the tone words, from triggers.json and user files."""

    def __init__(self, data: dict) -> None:
        known = event_types()
        self.rules: list[_Rule] = []
        for rank, spec in enumerate(data["triggers"]):
            if spec["type"] not in known:
                raise ValueError(f"trigger for unknown event type {spec['type']!r}")
            self.rules.append(
                _Rule(
                    spec["type"],
                    re.compile(rf"(?<![\w-])(?:{spec['pattern']})(?![\w])", re.IGNORECASE),
                    spec.get("voice", "active"),
                    spec.get("modality"),
                    spec.get("tone"),
                    bool(spec.get("nominal", False)),
                    rank,
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
        data = json.loads(resources.files("timeline.extract").joinpath("data/triggers.json").read_text("utf-8"))
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
        for rule in self.rules:
            for match in rule.pattern.finditer(sentence):
                if match.end() > match.start():
                    hits.append((match.start(), match.end(), rule))
        hits.sort(key=lambda h: (-(h[1] - h[0]), h[2].rank, h[0]))
        chosen: list[tuple[int, int, _Rule]] = []
        for start, end, rule in hits:
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, rule))
        chosen.sort(key=lambda h: h[0])
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


def _cue_pattern(words: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted((w for w in words if not w.startswith("_")), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ordered) + r")\b", re.IGNORECASE)


@cache
def default_triggers() -> TriggerBook:
    return TriggerBook.load()
