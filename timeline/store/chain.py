"""The hash chain over the event stream: the canonical form of a stored event and how links are made.

Each event's link is ``sha256(previous hash + canonical JSON of the event as stored)``. What an
erase may remove enters the canonical form only as digests kept beside the link: the sentence
(``sentence_sha256``), the payload's words quoted from the article (``words_sha256``: the
trigger, see ``ERASABLE_PAYLOAD_KEYS``), and the article's seal (``article_seal``: its metadata
and the digests of its text, title and URL). So a legal erase can blank them and the chain
still verifies, while an edit of any of them, or of the article's published date or outlet,
breaks it. This format is a permanent contract: migration 0004 relinked every event with it,
and ``timeline verify`` recomputes it; change it only together with a new ``CHAIN_FORMAT``.

Format 1 (migration 0003: the whole payload hashed, no article seal) is kept here only so that
migration 0004 can check the old links before it replaces them, and 0003 can write them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

#: The hash the first event links to.
GENESIS = "0" * 64
CHAIN_FORMAT = 2

#: The event columns the link covers, in a fixed order (the sentence enters as its digest).
CHAINED_COLUMNS: tuple[str, ...] = (
    "event_id", "stream_id", "stream_version", "type", "schema_version",
    "occurred_on", "date_precision", "date_basis", "modality",
    "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
    "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end",
    "extractor_version", "payload",
)  # fmt: skip
SENTENCE = "sentence"

#: Payload keys that quote the article's own words (the extractor's trigger phrase): an erase
#: removes them, so the link covers them by digest only. Names, countries, roles, tone and
#: sectors are the coded event (vocabulary or the extractor's reading) and stay.
ERASABLE_PAYLOAD_KEYS: tuple[str, ...] = ("trigger",)


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
_PAYLOAD = CHAINED_COLUMNS.index("payload")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_sorted_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


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


def split_payload(payload_json: str) -> tuple[str, str | None]:
    """A stored payload -> (the rest of it as sorted compact JSON, digest of its erasable words).

    Parsed and dumped again, so that the spelling a database gives back (PostgreSQL's jsonb
    reorders keys) does not matter; the words' digest is None when the payload has none.
    """
    try:
        payload = json.loads(payload_json)
    except ValueError:
        return payload_json, None  # not JSON (written behind the store's back): hashed as it is
    if not isinstance(payload, dict):
        return _sorted_dumps(payload), None
    words = {key: payload.pop(key) for key in ERASABLE_PAYLOAD_KEYS if key in payload}
    return _sorted_dumps(payload), (digest(_sorted_dumps(words)) if words else None)


def has_words(payload_json: str) -> bool:
    """Whether a stored payload still holds erasable words (an erased one holds none)."""
    try:
        payload = json.loads(payload_json)
    except ValueError:
        return True
    return isinstance(payload, dict) and any(key in payload for key in ERASABLE_PAYLOAD_KEYS)


def chained(values: Sequence[Any]) -> tuple[list[Any], str | None]:
    """Normalised values with the payload split: (values as hashed, words digest)."""
    out = normalised(values)
    out[_PAYLOAD], words = split_payload(out[_PAYLOAD])
    return out, words


def article_seal(
    article_id: str,
    published: date | str,
    outlet: str | None,
    recorded_at: datetime | str,
    text_sha256: str | None,
    title_sha256: str | None,
    url_sha256: str | None,
) -> str:
    """The digest that stands for an article in its events' links: metadata and content digests."""
    day = published.isoformat() if isinstance(published, date) else str(published)
    body = [
        CHAIN_FORMAT,
        article_id,
        day,
        outlet,
        record_stamp(recorded_at),
        text_sha256,
        title_sha256,
        url_sha256,
    ]
    return hashlib.sha256(_dumps(body).encode("utf-8")).hexdigest()


def canonical(
    position: int,
    stamp: str,
    values: Sequence[Any],
    sentence_sha256: str | None,
    words_sha256: str | None,
    seal: str | None,
) -> str:
    """The canonical JSON of one stored event (format 2): a JSON array in a fixed order.

    ``[2, position, record stamp, [CHAINED_COLUMNS values, payload without its words],
    sentence digest, words digest, article seal]``, compact, Unicode as is.
    """
    return _dumps([CHAIN_FORMAT, position, stamp, values, sentence_sha256, words_sha256, seal])


def canonical_v1(position: int, stamp: str, values: Sequence[Any], sentence_sha256: str | None) -> str:
    """Format 1, as migration 0003 wrote it: the whole payload as stored, no words digest, no seal."""
    return _dumps([1, position, stamp, values, sentence_sha256])


def link(previous: str, canonical_json: str) -> str:
    """The hash of one event: over the previous event's hash and this event's canonical form."""
    return hashlib.sha256(f"{previous}\n{canonical_json}".encode()).hexdigest()


#: One link to write: (position, sentence_sha256, words_sha256, article_seal, prev_hash, hash).
Link = tuple[int, str | None, str | None, str | None, str, str]


def links(
    previous: str, rows: Iterable[tuple[int, str, Sequence[Any], str | None, str | None, str | None]]
) -> list[Link]:
    """Chain rows for consecutive stored events.

    ``rows`` are (position, record stamp, values as ``chained`` gives them, sentence digest,
    words digest, article seal) in position order.
    """
    made = []
    for position, stamp, values, sentence_sha256, words_sha256, seal in rows:
        current = link(previous, canonical(position, stamp, values, sentence_sha256, words_sha256, seal))
        made.append((position, sentence_sha256, words_sha256, seal, previous, current))
        previous = current
    return made


def links_v1(
    previous: str, rows: Iterable[tuple[int, str, Sequence[Any], str | None]]
) -> list[tuple[int, str | None, str, str]]:
    """Format-1 chain rows (position, sentence_sha256, prev_hash, hash), for migration 0003."""
    made = []
    for position, stamp, values, sentence_sha256 in rows:
        current = link(previous, canonical_v1(position, stamp, values, sentence_sha256))
        made.append((position, sentence_sha256, previous, current))
        previous = current
    return made


# -- the signed head: an HMAC the operator's key makes, so a forger without it cannot extend ----

SIGNATURE_PREFIX = "tl1"


def sign_head(key: bytes, position: int, head: str) -> str:
    """``tl1:<position>:<head>:<hmac>``: what the operator stores to check the store against later."""
    mac = hmac.new(key, f"timeline-head\n{position}\n{head}".encode(), hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}:{position}:{head}:{mac}"


def read_signature(key: bytes, signature: str) -> tuple[int, str] | None:
    """The (position, head) a signature vouches for, or None if the key did not make it."""
    parts = signature.strip().split(":")
    if len(parts) != 4 or parts[0] != SIGNATURE_PREFIX or not parts[1].isdigit():
        return None
    position, head = int(parts[1]), parts[2].lower()
    return (
        (position, head) if hmac.compare_digest(sign_head(key, position, head), signature.strip()) else None
    )
