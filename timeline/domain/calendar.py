"""The span of valid time the product accepts, and date arithmetic that cannot leave the calendar.

News is dated within modern history, and every projection computes windows, horizons and axes
around its dates (a week either side, years of decay, a padded chart). Refusing dates far from
today at the door (an article's date line, a resolved event date, a date option) leaves a margin
of centuries to Python's calendar, so none of those computations can overflow; ``shift`` clamps as
well, for stores written before the range was enforced.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(1800, 1, 1)
LATEST = date(2199, 12, 31)
RANGE_TEXT = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"


class DateOutOfRange(ValueError):
    """A valid-time date outside [EARLIEST, LATEST]; the message is one line saying so."""


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def check_in_range(day: date, what: str) -> date:
    """``day`` itself, or DateOutOfRange naming ``what`` ("published", "event date", "--as-of")."""
    if not in_range(day):
        raise DateOutOfRange(f"{what} {day.isoformat()} is outside the dates timeline accepts ({RANGE_TEXT})")
    return day


_FIRST, _LAST = date.min.toordinal(), date.max.toordinal()


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the ends of Python's calendar instead of overflowing."""
    ordinal = day.toordinal() + days
    return date.fromordinal(_FIRST if ordinal < _FIRST else _LAST if ordinal > _LAST else ordinal)
