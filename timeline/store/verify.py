"""`timeline verify`: walk the stream and prove nobody edited, deleted or forged it behind the store's back.

Streamed passes in one read transaction (bounded memory): the events in position order with
their chain links, the streams in version order, the articles with their seals, the erasures.
Checks: positions strictly increasing; each link's hash recomputed and naming the previous link
(a deleted or changed row breaks it); each sentence and payload's quoted words matching their
digests unless lawfully erased; each event's article seal the one its link covers; stream
versions 1, 2, 3... in position order; every event's article stored; every article's text,
title, URL, published date, outlet and record time matching its seal; every erasure matching
its tombstone; the append-only triggers in place and enabled; the persisted projections equal
to a refold of the stream; and, given the operator's key, a signed head.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from timeline.domain.articles import article_id_for
from timeline.wording import count, plural

from . import chain
from .chaining import HASHED_COLUMNS, hashed_row
from .dialects import READ_ONLY, dialect_for
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
    position: int = 0  # the last position (the head's)
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
            return f"verified {count(self.events, 'event')}, chain intact, head {self.head}"
        first = self.first
        assert first is not None
        more = f" ({self.found - 1} more {plural(self.found - 1, 'problem')})" if self.found > 1 else ""
        where = f"at position {first.position}" if first.position is not None else "outside the stream"
        return f"verification failed {where}: {first.message}{more}"


def _stream(conn: Connection, sql: str) -> Iterator[Any]:
    return iter(conn.execution_options(stream_results=True, yield_per=1000).execute(text(sql)))


_EVENTS = (
    "SELECT {columns}, c.position, c.sentence_sha256, c.words_sha256, c.article_seal, c.prev_hash, c.hash, "
    "a.article_id, x.article_id, s.seal "
    "FROM events e "
    "LEFT JOIN event_chain c ON c.position = e.position "
    "LEFT JOIN articles a ON a.article_id = e.article_id "
    "LEFT JOIN erasures x ON x.article_id = e.article_id "
    "LEFT JOIN article_seals s ON s.article_id = e.article_id "
    "ORDER BY e.position"
).format(columns=", ".join(f"e.{name}" for name in HASHED_COLUMNS))

_PAYLOAD = chain.CHAINED_COLUMNS.index("payload")


def _check_events(conn: Connection, report: VerifyReport) -> None:
    previous_hash = chain.GENESIS
    previous_position = 0
    width = len(HASHED_COLUMNS)
    article_at = HASHED_COLUMNS.index("article_id")
    for row in _stream(conn, _EVENTS):
        position, stamp, values, sentence = hashed_row(row[:width])
        (
            link_position,
            stored_digest,
            stored_words,
            stored_seal,
            prev_hash,
            stored_hash,
            cited,
            erased,
            seal,
        ) = row[width:]
        report.events += 1
        report.position = position
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
        payload = values[_PAYLOAD]
        hashed, words_digest = chain.chained(values)
        if erased is not None and not chain.has_words(payload):
            words_digest = stored_words  # lawfully erased: the digest stands for the trigger words
        elif words_digest != stored_words:
            report.add(
                position, "the payload's trigger words changed after they were written (digest mismatch)"
            )
        article_id = row[article_at]
        if article_id is not None and seal != stored_seal:
            report.add(position, f"article {article_id} changed after this event was written (seal mismatch)")
        canonical = chain.canonical(position, stamp, hashed, sentence_digest, words_digest, stored_seal)
        if chain.link(prev_hash, canonical) != stored_hash:
            report.add(position, "event changed after it was written (hash mismatch)")
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
    "SELECT a.article_id, a.published, a.outlet, a.recorded_at, a.text, a.title, a.url, "
    "s.article_id, s.text_sha256, s.title_sha256, s.url_sha256, s.seal, "
    "x.article_id, x.reason, x.text_sha256, x.erased_at, t.type, t.payload, "
    "(SELECT min(e.position) FROM events e WHERE e.article_id = a.article_id) "
    "FROM articles a "
    "LEFT JOIN article_seals s ON s.article_id = a.article_id "
    "LEFT JOIN erasures x ON x.article_id = a.article_id "
    "LEFT JOIN events t ON t.event_id = x.tombstone_event_id "
    "ORDER BY a.article_id"
)


def _check_articles(conn: Connection, report: VerifyReport) -> None:
    for row in _stream(conn, _ARTICLES):
        article_id, published, outlet, recorded_at, body, title, url = row[:7]
        sealed, text_sha256, title_sha256, url_sha256, seal = row[7:12]
        erased, reason, erased_sha256, erased_at, tomb_type, tomb_payload, first_cited = row[12:]

        def add(message: str, article_id: str = article_id, at: int | None = first_cited) -> None:
            report.add(at, f"article {article_id} {message}")

        if sealed is None:
            add("has no seal (written behind the store's back?)")
        elif (
            chain.article_seal(
                article_id, published, outlet, recorded_at, text_sha256, title_sha256, url_sha256
            )
            != seal
        ):
            add("changed after it was written: its published date, outlet, record time or seal was edited")
        if erased is not None:
            _check_erasure(add, article_id, reason, erased_sha256, erased_at, tomb_type, tomb_payload)
            if body != "" or title is not None or url is not None:
                add("is marked erased but still has text, title or URL")
            if sealed is not None and erased_sha256 != text_sha256:
                add("was erased with a text digest that is not its sealed one")
            continue
        if article_id_for(body) != article_id:
            add("its text does not match its content hash")
        elif sealed is not None and chain.digest(body) != text_sha256:
            add("its text changed after it was written (even only in spaces: digest mismatch)")
        if sealed is not None and (chain.digest(title) != title_sha256 or chain.digest(url) != url_sha256):
            add("its title or URL changed after it was written (digest mismatch)")


def _check_erasure(
    add: Any,
    article_id: str,
    reason: str,
    text_sha256: str,
    erased_at: Any,
    type_: str | None,
    payload: str | None,
) -> None:
    """An erasures row must say what its tombstone (a chained event) says."""
    if not _is_tombstone_of(article_id, type_, payload):
        add("was erased without its tombstone event")
        return
    said = json.loads(payload or "{}")
    when = chain.record_stamp(erased_at)[:19]  # the tombstone keeps seconds
    if (said.get("reason"), said.get("text_sha256"), str(said.get("erased_at", ""))[:19]) != (
        reason,
        text_sha256,
        when,
    ):
        add("has an erasure record (reason, text digest or time) that differs from its tombstone")


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


#: The tables whose append-only triggers verify requires.
GUARDED_TABLES = ("events", "articles", "event_chain", "erasures", "article_seals")


def _check_triggers(conn: Connection, report: VerifyReport) -> None:
    dialect = dialect_for(conn.dialect.name)
    present = dialect.triggers(conn)
    for table in GUARDED_TABLES:
        for name in dialect.guard_trigger_names(table):
            if name not in present:
                report.add(None, f"the append-only trigger {name} on {table} is missing (dropped?)")
            elif not present[name]:
                report.add(None, f"the append-only trigger {name} on {table} is disabled")


def _check_signature(conn: Connection, report: VerifyReport, key: bytes, signature: str) -> None:
    signed = chain.read_signature(key, signature)
    if signed is None:
        report.add(None, "the signature was not made with this key over a head (wrong key, or forged)")
        return
    position, head = signed
    found = conn.execute(text("SELECT hash FROM event_chain WHERE position = :p"), {"p": position}).scalar()
    if found != head:
        report.add(position, "the signed head is no longer in the chain (events were changed or removed)")
    elif report.head != head:
        after = conn.execute(
            text("SELECT count(*) FROM events WHERE position > :p"), {"p": position}
        ).scalar()
        report.add(
            None,
            f"{after} events after the signed head (position {position}) are not covered by the signature "
            "(appended since it was signed, or forged: sign again after each legitimate write)",
        )


def verify(
    engine: Engine,
    anchors: Sequence[str] = (),
    projections: Callable[[], list[str]] | None = None,
    signed: tuple[bytes, str] | None = None,
) -> VerifyReport:
    """Check the whole store, and that each earlier head in ``anchors`` is still in the chain.

    ``projections``: compares the persisted projections with a refold (messages for each
    difference). ``signed``: (key, signature) of a head signed earlier with ``chain.sign_head``.
    """
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
            _check_triggers(conn, report)
            if signed is not None:
                _check_signature(conn, report, *signed)
    for message in projections() if projections is not None else ():
        report.add(None, message)
    return report
