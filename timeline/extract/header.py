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
_SEPARATOR = re.compile(r"(?:--+|[—–]|-(?=\s)|:)[^\S\n]*")
_ISO = re.compile(r"\s*(\d{1,4})[-/](\d{1,2})[-/](\d{1,2})\s*")


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
    pos = _skip_blank(raw, pos)
    outlet, dateline, pos = _opening(raw, pos)
    pos = _skip_blank(raw, pos)
    return Header(published=published, outlet=outlet, dateline=dateline, body=raw[pos:], body_offset=pos)
