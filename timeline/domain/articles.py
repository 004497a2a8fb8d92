"""The article record: the source text every event points back to."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


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


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What `timeline articles` shows of one article: its source, what was coded from it, and
    whether it was erased (its title and URL are blank then)."""

    article_id: str
    published: date
    outlet: str | None
    title: str | None
    url: str | None
    recorded_at: datetime | None
    live_events: int  # statements citing it, not retracted
    retracted_events: int
    extractor_versions: tuple[str, ...]  # of its live events, sorted
    erased_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "published": self.published.isoformat(),
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "live_events": self.live_events,
            "retracted_events": self.retracted_events,
            "extractor_versions": list(self.extractor_versions),
            "erased": self.erased_at is not None,
            "erased_at": self.erased_at.isoformat() if self.erased_at else None,
        }
