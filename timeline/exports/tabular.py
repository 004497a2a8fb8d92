"""CSV and JSON lines exports: every field of the event contract, one event per row."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from timeline.domain.articles import Article
from timeline.domain.events import Event
from timeline.names import inferred_sides, with_inferred
from timeline.output import ARTICLE_FIELDS, RETRACTION_FIELDS, event_record
from timeline.safe_text import csv_cell

#: CSV columns: the JSON contract's fields in its order (``timeline events``), then the store's
#: extras; actor and target are flattened to ``actor_country``, ``actor_name``, ``actor_role``,
#: ``actor_inferred`` (``true`` where the extractor inferred the person, not read it), ...
CSV_COLUMNS: tuple[str, ...] = (
    "position", "event_id", "type", "modality", "occurred_on", "date_precision",
    "actor_country", "actor_name", "actor_role", "actor_inferred",
    "target_country", "target_name", "target_role", "target_inferred",
    "cameo", "goldstein", "article_id", "sentence_index", "sentence", "recorded_at", "payload",
    "stream_id", "stream_version", "schema_version", "date_basis", "char_start", "char_end",
    "extractor_version",
)  # fmt: skip

PARTIES = ("actor", "target")
PARTY_FIELDS = ("country", "name", "role")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


ArticleLookup = Callable[[str], Article | None]


def csv_row(
    event: Event, article: ArticleLookup | None = None, marks: Mapping[str, Any] | None = None
) -> list[Any]:
    """One CSV row in CSV_COLUMNS order: null is the empty cell, the payload is JSON text; with
    ``marks`` (retracted event id -> when and why), ``retracted_at`` and ``retraction_reason``
    follow (RETRACTION_FIELDS); with ``article`` (id -> Article), the article's URL, outlet and
    title come last (ARTICLE_FIELDS).

    Text cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab, CR) get a
    leading ``'`` (``safe_text.restore_cell`` takes it off); the numeric columns are written as
    numbers, so a Goldstein value of -4.0 stays -4.0.
    """
    data = event.to_json()
    guessed = inferred_sides(event.payload)
    for side in PARTIES:
        party = with_inferred(data.pop(side), side in guessed)
        for key in PARTY_FIELDS:
            data[f"{side}_{key}"] = party.get(key)
        data[f"{side}_inferred"] = "true" if party["inferred"] else "false"
    data["payload"] = _dumps(data["payload"])
    columns = CSV_COLUMNS
    if marks is not None:
        mark = marks.get(event.event_id)
        data["retracted_at"] = mark.retracted_at.isoformat() if mark and mark.retracted_at else None
        data["retraction_reason"] = mark.reason if mark else None
        columns += RETRACTION_FIELDS
    if article is not None:
        source = article(data["article_id"]) if data["article_id"] else None
        found = (source.url, source.outlet, source.title) if source else (None, None, None)
        data.update(zip(ARTICLE_FIELDS, found, strict=True))
        columns += ARTICLE_FIELDS
    return ["" if data[column] is None else csv_cell(data[column]) for column in columns]


def write_csv(
    events: Iterable[Event],
    out: TextIO,
    article: ArticleLookup | None = None,
    marks: Mapping[str, Any] | None = None,
) -> int:
    """A header row, then one row per event (RFC 4180 quoting, "\\n" line ends); with ``marks``,
    each row says whether and why its event was retracted; with ``article``, it ends with the
    article's URL, outlet and title."""
    writer = csv.writer(out, lineterminator="\n")
    extra = (RETRACTION_FIELDS if marks is not None else ()) + (ARTICLE_FIELDS if article is not None else ())
    writer.writerow(CSV_COLUMNS + extra)
    count = 0
    for event in events:
        writer.writerow(csv_row(event, article, marks))
        count += 1
    return count


def write_jsonl(
    events: Iterable[Event],
    out: TextIO,
    article: ArticleLookup | None = None,
    marks: Mapping[str, Any] | None = None,
) -> int:
    """One JSON object per line, the fields of ``timeline events --format jsonl`` (``--with-article``
    too, when ``article`` is given)."""
    count = 0
    for event in events:
        out.write(json.dumps(event_record(event, marks=marks, article=article), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
