"""Tamper evidence and audited erasure: the event_chain table (backfilled), erasures, guarded triggers.

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-03 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store.chaining import backfill
from timeline.store.dialects import dialect_for

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_APPEND_ONLY = ("event_chain", "erasures")

#: What an audited erase may write (frozen here: this revision's triggers accept exactly this),
#: and every other column of the table, which an erase must leave as it was.
ERASABLE: dict[str, tuple[dict[str, str | None], tuple[str, ...]]] = {
    "articles": (
        {"text": "''", "title": None, "url": None},
        ("article_id", "published", "outlet", "recorded_at"),
    ),
    "events": (
        {"sentence": "''"},
        (
            "position", "event_id", "stream_id", "stream_version", "type", "schema_version",
            "occurred_on", "date_precision", "date_basis", "modality", "recorded_at",
            "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
            "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end",
            "extractor_version", "payload",
        ),
    ),
}  # fmt: skip


def upgrade() -> None:
    dialect = dialect_for(op.get_context().dialect.name)
    op.create_table(
        "event_chain",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("events.position", name="fk_event_chain_event"),
            primary_key=True,
        ),
        sa.Column("sentence_sha256", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "erasures",
        sa.Column(
            "article_id",
            sa.String(64),
            sa.ForeignKey("articles.article_id", name="fk_erasures_article"),
            primary_key=True,
        ),
        sa.Column(
            "tombstone_event_id",
            sa.String(36),
            sa.ForeignKey("events.event_id", name="fk_erasures_tombstone"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Existing events get their links now, by INSERTs only: no event row is touched.
    backfill(op.get_bind())
    for table in NEW_APPEND_ONLY:
        for statement in dialect.append_only_ddl(table):
            op.execute(statement)
    for table, (blanks, kept) in ERASABLE.items():
        for statement in dialect.erase_guard_ddl(table, blanks, kept):
            op.execute(statement)


def downgrade() -> None:
    dialect = dialect_for(op.get_context().dialect.name)
    for table in ERASABLE:
        for statement in dialect.drop_erase_guard_ddl(table):
            op.execute(statement)
    for table in NEW_APPEND_ONLY:
        for statement in dialect.drop_append_only_ddl(table):
            op.execute(statement)
    op.drop_table("erasures")
    op.drop_table("event_chain")
