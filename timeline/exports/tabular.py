"""CSV and JSON lines exports: every field of the event contract, one event per row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from timeline.domain.events import Event
from timeline.names import inferred_sides, with_inferred
from timeline.output import event_record
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


def csv_row(event: Event) -> list[Any]:
    """One CSV row in CSV_COLUMNS order: null is the empty cell, the payload is JSON text.

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
    return ["" if data[column] is None else csv_cell(data[column]) for column in CSV_COLUMNS]


def write_csv(events: Iterable[Event], out: TextIO) -> int:
    """A header row, then one row per event (RFC 4180 quoting, "\\n" line ends)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events:
        writer.writerow(csv_row(event))
        count += 1
    return count


def write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    """One JSON object per line, the fields of ``timeline events --format jsonl``."""
    count = 0
    for event in events:
        out.write(json.dumps(event_record(event), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
