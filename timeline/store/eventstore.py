"""The append-only event store: atomic, checked-idempotent appends and streaming, filtered reads."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import Engine, Select, func, insert, literal_column, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from timeline.domain.articles import Article, ArticleSummary
from timeline.domain.events import Event
from timeline.query import ArticleQuery, EventQuery

from . import article_list, chain, chaining, erasure, filters
from .dialects import READ_ONLY, dialect_for
from .erasure import ERASURES_STREAM
from .errors import ConcurrencyError, EventConflictError, StoreError, UnknownArticleError
from .rows import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    INSERT_COLUMNS,
    article_from_row,
    article_row,
    dump_payload,
    event_values,
    events_from_rows,
    stored_copy,
)
from .stats import StoreStats, store_stats
from .tables import articles, erasures, events
from .upcasters import UPCASTERS, Upcasters
from .verify import VerifyReport, verify

#: Rows fetched per round trip when streaming, and ids per "IN (...)" lookup.
BATCH_SIZE = 1000

_TICK = timedelta(microseconds=1)

#: Tries of one append when SQLite reports its lock busy past the timeout.
WRITE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erase did: the tombstone it appended and what it blanked."""

    tombstone: Event
    sentences: int  # event sentences blanked
    text_sha256: str  # digest of the text that was removed
    notes: tuple[str, ...] = ()  # what the operator must still do for the text to leave the disk


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append did: the events as stored (in the order given), and whether anything was new."""

    events: tuple[Event, ...]
    appended: int  # rows this call inserted
    new: bool  # False when the call stored nothing (a known article, or only known events)


def _comparable(event: Event) -> Any:
    # Through JSON and back, so that a tuple in a payload equals the list read back from the table.
    return json.loads(dump_payload(event.content()))


def _unique(batch: Sequence[Event]) -> list[Event]:
    """The batch without repeats; a repeated event id must repeat the same content."""
    seen: dict[str, Event] = {}
    slots: dict[tuple[str, int], str] = {}
    for event in batch:
        earlier = seen.get(event.event_id)
        if earlier is not None:
            if _comparable(earlier) != _comparable(event):
                raise EventConflictError(
                    f"event {event.event_id} appears twice in one batch with different content"
                )
            continue
        slot = (event.stream_id, event.stream_version)
        if slot in slots:
            raise ConcurrencyError(
                f"stream {slot[0]} version {slot[1]} is given to two events in one batch "
                f"({slots[slot]} and {event.event_id})"
            )
        seen[event.event_id] = event
        slots[slot] = event.event_id
    return list(seen.values())


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EventStore:
    """Append and read the event stream of one database (any engine the store has a dialect for)."""

    def __init__(self, engine: Engine, *, upcasters: Upcasters = UPCASTERS, batch_size: int = BATCH_SIZE):
        self.engine = engine
        self.dialect = dialect_for(engine.dialect.name)
        self.dialect_name = self.dialect.name
        self.upcasters = upcasters
        self.batch_size = batch_size

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            self.dialect.lock_for_append(conn)
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                yield conn

    # -- append -------------------------------------------------------------------------------

    def append(self, batch: Sequence[Event], article: Article | None = None) -> AppendResult:
        """Store ``article`` (if given) and ``batch`` in one transaction: all of it, or nothing.

        An article already stored makes the whole call a no-op that returns that article's
        events. An event id already stored returns the stored event if the content is the
        same, and raises EventConflictError if not. A (stream, version) already taken by
        another event raises ConcurrencyError.
        """
        unique = _unique(batch)
        if not unique and article is None:
            return AppendResult((), 0, False)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return self._append(batch, unique, article)
            except IntegrityError as exc:
                raise self._explain(exc, unique) from exc
            except OperationalError as exc:
                # SQLite: another writer held the lock past the busy timeout; the transaction
                # rolled back whole, so trying again is safe (and re-checks what is stored).
                if attempt == WRITE_ATTEMPTS or not self.dialect.is_busy(exc):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    def _append(self, batch: Sequence[Event], unique: list[Event], article: Article | None) -> AppendResult:
        with self._writing() as conn:
            if article is not None and self._article_stored(conn, article.article_id):
                cited = select(*EVENT_COLUMNS).where(events.c.article_id == article.article_id)
                return AppendResult(tuple(self._select(conn, cited)), 0, False)
            last_position, recorded_at = self._next_record_time(conn)
            if article is not None:
                conn.execute(insert(articles), [article_row(article, recorded_at)])
                chaining.seal_article(conn, article, recorded_at)
            stored = self._stored(conn, [e.event_id for e in unique])
            fresh = []
            for event in unique:
                earlier = stored.get(event.event_id)
                if earlier is None:
                    fresh.append(event)
                elif self._same(earlier, event):
                    stored[event.event_id] = self.upcast(earlier)
                else:
                    raise EventConflictError(
                        f"event {event.event_id} is already stored (position {earlier.position}) "
                        "with different content; an event cannot be changed, append a retraction instead"
                    )
            if fresh:
                for event, position in self._insert(conn, fresh, last_position, recorded_at):
                    stored[event.event_id] = stored_copy(event, position, recorded_at)
        return AppendResult(
            tuple(stored[e.event_id] for e in batch),
            len(fresh),
            bool(fresh) or article is not None,
        )

    def _insert(
        self, conn: Connection, fresh: list[Event], last_position: int, recorded_at: datetime
    ) -> list[tuple[Event, int]]:
        """Insert new events and their chain links (under the append lock); returns their positions."""
        self._check_versions(conn, fresh)
        values = [event_values(e) for e in fresh]
        positions = dict(
            self.dialect.insert_rows(conn, events, INSERT_COLUMNS, values, recorded_at, last_position)
        )
        placed = [(event, positions[event.event_id]) for event in fresh]
        rows = sorted(zip((p for _, p in placed), values, strict=True), key=itemgetter(0))
        chaining.append_links(conn, rows, chain.record_stamp(recorded_at))
        return placed

    def _check_versions(self, conn: Connection, fresh: list[Event]) -> None:
        """Each stream's versions run 1, 2, 3... in position order: no repeat, no gap."""
        streams = sorted({e.stream_id for e in fresh})
        last: dict[str, int] = {}
        for ids in _chunks(streams, self.batch_size):
            stmt = (
                select(events.c.stream_id, func.max(events.c.stream_version))
                .where(self.dialect.one_of(events.c.stream_id, ids))
                .group_by(events.c.stream_id)
            )
            last.update((stream, int(version)) for stream, version in conn.execute(stmt))
        for event in fresh:
            current = last.get(event.stream_id, 0)
            if event.stream_version <= current:
                holder = conn.execute(
                    select(events.c.event_id).where(
                        events.c.stream_id == event.stream_id,
                        events.c.stream_version == event.stream_version,
                    )
                ).scalar()
                taken_by = f"taken by event {holder}" if holder else "passed (the stream is further on)"
                raise ConcurrencyError(
                    f"stream {event.stream_id} version {event.stream_version} already {taken_by}; "
                    f"event {event.event_id} cannot be appended there (read the stream's version and retry)"
                )
            if event.stream_version != current + 1:
                raise ConcurrencyError(
                    f"stream {event.stream_id} is at version {current}; event {event.event_id} cannot be "
                    f"appended at version {event.stream_version} (versions are consecutive: the next is "
                    f"{current + 1})"
                )
            last[event.stream_id] = event.stream_version

    def _same(self, stored: Event, event: Event) -> bool:
        """Same content as the stored row, either as written or as upcast to today's shape."""
        wanted = _comparable(event)
        return _comparable(stored) == wanted or _comparable(self.upcast(stored)) == wanted

    def _next_record_time(self, conn: Connection) -> tuple[int, datetime]:
        """The last position, and now (UTC) but later than the last record time.

        Record time then grows with position, so "known at T" is always a prefix of the stream.
        """
        now = datetime.now(UTC)
        last = conn.execute(
            select(events.c.position, events.c.recorded_at).order_by(events.c.position.desc()).limit(1)
        ).first()
        if last is None:
            return 0, now
        position, recorded_at = last
        return position, max(now, recorded_at + _TICK)

    def _stored(self, conn: Connection, event_ids: list[str]) -> dict[str, Event]:
        """The stored events with these ids, as written (not upcast), by id."""
        found: dict[str, Event] = {}
        for ids in _chunks(event_ids, self.batch_size):
            rows = conn.execute(select(*EVENT_COLUMNS).where(self.dialect.one_of(events.c.event_id, ids)))
            found.update((event.event_id, event) for event in events_from_rows(rows))
        return found

    def _explain(self, exc: IntegrityError, unique: list[Event]) -> StoreError:
        """A clear error for a refused insert (read after the failed transaction rolled back)."""
        streams = sorted({e.stream_id for e in unique})
        taken: dict[tuple[str, int], str] = {}
        with self._reading() as conn:
            for ids in _chunks(streams, self.batch_size):
                rows = conn.execute(
                    select(events.c.stream_id, events.c.stream_version, events.c.event_id).where(
                        events.c.stream_id.in_(ids)
                    )
                )
                taken.update({(s, v): eid for s, v, eid in rows})
            for event in unique:
                holder = taken.get((event.stream_id, event.stream_version))
                if holder is not None and holder != event.event_id:
                    return ConcurrencyError(
                        f"stream {event.stream_id} version {event.stream_version} already taken by event "
                        f"{holder}; event {event.event_id} cannot be appended there "
                        "(read the stream's version and retry)"
                    )
            cited = sorted({e.provenance.article_id for e in unique if e.provenance})
            for article_id in cited:
                if not self._article_stored(conn, article_id):
                    return StoreError(
                        f"events cite article {article_id}, which is not stored; append it with its events"
                    )
        return StoreError(f"the database refused the append: {exc.orig}")

    # -- legal erasure ------------------------------------------------------------------------

    def erase(self, article_id: str, reason: str) -> Erasure:
        """Blank an article's text and its events' sentences, and append an ArticleErased tombstone.

        The one sanctioned path around the append-only triggers: the ``erasures`` row this
        transaction inserts first is what lets the triggers accept the blanking UPDATEs, and
        they accept nothing else. Events stay (projections need no change) and the hash chain
        still verifies, because it covers each sentence's digest, not the sentence.
        """
        reason = " ".join(reason.split())
        if not reason:
            raise StoreError("an erase needs a reason")
        with self._writing() as conn:
            self.dialect.before_erase(conn)
            found = conn.execute(select(articles.c.text).where(articles.c.article_id == article_id)).first()
            if found is None:
                raise UnknownArticleError(f"no article with id {article_id}")
            earlier = conn.execute(
                select(erasures.c.erased_at, erasures.c.reason).where(erasures.c.article_id == article_id)
            ).first()
            if earlier is not None:
                raise StoreError(
                    f"article {article_id} was already erased at {earlier.erased_at:%Y-%m-%d %H:%M} UTC "
                    f"({earlier.reason})"
                )
            sentences = int(
                conn.execute(
                    select(func.count()).select_from(events).where(events.c.article_id == article_id)
                ).scalar_one()
            )
            last_position, recorded_at = self._next_record_time(conn)
            version = conn.execute(
                select(func.max(events.c.stream_version)).where(events.c.stream_id == ERASURES_STREAM)
            ).scalar()
            text_sha256 = chain.digest(found.text) or ""
            tombstone = erasure.tombstone(
                article_id, reason, recorded_at, text_sha256, sentences, int(version or 0) + 1
            )
            ((stored, position),) = self._insert(conn, [tombstone], last_position, recorded_at)
            conn.execute(
                insert(erasures),
                [{
                    "article_id": article_id, "tombstone_event_id": stored.event_id, "reason": reason,
                    "text_sha256": text_sha256, "erased_at": recorded_at,
                }],
            )  # fmt: skip
            conn.execute(
                update(articles).where(articles.c.article_id == article_id).values(erasure.ARTICLE_BLANKS)
            )
            redacted = self.dialect.redacted_payload("payload", chain.ERASABLE_PAYLOAD_KEYS)
            conn.execute(
                update(events)
                .where(events.c.article_id == article_id)
                .values({**erasure.EVENT_BLANKS, "payload": literal_column(redacted)})
            )
        try:  # housekeeping (the rows hold no text now): never fail the erase, but say what is left
            notes = tuple(self.dialect.after_erase(self.engine))
        except DBAPIError as exc:
            notes = (f"warning: could not clear the old copies of the text ({exc.orig}); run the erase's "
                     "housekeeping by hand (see the README, Erasing an article)",)  # fmt: skip
        return Erasure(stored_copy(stored, position, recorded_at), sentences, text_sha256, notes)

    def erasure_of(self, article_id: str) -> dict[str, Any] | None:
        """The erasure record of an article (reason, when, tombstone), or None if it was not erased."""
        with self._reading() as conn:
            row = conn.execute(select(erasures).where(erasures.c.article_id == article_id)).first()
        return None if row is None else dict(row._mapping)

    def verify(
        self,
        anchors: Sequence[str] = (),
        signed: tuple[bytes, str] | None = None,
        projections: Callable[[], list[str]] | None = None,
    ) -> VerifyReport:
        """Walk the whole store and check the hash chain, positions, versions, provenance, triggers.

        ``anchors``: heads noted earlier (outside the database); each must still be in the chain.
        ``signed``: (key, signature) of a head signed with the operator's key; nothing may follow it.
        ``projections``: a last check of the projection tables (one message per difference from a
        refold of the stream); the store knows their rows, not the folds, so the caller brings it.
        """
        return verify(self.engine, anchors, projections, signed)

    # -- read ---------------------------------------------------------------------------------

    def upcast(self, event: Event) -> Event:
        """An event as read from a row, in today's payload shape (see upcasters.py)."""
        if self.upcasters:
            version, payload = self.upcasters.upcast(event.type, event.schema_version, event.payload)
            if version != event.schema_version:
                return replace(event, schema_version=version, payload=dict(payload))
        return event

    def _select(self, conn: Connection, stmt: Select[Any]) -> list[Event]:
        return [self.upcast(e) for e in events_from_rows(conn.execute(stmt.order_by(events.c.position)))]

    def _query(self, query: EventQuery) -> Select[Any]:
        stmt = select(*EVENT_COLUMNS).where(*filters.conditions(query, self.dialect))
        stmt = stmt.order_by(*filters.order_by(query))
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        return stmt

    def read(self, query: EventQuery | None = None) -> Iterator[Event]:
        """The events ``query`` selects, in its order, streamed in batches (bounded memory)."""
        return self._stream(self._query(query or EventQuery()))

    def _stream(self, stmt: Select[Any]) -> Iterator[Event]:
        with self._reading() as conn:
            result = conn.execution_options(stream_results=True, yield_per=self.batch_size).execute(stmt)
            stream = events_from_rows(result)
            yield from (map(self.upcast, stream) if self.upcasters else stream)

    def follow(self, after_position: int, batch_size: int = BATCH_SIZE) -> list[Event]:
        """The next events after ``after_position``, in position order (at most ``batch_size``).

        Safe for tail-following: a position is visible only once every smaller one is,
        because appends are serialised (see dialects.lock_for_append).
        """
        stmt = self._query(EventQuery(after_position=after_position, limit=batch_size))
        with self._reading() as conn:
            return [self.upcast(e) for e in events_from_rows(conn.execute(stmt))]

    def count(self, query: EventQuery | None = None) -> int:
        """How many events ``query`` selects (its limit included)."""
        query = query or EventQuery()
        inner = select(events.c.position).where(*filters.conditions(query, self.dialect))
        if query.limit is not None:
            inner = inner.order_by(*filters.order_by(query)).limit(query.limit)
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(inner.subquery())).scalar_one())

    def get_event(self, event_id: str) -> Event | None:
        with self._reading() as conn:
            found = self._select(conn, select(*EVENT_COLUMNS).where(events.c.event_id == event_id))
        return found[0] if found else None

    def last_position(self) -> int:
        """The highest position stored (0 for an empty stream)."""
        with self._reading() as conn:
            return int(conn.execute(select(func.max(events.c.position))).scalar() or 0)

    def stream_version(self, stream_id: str) -> int:
        """The highest version taken in ``stream_id`` (0 for a stream with no events)."""
        with self._reading() as conn:
            stmt = select(func.max(events.c.stream_version)).where(events.c.stream_id == stream_id)
            return int(conn.execute(stmt).scalar() or 0)

    def codings(self, article_ids: Sequence[str]) -> dict[str, set[tuple[str, str | None]]]:
        """Per article, the (extractor version, ``payload.lexicon``) its live coded events carry.

        Events a person made or amended (``payload.by``/``amended_from``) are left out: no extractor
        read them.
        """
        lexicon = self.dialect.json_text(events.c.payload, "lexicon")
        live = filters.conditions(EventQuery(exclude_retracted=True), self.dialect)
        found: dict[str, set[tuple[str, str | None]]] = {}
        with self._reading() as conn:
            for ids in _chunks(list(dict.fromkeys(article_ids)), self.batch_size):
                stmt = (
                    select(events.c.article_id, events.c.extractor_version, lexicon)
                    .distinct()
                    .where(
                        self.dialect.one_of(events.c.article_id, ids),
                        events.c.extractor_version.is_not(None),
                        self.dialect.json_text(events.c.payload, "by").is_(None),
                        self.dialect.json_text(events.c.payload, "amended_from").is_(None),
                        *live,
                    )
                )
                for article_id, version, digest in conn.execute(stmt):
                    found.setdefault(article_id, set()).add((version, digest))
        return found

    def stats(self) -> StoreStats:
        """Counts over the whole store (see stats.py), read in one transaction."""
        with self._reading() as conn:
            return store_stats(conn, self.engine, self.dialect)

    # -- articles -----------------------------------------------------------------------------

    @staticmethod
    def _article_stored(conn: Connection, article_id: str) -> bool:
        stmt = select(articles.c.article_id).where(articles.c.article_id == article_id)
        return conn.execute(stmt).first() is not None

    def has_article(self, article_id: str) -> bool:
        with self._reading() as conn:
            return self._article_stored(conn, article_id)

    def get_article(self, article_id: str) -> Article | None:
        with self._reading() as conn:
            row = conn.execute(select(*ARTICLE_COLUMNS).where(articles.c.article_id == article_id)).first()
        return article_from_row(row) if row is not None else None

    def article_summaries(self, query: ArticleQuery | None = None) -> Iterator[ArticleSummary]:
        """The articles ``query`` selects, by published date, each with its event counts, streamed."""
        with self._reading() as conn:
            yield from article_list.summaries(conn, self.dialect, query or ArticleQuery(), self.batch_size)

    def articles(self) -> Iterator[Article]:
        """Every stored article, in the order they were recorded, streamed."""
        stmt = select(*ARTICLE_COLUMNS).order_by(articles.c.recorded_at, articles.c.article_id)
        with self._reading() as conn:
            result = conn.execution_options(stream_results=True, yield_per=self.batch_size).execute(stmt)
            for row in result:
                yield article_from_row(row)
