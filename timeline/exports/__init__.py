"""Exports of the event stream for other tools: CSV, JSON lines and CAMEO rows in GDELT's layout.

Each writer takes an iterable of events and a text stream and writes one row per event as it
reads it, so an export of any size runs in constant memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from timeline.domain.articles import Article
from timeline.domain.events import Event
from timeline.exports.cameo import GDELT_COLUMNS, cameo_row, write_cameo
from timeline.exports.tabular import CSV_COLUMNS, csv_row, write_csv, write_jsonl

FORMATS = ("csv", "jsonl", "cameo")

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "GDELT_COLUMNS",
    "cameo_row",
    "csv_row",
    "write",
    "write_cameo",
    "write_csv",
    "write_jsonl",
]


def write(
    events: Iterable[Event],
    fmt: str,
    out: TextIO,
    article: Callable[[str], Article | None] | None = None,
    with_article: bool = False,
    marks: Mapping[str, Any] | None = None,
) -> int:
    """Write ``events`` to ``out`` in ``fmt``; returns the number of rows written.

    ``marks`` (retracted event id -> when and why; given with ``--include-retracted``) adds
    ``retracted_at`` and ``retraction_reason`` to csv and jsonl rows.

    ``article`` looks an article up by id (the CAMEO format takes its SOURCEURL from it; with
    ``with_article``, csv and jsonl rows end with its URL, outlet and title).
    """
    source = article if with_article else None
    if fmt == "csv":
        return write_csv(events, out, source, marks)
    if fmt == "jsonl":
        return write_jsonl(events, out, source, marks)
    if fmt == "cameo":
        return write_cameo(events, out, article)
    raise ValueError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
