"""What a schema downgrade throws away: rows counted by kind before and after, in its own transaction.

A downgrade runs in one transaction; counting every table's rows before and after it tells
exactly what it deletes, whatever each revision's downgrade does (a later migration included),
and the transaction rolls back when that is data nobody said may go. Rows are of two kinds:

* records, which nothing can rebuild: events, articles, chain links and erasures (a copy that a
  downgrade set aside, such as ``kept_erasures``, counts as the same record, so carrying rows
  across is no loss); a table this module does not know is counted as records too;
* derived rows, which dropping needs no confirmation for: the projection tables, which the next
  read or `timeline replay` rebuilds from the stream, and the article seals of migration 0004,
  which its upgrade recomputes from the articles (and the erasures of erased ones).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .errors import StoreError

#: The kind of record each known table holds (the ``kept_`` copies are those of migration 0003).
RECORD_KINDS: dict[str, str] = {
    "events": "events",
    "articles": "articles",
    "event_chain": "chain links",
    "kept_event_chain": "chain links",
    "erasures": "erasures",
    "kept_erasures": "erasures",
    "kept_chain_words": "erased word digests",
}
#: Derived tables: projections, rebuilt from the stream.
DERIVED_PREFIX = "projection_"
#: Derived tables that the upgrade creating them fills again from the records.
REBUILT_BY_UPGRADE = frozenset({"article_seals", "kept_article_seals"})
#: Alembic's own bookkeeping.
IGNORED = frozenset({"alembic_version"})

_SINGULAR = {"events": "event", "articles": "article", "chain links": "chain link", "erasures": "erasure"}


@dataclass(frozen=True, slots=True)
class Tally:
    """Rows per table, at one moment of the downgrade's transaction."""

    rows: dict[str, int]

    def records(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for table, count in self.rows.items():
            if not _derived(table):
                found[RECORD_KINDS.get(table, f"rows of {table}")] += count
        return found

    def derived(self) -> dict[str, int]:
        return {table: count for table, count in self.rows.items() if _derived(table)}


def _derived(table: str) -> bool:
    return table.startswith(DERIVED_PREFIX) or table in REBUILT_BY_UPGRADE


def tally(conn: Connection) -> Tally:
    """Count the rows of every table of the store's schema (one count per table)."""
    tables = sorted(set(sa.inspect(conn).get_table_names()) - IGNORED)
    return Tally(
        {
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in tables
        }
    )


@dataclass(frozen=True, slots=True)
class DowngradeReport:
    """What a downgrade did (or, refused, would have done) to the data."""

    revision: str | None
    deleted: dict[str, int] = field(default_factory=dict)  # records gone, by kind
    kept: dict[str, dict[str, int]] = field(default_factory=dict)  # records set aside: table -> kind -> rows
    derived_dropped: dict[str, int] = field(default_factory=dict)  # projection tables dropped -> rows

    @property
    def deletes_records(self) -> bool:
        return any(self.deleted.values())

    def notes(self) -> list[str]:
        """Lines for the operator about the rows that went or were set aside."""
        lines = []
        if self.deletes_records:
            lines.append(f"deleted {_counts(self.deleted)}")
        for table, kinds in self.kept.items():
            lines.append(
                f"kept {_counts(kinds)} aside in table {table}; `timeline db upgrade` puts them back"
            )
        seals = sum(rows for table, rows in self.derived_dropped.items() if table in REBUILT_BY_UPGRADE)
        if seals:
            lines.append(f"dropped {seals} article seals: `timeline db upgrade` recomputes them")
        projections = {t: rows for t, rows in self.derived_dropped.items() if t not in REBUILT_BY_UPGRADE}
        if projections:
            rows = sum(projections.values())
            lines.append(
                f"dropped the projection tables ({rows} rows): derived from the stream, they are rebuilt "
                "by `timeline db upgrade` (or by `timeline replay`, or the next write)"
            )
        return lines


def compare(revision: str | None, before: Tally, after: Tally) -> DowngradeReport:
    """What went between two tallies of one transaction."""
    had, has = before.records(), after.records()
    order = [*_SINGULAR, *sorted(set(had) - set(_SINGULAR))]
    deleted = {kind: had[kind] - has[kind] for kind in order if had[kind] > has[kind]}
    kept: dict[str, dict[str, int]] = {}
    for table, count in after.rows.items():
        if table not in before.rows and count and not _derived(table):
            kept[table] = {RECORD_KINDS.get(table, f"rows of {table}"): count}
    derived_before = before.derived()
    dropped = {table: rows for table, rows in derived_before.items() if table not in after.rows}
    return DowngradeReport(revision, deleted, kept, dropped)


class DataLossRefused(StoreError):
    """A downgrade would delete records that cannot be rebuilt, and nobody confirmed it."""

    def __init__(self, target: str, report: DowngradeReport) -> None:
        derived = sum(report.derived_dropped.values())
        rebuilt = f" (and {derived} derived rows, which are rebuilt)" if derived else ""
        super().__init__(
            f"downgrading to {target} would delete {_counts(report.deleted)}, which cannot be rebuilt"
            f"{rebuilt}; nothing was changed. Run it again with --yes (--i-know-this-deletes-data) to "
            "delete them"
        )
        self.report = report


def _counts(kinds: dict[str, int]) -> str:
    """{"events": 4, "articles": 1} -> "4 events and 1 article"."""
    parts = [f"{n} {_SINGULAR.get(kind, kind) if n == 1 else kind}" for kind, n in kinds.items() if n]
    if len(parts) <= 1:
        return "".join(parts) or "nothing"
    return f"{', '.join(parts[:-1])} and {parts[-1]}"
