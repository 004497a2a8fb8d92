"""People's names as a reader meets them: the short name shown for a person, the mark of a person
the extractor only inferred, and the folding that lets "Lopez" find "López".

No SQLAlchemy here: the store builds its SQL from ``FOLD_FROM``/``FOLD_TO`` and ``like_patterns``,
and the projections match in Python with ``name_matches``, so both read a name the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

#: Countries whose names put the family name first ("Xi Jinping" -> Xi, "Cho Tae-yul" -> Cho).
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK"})

#: Lowercase particles that begin a family name ("von der Leyen", "de Gaulle", "da Silva").
_PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von"}
)
#: Words after which an Arab name gives the father's: the person is known by the name before it.
_PATRONYMIC = frozenset({"bin", "bint", "ibn"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_REGNAL = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"})


def _fold_table() -> tuple[str, str]:
    """Each accented Latin letter (both cases) and its plain lowercase letter, one for one, so that
    SQL ``translate`` (PostgreSQL) and ``str.translate`` fold the same letters the same way."""
    sources, plain = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[:1]
        if char != base and base.isascii() and base.isalpha():
            sources.append(char)
            plain.append(base.lower())
    for char, base in (("Ø", "o"), ("ø", "o"), ("Đ", "d"), ("đ", "d"), ("Ł", "l"), ("ł", "l"), ("’", "'")):
        if char not in sources:
            sources.append(char)
            plain.append(base)
    return "".join(sources), "".join(plain)


FOLD_FROM, FOLD_TO = _fold_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """A name for matching: accents off, lowercase, single spaces ("López  Obrador" -> "lopez obrador")."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_FOLD).lower().split())


def like_patterns(words: str) -> tuple[str, str, str]:
    """LIKE patterns (escape ``\\``) that find the folded ``words`` as whole words of a folded name:
    at its start, its end, or inside it (the name equal to the words is matched apart)."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (f"{escaped} %", f"% {escaped}", f"% {escaped} %")


def name_matches(name: str | None, names: Iterable[str], words: str | None) -> bool:
    """The rule the store's SQL applies, in Python: the folded name is one of ``names`` (folded full
    names), or holds ``words`` as whole words."""
    if not name:
        return False
    folded = fold(name)
    if folded in names:
        return True
    return bool(words) and f" {words} " in f" {folded} "


# --- display ---------------------------------------------------------------------------------------


def display_name(name: str, country: str | None = None) -> str:
    """The short name a reader knows a person by: the lexicon's where it has one ("Lula",
    "López Obrador", "Salman"), else read from the name's own order (see ``short_name``)."""
    known = _lexicon_display(name)
    return known or short_name(name, country)


def short_name(name: str, country: str | None = None) -> str:
    """The family name by the name's order: first where the country writes it first (Xi Jinping,
    Cho Tae-yul), from a particle on ("von der Leyen"), the given name before "bin" (Salman bin
    Abdulaziz), a regnal name whole ("Charles III"), else the last word (Jr. and the like left off)."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _SUFFIXES and words[-1].lower() not in _REGNAL:
        words.pop()
    if len(words) <= 1:
        return " ".join(words) or name
    lower = [w.lower() for w in words]
    if lower[-1] in _REGNAL:
        return " ".join(words)
    if country in FAMILY_NAME_FIRST or _korean_given_name(words[-1]):
        return words[0]
    if any(w in _PATRONYMIC for w in lower[1:]):
        return words[[w in _PATRONYMIC for w in lower].index(True) - 1]
    for i, w in enumerate(lower[1:-1], start=1):
        if w in _PARTICLES:
            return " ".join(words[i:])
    return words[-1]


def _korean_given_name(word: str) -> bool:
    """ "Tae-yul", "Jong-un": a hyphenated two-syllable given name, written after the family name."""
    first, _, second = word.partition("-")
    return bool(first and second) and first[:1].isupper() and second.islower() and "-" not in second


def _lexicon_display(name: str) -> str | None:
    from timeline.extract.lexicon import Lexicon  # the shipped data only; no spaCy behind it

    return Lexicon.default().display_for(name)


# --- inferred people -------------------------------------------------------------------------------


def inferred_sides(payload: Mapping[str, Any] | None) -> frozenset[str]:
    """The sides ("actor", "target") whose person the extractor inferred rather than read."""
    sides = (payload or {}).get("inferred_persons")
    return frozenset(s for s in sides if s in ("actor", "target")) if isinstance(sides, list) else frozenset()


def with_inferred(party: Mapping[str, Any] | None, inferred: bool) -> dict[str, Any]:
    """The party's JSON object with ``inferred``: true only where a person is named and was guessed."""
    data = dict(party or {"country": None, "name": None, "role": None})
    data["inferred"] = bool(inferred and data.get("name"))
    return data


@lru_cache(maxsize=4096)
def cached_display(name: str, country: str | None) -> str:
    return display_name(name, country)
