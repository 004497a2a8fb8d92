"""Keeps the persisted projections equal to a fold of the stream: catch-up, replay, check.

Pure: it drives the projection tables through :class:`Tables`, the small interface it declares
here (the store's ``ProjectionStore`` gives it), and never imports the store. Write commands
call :func:`catch_up` after they append (ingest, retract, amend, add, reextract, erase);
`timeline replay` calls :func:`replay`. Reads never call either: they ask :func:`freshness`
whether the tables answer, and fold the events in memory when they do not.

Catching up reads the events after the checkpoint and, per projection and partition, in
valid-time order:

* an event whose sort key (occurred_on, position) is above the partition's watermark is
  folded on top of the stored state: a full rebuild would fold it last too;
* an event at or below the watermark (an article about 2019 after one about 2024), or a
  retraction of an event the partition folded, refolds that partition from a safe point:
  the latest snapshot taken before the event, else empty, reading only the partition's
  members, never the whole stream; and, for facts, only until the refold meets a stored
  snapshot it equals (see :func:`_refold`), not to the partition's last member.

A partition takes a snapshot right after each member whose position :func:`takes_snapshot`
picks, about one per SNAPSHOT_EVERY members, and keeps them all: a function of the partition's
members alone (not of their ordinals, which a late event shifts), so that an incrementally
maintained database and a replayed one hold the same rows, and the snapshots a late event cannot
reach stay valid. A facts snapshot keeps only the facts later events can still change given the
precisions of the dyad's reports so far (a few days of facts while they are all day-precise, a
year once one is dated by its year only: see ``facts.snapshot_skips``); the older ones are read
back from the partition's stored value, which keeps a dyad's facts in chunks, a row per year they
were opened in, so that a late event reads and writes only the years it reaches.

A replay reads the stream once, in valid-time order (the ``(occurred_on, position)`` index),
folding every projection in that one pass: no event is folded twice and no partition refolded,
which a read in position order would need for every late article. Its memory follows what can
still change, not the stream: see :class:`_Replay`.
"""

from __future__ import annotations

import gc
import json
import marshal
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from timeline.domain.events import Event
from timeline.domain.retractions import RETRACTED
from timeline.projections.catalog import PROJECTIONS
from timeline.projections.ordering import SortKey, sort_key
from timeline.projections.projection import Projection, Value, dump_state

#: About one snapshot per this many members of a partition (see takes_snapshot): a late event
#: refolds on average half of this many members before its own date.
SNAPSHOT_EVERY = 500
#: Member events a refold reads at a time: it may stop long before the partition's last member.
REFOLD_PAGE = 500
#: A gap larger than this is closed by a (streamed) rebuild rather than held in memory.
CATCH_UP_LIMIT = 50_000
#: Member rows held before they are written, during a replay.
WRITE_BATCH = 5000
#: ... and partition rows at most this much JSON at a time.
WRITE_BYTES = 8 << 20
#: Every this many events, a replay sets aside what no later event can change (see _Replay).
SET_ASIDE_EVERY = 20_000

RETRACTED_KEY = "retracted_event_id"  # the payload key of a retraction naming its event

Member = tuple[str, date, int]  # (partition, occurred_on, position)

_HASH = 2654435761  # Knuth's multiplicative hash: spreads consecutive positions evenly
_SPAN = 1 << 32


def takes_snapshot(position: int) -> bool:
    """Whether a partition takes a snapshot right after its member at ``position``.

    Decided by the event alone, never by its ordinal in the partition: a late event then adds at
    most its own snapshot and leaves every other one where it was.
    """
    return (position * _HASH) % _SPAN < _SPAN // SNAPSHOT_EVERY


def _snapshot_picker() -> Callable[[int], bool]:
    """:func:`takes_snapshot` with SNAPSHOT_EVERY read once, for a replay's loop over every event."""
    below = _SPAN // SNAPSHOT_EVERY
    return lambda position: (position * _HASH) % _SPAN < below


class TableRows(Protocol):
    """One transaction on the projection tables, and the events beside them.

    Rows are plain tuples: a partition (key, through_on ISO, through_position, members, state
    JSON, digest JSON or None, its chunks ((chunk, items JSON), ...): see Projection.chunked);
    a snapshot (key, through_on ISO, through_position, state JSON);
    a member (key, occurred_on, position).
    """

    def last_event(self) -> tuple[int, datetime | None]: ...
    def retracted_ids(self, upto: int) -> set[str]: ...
    def events_in_valid_order(self, upto: int) -> Iterator[Event]: ...
    def events_after(self, position: int, upto: int) -> list[Event]: ...
    def events_by_ids(self, ids: Iterable[str]) -> list[Event]: ...
    def member_events(
        self, projection: str, partition: str, after: SortKey | None, limit: int | None = None
    ) -> list[Event]: ...
    def marks(self) -> dict[str, tuple[str, int, datetime | None]]: ...
    def set_marks(self, versions: Mapping[str, str], position: int, recorded_at: datetime | None) -> None: ...
    def clear(self) -> None: ...
    def watermark(self, projection: str, partition: str) -> tuple[SortKey, int] | None: ...
    def load_partition(self, projection: str, partition: str) -> tuple[Value | None, int]: ...
    def partition_texts(self, projection: str, partition: str) -> tuple[str | None, str | None]: ...
    def chunk_texts(
        self, projection: str, partition: str, first: int | None = None, last: int | None = None
    ) -> list[tuple[int, str]]: ...
    def update_partition(
        self, projection: str, partition: str, row: Any, chunks: Mapping[int, str | None]
    ) -> None: ...
    def replace_partition(self, projection: str, partition: str, row: Any) -> None: ...
    def insert_partitions(self, projection: str, rows: Sequence[Any]) -> None: ...
    def insert_members(self, projection: str, members: Iterable[Member]) -> None: ...
    def delete_members(self, projection: str, members: Iterable[Member]) -> None: ...
    def count_members(self, projection: str, partition: str) -> int: ...
    def snapshot_keys(self, projection: str, partition: str) -> list[SortKey]: ...
    def snapshot_text(self, projection: str, partition: str, at: SortKey) -> str | None: ...
    def delete_snapshots(
        self, projection: str, partition: str, keys: Iterable[SortKey] | None = None
    ) -> None: ...
    def insert_snapshots(self, projection: str, rows: Sequence[Any]) -> None: ...
    def stored(self, projection: str) -> dict[str, set[tuple[Any, ...]]]: ...


class Tables(Protocol):
    """The projection tables of one database: a read transaction, or a write one under their lock."""

    def reading(self) -> AbstractContextManager[TableRows]: ...
    def writing(self) -> AbstractContextManager[TableRows]: ...


# --- where the tables stand ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where the persisted projections stand: every event up to ``position`` is folded."""

    position: int
    recorded_at: datetime | None

    def covers(self, known_at: datetime | None) -> bool:
        """True when the rows answer a read known at ``known_at`` (None: now)."""
        return known_at is None or self.recorded_at is None or known_at >= self.recorded_at


def common_checkpoint(
    marks: Mapping[str, tuple[str, int, datetime | None]],
    projections: Sequence[Projection] = PROJECTIONS,
) -> Checkpoint | None:
    """The shared checkpoint, or None when a projection is missing, of another version or apart."""
    found = [marks.get(p.name) for p in projections]
    if any(m is None or m[0] != p.version for m, p in zip(found, projections, strict=True)):
        return None
    positions = {m[1] for m in found if m is not None}
    if len(positions) != 1:
        return None
    first = found[0]
    assert first is not None
    return Checkpoint(first[1], first[2])


@dataclass(frozen=True, slots=True)
class Freshness:
    """The tables' checkpoint beside the stream's last position, read in one transaction."""

    checkpoint: Checkpoint | None  # None: never built, or built by another fold version
    last: int  # the stream's last position
    last_recorded_at: datetime | None

    @property
    def current(self) -> bool:
        return self.checkpoint is not None and self.checkpoint.position == self.last

    def answers(self, known_at: datetime | None) -> bool:
        """The tables hold the answer to a read known at ``known_at`` (None: now)."""
        return self.current and self.checkpoint is not None and self.checkpoint.covers(known_at)

    @property
    def behind(self) -> int:
        """Events the tables have not folded yet (those of another fold version count whole)."""
        if self.checkpoint is None or self.checkpoint.position > self.last:
            return self.last
        return self.last - self.checkpoint.position


def freshness(tables: Tables) -> Freshness:
    """Where the tables stand against the stream; reads nothing else and writes nothing."""
    with tables.reading() as rows:
        last, recorded_at = rows.last_event()
        return Freshness(common_checkpoint(rows.marks()), last, recorded_at)


def checkpoint(tables: Tables) -> Checkpoint | None:
    return freshness(tables).checkpoint


# --- maintenance ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Maintenance:
    """What one catch-up or replay did."""

    events: int  # events read from the stream
    rebuilt: bool  # a full replay
    incremental: int = 0  # (projection, event) pairs folded on top of a stored partition
    refolded: tuple[str, ...] = ()  # "projection:partition" refolded from a safe point
    position: int = 0
    refolded_events: int = 0  # member events those refolds folded again


def _versions() -> dict[str, str]:
    return {p.name: p.version for p in PROJECTIONS}


def replay(tables: Tables) -> Maintenance:
    """Empty the projection tables and rebuild them from the stream, in valid-time order."""
    with tables.writing() as rows:
        return _rebuild(rows)


def catch_up(tables: Tables) -> Maintenance:
    """Fold the events appended since the checkpoint (a no-op when there are none)."""
    now = freshness(tables)
    if now.current:
        return Maintenance(0, False, position=now.last)
    with tables.writing() as rows:  # checked again under the lock: another writer may have done it
        mark = common_checkpoint(rows.marks())
        last, recorded_at = rows.last_event()
        if mark is None or last - mark.position > CATCH_UP_LIMIT or mark.position > last:
            return _rebuild(rows)
        if mark.position == last:
            return Maintenance(0, False, position=last)
        batch = rows.events_after(mark.position, last)
        retracted = {
            str(e.payload[RETRACTED_KEY])
            for e in batch
            if e.type == RETRACTED and e.payload.get(RETRACTED_KEY)
        }
        fresh = sorted((e for e in batch if e.event_id not in retracted), key=sort_key)
        earlier = [
            e for e in rows.events_by_ids(retracted) if e.position is not None and e.position <= mark.position
        ]
        incremental = refolded_events = 0
        refolded: list[str] = []
        for projection in PROJECTIONS:
            done, again, events = _catch_up_one(rows, projection, fresh, earlier)
            incremental += done
            refolded_events += events
            refolded += [f"{projection.name}:{key}" for key in again]
        rows.set_marks(_versions(), last, recorded_at)
    return Maintenance(len(batch), False, incremental, tuple(refolded), last, refolded_events)


@dataclass
class _Partition:
    """A partition being worked on: its value, member count, snapshots to write and to drop."""

    key: str
    value: Value | None
    members: int
    snapshots: dict[SortKey, str] = field(default_factory=dict)
    drop: list[SortKey] = field(default_factory=list)
    #: The value is the stored one's middle (see Projection.read_window): the items before and
    #: after it as text, the stored middle's items and digest text, and what the texts vouch for.
    window: _Window | None = None


@dataclass
class _Window:
    """What a refold read of a stored value without decoding it all (see Projection.read_window)."""

    before: str
    after: str
    old_items: list[Any]  # the stored items the value's stand in place of
    digest: str | None  # the stored digest's JSON
    low: str
    high: str
    #: The stored chunks read (their texts, by chunk), which the texts before and after and the
    #: middle are made of, and the last chunk asked for (None: the value was kept whole).
    chunks: dict[int, str] | None = None
    last_chunk: int | None = None


@dataclass
class _Late:
    """The span of a partition's late events in one catch-up, and whether a retraction is among them."""

    since: SortKey
    until: SortKey
    retraction: bool = False
    events: list[Event] = field(default_factory=list)  # the new members among them
    keys: set[SortKey] = field(default_factory=set)  # ... and their sort keys

    def add(self, at: SortKey) -> None:
        self.since, self.until = min(self.since, at), max(self.until, at)

    def add_new(self, event: Event, at: SortKey) -> None:
        self.add(at)
        self.events.append(event)
        self.keys.add(at)


def _snapshot_text(projection: Projection, value: Value, day: date) -> str:
    return dump_state(projection.checkpoint(value, day))


def _with_items(empty: str, items: str, texts: list[str]) -> str:
    """The JSON of a value whose first key, ``items``, holds the items of ``texts``, from the JSON
    of the same value with no items (``empty``): the bytes dump_state gives the whole value."""
    opening = '{"' + items + '":['
    assert empty.startswith(opening + "]")
    return opening + ",".join(texts) + empty[len(opening) :]


def _catch_up_one(
    rows: TableRows, projection: Projection, fresh: Sequence[Event], retracted: Sequence[Event]
) -> tuple[int, list[str], int]:
    """Fold ``fresh`` (valid-time order) into one projection, after taking ``retracted`` out of it."""
    name = projection.name
    work: dict[str, _Partition] = {}
    late: dict[str, _Late] = {}  # partition -> the late events' span it must be refolded for
    removed: list[Member] = []
    added: list[Member] = []
    for event in retracted:
        key = projection.partition_of(event)
        if key is not None:
            at = sort_key(event)
            if key in late:
                late[key].add(at)
            else:
                late[key] = _Late(at, at)
            late[key].retraction = True
            removed.append((key, event.occurred_on, event.position or 0))
    incremental = 0
    for event in fresh:
        key = projection.partition_of(event)
        if key is None:
            continue
        at = sort_key(event)
        added.append((key, event.occurred_on, event.position or 0))
        if key in late:
            late[key].add_new(event, at)
            continue
        part = work.get(key)
        if part is None:
            head = rows.watermark(name, key)  # the columns only: a late event needs no state decoded
            if head is not None and at <= head[0]:
                late[key] = _Late(at, at)  # out of valid-time order: refold below, never a wrong apply
                late[key].add_new(event, at)
                continue
            part = work[key] = _Partition(key, *rows.load_partition(name, key))
        part.value = projection.apply_partition(key, part.value, event)
        part.members += 1
        incremental += 1
        if takes_snapshot(at[1]):
            part.snapshots[at] = _snapshot_text(projection, part.value, event.occurred_on)
    rows.delete_members(name, removed)
    rows.insert_members(name, added)
    refolded = 0
    for key, span in late.items():
        work[key], count = _refold(rows, projection, key, span)
        refolded += count
    for part in work.values():
        _write(rows, projection, part)
    return incremental, sorted(late), refolded


def _refold(rows: TableRows, projection: Projection, key: str, late: _Late) -> tuple[_Partition, int]:
    """Refold one partition from the latest snapshot before its first late event (else from empty).

    Where the projection can tell when late events stop making a difference (facts: a late report
    changes the facts it joins or opens, and later reports can reach those only within their
    matching window, a few days for day-precise reports), the refold folds the stored members
    beside it without the late events and stops as soon as the two folds differ only in what no
    later member can reach: the rest of the stored value stands, and the stored snapshots after
    that point get the refolded facts in place of the old ones (see ``facts.Divergence``). Failing
    that, it stops at the first stored snapshot after the last late event whose text equals the
    refolded one (``splice``). After a retraction the refold runs to the end (a replay's
    ``coarsest`` may then be lower). Returns the partition and the number of member events folded.
    """
    name = projection.name
    keys = rows.snapshot_keys(name, key)
    earlier = [k for k in keys if k < late.since]
    later = [k for k in keys if k >= late.since]  # taken again, up to where the refold stops
    windowed = projection.items is not None and projection.settled is not None
    base = earlier[-1] if earlier else None
    snapshot: Value | None = None
    if base is not None:
        text = rows.snapshot_text(name, key, base)
        assert text is not None
        snapshot = json.loads(text)
    window, stored_digest = None, None
    chunks: dict[int, str] | None = None
    last_chunk: int | None = None
    if windowed and snapshot is not None and projection.read_window is not None:
        # Only what the refold can change is decoded: the rest goes back as the text it came as,
        # and of a value kept in chunks only the chunks the window needs are read.
        text, stored_digest = rows.partition_texts(name, key)
        if text is not None:
            day, until = date.fromisoformat(base[0]), date.fromisoformat(late.until[0])
            if projection.window_chunks is not None:
                first, last_chunk = projection.window_chunks(snapshot, day, until)
                chunks = dict(rows.chunk_texts(name, key, first, last_chunk))
                text = _with_items(text, str(projection.items), list(chunks.values()))
            window = projection.read_window(text, snapshot, day, until)
    stored = window.group if window is not None else rows.load_partition(name, key)[0] if windowed else None
    restorable = projection.restorable
    if snapshot is not None and restorable is not None and not restorable(snapshot, stored, late.events):
        # A report coarser than the snapshot's could reach the items it left out: refold from empty.
        base = snapshot = None
        if window is not None:
            window, chunks, last_chunk = None, None, None
            stored = rows.load_partition(name, key)[0]
    value: Value | None = None
    if base is not None and snapshot is not None:
        value = projection.restore(snapshot, stored, date.fromisoformat(base[0]))
    splice = projection.splice
    # The stored snapshots a refold may stop at: after every late event, of events folded before.
    meet = {k for k in later if k > late.until}
    if splice is None or stored is None or late.retraction or window is not None:
        meet = set()  # (a window holds too few of the stored items to splice at a snapshot)
    diverge = None if stored is None or late.retraction else projection.diverge
    fork: Any = None
    checked: date | None = None
    part = _Partition(key, None, rows.count_members(name, key), drop=later)
    if window is not None:
        items = str(projection.items)
        part.window = _Window(
            window.before, window.after, window.group[items], stored_digest, window.low, window.high,
            chunks, last_chunk,
        )  # fmt: skip
    state = projection.state_of([] if value is None else [(key, value)])
    parts, apply = state[projection.container], projection.apply
    after, folded = base, 0
    while True:
        page = rows.member_events(name, key, after, REFOLD_PAGE)
        for event in page:
            at = sort_key(event)
            new = at in late.keys
            if new and diverge is not None:  # fork at the first late event, before it is folded
                fork, diverge = diverge(key, parts.get(key), stored, event.occurred_on, late.events), None
            apply(state, event)
            folded += 1
            if fork is not None and not new:
                fork.apply_old(event)
            if at >= late.since and takes_snapshot(at[1]):  # snapshots before the first late event stand
                text = _snapshot_text(projection, parts[key], event.occurred_on)
                if at in meet and text == rows.snapshot_text(name, key, at):
                    assert splice is not None and stored is not None
                    spliced = splice(stored, parts[key], event.occurred_on)
                    if spliced is not None:
                        part.value = spliced
                        part.drop = [k for k in later if k < at]
                        return part, folded
                part.snapshots[at] = text
            if fork is not None and at > late.until and event.occurred_on != checked:
                checked = event.occurred_on
                if fork.converged(parts[key], event.occurred_on):
                    if _splice_fork(rows, projection, part, fork, at, later):
                        return part, folded
                    fork = None  # a snapshot it cannot patch: refold on
        if len(page) < REFOLD_PAGE:
            break
        after = sort_key(page[-1])
    part.value = parts.get(key)
    if part.window is not None and part.window.chunks is not None and part.window.last_chunk is not None:
        # Refolded to the last member: every chunk after the window's is rewritten too.
        more = rows.chunk_texts(name, key, part.window.last_chunk + 1)
        part.window.chunks.update(more)
        part.window.after = ",".join(t for t in [part.window.after, *(text for _, text in more)] if t)
        part.window.last_chunk = None
    if part.window is not None and part.window.after:
        # Refolded to the last member: the items after the window are in the value now.
        after = json.loads("[" + part.window.after + "]")
        part.window.old_items, part.window.after = part.window.old_items + after, ""
        part.window.high = "9999-12-31"
    return part, folded


def _splice_fork(
    rows: TableRows, projection: Projection, part: _Partition, fork: Any, at: SortKey, later: list[SortKey]
) -> bool:
    """End a refold whose fork has converged after the member at ``at``: the value spliced, the
    stored snapshots after ``at`` patched while they hold facts that differ. False (nothing
    changed) when a stored snapshot is not laid out as expected: the refold then goes on."""
    try:
        value = fork.splice()
    except LookupError:
        return False
    patched: dict[SortKey, str] = {}
    for k in later:
        if k <= at:
            continue
        text = rows.snapshot_text(projection.name, part.key, k)
        assert text is not None
        try:
            fresh = fork.patch(text, date.fromisoformat(k[0]))
        except LookupError:
            return False
        if fresh is None:
            break  # later snapshots hold only facts opened after the ones that differ
        if fresh != text:
            patched[k] = fresh
    part.value = value
    part.drop = [k for k in later if k <= at] + list(patched)
    part.snapshots.update(patched)
    return True


def _split(projection: Projection, text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """A value's JSON as its row keeps it and the chunks its items go to (see Projection.chunked)."""
    if projection.chunked is None:
        return text, ()
    found = projection.chunked(text)
    if found is None:
        raise ValueError(f"projection {projection.name}: a value not laid out as its chunks need")
    state, chunks = found
    return state, tuple(chunks)


def _row(
    projection: Projection, key: str, value: Value, members: int, text: str, digest: Value | None
) -> tuple[Any, ...]:
    """The partition row of ``value`` (whose JSON is ``text``), its chunks with it."""
    mark = projection.watermark(value)
    assert mark is not None
    state, chunks = _split(projection, text)
    return (key, mark[0], mark[1], members, state, None if digest is None else dump_state(digest), chunks)


def _partition_row(projection: Projection, key: str, value: Value, members: int) -> tuple[Any, ...]:
    return _row(projection, key, value, members, dump_state(value), projection.digest(key, value))


def _window_row(
    rows: TableRows, projection: Projection, key: str, value: Value, members: int, window: _Window
) -> tuple[tuple[Any, ...], dict[int, str | None] | None]:
    """:func:`_partition_row` of a value that is the middle of the stored one (see _Window): the
    same bytes, without decoding or encoding the items outside the middle; and, of a value kept in
    chunks, the chunks that changed (None: the row's chunks are all of them)."""
    assert projection.join_window is not None
    text = projection.join_window(window.before, dump_state(value), window.after)
    changed: dict[int, str | None] | None = None
    if window.chunks is not None:
        state, fresh = _split(projection, text)
        changed = {chunk: items for chunk, items in fresh if window.chunks.get(chunk) != items}
        changed.update({chunk: None for chunk in window.chunks if chunk not in dict(fresh)})
    digest = None
    if window.digest is not None:
        if projection.digest_spliced is not None:
            items = value[str(projection.items)]
            old = json.loads(window.digest)
            digest = projection.digest_spliced(key, old, window.old_items, items, window.low, window.high)
        if digest is None:
            whole = text
            if changed is not None:  # the digest reads every item: the chunks left out too
                kept = dict(rows.chunk_texts(projection.name, key))
                kept.update(changed)
                items_text = [items for _, items in sorted(kept.items()) if items is not None]
                whole = _with_items(state, str(projection.items), items_text)
            digest = projection.digest(key, json.loads(whole))
    return _row(projection, key, value, members, text, digest), changed


def _write(rows: TableRows, projection: Projection, part: _Partition) -> None:
    """Replace the partition's row (or drop it when nothing is left), its chunks that changed and
    its snapshots."""
    name = projection.name
    if part.value is None or part.members == 0:
        rows.replace_partition(name, part.key, None)
        return
    changed = None
    if part.window is not None:
        row, changed = _window_row(rows, projection, part.key, part.value, part.members, part.window)
    else:
        row = _partition_row(projection, part.key, part.value, part.members)
    if changed is None:
        rows.replace_partition(name, part.key, row)
    else:
        rows.update_partition(name, part.key, row, changed)
    if part.drop:
        rows.delete_snapshots(name, part.key, part.drop)
    rows.insert_snapshots(name, [(part.key, at[0], at[1], text) for at, text in part.snapshots.items()])


# --- full replay -------------------------------------------------------------------------------


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A replay builds millions of small acyclic dicts and lists, which reference counting frees;
    Python's cycle collector would rescan them over and over as they accumulate (a replay ran
    1.8 times faster at 100,000 events without it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _SetAside:
    """The settled items of a replay's partitions, as JSON text in a temporary file, and what their
    partition's digest needs of them (marshalled beside): a partition keeps in memory only what
    later events can still change, and its digest is built without decoding that JSON again."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed with the replay
        # Per partition, (offset, size) of each chunk, flat in an array of machine integers: at a
        # million events there are hundreds of thousands of chunks, and a tuple each weighed tens
        # of MiB.
        self.chunks: dict[str, array[int]] = {}
        self.entry_chunks: dict[str, array[int]] = {}

    def _put(self, chunks: dict[str, array[int]], key: str, data: bytes) -> None:
        offset = self.file.seek(0, os.SEEK_END)
        self.file.write(data)
        found = chunks.get(key)
        if found is None:
            found = chunks[key] = array("q")
        found.extend((offset, len(data)))

    def _get(self, chunks: dict[str, array[int]], key: str) -> Iterator[bytes]:
        found = chunks.get(key, array("q"))
        for at in range(0, len(found), 2):
            self.file.seek(found[at])
            yield self.file.read(found[at + 1])

    def add(self, key: str, text: str, entries: list[Any] | None = None) -> None:
        """Keep ``text``, the partition's next settled items as JSON, comma-separated (and their
        digest ``entries``)."""
        self._put(self.chunks, key, text.encode("utf-8"))
        if entries is not None:
            self._put(self.entry_chunks, key, marshal.dumps(entries))

    def text(self, key: str) -> str:
        """The partition's settled items, comma-separated, in their order ("" when none)."""
        return ",".join(data.decode("utf-8") for data in self._get(self.chunks, key))

    def entries(self, key: str) -> list[Any]:
        """The digest entries of the partition's settled items, in their order."""
        return [entry for data in self._get(self.entry_chunks, key) for entry in marshal.loads(data)]

    def close(self) -> None:
        self.file.close()


class _Replay:
    """One projection folded over the whole stream in valid-time order, in one pass.

    Memory: member rows go to the tables every WRITE_BATCH (with ``rows``), and every
    SET_ASIDE_EVERY events the items no later event can change (a dyad's facts opened more than
    a year before the day reached) leave memory for a temporary file, as the JSON they will be
    written as; what stays is what is still open, about a year of each partition.
    """

    def __init__(self, projection: Projection, rows: TableRows | None = None) -> None:
        self.projection = projection
        self.rows = rows  # where snapshots go as they are taken (None: they are kept for the caller)
        self.state = projection.initial_state()
        self.parts = self.state[projection.container]
        self.members: dict[str, int] = {}
        self.member_rows: list[Member] = []
        self.snapshots: list[tuple[str, str, int, str]] = []
        self.partition_of = projection.partition_of
        self.apply = projection.apply
        self.aside = _SetAside() if projection.settled is not None and projection.items else None
        # Each partition's items by id, with their JSON as last encoded: an item keeps its text
        # until an event changes it, so consecutive snapshots (up to a year of a busy dyad's facts)
        # and setting aside encode an item about once, not once per snapshot that holds it.
        self.apply_item = projection.apply_item if self.aside is not None else None
        self.texts: dict[str, dict[int, tuple[Any, str]]] = {}

    def add(self, event: Event, snapshot: bool) -> None:
        """Fold ``event``; ``snapshot``: its position takes one (see takes_snapshot)."""
        key = self.partition_of(event)
        if key is None:
            return
        if self.apply_item is None:
            self.apply(self.state, event)
        else:
            changed = self.apply_item(self.state, event)
            known = self.texts.get(key)
            if known is not None:
                known.pop(id(changed), None)
        members = self.members
        members[key] = members.get(key, 0) + 1
        position = event.position or 0
        self.member_rows.append((key, event.occurred_on, position))
        if snapshot:
            text = self.snapshot_text(key, event.occurred_on)
            row = (key, event.occurred_on.isoformat(), position, text)
            if self.rows is not None:  # written at once: the rows are what a catch-up would write
                self.rows.insert_snapshots(self.projection.name, [row])
            else:
                self.snapshots.append(row)

    def item_texts(self, key: str, items: list[Any], keep: bool) -> list[str]:
        """The JSON of each of the partition's ``items``, from the last encoding of those no event
        changed since; with ``keep``, the texts kept are those of ``items`` alone (else theirs are
        dropped: the items leave memory)."""
        known = self.texts.get(key, {})
        found = []
        kept: dict[int, tuple[Any, str]] = {}
        for item in items:
            hit = known.get(id(item))
            # The item itself is held beside its text, so its id cannot pass to another object.
            text = hit[1] if hit is not None and hit[0] is item else dump_state(item)
            found.append(text)
            if keep:
                kept[id(item)] = (item, text)
        if keep:
            self.texts[key] = kept
        else:
            for item in items:
                known.pop(id(item), None)
        return found

    def snapshot_text(self, key: str, day: date) -> str:
        """The partition's snapshot after an event dated ``day``: ``_snapshot_text``'s bytes."""
        settled, items = self.projection.settled, self.projection.items
        value = self.parts[key]
        if self.apply_item is None or settled is None or items is None:
            return _snapshot_text(self.projection, value, day)
        # Every item held is kept encoded, the settled ones too: they can no longer change, and
        # setting them aside needs their text.
        texts = self.item_texts(key, value[items], keep=True)
        kept = texts[self.projection.skips(value, day) :]
        return _with_items(dump_state({**value, items: []}), items, kept)

    def set_aside(self, day: date) -> None:
        """Move each partition's settled items (as of events dated ``day`` or later) to the file."""
        settled, items = self.projection.settled, self.projection.items
        if self.aside is None or settled is None or items is None:
            return
        entries = self.projection.digest_entries if self.projection.digest_from else None
        for key, value in self.parts.items():
            count = settled(value, day)
            if count:
                held = value[items]
                gone = held[:count]
                if self.apply_item is None:  # one encoding of the list, without its brackets
                    text = dump_state(gone)[1:-1]
                else:
                    text = ",".join(self.item_texts(key, gone, keep=False))
                self.aside.add(key, text, None if entries is None else entries(key, gone))
                del held[:count]

    def text(self, key: str, aside: str | None = None) -> str:
        """The partition's value as JSON, its settled items (``aside``, else read back) put in front."""
        value, items = self.parts[key], self.projection.items
        if self.apply_item is None or items is None:
            text = dump_state(value)
        else:
            texts = self.item_texts(key, value[items], keep=False)
            text = _with_items(dump_state({**value, items: []}), items, texts)
        if self.aside is None or key not in self.aside.chunks:
            return text
        opening = '{"' + str(self.projection.items) + '":['  # the items are the value's first key
        assert text.startswith(opening)
        rest = text[len(opening) :]
        aside = self.aside.text(key) if aside is None else aside
        return opening + aside + ("" if rest.startswith("]") else ",") + rest

    def partition_row(self, key: str) -> tuple[Any, ...]:
        projection, value = self.projection, self.parts[key]
        aside = None
        if self.aside is None or key not in self.aside.chunks:
            digest = projection.digest(key, value)
        else:
            aside = self.aside.text(key)
            if projection.digester is None:
                digest = None
            elif projection.digest_from is not None:
                digest = projection.digest_from(key, value, self.aside.entries(key))
            else:  # the digest reads every item: the settled ones decoded back
                items = str(projection.items)
                whole = {**value, items: json.loads("[" + aside + "]") + value[items]}
                digest = projection.digest(key, whole)
        return _row(projection, key, value, self.members[key], self.text(key, aside), digest)

    def write_members(self, rows: TableRows) -> None:
        rows.insert_members(self.projection.name, self.member_rows)
        self.member_rows = []

    def partition_rows(self, release: bool = False) -> Iterator[tuple[Any, ...]]:
        for key in list(self.parts):
            yield self.partition_row(key)
            if release:  # let go of each folded value once it is written
                del self.parts[key]
                self.texts.pop(key, None)

    def snapshot_rows(self) -> list[tuple[Any, ...]]:
        return list(self.snapshots)

    def write(self, rows: TableRows) -> None:
        """Write the partitions a batch at a time (a batch of at most WRITE_BYTES of JSON)."""
        name = self.projection.name
        batch: list[tuple[Any, ...]] = []
        size = 0
        for row in self.partition_rows(release=True):
            batch.append(row)
            size += len(row[4]) + sum(len(items) for _, items in row[6])
            if len(batch) >= WRITE_BATCH or size >= WRITE_BYTES:
                rows.insert_partitions(name, batch)
                batch, size = [], 0
        rows.insert_partitions(name, batch)
        self.write_members(rows)
        rows.insert_snapshots(name, self.snapshot_rows())

    def close(self) -> None:
        if self.aside is not None:
            self.aside.close()


def _fold_stream(rows: TableRows, upto: int, write: bool) -> tuple[list[_Replay], int]:
    """Every projection folded over the stream up to ``upto`` in one ordered pass, retractions
    applied; with ``write``, member rows go to the tables as the scan goes. The caller closes the
    folds."""
    retracted = rows.retracted_ids(upto)
    folds = [_Replay(p, rows if write else None) for p in PROJECTIONS]
    picks = _snapshot_picker()
    every, batch = SET_ASIDE_EVERY, WRITE_BATCH
    count = 0
    for event in rows.events_in_valid_order(upto):
        count += 1
        if count % every == 0:
            for fold in folds:  # the scan is in date order: no later event is dated before this one
                fold.set_aside(event.occurred_on)
        if event.event_id in retracted:
            continue
        snapshot = picks(event.position or 0)
        for fold in folds:
            fold.add(event, snapshot)
            if write and len(fold.member_rows) >= batch:
                fold.write_members(rows)  # one row per event: written as the scan goes
    return folds, count


def _rebuild(rows: TableRows) -> Maintenance:
    with _cycle_collection_paused():
        rows.clear()
        last, recorded_at = rows.last_event()
        folds, count = _fold_stream(rows, last, write=True)
        try:
            for fold in folds:
                fold.write(rows)
        finally:
            for fold in folds:
                fold.close()
        rows.set_marks(_versions(), last, recorded_at)
    return Maintenance(count, True, position=last)


# --- verify ----------------------------------------------------------------------------------------


def differences(tables: Tables) -> list[str]:
    """One message per projection table whose rows differ from a refold of the stream up to the
    checkpoint (empty when all agree, or when the tables were never built: nothing to trust yet).

    The tables are a cache that nothing chains: an edit there changes `relations` or
    `invitations` while every event still verifies; this shows such an edit.
    """
    with tables.reading() as rows:
        mark = common_checkpoint(rows.marks())
        if mark is None:
            return []
        folds, _ = _fold_stream(rows, mark.position, write=False)
        found = []
        for fold in folds:
            name = fold.projection.name
            expected = {
                "partitions": set(fold.partition_rows()),
                "members": {(key, day.isoformat(), int(at)) for key, day, at in fold.member_rows},
                "snapshots": set(fold.snapshot_rows()),
            }
            fold.close()
            stored = rows.stored(name)
            for table, wanted in expected.items():
                if wanted != stored[table]:
                    keys = sorted({str(r[0]) for r in wanted ^ stored[table]})
                    shown = ", ".join(keys[:3]) + (" ..." if len(keys) > 3 else "")
                    found.append(
                        f"projection {name}: its {table} rows for {shown} differ from a refold of the events "
                        "(edited behind the store's back? `timeline replay` rebuilds them)"
                    )
    return found
