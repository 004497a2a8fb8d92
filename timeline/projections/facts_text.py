"""A stored facts group's JSON read in three parts: only the facts a late report can touch decoded.

A late report refolds a dyad from the snapshot before it, which leaves out the facts no report
dated on or after its day can change (see ``facts.settled``), and the refold stops a few days
after the report (see ``facts.Divergence``). For a busy dyad the stored group is years of facts,
megabytes of JSON: decoding and encoding it whole cost more than the refold. So the group is
read as the text of the facts opened before a day, the facts opened between that day and a
later one (decoded), and the text of the facts opened after; the two texts go back as they came.

Facts are opened in date order, so the cuts are found by bisecting the text: a fact's JSON
begins with ``{"fact_id":"`` and holds ``"opened_on":"`` further on (the layout ``dump_state``
writes; a JSON string cannot hold an unescaped quote, so the markers appear nowhere else). Text
laid out otherwise is not cut (None), and the caller decodes it whole.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

_OPENING = '{"facts":['
_FACT = '{"fact_id":"'
_OPENED = '"opened_on":"'
_AFTER_FACTS = '],"through":'


class Parts(NamedTuple):
    """A group's JSON cut at two days."""

    before: str  # the facts opened before the first day, as JSON, comma-separated ("" when none)
    latest_before: str | None  # the opened_on of the last of them (None when none)
    group: dict[str, Any]  # the group with only the facts opened from the first day to the second
    after: str  # the facts opened on or after the second day, as ``before``


def cut(text: str, since: str, until: str) -> Parts | None:
    """Cut a group's JSON where its facts opened on or after ``since`` and ``until`` (ISO) begin."""
    if not text.startswith(_OPENING):
        return None
    end = text.rfind(_AFTER_FACTS)
    if end < 0:
        return None
    try:
        first = _first_opened_on_or_after(text, end, since)
        last = _first_opened_on_or_after(text, end, max(since, until))
        latest = None
        if first > len(_OPENING):
            start = text.rfind(_FACT, len(_OPENING), first)
            if start < 0:
                return None
            latest = _opened(text, start, first)
    except LookupError:
        return None
    window = text[first:last].rstrip(",")
    group = json.loads("{" + text[end + 2 :])  # '"through":...,"coarsest":...}'
    group = {"facts": json.loads("[" + window + "]"), **group}
    return Parts(text[len(_OPENING) : first].rstrip(","), latest, group, text[last:end])


def tail(text: str) -> dict[str, Any]:
    """The keys of a group's JSON after its facts (its watermark and coarsest precision), decoded
    without its facts. Raises LookupError when the text is not laid out as dump_state writes it."""
    end = text.rfind(_AFTER_FACTS)
    if not text.startswith(_OPENING) or end < 0:
        raise LookupError("a group's JSON not laid out as expected")
    return dict(json.loads("{" + text[end + 2 :]))


def joined(before: str, group_text: str, after: str) -> str:
    """The JSON of a group from the text of its facts before, the JSON of the group holding the
    facts between, and the text of its facts after."""
    assert group_text.startswith(_OPENING)
    tail = group_text[len(_OPENING) :]
    close = tail.find(_AFTER_FACTS) if tail.startswith("{") else 0
    assert close >= 0
    between, rest = tail[:close], tail[close:]
    pieces = [_OPENING]
    for part in (before, between, after):
        if part:
            pieces += [part, ","]
    if pieces[-1] == ",":
        pieces.pop()
    # One join: ``before`` and ``after`` can be megabytes, copied again by every concatenation.
    return "".join([*pieces, rest])


def by_year(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """A group's JSON split into the JSON of the group without its facts and the text of its facts
    by the year they were opened in (``[(year, facts as JSON, comma-separated)]`` in order), which
    the projection tables keep as chunks; ``joined`` text with them put back is ``text`` again.
    None: text not laid out as dump_state writes it."""
    if not text.startswith(_OPENING):
        return None
    end = text.rfind(_AFTER_FACTS)
    if end < 0:
        return None
    chunks = []
    at = len(_OPENING)
    try:
        while at < end:
            year = int(_opened(text, at, end)[:4])
            following = _first_opened_on_or_after(text, end, f"{year + 1:04d}-01-01", at + 1)
            chunks.append((year, text[at:following].rstrip(",")))
            at = following
    except (LookupError, ValueError):
        return None
    return _OPENING + text[end:], chunks


def _opened(text: str, start: int, end: int) -> str:
    field = text.find(_OPENED, start, end)
    if field < 0:
        raise LookupError("a fact without its opened_on")
    at = field + len(_OPENED)
    return text[at : at + 10]


def _first_opened_on_or_after(text: str, end: int, day: str, lo: int = len(_OPENING)) -> int:
    """Where the first fact opened on or after ``day`` begins (``end``: where the facts end, when
    none is), the facts from ``lo`` on being the ones looked at; a bisection over the text's bytes,
    each step reading the next fact's opened_on."""
    hi = end  # the answer is the first fact starting at or after some p in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.find(_FACT, mid, end)
        if start < 0 or _opened(text, start, end) >= day:
            hi = mid
        else:
            lo = start + 1
    start = text.find(_FACT, lo, end)
    return end if start < 0 else start
