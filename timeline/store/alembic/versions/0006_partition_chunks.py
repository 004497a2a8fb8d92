"""A partition's items kept in chunks beside its row: a late event rewrites only the chunks it changes.

A busy dyad's facts are megabytes of JSON; kept whole in its ``projection_partitions`` row, every
back-dated article read and wrote all of them again. ``projection_chunks`` keeps them one row per
partition and chunk (for facts, the year the facts were opened in); the partition row keeps the
rest of the state, its list of items left empty. The tables are a cache: both directions drop
the checkpoints, so the next write rebuilds the projections in the shape its code expects.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _forget_checkpoints() -> None:
    # The partition rows stay, but no projection is current any more, so none is read: the next
    # write (or `timeline replay`) rebuilds every table in the shape its code expects.
    op.execute(sa.text("DELETE FROM projection_checkpoints"))


def upgrade() -> None:
    _forget_checkpoints()
    op.create_table(
        "projection_chunks",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("chunk", sa.Integer(), primary_key=True),
        sa.Column("items", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    _forget_checkpoints()
    op.drop_table("projection_chunks")
