"""Repair text pasted from web pages before parsing, keeping a map back to the original offsets."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from timeline.extract.header import CAPTION, MONTHS, WEEKDAYS


@dataclass(frozen=True, slots=True)
class Normalised:
    text: str  # the repaired text
    # Where the shift from `text` offsets to input offsets changes, and the shift from there on.
    _starts: tuple[int, ...] = field(default=(0,), repr=False)
    _shifts: tuple[int, ...] = field(default=(0,), repr=False)

    def original(self, offset: int) -> int:
        """The input offset of text[offset]; an inserted space maps to the character it stands before."""
        if not 0 <= offset <= len(self.text):
            raise IndexError(f"offset {offset} outside 0..{len(self.text)}")
        return offset + self._shifts[bisect.bisect_right(self._starts, offset) - 1]


# Spaces that tokenisers may not treat as spaces; each becomes one ordinary space (same length).
_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006", " "))
# Invisible characters inside words (soft hyphen, zero-width space, word joiner, byte-order mark): dropped.
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"
# Junk lines are short; longer lines are prose and are never tested against the patterns below.
_MAX_JUNK_LINE = 200

# The same credit in brackets inside a prose line: only the bracket is blanked.
_INLINE_CAPTION = re.compile(
    r"\((?:file\s+)?(?:photo(?:graph)?|image|picture)s?(?:\s+credit)?\s*:[^()\n]{0,100}\)", re.IGNORECASE
)
# A name: capitalised words (initials allowed), with the lowercase particles of family names.
_PARTICLE = r"(?:(?:de|da|dos|du|van|von|der|den|bin|al|el|la|le)\s+)"
_NAME = rf"[A-Z][\w'’.-]*(?:\s+{_PARTICLE}{{0,2}}[A-Z][\w'’.-]*){{0,4}}"
# "By Jane Doe", "By Jane Doe and John Roe", "By Staff Reporter", "By Jane Doe, Wire", "Jane Doe | Wire".
_BYLINE = re.compile(
    rf"(?:(?i:by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME}){{0,3}}|{_NAME}(?=\s*\|))"
    r"(?:\s*[,|/–—-]\s*[\w .&'’-]{1,40})?"
    r"|(?i:by\s+(?:our|a|an)\s+(?:own\s+)?(?:staff\s+)?(?:correspondent|reporter|writer)s?)"
)
# Links and page furniture.
_FURNITURE = re.compile(
    r"(?:read\s+more|also\s+read|read\s+also|see\s+also|related(?:\s+(?:news|stories|articles|coverage))?)"
    r"(?:\s*[:»>|–—-].*)?"
    r"|advertisement(?:\W+scroll\s+to\s+continue(?:\s+reading)?)?|story\s+continues\s+below(?:\s+advertisement)?"
    r"|share\s+this(?:\s+(?:article|story|page|post))?|share\s+on\s+\w+(?:\s+\w+)?"
    r"|follow\s+us(?:\s+on\b.*)?"
    r"|(?:©|\(c\)|copyright\s*©?)\s*\d{4}\b.*",
    re.IGNORECASE,
)
# A timestamp line: an optional label, then only date and time words ("Updated 2024-03-31 10:12 GMT").
_STAMP_LABEL = re.compile(
    r"(?:date|posted|(?:first\s+)?published|(?:last\s+)?(?:updated|modified))(?:\s+on)?\s*:?\s*",
    re.IGNORECASE,
)
_STAMP_SPLIT = re.compile(r"[\s,|·•@]+")
_STAMP_TOKEN = re.compile(
    r"\d{1,4}(?:st|nd|rd|th)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|[+-]\d{2}:?\d{2}|[-–—]|at|on|ago|an?"
    r"|(?:hour|hr|minute|min|second|sec|day|week|month|year)s?|am|pm|a\.m\.|p\.m\.|z",
    re.IGNORECASE,
)
# The tokens that make a run of numbers a timestamp: a clock time or a full date.
_STAMP_ANCHOR = re.compile(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d{1,6})?)?(?:am|pm|z)?"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:t\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
# A possible missing space: a full stop, question or exclamation mark (maybe then a closing quote or
# bracket) between two letters on each side; the cases are checked in _needs_space.
_JOIN = re.compile(r"(?<=[^\W\d_]{2})[.!?][”’)]?(?=[^\W\d_]{2})")
_EVENTS = re.compile(rf"[{_INVISIBLE}]+|{_JOIN.pattern}")
# How far either side of a join to look for signs of a web or e-mail address.
_ADDRESS_WINDOW = 100


def _is_zone(token: str) -> bool:
    """A time-zone abbreviation such as GMT or (EDT)."""
    return token.isupper() and 2 <= len(token.strip("()")) <= 5


def _is_timestamp(line: str) -> bool:
    """A line that is only a date or time, perhaps labelled ("Published: 31 March 2024", "10:12 GMT")."""
    label = _STAMP_LABEL.match(line)
    rest = line[label.end() :] if label else line
    anchored = bool(label) and any(ch.isdigit() for ch in rest)
    for token in _STAMP_SPLIT.split(rest.strip("()[] ")):
        word = token.strip("().").lower()
        if not token:
            continue
        if _STAMP_ANCHOR.fullmatch(token) or word in MONTHS:
            anchored = True
        elif not (word in WEEKDAYS or _STAMP_TOKEN.fullmatch(token) or _is_zone(token)):
            # Anything else (a lower-case word, a name) makes the line prose.
            return False
    return anchored and any(ch.isdigit() for ch in rest)


def _is_junk(line: str) -> bool:
    """A stripped line that is page furniture rather than prose: caption, byline, link, timestamp."""
    patterns = (CAPTION, _BYLINE, _FURNITURE)
    return any(pattern.fullmatch(line) for pattern in patterns) or _is_timestamp(line)


def _ends_unpunctuated(line: str) -> bool:
    """No sentence-final or clause punctuation at the end, looking through closing quotes."""
    trimmed = line.rstrip("\"'”’)]")
    return bool(trimmed) and trimmed[-1] not in ".!?…:;,"


def _headline(lines: list[tuple[int, str]]) -> int | None:
    """Index of a headline: the first non-blank line, short and unpunctuated, with more story after it."""
    first = next((i for i, (_, line) in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    head = lines[first][1].strip()
    words = head.split()
    if len(words) >= 15 or not _ends_unpunctuated(head) or not (head[0].isupper() or head[0].isdigit()):
        return None
    rest = [line.strip() for _, line in lines[first + 1 :]]
    # Never blank the whole article: some prose must follow.
    if not any(any(ch.isalpha() for ch in line) for line in rest):
        return None
    following = rest[0]
    # A blank line after it, or a much longer paragraph (not the next line of hard-wrapped prose).
    if not following or (len(following) >= 2 * len(head) and any(ch in ".!?" for ch in following)):
        return first
    return None


def _needs_space(text: str, match: re.Match[str]) -> bool:
    """A join of two sentences: lowercase-ended word, then Capitalised word, and no web or e-mail address."""
    mark, after = match.start(), match.end()
    if not (text[mark - 1].islower() and text[after].isupper() and text[after + 1].islower()):
        return False
    left = text[max(0, mark - _ADDRESS_WINDOW) : mark]
    right = text[after : after + _ADDRESS_WINDOW]
    before = left.rsplit(None, 1)[-1] if left and not left[-1].isspace() else ""
    token = before + (right.split(None, 1) or [""])[0]
    return not ("/" in token or "@" in token or token.lower().startswith("www"))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by as many spaces (line breaks kept)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        parts.append(text[pos:start])
        parts.append(" " * max(0, end - start))
        pos = max(pos, end)
    parts.append(text[pos:])
    return "".join(parts)


def normalise(text: str) -> Normalised:
    """Repair web-page text (junk lines, headline, odd spaces, missing spaces) with a map to the input."""
    work = text.translate(_SPACES)  # same length: offsets unchanged so far
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in work.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    spans: list[tuple[int, int]] = []
    for index, (start, line) in enumerate(lines):
        stripped = line.strip()
        if stripped and len(stripped) <= _MAX_JUNK_LINE and _is_junk(stripped):
            spans.append((start, start + len(line)))
            lines[index] = (start, "")
    head = _headline(lines)
    if head is not None:
        start, line = lines[head]
        spans.append((start, start + len(line)))
    spans.extend(match.span() for match in _INLINE_CAPTION.finditer(work))
    work = _blank(work, spans)

    # Second pass, the only one that changes the length: drop invisibles, insert missing spaces.
    parts: list[str] = []
    starts, shifts = [0], [0]
    length = copied = 0

    def emit(piece: str, source: int) -> None:
        """Append piece, whose first character maps to input offset `source`."""
        nonlocal length
        shift = source - length
        if shift != shifts[-1]:
            if starts[-1] == length:
                shifts[-1] = shift
            else:
                starts.append(length)
                shifts.append(shift)
        parts.append(piece)
        length += len(piece)

    for match in _EVENTS.finditer(work):
        if match[0][0] in _INVISIBLE:
            emit(work[copied : match.start()], copied)
            copied = match.end()
        elif _needs_space(work, match):
            emit(work[copied : match.end()], copied)
            emit(" ", match.end())
            copied = match.end()
    emit(work[copied:], copied)
    return Normalised("".join(parts), tuple(starts), tuple(shifts))
