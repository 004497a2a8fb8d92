"""Projection tables: checkpoints, partition states, partition members and snapshots.

Revision ID: 0002
Revises: 0001
Create Date: 2024-06-02 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "projection_checkpoints",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "projection_partitions",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("through_on", sa.Date(), nullable=False),
        sa.Column("through_position", sa.BigInteger(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("digest", sa.Text()),
    )
    op.create_table(
        "projection_members",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("occurred_on", sa.Date(), primary_key=True),
        sa.Column("position", sa.BigInteger(), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "projection_snapshots",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("members", sa.Integer(), primary_key=True),
        sa.Column("through_on", sa.Date(), nullable=False),
        sa.Column("through_position", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "projection_snapshots",
        "projection_members",
        "projection_partitions",
        "projection_checkpoints",
    ):
        op.drop_table(table)
