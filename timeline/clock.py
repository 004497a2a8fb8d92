"""Today's date and the parsing of the date and time options (`--as-of`, `--known-at`, ...)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pendulum

from timeline.domain.calendar import DateOutOfRange, check_in_range

MOMENT_FORMS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+HH:MM]"


class TimeValueError(ValueError):
    """A date or timestamp option that cannot be read; the message says what was expected."""


def today() -> date:
    """Today in UTC: record time is kept in UTC, so "today" is too."""
    return datetime.now(UTC).date()


def now() -> datetime:
    return datetime.now(UTC)


def parse_day(text: str) -> date:
    """An ISO 8601 calendar date (2024-04-01) within the accepted span; impossible dates such as
    2024-02-30 are refused."""
    try:
        parsed = pendulum.parse(text.strip(), exact=True)
    except (pendulum.parsing.exceptions.ParserError, ValueError):
        raise TimeValueError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if type(parsed) is not pendulum.Date:
        raise TimeValueError(f"{text!r} is not a date; use YYYY-MM-DD")
    try:
        return check_in_range(date(parsed.year, parsed.month, parsed.day), "date")
    except DateOutOfRange as exc:
        raise TimeValueError(str(exc)) from None


def parse_moment(text: str) -> datetime:
    """A date or an ISO 8601 timestamp, as an aware UTC datetime.

    A timestamp without a zone is UTC. A bare date means the end of that day, so that
    `--known-at 2024-05-01` includes everything recorded on 1 May, as `--as-of` does.
    """
    try:
        parsed = pendulum.parse(text.strip(), exact=True)
    except (pendulum.parsing.exceptions.ParserError, ValueError):
        raise TimeValueError(f"{text!r} is not a date or timestamp; use {MOMENT_FORMS}") from None
    if type(parsed) is pendulum.Date:
        return datetime.combine(date(parsed.year, parsed.month, parsed.day), time.max, tzinfo=UTC)
    if isinstance(parsed, pendulum.DateTime):
        moment = datetime.fromisoformat(parsed.isoformat())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    raise TimeValueError(f"{text!r} is not a date or timestamp; use {MOMENT_FORMS}")
