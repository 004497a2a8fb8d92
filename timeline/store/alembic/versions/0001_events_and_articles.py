"""The append-only event stream and the articles its events cite.

Revision ID: 0001
Revises:
Create Date: 2024-06-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store.dialects import dialect_for

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("articles", "events")


def upgrade() -> None:
    dialect = dialect_for(op.get_context().dialect.name)
    op.create_table(
        "articles",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("outlet", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "events",
        # BIGINT identity on PostgreSQL; on SQLite "INTEGER PRIMARY KEY AUTOINCREMENT", so that a
        # position is never handed out twice, even after the highest row is gone.
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            primary_key=True,
        ),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stream_id", sa.String(255), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("date_precision", sa.String(16), nullable=False),
        sa.Column("date_basis", sa.String(32), nullable=False),
        sa.Column("modality", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_country", sa.String(3)),
        sa.Column("actor_name", sa.Text()),
        sa.Column("actor_role", sa.Text()),
        sa.Column("target_country", sa.String(3)),
        sa.Column("target_name", sa.Text()),
        sa.Column("target_role", sa.Text()),
        sa.Column("cameo", sa.String(8)),
        sa.Column("goldstein", sa.Float()),
        sa.Column(
            "article_id", sa.String(64), sa.ForeignKey("articles.article_id", name="fk_events_article")
        ),
        sa.Column("sentence_index", sa.Integer()),
        sa.Column("char_start", sa.Integer()),
        sa.Column("char_end", sa.Integer()),
        sa.Column("sentence", sa.Text()),
        sa.Column("extractor_version", sa.String(64)),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_occurred_on_position", "events", ["occurred_on", "position"])
    op.create_index("ix_events_recorded_at", "events", ["recorded_at"])
    op.create_index("ix_events_actor_country", "events", ["actor_country"])
    op.create_index("ix_events_target_country", "events", ["target_country"])
    op.create_index("ix_events_type", "events", ["type"])
    op.create_index("ix_events_article_id", "events", ["article_id"])
    for statement in dialect.refuse_function_ddl():
        op.execute(statement)
    for table in APPEND_ONLY:
        for statement in dialect.append_only_ddl(table):
            op.execute(statement)


def downgrade() -> None:
    dialect = dialect_for(op.get_context().dialect.name)
    # What 0003's downgrade kept aside (its append-only triggers use the function dropped below).
    for kept in ("kept_erasures", "kept_event_chain", "kept_chain_words", "kept_article_seals"):
        op.execute(f"DROP TABLE IF EXISTS {kept}")
    for table in APPEND_ONLY:
        for statement in dialect.drop_append_only_ddl(table):
            op.execute(statement)
    for statement in dialect.drop_refuse_function_ddl():
        op.execute(statement)
    op.drop_table("events")  # its indexes and constraints go with it
    op.drop_table("articles")
