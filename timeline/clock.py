"""Today's date and the parsing of the date and time options (`--as-of`, `--known-at`, ...).

One parser for every date a person types, so that what is accepted is exactly what the error
messages say: ``YYYY-MM-DD`` for a day; for the options that bound a span, also ``YYYY-MM`` and
``YYYY``, which mean the whole month or year (``--since 2024-03`` from 1 March, ``--until 2024-03``
through 31 March); a timestamp ``YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]``.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time

from timeline.domain.calendar import DateOutOfRange, check_in_range

DAY_FORM = "YYYY-MM-DD"
SPAN_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"
MOMENT_FORMS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+HH:MM]"

_SPAN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?")


class TimeValueError(ValueError):
    """A date or timestamp option that cannot be read; the message says what was expected."""


def today() -> date:
    """Today in UTC: record time is kept in UTC, so "today" is too."""
    return datetime.now(UTC).date()


def now() -> datetime:
    return datetime.now(UTC)


def parse_span(text: str) -> tuple[date, date]:
    """The first and last day of ``YYYY-MM-DD`` (one day), ``YYYY-MM`` (a month) or ``YYYY`` (a
    year), both within the accepted span; anything else (``2024/03/01``, ``2024-02-30``) is refused."""
    found = _SPAN.fullmatch(text.strip())
    if found is None:
        raise TimeValueError(f"{text!r} is not a date; use {SPAN_FORMS}")
    year, month, day = (int(part) if part else None for part in found.groups())
    assert year is not None
    try:
        if month is None:
            first, last = date(year, 1, 1), date(year, 12, 31)
        elif day is None:
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
        else:
            first = last = date(year, month, day)
    except ValueError:  # month 13, 30 February, year 0
        raise TimeValueError(f"{text!r} is not a date; use {SPAN_FORMS}") from None
    try:
        return check_in_range(first, "date"), check_in_range(last, "date")
    except DateOutOfRange as exc:
        raise TimeValueError(str(exc)) from None


def parse_day(text: str) -> date:
    """Exactly one day, ``YYYY-MM-DD``, within the accepted span (2024-02-30 is refused)."""
    stripped = text.strip()
    if _SPAN.fullmatch(stripped) is None or stripped.count("-") != 2:
        raise TimeValueError(f"{text!r} is not a date; use {DAY_FORM}")
    try:
        return parse_span(stripped)[0]
    except TimeValueError as exc:
        raise TimeValueError(str(exc).replace(SPAN_FORMS, DAY_FORM)) from None


def parse_moment(text: str) -> datetime:
    """A date (its end), a month or a year (its last day's end), or a timestamp, as aware UTC.

    A timestamp without a zone is UTC. A bare date means the end of that day, so that
    `--known-at 2024-05-01` includes everything recorded on 1 May, as `--as-of` does.
    """
    stripped = text.strip()
    if _SPAN.fullmatch(stripped):
        try:
            return datetime.combine(parse_span(stripped)[1], time.max, tzinfo=UTC)
        except TimeValueError as exc:
            raise TimeValueError(str(exc).replace(SPAN_FORMS, MOMENT_FORMS)) from None
    if _MOMENT.fullmatch(stripped) is None:
        raise TimeValueError(f"{text!r} is not a date or timestamp; use {MOMENT_FORMS}")
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise TimeValueError(f"{text!r} is not a date or timestamp; use {MOMENT_FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        check_in_range(moment.date(), "date")
    except DateOutOfRange as exc:
        raise TimeValueError(str(exc)) from None
    return moment.astimezone(UTC)
