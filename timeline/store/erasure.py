"""Legal erasure: what an erase blanks, and the ArticleErased tombstone it leaves in the stream."""

from __future__ import annotations

from datetime import UTC, datetime

from timeline.domain.events import Event, event_id_for
from timeline.domain.vocabulary import the_type_with

ERASURES_STREAM = "erasures"
TOMBSTONE_TYPE = the_type_with("erasure")

#: What an erase writes over (the triggers of migrations 0003/0004 accept exactly these values).
#: Events also lose their payload's quoted words (chain.ERASABLE_PAYLOAD_KEYS): see EventStore.erase.
ARTICLE_BLANKS: dict[str, str | None] = {"text": "", "title": None, "url": None}
EVENT_BLANKS: dict[str, str | None] = {"sentence": ""}


def tombstone(
    article_id: str, reason: str, erased_at: datetime, text_sha256: str, sentences: int, version: int
) -> Event:
    """The event that records an erase: which article, when, why, and digests of what went."""
    erased_at = erased_at.astimezone(UTC)
    return Event(
        event_id=event_id_for(ERASURES_STREAM, article_id),
        stream_id=ERASURES_STREAM,
        stream_version=version,
        type=TOMBSTONE_TYPE,
        occurred_on=erased_at.date(),
        date_basis="recorded",
        payload={
            "erased_article_id": article_id,
            "reason": reason,
            "erased_at": erased_at.isoformat(timespec="seconds"),
            "text_sha256": text_sha256,
            "sentences_erased": sentences,
        },
    )
