"""`timeline verify`: walk the stream and prove nobody edited, deleted or forged it behind the store's back.

Streamed passes in one read transaction (bounded memory): the events in position order with
their chain links, the streams in version order, the articles, the erasures. Checks: positions
strictly increasing; each link's hash recomputed and naming the previous link (a deleted or
changed row breaks it); each sentence matching its digest unless lawfully erased; stream
versions 1, 2, 3... in position order; every event's article stored; every article's text
matching its content-hash id; every erasure with its tombstone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from timeline.domain.articles import article_id_for

from . import chain
from .chaining import HASHED_COLUMNS, hashed_row
from .dialects import READ_ONLY
from .erasure import TOMBSTONE_TYPE

#: Problems kept in the report (the walk goes on counting past them).
MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class Problem:
    position: int | None  # the first broken position, when the problem has one
    message: str

    def line(self) -> str:
        return f"position {self.position}: {self.message}" if self.position is not None else self.message


@dataclass(slots=True)
class VerifyReport:
    events: int = 0
    head: str = chain.GENESIS
    problems: list[Problem] = field(default_factory=list)
    found: int = 0  # problems found, including those not kept

    @property
    def ok(self) -> bool:
        return self.found == 0

    def add(self, position: int | None, message: str) -> None:
        self.found += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(position, message))

    @property
    def first(self) -> Problem | None:
        """The problem at the lowest position (problems without one come last)."""
        if not self.problems:
            return None
        return min(self.problems, key=lambda p: (p.position is None, p.position or 0))

    def line(self) -> str:
        if self.ok:
            return f"verified {self.events} events, chain intact, head {self.head}"
        first = self.first
        assert first is not None
        more = f" ({self.found - 1} more problems)" if self.found > 1 else ""
        where = f"at position {first.position}" if first.position is not None else "outside the stream"
        return f"verification failed {where}: {first.message}{more}"


def _stream(conn: Connection, sql: str) -> Iterator[Any]:
    return iter(conn.execution_options(stream_results=True, yield_per=1000).execute(text(sql)))


_EVENTS = (
    "SELECT {columns}, c.position, c.sentence_sha256, c.prev_hash, c.hash, a.article_id, x.article_id "
    "FROM events e "
    "LEFT JOIN event_chain c ON c.position = e.position "
    "LEFT JOIN articles a ON a.article_id = e.article_id "
    "LEFT JOIN erasures x ON x.article_id = e.article_id "
    "ORDER BY e.position"
).format(columns=", ".join(f"e.{name}" for name in HASHED_COLUMNS))


def _check_events(conn: Connection, report: VerifyReport) -> None:
    previous_hash = chain.GENESIS
    previous_position = 0
    width = len(HASHED_COLUMNS)
    article_at = HASHED_COLUMNS.index("article_id")
    for row in _stream(conn, _EVENTS):
        position, stamp, values, sentence = hashed_row(row[:width])
        link_position, stored_digest, prev_hash, stored_hash, cited, erased = row[width:]
        report.events += 1
        if position <= previous_position:
            report.add(position, f"position repeats or goes back (after {previous_position})")
        previous_position = position
        if link_position is None:
            report.add(position, "event has no chain link (written behind the store's back?)")
            continue
        if prev_hash != previous_hash:
            report.add(
                position,
                "chain broken: the link does not follow the previous event's hash "
                "(an event before it was deleted, or its link rewritten)",
            )
        if erased is not None and sentence == "":
            sentence_digest = stored_digest  # lawfully erased: the digest stands for the sentence
        else:
            sentence_digest = chain.digest(sentence)
            if sentence_digest != stored_digest:
                report.add(position, "sentence changed after it was written (digest mismatch)")
        if chain.link(prev_hash, chain.canonical(position, stamp, values, sentence_digest)) != stored_hash:
            report.add(position, "event changed after it was written (hash mismatch)")
        article_id = row[article_at]
        if article_id is not None and cited is None:
            report.add(position, f"provenance names article {article_id}, which is not stored")
        previous_hash = stored_hash
    report.head = previous_hash


_ORPHAN_LINKS = (
    "SELECT c.position FROM event_chain c LEFT JOIN events e ON e.position = c.position "
    "WHERE e.position IS NULL ORDER BY c.position"
)


def _check_orphan_links(conn: Connection, report: VerifyReport) -> None:
    for (position,) in _stream(conn, _ORPHAN_LINKS):
        report.add(position, "the event of this chain link is gone (deleted behind the store's back)")


_VERSIONS = "SELECT stream_id, stream_version, position FROM events ORDER BY stream_id, stream_version"


def _check_versions(conn: Connection, report: VerifyReport) -> None:
    stream: str | None = None
    version = 0
    position = 0
    for stream_id, next_version, next_position in _stream(conn, _VERSIONS):
        if stream_id != stream:
            stream, version, position = stream_id, 0, 0
        if next_version != version + 1:
            report.add(
                next_position,
                f"stream {stream_id} goes from version {version} to {next_version} "
                "(versions must be consecutive)",
            )
        elif next_position <= position:
            report.add(
                next_position, f"stream {stream_id} version {next_version} is stored before version {version}"
            )
        version, position = next_version, next_position


_ARTICLES = (
    "SELECT a.article_id, a.text, x.article_id, t.type, t.payload, "
    "(SELECT min(e.position) FROM events e WHERE e.article_id = a.article_id) "
    "FROM articles a "
    "LEFT JOIN erasures x ON x.article_id = a.article_id "
    "LEFT JOIN events t ON t.event_id = x.tombstone_event_id "
    "ORDER BY a.article_id"
)


def _check_articles(conn: Connection, report: VerifyReport) -> None:
    for article_id, body, erased, tomb_type, tomb_payload, first_cited in _stream(conn, _ARTICLES):
        if erased is not None:
            if not _is_tombstone_of(article_id, tomb_type, tomb_payload):
                report.add(first_cited, f"article {article_id} was erased without its tombstone event")
            if body != "":
                report.add(first_cited, f"article {article_id} is marked erased but still has text")
        elif article_id_for(body) != article_id:
            report.add(first_cited, f"article {article_id}: its text does not match its content hash")


def _is_tombstone_of(article_id: str, type_: str | None, payload: str | None) -> bool:
    if type_ != TOMBSTONE_TYPE or payload is None:
        return False
    try:
        return bool(json.loads(payload).get("erased_article_id") == article_id)
    except (ValueError, AttributeError):
        return False


def _check_anchors(conn: Connection, report: VerifyReport, anchors: Sequence[str]) -> None:
    # A chain cut at its end still links; a head noted earlier (kept outside the database) shows it.
    query = text("SELECT position FROM event_chain WHERE hash = :h")
    for anchor in anchors:
        if conn.execute(query, {"h": anchor.strip().lower()}).first() is None:
            report.add(None, f"the earlier head {anchor} is not in the chain (events were removed after it)")


def verify(engine: Engine, anchors: Sequence[str] = ()) -> VerifyReport:
    """Check the whole store, and that each earlier head in ``anchors`` is still in the chain."""
    report = VerifyReport()
    with engine.connect() as conn:
        conn = conn.execution_options(**{READ_ONLY: True})
        if engine.dialect.name == "postgresql":  # every pass sees the same snapshot
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            _check_events(conn, report)
            _check_orphan_links(conn, report)
            _check_versions(conn, report)
            _check_articles(conn, report)
            _check_anchors(conn, report, anchors)
    return report
