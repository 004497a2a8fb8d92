"""Projection snapshots keyed by the sort key of the member they follow, not by its ordinal.

A late event shifts the ordinal of every later member, so snapshots named by ordinal had to be
taken again after each one; named by (occurred_on, position), those a late event cannot reach
stay valid, which is what lets a late article refold only the months it changes. The table is a
cache: both directions drop its rows and the checkpoints, so the next write rebuilds the
projections in the shape its code expects.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _forget_checkpoints() -> None:
    # The partition rows stay readable, but no projection is current any more: the next write
    # (or `timeline replay`) rebuilds every table, snapshots included.
    op.execute(sa.text("DELETE FROM projection_checkpoints"))


def upgrade() -> None:
    _forget_checkpoints()
    op.drop_table("projection_snapshots")
    op.create_table(
        "projection_snapshots",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("through_on", sa.Date(), primary_key=True),
        sa.Column("through_position", sa.BigInteger(), primary_key=True),
        sa.Column("state", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    _forget_checkpoints()
    op.drop_table("projection_snapshots")
    op.create_table(
        "projection_snapshots",
        sa.Column("projection", sa.String(32), primary_key=True),
        sa.Column("partition", sa.String(64), primary_key=True),
        sa.Column("members", sa.Integer(), primary_key=True),
        sa.Column("through_on", sa.Date(), nullable=False),
        sa.Column("through_position", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
    )
