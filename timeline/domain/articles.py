"""The article record: the source text every event points back to."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime


def article_id_for(text: str) -> str:
    """A content hash: the same text (after Unicode normalisation) always gets the same id."""
    normalised = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str
    published: date
    text: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    source_name: str | None = None  # the file or feed line it came from, for messages
    recorded_at: datetime | None = None
