"""The hash chain over the event stream: the canonical form of a stored event and how links are made.

Each event's link is ``sha256(previous hash + canonical JSON of the event as stored)``. The
sentence (the one erasable column of an event) enters the canonical form only as its SHA-256
digest, kept beside the link, so that a legal erase can blank the sentence and the chain still
verifies. This format is a permanent contract: migration 0003 backfilled links with it, and
``timeline verify`` recomputes them; change it only together with a new ``CHAIN_FORMAT``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

#: The hash the first event links to.
GENESIS = "0" * 64
CHAIN_FORMAT = 1

#: The event columns the link covers, in a fixed order (the sentence enters as its digest).
CHAINED_COLUMNS: tuple[str, ...] = (
    "event_id", "stream_id", "stream_version", "type", "schema_version",
    "occurred_on", "date_precision", "date_basis", "modality",
    "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
    "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end",
    "extractor_version", "payload",
)  # fmt: skip
SENTENCE = "sentence"


def digest(text: str | None) -> str | None:
    """SHA-256 (hex) of a text's UTF-8 bytes; None stays None."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_stamp(recorded_at: datetime | str) -> str:
    """A record time in one spelling on every database: UTC ISO 8601 with microseconds."""
    if isinstance(recorded_at, str):  # SQLite keeps naive UTC text
        recorded_at = datetime.fromisoformat(recorded_at)
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    return recorded_at.astimezone(UTC).isoformat(timespec="microseconds")


_OCCURRED_ON = CHAINED_COLUMNS.index("occurred_on")
_GOLDSTEIN = CHAINED_COLUMNS.index("goldstein")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def normalised(values: Sequence[Any]) -> list[Any]:
    """Chained column values (CHAINED_COLUMNS order) in the form they are hashed, whatever the driver gave."""
    out = list(values)
    day = out[_OCCURRED_ON]
    if isinstance(day, date):
        out[_OCCURRED_ON] = day.isoformat()
    score = out[_GOLDSTEIN]
    if score is not None:
        out[_GOLDSTEIN] = float(score)
    return out


def canonical(position: int, stamp: str, values: Sequence[Any], sentence_sha256: str | None) -> str:
    """The canonical JSON of one stored event: a JSON array in a fixed order.

    ``[CHAIN_FORMAT, position, record_stamp(recorded_at), [CHAINED_COLUMNS values], sentence digest]``,
    compact, Unicode as is; ``values`` as ``normalised`` gives them.
    """
    return _dumps([CHAIN_FORMAT, position, stamp, values, sentence_sha256])


def link(previous: str, canonical_json: str) -> str:
    """The hash of one event: over the previous event's hash and this event's canonical form."""
    return hashlib.sha256(f"{previous}\n{canonical_json}".encode()).hexdigest()


def links(
    previous: str, rows: Iterable[tuple[int, str, Sequence[Any], str | None]]
) -> list[tuple[int, str | None, str, str]]:
    """Chain rows (position, sentence_sha256, prev_hash, hash) for consecutive stored events.

    ``rows`` are (position, record stamp, normalised values, sentence digest) in position order.
    """
    made = []
    for position, stamp, values, sentence_sha256 in rows:
        current = link(previous, canonical(position, stamp, values, sentence_sha256))
        made.append((position, sentence_sha256, previous, current))
        previous = current
    return made
