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


#: Where a downgrade keeps the rows of this revision that nothing can rebuild (the erasures, and the
#: chain, which holds the digests of erased sentences), so that an upgrade puts them back as they were.
KEPT: dict[str, str] = {"event_chain": "kept_event_chain", "erasures": "kept_erasures"}


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
    # What a downgrade kept aside comes back unchanged: the digests of erased sentences cannot be
    # recomputed, and verify needs each erasure row.
    present = set(sa.inspect(op.get_bind()).get_table_names())
    for table, kept in KEPT.items():
        if kept in present:
            _copy(kept, table)
            op.drop_table(kept)
    # Events not linked yet (all of them, or those appended below this revision) get their links
    # now, by INSERTs only: no event row is touched.
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
    # Kept aside, append-only like the originals, for the next upgrade (0001's downgrade drops them).
    for table, kept in KEPT.items():
        _keep(table, kept)
        for statement in dialect.append_only_ddl(kept):
            op.execute(statement)
    op.drop_table("erasures")
    op.drop_table("event_chain")


def _keep(table: str, kept: str) -> None:
    """A copy of ``table``'s columns and rows, without its foreign keys (they would stop the
    downgrades below from dropping events and articles)."""
    # A copy left by an older timeline's upgrade, which did not know about it, is stale.
    op.execute(f"DROP TABLE IF EXISTS {kept}")
    source = sa.Table(table, sa.MetaData(), autoload_with=op.get_bind())
    op.create_table(
        kept,
        *(sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in source.columns),
    )
    _copy(table, kept)


def _copy(source: str, target: str) -> None:
    """Every row of ``source`` into ``target`` (the columns ``target`` has), in key order."""
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns(target)]
    names = ", ".join(columns)
    op.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {source} ORDER BY {columns[0]}")
