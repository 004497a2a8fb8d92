"""The article's opening: publication date, outlet tag and dateline, and where the body starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


class HeaderError(ValueError):
    """A header (or a user-given date) that names no real day; the message is one line."""


@dataclass(frozen=True, slots=True)
class Header:
    published: date | None
    outlet: str | None
    dateline: str | None
    body: str
    body_offset: int  # raw[body_offset:] == body


# Leading blanks, including a byte-order mark, which str.isspace() does not cover.
_LEAD = r"[\s\ufeff]*"
# " date 2024-03-31", "date: 2024/03/31" or the date alone on the first line.
_DATE_LINE = re.compile(
    _LEAD + r"(?:date\s*:?\s*(?P<d1>\d{1,4}[-/]\d{1,2}[-/]\d{1,2})(?![\d/-])"
    r"|(?P<d2>\d{4}-\d{1,2}-\d{1,2})[^\S\n]*(?:\n|$))",
    re.IGNORECASE,
)
_OUTLET = re.compile(r"\((?P<outlet>[A-Za-z][A-Za-z0-9.&' -]{0,38}[A-Za-z0-9.])\)[^\S\n]*")
# An all-caps place ("NEW DELHI", "BEIJING/TOKYO"), optionally ", Month 3", ended by "--", a dash or ":".
_CAPS_PLACE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’]*(?:[ /-][A-Z][A-Z.'’]*){0,4})"
    r"(?:,[^\S\n]*[A-Z][a-z]{2,8}\.?[^\S\n]+\d{1,2})?[^\S\n]*"
)
# A title-case place ("New Delhi", "Mexico City", "Beijing/Tokyo") is a dateline only before a colon.
_TITLE_PLACE = re.compile(
    r"(?P<place>[A-Z][\w.'’-]*(?:[ /](?:(?:de|da|do|del|la|el|al|es|of|upon|on) )?[A-Z][\w.'’-]*){0,2})"
    r"[^\S\n]*:[^\S\n]+"
)
# "Photo: AGENCY", "Photo : Reuters", "(Photo: ...)", "File photo", "Image: ...", "Photo by ...": a
# credit line, never a dateline (normalise blanks the same lines in the body).
CAPTION = re.compile(
    r"\(?(?:file\s+)?(?:photo(?:graph)?|image|picture)s?(?:\s+credit)?(?:\s*:.*|\s+by\s+.*)?\)?",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"(?:--+|[—–]|-(?=\s)|:)[^\S\n]*")
_ISO = re.compile(r"\s*(\d{1,4})[-/](\d{1,2})[-/](\d{1,2})\s*")

# English month names and their common short forms, as news sites print them.
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = frozenset(
    {"monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs"}
    | {"friday", "fri", "saturday", "sat", "sunday", "sun"}
)
# A line that is only a date as news sites print it: "Published: 31 March 2024", "Sun 31 Mar 2024",
# "March 31, 2024", "Updated 2024-03-31 10:12 GMT", "2024-03-31T10:12:00Z". Only lines of at most
# 120 characters are tried, so a long first paragraph costs nothing.
_WEB_DATE = re.compile(
    r"""\s*
    (?:(?P<label>date|posted|(?:first\s+)?published|(?:last\s+)?(?:updated|modified))(?:\s+on)?\s*:?\s*)?
    (?:(?P<weekday>[a-z]{3,9})\.?,?\s+)?                           # checked against WEEKDAYS
    (?:(?P<mon1>[a-z]{3,9})\.?\s+(?P<day1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year1>\d{4})
      |(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[a-z]{3,9})\.?,?\s+(?P<year2>\d{4})
      |(?P<year3>\d{4})[-/](?P<mon3>\d{1,2})[-/](?P<day3>\d{1,2}))
    (?:(?:t|\s*[,|@·–—-]\s*|\s+(?:at\s+)?)                            # time of day, ignored
      \d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d{1,6})?)?
      (?:\s*(?:am|pm|a\.m\.|p\.m\.))?
      (?:\s*(?:z|[+-]\d{2}:?\d{2}|[a-z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?))?)?
    \s*""",
    re.IGNORECASE | re.VERBOSE,
)
# Short lines without final punctuation (a headline, a byline) that may stand before the date line.
_MAX_LEAD_LINES = 2
_MAX_LEAD_WORDS = 15


def _to_date(text: str) -> date:
    """A real calendar day from 'YYYY-MM-DD', or HeaderError."""
    match = _ISO.fullmatch(text)
    if match is None:
        raise HeaderError(f"not a date: {text.strip()!r} (expected YYYY-MM-DD)")
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < 1:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        raise HeaderError(f"impossible date {text.strip()}") from None


def parse_date_option(s: str) -> date:
    """A date given by the user (e.g. --published 2024-03-31)."""
    return _to_date(s)


def _skip_blank(raw: str, pos: int) -> int:
    while pos < len(raw) and (raw[pos].isspace() or raw[pos] == "\ufeff"):
        pos += 1
    return pos


def _web_date(line: str) -> tuple[bool, date] | None:
    """(is an update time, day) when the line is only a date as news sites print it, else None."""
    match = _WEB_DATE.fullmatch(line) if len(line) <= 120 else None
    if match is None or (match["weekday"] and match["weekday"].lower() not in WEEKDAYS):
        return None
    if match["year3"]:
        year, month, day = int(match["year3"]), int(match["mon3"]), int(match["day3"])
    else:
        name = (match["mon1"] or match["mon2"]).lower()
        month = MONTHS.get(name, 0)
        year, day = int(match["year1"] or match["year2"]), int(match["day1"] or match["day2"])
    try:
        # Looser than the " date " line, so an impossible day just means "not a date line".
        found = date(year, month, day)
    except ValueError:
        return None
    label = (match["label"] or "").lower()
    return label.endswith(("updated", "modified")), found


def _is_lead_line(line: str) -> bool:
    """A short line with no final punctuation, such as a headline or a byline."""
    text = line.strip()
    return (
        bool(text)
        and len(text.split()) < _MAX_LEAD_WORDS
        and text[-1] not in ".!?:;,"
        and any(ch.isalpha() for ch in text)
    )


def _web_dates(raw: str) -> tuple[date | None, int]:
    """The publication date from leading date lines (after at most a headline and a byline), and where
    they end; (None, 0) when there are none. A "Published" date wins over an "Updated" one."""
    found: list[tuple[bool, date]] = []
    end = 0
    lead = 0
    pos = _skip_blank(raw, 0)
    while pos < len(raw):
        newline = raw.find("\n", pos)
        stop = len(raw) if newline < 0 else newline
        parsed = _web_date(raw[pos:stop])
        if parsed:
            found.append(parsed)
            end = stop
        elif found or lead == _MAX_LEAD_LINES or not _is_lead_line(raw[pos:stop]):
            break
        else:
            lead += 1
        pos = _skip_blank(raw, stop)
    if not found:
        return None, 0
    published = next((day for updated, day in found if not updated), found[0][1])
    return published, end


def _opening(raw: str, pos: int) -> tuple[str | None, str | None, int]:
    """Outlet tag and dateline at raw[pos:], in either order; returns (outlet, dateline, body start)."""
    outlet: str | None = None
    dateline: str | None = None
    match = _OUTLET.match(raw, pos)
    if match:
        outlet, pos = match["outlet"].strip(), match.end()
    caps = _CAPS_PLACE.match(raw, pos)
    if caps and len(caps["place"]) > 1:
        after = caps.end()
        tag = _OUTLET.match(raw, after)
        if tag and outlet is None:
            after = tag.end()
        sep = _SEPARATOR.match(raw, after)
        # An all-caps word followed by ordinary text ("US President ...") is not a dateline.
        if sep:
            dateline = caps["place"].strip()
            if tag and outlet is None:
                outlet = tag["outlet"].strip()
            return outlet, dateline, sep.end()
    title = _TITLE_PLACE.match(raw, pos)
    if title:
        dateline, pos = title["place"].strip(), title.end()
    return outlet, dateline, pos


def parse_header(raw: str) -> Header:
    """Split an article into its header fields and its body; HeaderError for an impossible date."""
    published: date | None = None
    pos = 0
    match = _DATE_LINE.match(raw)
    if match:
        try:
            published = _to_date(match["d1"] or match["d2"])
        except HeaderError as error:
            raise HeaderError(f"{error} in the header") from None
        pos = match.end()
    else:
        published, pos = _web_dates(raw)
    pos = _skip_blank(raw, pos)
    while (line_end := raw.find("\n", pos)) != -1 and CAPTION.fullmatch(raw[pos:line_end].strip()):
        pos = _skip_blank(raw, line_end)  # a photo credit above the dateline
    outlet, dateline, pos = _opening(raw, pos)
    pos = _skip_blank(raw, pos)
    return Header(published=published, outlet=outlet, dateline=dateline, body=raw[pos:], body_offset=pos)
