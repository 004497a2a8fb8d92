"""Find date expressions in a sentence and resolve them against the article's publication date."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import pendulum

Precision = Literal["day", "week", "month", "year"]
Basis = Literal["explicit", "month-day", "weekday", "relative", "month", "year"]


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # [start, end) offsets into the sentence
    end: int
    text: str
    value: date  # first day of the week/month/year for coarser precisions
    precision: Precision
    basis: Basis
    future: bool  # later than the article, or spoken of as still to come
    # A phrase such as "a day earlier" or "the same day" with no other date in the sentence:
    # value assumes the article date; a caller that knows the statement's date can use
    # resolve_relative(text, anchor) instead.
    needs_anchor: bool = False
    preposition: str | None = None  # the word just before it, lower case ("on", "in", "since")
    year_told: bool = False  # "November 23 of that year": in the year named before, once known
    # "the following month", "at the time": counted from the last date told at any precision, not
    # only from a day ("month" and "year": that many months on; "time": that date itself)
    told_unit: str | None = None
    told_months: int = 0  # "the following month": +1; "the previous year": -12


# --- word lists -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Words:
    future: frozenset[str]  # single words
    future_phrases: frozenset[tuple[str, ...]]  # two or three words
    past: frozenset[str]
    not_past: frozenset[str]
    month_context: frozenset[str]
    year_context: frozenset[str]
    count_nouns: frozenset[str]
    clause_openers: frozenset[str]
    adjective_before: frozenset[str]


@cache
def _words() -> _Words:
    """The word lists of data/dates_words.txt, read once."""
    text = resources.files("timeline.extract").joinpath("data", "dates_words.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip().lower()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, set()).add(line)
    future = sections.get("future", set())
    return _Words(
        future=frozenset(w for w in future if " " not in w),
        future_phrases=frozenset(tuple(w.split()) for w in future if " " in w),
        past=frozenset(sections.get("past", set())),
        not_past=frozenset(sections.get("not-past", set())),
        month_context=frozenset(sections.get("month-context", set())),
        year_context=frozenset(sections.get("year-context", set())),
        count_nouns=frozenset(sections.get("count-nouns", set())),
        clause_openers=frozenset(sections.get("clause-openers", set())),
        adjective_before=frozenset(sections.get("adjective-before", set())),
    )


# --- calendar vocabulary and patterns -----------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2, "few": 3,
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "final": -1}

# Month names are matched capitalised only: "may" and "march" are also ordinary words.
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_FULL_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?P<weekday>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
_LEAD_WEEKDAY = r"(?:(?P<lead_weekday>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)),?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
_RANGE = r"(?:\s*(?:-|–|—|to|and|through|until|till)\s*[0-3]?\d(?:st|nd|rd|th)?(?![\d:.,]\d))?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)(?!\d|[.,:]\d)"
_YEAR_TAIL = (
    r"(?:,?\s*" + _YEAR + r"|\s+(?:(?i:of)\s+)?(?P<rel_year>(?i:last|next|this|that))\s+(?i:year)\b)?"
)
_NUMBER = (
    r"(?P<n>\d{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of|few))"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")),
    # "March 22", "on Saturday, October 19", "November 11-12, 2011", "June 18 last year"
    ("month_day", re.compile(r"\b" + _LEAD_WEEKDAY + _MONTH + r"\s+" + _DAY + _RANGE + _YEAR_TAIL)),
    # "22 March 2024", "the 3rd of May"
    (
        "day_month",
        re.compile(
            r"(?<![\d.,$£€¥])\b"
            + _LEAD_WEEKDAY
            + r"(?:(?i:the)\s+)?"
            + _DAY
            + _RANGE
            + r"\s+(?:(?i:of)\s+)?"
            + _MONTH
            + _YEAR_TAIL
        ),
    ),
    # "the third week of December"
    (
        "week_of_month",
        re.compile(
            r"\b(?i:the)\s+(?P<nth>(?i:first|second|third|fourth|fifth|last|final))\s+(?i:week)\s+(?i:of)\s+"
            + _FULL_MONTH
            + r"(?:,?\s*"
            + _YEAR
            + r")?"
        ),
    ),
    # "in March", "mid-December", "late January", "March 2023", "last March", "the end of June"
    (
        "month",
        re.compile(
            r"\b(?:(?P<shift>(?i:last|next|this))\s+|(?P<part>(?i:early|mid|late|end))(?:-|\s+)"
            r"|(?i:the\s+)?(?P<phrase>(?i:beginning|start|middle|end))\s+(?i:of)\s+)?"
            + _FULL_MONTH
            + _YEAR_TAIL
            + r"\b"
        ),
    ),
    # "on Saturday", "last Tuesday", "Sunday evening", "Monday's briefing"
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<shift>(?i:last|next|this|coming|past))\s+)?"
            + _WEEKDAY
            + r"(?:'s|’s)?(?:\s+(?P<tod>(?i:morning|afternoon|evening|night)))?"
            + r"(?:\s+(?:(?i:of)\s+)?(?P<week>(?i:last|this|next))\s+(?i:week))?\b"
        ),
    ),
    # "at the weekend", "over the weekend", "last weekend", "next weekend": its Saturday
    (
        "weekend",
        re.compile(
            r"\b(?:(?P<shift>(?i:last|this|next|past|coming))\s+|(?i:over|at|during|on)\s+(?i:the)\s+)"
            r"(?i:weekend)\b(?!'s|’s)"
        ),
    ),
    # "in 2016", "since 2008", "mid-2024", "later in 2024"
    (
        "year",
        re.compile(
            r"(?:(?P<mod>(?i:later|earlier))\s+(?i:in)\s+)?(?:(?P<part>(?i:mid|early|late))-)?"
            r"(?<![\w$£€¥.,:+/])" + _YEAR + r"(?!s\b|'s\b|’s\b|\s*%|\s*per\s*cent|\+)"
        ),
    ),
    (
        "day_word",
        re.compile(
            r"\b(?P<word>(?i:the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow"
            r"|last\s+night|this\s+(?:morning|afternoon|evening)))\b"
        ),
    ),
    # "last week", "earlier this month", "later this year", "next month"
    (
        "period",
        re.compile(
            r"(?<!\bthe\s)(?<!\bThe\s)\b(?:(?P<mod>(?i:earlier|later))\s+)?(?P<shift>(?i:last|this|next))\s+"
            r"(?P<unit>(?i:week|month|year))\b"
        ),
    ),
    # "earlier in the week", "later in the month": a part of the present period
    (
        "period_in",
        re.compile(r"\b(?P<mod>(?i:earlier|later))\s+(?i:in)\s+(?i:the)\s+(?P<unit>(?i:week|month|year))\b"),
    ),
    # "on the 14th": a day of the month the story is in, with no month named
    (
        "ordinal_day",
        re.compile(
            r"(?<=\b[Oo]n )(?i:the)\s+(?P<day>[12]\d|3[01]|[1-9])(?i:st|nd|rd|th)\b"
            r"(?=\s*(?:[,.;:)]|$)|\s+(?i:and|when|after|before|as|in|at|with|to|from|for|during)\b)"
        ),
    ),
    # "before the end of the year", "by the end of this month"
    (
        "period_end",
        re.compile(
            r"\b(?i:before|by|until|till|towards?)\s+(?i:the)\s+(?i:end)\s+(?i:of)\s+(?i:the|this)\s+"
            r"(?P<unit>(?i:week|month|year))\b"
        ),
    ),
    # "two years ago", "a day earlier", "three days after the vote", "hours before"
    (
        "offset",
        re.compile(
            r"\b" + _NUMBER + r"\s+(?P<unit>(?i:day|week|month|year))s?\s+"
            r"(?P<dir>(?i:ago|earlier|later|before|after|previously|on))\b"
        ),
    ),
    ("hours", re.compile(r"\b(?i:hours|hour|minutes|moments)\s+(?P<dir>(?i:earlier|later|before|after))\b")),
    # "the previous evening", "the next day", "the same day", "that day", "earlier in the day"
    (
        "anchor_word",
        re.compile(
            r"\b(?P<phrase>(?i:the\s+(?:previous|preceding)\s+(?:day|evening|night|morning|afternoon)"
            r"|the\s+(?:next|following)\s+(?:day|morning|evening|afternoon)"
            r"|the\s+day\s+(?:before|after)|the\s+night\s+before"
            r"|(?:on\s+)?the\s+same\s+(?:day|evening|night|morning|afternoon)"
            r"|(?:earlier|later)\s+that\s+day|that\s+same\s+day"
            r"|that\s+(?:day|evening|morning|afternoon|night)"
            r"|(?:earlier|later)\s+in\s+the\s+day))\b"
        ),
    ),
    # "the following month", "that same year", "at the time": the month, year or date told before
    # ("at the time of the vote" is the vote's; "accused X at the time of lending ..." is not)
    (
        "anchor_unit",
        re.compile(
            r"\b(?P<phrase>(?i:the\s+(?:next|following|previous|preceding)\s+(?:month|year)"
            r"|(?:that|the)\s+same\s+(?:month|year)|at\s+(?:the|that)\s+time(?!\s+of\s+(?!\w+ing\b))))\b"
        ),
    ),
]

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\"“”—–]|\s-\s")
_NEXT_WORD = re.compile(r"[^\S\n]*([A-Za-z]+)")
_PREPOSITIONS = frozenset(
    [
        "on",
        "in",
        "at",
        "from",
        "since",
        "until",
        "till",
        "by",
        "before",
        "after",
        "during",
        "of",
        "for",
        "between",
        "to",
        "through",
        "around",
    ]
)


# --- date arithmetic (pendulum), never raising --------------------------------------------------


def _day(year: int, month: int, day: int) -> pendulum.Date | None:
    try:
        return pendulum.Date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _plain(value: date) -> date:
    return date(value.year, value.month, value.day)


def _shift(value: date, **amount: int) -> date | None:
    """value moved by days/weeks/months/years (negative to go back); None past the calendar's ends."""
    try:
        return _plain(pendulum.Date(value.year, value.month, value.day).add(**amount))
    except (ValueError, OverflowError):
        return None


def _start_of(value: date, unit: str) -> date:
    return _plain(pendulum.Date(value.year, value.month, value.day).start_of(unit))


# --- tense ----------------------------------------------------------------------------------------


class _Tense:
    """Future/past cues in one sentence, to read the tense around a date mention."""

    def __init__(self, sentence: str) -> None:
        words = _words()
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(sentence)]
        lows = [original.lower().replace("’", "'") for _, original in tokens]
        self.cue_positions: list[int] = []
        self.cue_kinds: list[str] = []
        breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence)]
        covered_until = 0  # the words of a future phrase ("to be held") are not cues of their own
        for i, (pos, original) in enumerate(tokens):
            low = lows[i]
            if low in words.clause_openers:
                breaks.append(pos)
            if i < covered_until:
                continue
            kind = None
            if tuple(lows[i : i + 3]) in words.future_phrases:
                kind, covered_until = "future", i + 3
            elif tuple(lows[i : i + 2]) in words.future_phrases:
                kind, covered_until = "future", i + 2
            elif low in words.future:
                kind = "future"
            elif low in words.past or (
                original.islower()
                and len(low) >= 5
                and low.endswith("ed")
                and not low.endswith("eed")
                and low not in words.not_past
                and (i == 0 or lows[i - 1] not in words.adjective_before)
            ):
                kind = "past"
            if kind:
                self.cue_positions.append(pos)
                self.cue_kinds.append(kind)
        self.breaks = sorted(breaks)

    def at(self, start: int, end: int) -> str | None:
        """'future' or 'past' at [start, end): the nearest cue in its clause, looking back first;
        else the nearest before it in the sentence; else the next after it ("On Saturday, X did Y")."""
        b = bisect.bisect_right(self.breaks, start - 1)
        clause_start = self.breaks[b - 1] if b > 0 else -1
        a = bisect.bisect_left(self.breaks, end)
        clause_end = self.breaks[a] if a < len(self.breaks) else 1 << 62
        before = bisect.bisect_left(self.cue_positions, start) - 1
        after = bisect.bisect_left(self.cue_positions, end)
        if before >= 0 and self.cue_positions[before] >= clause_start:
            return self.cue_kinds[before]
        if after < len(self.cue_positions) and self.cue_positions[after] < clause_end:
            return self.cue_kinds[after]
        if before >= 0:
            return self.cue_kinds[before]
        if after < len(self.cue_positions):
            return self.cue_kinds[after]
        return None


class _LazyTense:
    """Reads a sentence's tense cues only when a mention needs them."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self._reader: _Tense | None = None

    def at(self, start: int, end: int) -> str | None:
        if self._reader is None:
            self._reader = _Tense(self.sentence)
        return self._reader.at(start, end)


# --- resolution of each kind ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    value: date
    precision: Precision
    basis: Basis
    forward: bool = False  # the phrase itself points ahead ("next month", "later this year")
    anchored: bool = False  # relative to another date: "a day earlier", "the same day"
    offset_days: int = 0  # for anchored phrases
    offset_months: int = 0  # "a month after <event>", "seven years after": counted in months
    conjunction: bool = False  # "a day after <event>": dates the event, one day before its anchor
    year_told: bool = False  # "of that year": the year named before, which the caller knows
    told_unit: str | None = None  # see DateMention.told_unit
    told_months: int = 0


def _pick_year(published: date, month: int, day: int, tense: str | None, weekday: int | None) -> date | None:
    """The year for a month-day without one: the latest on or before the article; the next on or after
    it in a future sentence; the nearest either way in a sentence with no tense cue at all."""
    candidates = [
        d for y in (published.year - 1, published.year, published.year + 1) if (d := _day(y, month, day))
    ]
    if not candidates:
        return None
    if weekday is not None:
        # "Saturday, October 19": the year in which that day is a Saturday.
        matching = [d for d in candidates if d.weekday() == weekday]
        if matching:
            return _plain(min(matching, key=lambda d: abs((d - published).days)))
    ahead = [d for d in candidates if d >= published]
    behind = [d for d in candidates if d <= published]
    if tense is None and ahead and behind:
        nearest_ahead, nearest_behind = min(ahead), max(behind)
        nearer = (nearest_ahead - published).days < (published - nearest_behind).days
        return _plain(nearest_ahead if nearer else nearest_behind)
    if tense == "future":
        return _plain(min(ahead)) if ahead else None
    return _plain(max(behind)) if behind else None


def _year_from_tail(m: re.Match[str], published: date) -> int | None:
    if m.group("year"):
        return int(m.group("year"))
    rel = (m.group("rel_year") or "").lower()
    return {"last": published.year - 1, "this": published.year, "next": published.year + 1}.get(rel)


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _resolve_day_month(m: re.Match[str], published: date, tense: str | None) -> _Found | None:
    month = _month_number(m.group("month"))
    day = int(m.group("day"))
    year = _year_from_tail(m, published)
    lead = m.group("lead_weekday")
    weekday = _WEEKDAYS[lead.lower()] if lead else None
    if year is not None:
        value = _day(year, month, day)
        return _Found(_plain(value), "day", "explicit") if value else None
    if (m.group("rel_year") or "").lower() == "that":
        # "November 23 of that year": the year told before, which the caller knows; until it
        # says, the article's year
        value = _day(published.year, month, day)
        return _Found(_plain(value), "day", "month-day", year_told=True) if value else None
    value = _pick_year(published, month, day, tense, weekday)
    return _Found(value, "day", "month-day") if value else None


def _resolve_iso(m: re.Match[str]) -> _Found | None:
    value = _day(int(m.group("year")), int(m.group("m")), int(m.group("d")))
    return _Found(_plain(value), "day", "explicit") if value else None


def _month_year(published: date, month: int, rule: str) -> int:
    """The year of a month named without one; rule is past, future, nearest, last, next or this."""
    y, current = published.year, published.month
    if rule == "nearest":
        rule = "future" if (month - current) % 12 < (current - month) % 12 else "past"
    if rule == "this":
        return y
    if rule == "last":
        return y if month < current else y - 1
    if rule == "next":
        return y if month > current else y + 1
    if rule == "future":
        return y if month >= current else y + 1
    return y if month <= current else y - 1


def _resolve_week_of_month(m: re.Match[str], published: date, tense: str | None) -> _Found | None:
    month = _month_number(m.group("month"))
    year = int(m.group("year")) if m.group("year") else _month_year(published, month, tense or "nearest")
    first = _day(year, month, 1)
    if first is None:
        return None
    nth = _ORDINALS[m.group("nth").lower()]
    if nth < 0:
        value = first.end_of("month").subtract(days=6)
    else:
        value = first.add(days=7 * (nth - 1))
        if value.month != month:
            return None
    return _Found(_plain(value), "week", "month")


def _previous_word(sentence: str, start: int) -> str:
    """The word right before position start, lower case ('' at the start)."""
    end = start
    while end > 0 and sentence[end - 1] in " \t\u00a0":
        end -= 1
    begin = end
    while begin > 0 and (sentence[begin - 1].isalpha() or sentence[begin - 1] in "'’"):
        begin -= 1
    return sentence[begin:end].lower()


def _resolve_month(m: re.Match[str], published: date, tense: str | None, sentence: str) -> _Found | None:
    month = _month_number(m.group("month"))
    shift = (m.group("shift") or "").lower()
    part = m.group("part") or m.group("phrase")
    year = _year_from_tail(m, published)
    if year is None and not shift and not part:
        # A month name on its own is a date only after words such as "in", "since", "of".
        before = _previous_word(sentence, m.start())
        words = _words()
        if before not in words.month_context:
            return None
        if month == 5 and before in {"and", "or", "to", "on", "for", "after", "before", "through"}:
            return None  # "and May said": more likely the name
    if year is None:
        year = _month_year(published, month, shift or tense or "nearest")
    value = _day(year, month, 1)
    return _Found(_plain(value), "month", "month") if value else None


def _resolve_weekday(m: re.Match[str], published: date, tense: str | None) -> _Found | None:
    weekday = _WEEKDAYS[m.group("weekday").lower()]
    shift = (m.group("shift") or "").lower()
    today = published.weekday()
    week = (m.group("week") or "").lower()
    if week:
        # "Thursday last week": that weekday in the week named (weeks start on Monday)
        step = {"last": -7, "this": 0, "next": 7}[week]
        value = _shift(published, days=step - today + weekday)
        return _Found(value, "day", "weekday", forward=week == "next") if value else None
    back = (today - weekday) % 7  # days back to the same weekday on or before the article date
    ahead = (weekday - today) % 7
    if shift in {"last", "past"}:
        days = -(back or 7)
    elif shift in {"next", "coming"}:
        days = ahead or 7
    elif tense == "future":
        days = ahead
    else:
        days = -back
    value = _shift(published, days=days)
    if value is None:
        return None
    return _Found(value, "day", "weekday", forward=shift in {"next", "coming"})


def _resolve_weekend(m: re.Match[str], published: date, tense: str | None) -> _Found | None:
    """The weekend's Saturday: the last one on or before the article's day (its Sunday counts as
    that weekend), or the coming one when the clause speaks of the future or says "next"."""
    shift = (m.group("shift") or "").lower()
    today = published.weekday()
    back = (today - 5) % 7
    if shift in {"next", "coming"} or (shift != "last" and shift != "past" and tense == "future"):
        days = (5 - today) % 7 or 7
        if shift in {"", "this"} and today == 5:
            days = 0
    else:
        days = -back
    value = _shift(published, days=days)
    return _Found(value, "day", "weekday", forward=days > 0) if value else None


def _resolve_year(m: re.Match[str], published: date, sentence: str) -> _Found | None:
    if not m.group("mod") and not m.group("part"):
        words = _words()
        before = _previous_word(sentence, m.start())
        # "Whitlam's 1973 trip": a possessive before a bare year makes it the year of what follows
        if before not in words.year_context and not before.endswith(("'s", "’s")):
            return None
        following = _NEXT_WORD.match(sentence, m.end())
        if following and following.group(1).lower() in words.count_nouns:
            return None
    value = _day(int(m.group("year")), 1, 1)
    if value is None:
        return None
    return _Found(_plain(value), "year", "year", forward=(m.group("mod") or "").lower() == "later")


def _resolve_day_word(m: re.Match[str], published: date) -> _Found | None:
    word = " ".join(m.group("word").lower().split())
    days = {
        "the day before yesterday": -2,
        "yesterday": -1,
        "last night": -1,
        "today": 0,
        "tonight": 0,
        "this morning": 0,
        "this afternoon": 0,
        "this evening": 0,
        "tomorrow": 1,
    }[word]
    value = _shift(published, days=days)
    return _Found(value, "day", "relative", forward=days > 0) if value else None


def _period_start(published: date, unit: str, step: int) -> date | None:
    moved = _shift(published, **{unit + "s": step})
    return _start_of(moved, unit) if moved else None


def _resolve_period(m: re.Match[str], published: date) -> _Found | None:
    unit = m.group("unit").lower()
    shift = m.group("shift").lower()
    step = {"last": -1, "this": 0, "next": 1}[shift]
    value = _period_start(published, unit, step)
    if value is None:
        return None
    forward = step > 0 or (m.group("mod") or "").lower() == "later"
    return _Found(value, unit, "relative", forward=forward)  # type: ignore[arg-type]


def _resolve_ordinal_day(m: re.Match[str], published: date, tense: str | None) -> _Found | None:
    """ "on the 14th": that day of the article's month, else of the month before (or, told of the
    future, of the month after)."""
    day = int(m.group("day"))
    value = _day(published.year, published.month, day)
    if tense == "future":
        if value is None or value < published:
            ahead = _shift(published.replace(day=1), months=1)
            value = _day(ahead.year, ahead.month, day) if ahead else None
    elif value is None or value > published:
        back = _shift(published.replace(day=1), months=-1)
        value = _day(back.year, back.month, day) if back else None
    return _Found(_plain(value), "day", "month-day") if value else None


def _resolve_period_end(m: re.Match[str], published: date) -> _Found | None:
    unit = m.group("unit").lower()
    value = _period_start(published, unit, 0)
    return _Found(value, unit, "relative", forward=True) if value else None  # type: ignore[arg-type]


def _resolve_offset(m: re.Match[str], published: date, sentence: str) -> _Found | None:
    key = " ".join(m.group("n").lower().split())
    n = int(key) if key.isdigit() else _NUMBERS.get(key, 0)
    unit = m.group("unit").lower()
    direction = m.group("dir").lower()
    if n <= 0 or n > 500:
        return None
    if direction == "ago":
        moved = _shift(published, **{unit + "s": -n})
        if moved is None:
            return None
        if unit == "day":
            return _Found(moved, "day", "relative")
        if unit == "week":
            return _Found(moved, "week", "relative")
        return _Found(_start_of(moved, unit), unit, "relative")  # type: ignore[arg-type]
    sign = -1 if direction in {"earlier", "before", "previously"} else 1
    following = _NEXT_WORD.match(sentence, m.end())
    # "a day after protesters stormed ...": a conjunction introducing another event.
    conjunction = direction in {"before", "after"} and following is not None
    if unit in {"month", "year"} and conjunction:
        # "seven years after the two severed ties": that event's month or year, counted from the anchor
        months = sign * n * (12 if unit == "year" else 1)
        return _Found(published, unit, "relative", anchored=True, offset_months=months, conjunction=True)
    if unit not in {"day", "week"}:
        return None  # "two years later" is too loose to date a statement
    days = n * (7 if unit == "week" else 1)
    value = _shift(published, days=sign * days)
    if value is None:
        return None
    precision: Precision = "day" if unit == "day" else "week"
    return _Found(
        value, precision, "relative", anchored=True, offset_days=sign * days, conjunction=conjunction
    )


def _resolve_hours(m: re.Match[str], published: date, sentence: str) -> _Found:
    direction = m.group("dir").lower()
    conjunction = direction in {"before", "after"} and _NEXT_WORD.match(sentence, m.end()) is not None
    return _Found(published, "day", "relative", anchored=True, conjunction=conjunction)


def _resolve_anchor_word(m: re.Match[str], published: date, sentence: str) -> _Found | None:
    phrase = " ".join(m.group("phrase").lower().split())
    if "previous" in phrase or "preceding" in phrase or phrase in {"the day before", "the night before"}:
        days = -1
    elif "next" in phrase or "following" in phrase or phrase == "the day after":
        days = 1
    else:
        days = 0
    conjunction = (
        phrase in {"the day before", "the day after"} and _NEXT_WORD.match(sentence, m.end()) is not None
    )
    value = _shift(published, days=days)
    if value is None:
        return None
    return _Found(value, "day", "relative", anchored=True, offset_days=days, conjunction=conjunction)


def _resolve_anchor_unit(m: re.Match[str], published: date) -> _Found | None:
    """Counted from ``published`` until the caller knows the date told before (see find_dates)."""
    phrase = " ".join(m.group("phrase").lower().split())
    if phrase.endswith("time"):
        return _Found(published, "day", "relative", anchored=True, told_unit="time")
    unit = "year" if phrase.endswith("year") else "month"
    step = 0 if "same" in phrase else -1 if ("previous" in phrase or "preceding" in phrase) else 1
    months = step * (12 if unit == "year" else 1)
    value = _shift(published, months=months)
    if value is None:
        return None
    return _Found(_start_of(value, unit), unit, "relative", anchored=True, told_unit=unit, told_months=months)  # type: ignore[arg-type]


# --- assembling mentions ------------------------------------------------------------------------


_ANY_MONTH = re.compile(_MONTH)
_ANY_DIGIT = re.compile(r"\d")
_FOUR_DIGITS = re.compile(r"\d{4}")


def _worth_trying(sentence: str) -> set[str]:
    """The pattern kinds that can match at all: cheap substring checks spare most regex scans."""
    low = sentence.lower()
    month = _ANY_MONTH.search(sentence) is not None
    digit = _ANY_DIGIT.search(sentence) is not None
    units = any(unit in low for unit in ("day", "week", "month", "year"))
    kinds = set()
    if digit and _FOUR_DIGITS.search(sentence):
        kinds |= {"iso", "year"}
    if month:
        kinds.add("month")
        if digit:
            kinds |= {"month_day", "day_month"}
        if "week" in low:
            kinds.add("week_of_month")
    if "day" in low:
        kinds.add("weekday")
    if "weekend" in low:
        kinds.add("weekend")
    if units:
        kinds |= {"period", "period_in", "period_end", "offset"}
    if digit and any(end in low for end in ("st", "nd", "rd", "th")):
        kinds.add("ordinal_day")
    if any(word in low for word in ("day", "tomorrow", "night", "morning", "afternoon", "evening")):
        kinds.add("day_word")  # "tonight" holds "night"
    if "hour" in low or "minute" in low or "moment" in low:
        kinds.add("hours")
    if any(word in low for word in ("day", "evening", "night", "morning", "afternoon")):
        kinds.add("anchor_word")
    if "month" in low or "year" in low or "time" in low:
        kinds.add("anchor_unit")
    return kinds


def _candidates(sentence: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Every pattern match, then the longest at each place, earliest first, without overlaps."""
    found = []
    kinds = _worth_trying(sentence)
    for kind, pattern in _PATTERNS:
        if kind not in kinds:
            continue
        for m in pattern.finditer(sentence):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    return found


def _resolve(kind: str, m: re.Match[str], published: date, sentence: str, lazy: _LazyTense) -> _Found | None:
    def tense() -> str | None:
        return lazy.at(m.start(), m.end())

    if kind == "iso":
        return _resolve_iso(m)
    if kind in {"month_day", "day_month"}:
        return _resolve_day_month(m, published, tense())
    if kind == "week_of_month":
        return _resolve_week_of_month(m, published, tense())
    if kind == "month":
        return _resolve_month(m, published, tense(), sentence)
    if kind == "weekday":
        return _resolve_weekday(m, published, tense())
    if kind == "weekend":
        return _resolve_weekend(m, published, tense())
    if kind == "year":
        return _resolve_year(m, published, sentence)
    if kind == "day_word":
        return _resolve_day_word(m, published)
    if kind == "period":
        return _resolve_period(m, published)
    if kind == "period_in":
        value = _period_start(published, m.group("unit").lower(), 0)
        forward = m.group("mod").lower() == "later"
        return _Found(value, m.group("unit").lower(), "relative", forward=forward) if value else None  # type: ignore[arg-type]
    if kind == "ordinal_day":
        return _resolve_ordinal_day(m, published, tense())
    if kind == "period_end":
        return _resolve_period_end(m, published)
    if kind == "offset":
        return _resolve_offset(m, published, sentence)
    if kind == "hours":
        return _resolve_hours(m, published, sentence)
    if kind == "anchor_word":
        return _resolve_anchor_word(m, published, sentence)
    if kind == "anchor_unit":
        return _resolve_anchor_unit(m, published)
    return None


def _anchors(found: list[tuple[int, int, _Found]]) -> list[int | None]:
    """For each relative phrase, the index of the day-precision date it counts from: the nearest
    before it; a conjunction ("a day after the talks on Monday, ...") may also lean on the next one."""
    is_anchor = [not f.anchored and f.precision == "day" for _, _, f in found]
    previous: list[int | None] = []
    last: int | None = None
    for i, ok in enumerate(is_anchor):
        previous.append(last)
        if ok:
            last = i
    following: list[int | None] = [None] * len(found)
    upcoming: int | None = None
    for i in range(len(found) - 1, -1, -1):
        following[i] = upcoming
        if is_anchor[i]:
            upcoming = i
    return [
        (previous[i] if previous[i] is not None else following[i] if f.conjunction else None)
        if f.anchored
        else None
        for i, (_, _, f) in enumerate(found)
    ]


def _valid_published(published: object) -> date | None:
    if isinstance(published, date):
        return date(published.year, published.month, published.day)
    return None


def _period_end(value: date, precision: Precision) -> date:
    if precision == "day":
        return value
    unit = precision
    moved = pendulum.Date(value.year, value.month, value.day)
    try:
        return _plain(moved.end_of(unit))
    except (ValueError, OverflowError):
        return value


_CALENDAR_KINDS = frozenset({"iso", "month_day", "day_month", "week_of_month"})


def find_dates(sentence: str, published: date) -> list[DateMention]:
    """Every date expression in sentence, resolved against the article date, in order of position."""
    base = _valid_published(published)
    if not isinstance(sentence, str) or not sentence or base is None:
        return []
    lazy = _LazyTense(sentence)
    found: list[tuple[int, int, _Found]] = []
    taken_until = -1
    for start, end, kind, m in _candidates(sentence):
        if start < taken_until:
            continue
        resolved = _resolve(kind, m, base, sentence, lazy)
        if resolved is not None:
            found.append((start, end, resolved))
            taken_until = end
        elif kind in _CALENDAR_KINDS:
            taken_until = end  # "February 30" is no date at all, not the month of February

    mentions = []
    anchors = _anchors(found)
    for index, (start, end, f) in enumerate(found):
        value, needs_anchor, precision = f.value, f.year_told, f.precision
        if f.told_unit is not None:
            told = _told_before(found[:index], f.told_unit)
            if told is None:
                needs_anchor = True
            else:
                value, precision = told_from(told.value, told.precision, f.told_unit, f.told_months)
        elif f.anchored:
            anchor_index = anchors[index]
            month = _told_before(found[:index], "month") if f.conjunction and not f.offset_months else None
            if anchor_index is None and month is not None and month.precision == "month":
                # "cut ties in December, a day after X": X too is of December, as far as is told
                value, precision = month.value, "month"
            elif anchor_index is None:
                needs_anchor = True
            else:
                anchor_value = found[anchor_index][2].value
                # "on January 3, a day after X" dates X the day before; "a day earlier" after a date
                # (or "a day after X, on Monday") counts from that date.
                sign = -1 if (f.conjunction and anchor_index < index) else 1
                value = _shift(anchor_value, days=sign * f.offset_days) or anchor_value
                if f.offset_months:
                    # only "on May 30, seven years after X": a date after it may be the main clause's own
                    counted = _shift(anchor_value, months=-f.offset_months) if anchor_index < index else None
                    if counted is not None:
                        value = _start_of(counted, f.precision)  # type: ignore[arg-type]
                    else:
                        needs_anchor = True
        if f.offset_months and needs_anchor:
            continue  # "two years after X" with no date before it to count from dates nothing
        future = f.forward or (value > base and not needs_anchor)
        if not future and f.basis in {"weekday", "month-day", "month"}:
            future = _period_end(value, f.precision) >= base and lazy.at(start, end) == "future"
        word = _previous_word(sentence, start)
        mentions.append(
            DateMention(
                start=start,
                end=end,
                text=sentence[start:end],
                value=value,
                precision=precision,
                basis=f.basis,
                future=future,
                needs_anchor=needs_anchor,
                preposition=word if word in _PREPOSITIONS else None,
                year_told=f.year_told,
                told_unit=f.told_unit,
                told_months=f.told_months,
            )
        )
    return mentions


def _told_before(found: list[tuple[int, int, _Found]], unit: str) -> _Found | None:
    """The last date before a "the following month" in its own sentence that it can count from."""
    for _, _, f in reversed(found):
        if f.anchored or f.forward:
            continue
        if unit == "month" and f.precision not in ("day", "week", "month"):
            return None  # "in 2021 ... the following month": which month is not told
        return f
    return None


def told_from(value: date, precision: Precision, unit: str, months: int) -> tuple[date, Precision]:
    """The date a "the following month" (unit "month", months 1) or "at the time" (unit "time")
    names, counted from a date told at ``precision``."""
    if unit == "time":
        return value, precision
    moved = _shift(value, months=months) or value
    return _start_of(moved, unit), unit  # type: ignore[return-value]


def in_year_told(mention: DateMention, year: int) -> date | None:
    """ "November 23 of that year" once the caller knows which year was told before."""
    if not mention.year_told:
        return None
    try:
        return mention.value.replace(year=year)
    except ValueError:
        return None  # February 29 of a year without one


def resolve_relative(mention_text: str, anchor: date) -> date | None:
    """The date a relative phrase ("a day earlier", "the same day") names, counted from anchor.

    "A week after" (the phrase before the event it dates: "comes a week after the signing") names
    the day the event happened, a week before anchor."""
    # Alone in its text, the phrase has no other date to lean on, so find_dates counts from anchor.
    mentions = find_dates(mention_text, anchor)
    if not mentions:
        return None
    value = mentions[0].value
    if mention_text.lower().rstrip().endswith((" after", " before")):
        return _shift(anchor, days=(anchor - value).days) or value
    return value


def sentence_date(sentence: str, published: date) -> DateMention | None:
    """The one date that best dates the sentence's main statement, or None.

    Mentions after "since" and phrases that date another event ("a day after X") are passed over;
    of the rest, the first with day precision, else the first.
    """
    mentions = find_dates(sentence, published)
    usable = [
        m
        for i, m in enumerate(mentions)
        if not _after_since(sentence, m, mentions[i - 1].end if i else 0)
        and not (i and _dates_other_event(sentence, m))
    ]
    for mention in usable:
        if mention.precision == "day":
            return mention
    if usable:
        return usable[0]
    return None


_SINCE = re.compile(r"\bsince\b[^,;:()]{0,60}$", re.IGNORECASE)


def _after_since(sentence: str, mention: DateMention, floor: int) -> bool:
    """'since 2008', 'since she took office on May 3': a starting point, not the statement's date.

    floor is the end of the mention before this one: a "since" before it belongs to that one."""
    return _SINCE.search(sentence, max(floor, mention.start - 70), mention.start) is not None


def _dates_other_event(sentence: str, mention: DateMention) -> bool:
    """'(date), a day after crowds gathered': after another date, the phrase dates the event it introduces."""
    low = mention.text.lower()
    if not (low.endswith(" after") or low.endswith(" before")):
        return False
    return _NEXT_WORD.match(sentence, mention.end) is not None
