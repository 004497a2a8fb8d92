"""SQLAlchemy Core descriptions of the store's tables, for queries (Alembic migrations create them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC and timezone-aware in Python, whatever the database returns."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        # A naive time is taken to be UTC already (SQLite keeps naive UTC text).
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("published", Date, nullable=False),
    Column("outlet", Text),
    Column("url", Text),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(255), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("date_precision", String(16), nullable=False),
    Column("date_basis", String(32), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor_country", String(3)),
    Column("actor_name", Text),
    Column("actor_role", Text),
    Column("target_country", String(3)),
    Column("target_name", Text),
    Column("target_role", Text),
    Column("cameo", String(8)),
    Column("goldstein", Float),
    Column("article_id", String(64), ForeignKey("articles.article_id")),
    Column("sentence_index", Integer),
    Column("char_start", Integer),
    Column("char_end", Integer),
    Column("sentence", Text),
    Column("extractor_version", String(64)),
    Column("payload", Text, nullable=False),
)

#: The hash chain (see chain.py): one row per event, written in the event's own transaction.
event_chain = Table(
    "event_chain",
    metadata,
    Column(
        "position",
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("events.position"),
        primary_key=True,
    ),
    Column("sentence_sha256", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("words_sha256", String(64)),  # the payload's erasable words (migration 0004)
    Column("article_seal", String(64)),  # the cited article's seal (migration 0004)
)

#: Each article's seal (see chain.article_seal) and the digests it is made of, written with the
#: article; the links of the article's events cover the seal (migration 0004).
article_seals = Table(
    "article_seals",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.article_id"), primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("title_sha256", String(64)),
    Column("url_sha256", String(64)),
    Column("seal", String(64), nullable=False),
)

#: Legal erasures: the authorisation an erase leaves behind, and what it removed.
erasures = Table(
    "erasures",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.article_id"), primary_key=True),
    Column("tombstone_event_id", String(36), ForeignKey("events.event_id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("erased_at", UTCDateTime, nullable=False),
)
