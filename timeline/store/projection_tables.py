"""SQLAlchemy Core descriptions of the projection tables (migration 0002 creates them).

Unlike ``events``, these are a cache: rows are replaced as events are folded, and
``timeline replay`` empties and refills them from the stream.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, String, Table, Text

from .tables import UTCDateTime

metadata = MetaData()

#: One row per projection: the last position folded into it, and the fold version it was built with.
projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("version", String(32), nullable=False),
    Column("position", BigInteger, nullable=False),  # last position folded (0: none)
    Column("recorded_at", UTCDateTime),  # record time of that position (reads known later use the rows)
    Column("updated_at", UTCDateTime, nullable=False),
)

#: One row per partition (a pair of countries for facts, an invitee country for invitations).
projection_partitions = Table(
    "projection_partitions",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("partition", String(64), primary_key=True),
    Column("through_on", Date, nullable=False),  # watermark: the sort key of the last event folded
    Column("through_position", BigInteger, nullable=False),
    Column("members", Integer, nullable=False),  # events folded into the partition
    Column("state", Text, nullable=False),  # the fold's value for the partition, as JSON
    Column("digest", Text),  # what as-of reads need of it, as JSON (a dyad's facts: see projections.digest)
)

#: A partition's items in chunks (migration 0006): the state in ``projection_partitions`` leaves
#: the list of items its first key holds empty, and each chunk row holds a run of them, as their
#: JSON joined by commas; the chunks in order are the whole list. Facts are chunked by the year
#: they were opened in, so that a late article rewrites the year it changes, not the dyad's
#: megabytes of facts.
projection_chunks = Table(
    "projection_chunks",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("partition", String(64), primary_key=True),
    Column("chunk", Integer, primary_key=True),
    Column("items", Text, nullable=False),
)

#: Which events each partition folded, in valid-time order: a late event or a retraction
#: refolds a partition from these rows, never from the whole stream.
projection_members = Table(
    "projection_members",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("partition", String(64), primary_key=True),
    Column("occurred_on", Date, primary_key=True),
    Column("position", BigInteger, primary_key=True),
)

#: A partition's state right after one of its members (named by that member's sort key): safe
#: points to refold from. Migration 0005 keyed them by sort key instead of member ordinal, so that
#: a late event leaves the snapshots after the months it changes valid.
projection_snapshots = Table(
    "projection_snapshots",
    metadata,
    Column("projection", String(32), primary_key=True),
    Column("partition", String(64), primary_key=True),
    Column("through_on", Date, primary_key=True),
    Column("through_position", BigInteger, primary_key=True),
    Column("state", Text, nullable=False),
)

PROJECTION_TABLES = (
    projection_checkpoints,
    projection_partitions,
    projection_chunks,
    projection_members,
    projection_snapshots,
)
