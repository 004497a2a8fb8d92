"""Re-extraction: read stored articles again with today's extractor and append the difference.

A store is never recoded in place. For each article the new reading is compared with the live
events the extractor coded before (see ``reading``): an old event the new reading no longer
yields gets an ``EventRetracted`` (reason ``reextracted by <version>``), a new one the store lacks
is appended after the article stream's last version, and an event read the same way is left as it
is (same id, same record time). Each article is one transaction, so an interrupted run re-run
picks up where it stopped, and a second run appends nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from timeline.clock import today
from timeline.config import DEFAULT_MAX_EVENTS, DEFAULT_MAX_SECONDS
from timeline.domain.articles import Article
from timeline.domain.calendar import DateOutOfRange, check_in_range
from timeline.domain.events import Event, article_stream, event_id_for
from timeline.domain.retractions import RETRACTIONS_STREAM
from timeline.domain.retractions import retraction as domain_retraction
from timeline.query import EventQuery
from timeline.service import ServiceError
from timeline.wording import count

#: Payload keys that say how an event was coded, not what it says (the user lexicon's digest).
VOLATILE_PAYLOAD_KEYS = frozenset({"lexicon"})
#: Payload keys of an event a person made (`amend`, `add`): re-extraction leaves those alone.
BY_HAND_KEYS = ("amended_from", "by")
REASON_PREFIX = "reextracted by "
#: Tries of one article when another writer takes the stream version it planned for.
ATTEMPTS = 3

Status = Literal["changed", "unchanged", "erased", "failed"]


@dataclass(frozen=True, slots=True)
class ReextractOptions:
    article_ids: tuple[str, ...] = ()  # none: every article (within since/until)
    since: date | None = None  # on the article's publication date
    until: date | None = None
    lexicons: tuple[Path, ...] = ()
    jobs: int = 1
    dry_run: bool = False
    max_events: int = DEFAULT_MAX_EVENTS
    max_seconds: float | None = DEFAULT_MAX_SECONDS


@dataclass(frozen=True, slots=True)
class Plan:
    """What one article's new reading changes: old events to retract, new events to append."""

    article_id: str
    retract: tuple[Event, ...] = ()
    append: tuple[Event, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.retract or self.append)

    def diff(self) -> Iterator[str]:
        """`- type actor->target date` for each retraction, `+ ...` for each new event."""
        yield from (f"- {describe(e)}" for e in self.retract)
        yield from (f"+ {describe(e)}" for e in self.append)


@dataclass(frozen=True, slots=True)
class Outcome:
    article_id: str
    status: Status
    plan: Plan | None = None
    message: str | None = None  # why it failed

    def line(self) -> str:
        return f"article {self.article_id}: {self.message}"


@dataclass(slots=True)
class Report:
    examined: int = 0
    changed: int = 0
    unchanged: int = 0
    erased: int = 0
    failed: int = 0
    retracted: int = 0
    appended: int = 0
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.examined += 1
        if outcome.status == "changed" and outcome.plan is not None:
            self.changed += 1
            self.retracted += len(outcome.plan.retract)
            self.appended += len(outcome.plan.append)
        elif outcome.status == "unchanged":
            self.unchanged += 1
        elif outcome.status == "erased":
            self.erased += 1
        else:
            self.failed += 1
            self.failures.append(outcome)

    def summary(self, dry_run: bool = False) -> str:
        line = (
            f"{count(self.examined, 'article')} examined: {self.changed} changed, "
            f"{self.unchanged} unchanged, "
            f"{self.erased} erased (skipped), {self.failed} failed; "
            f"{count(self.retracted, 'event')} retracted, {self.appended} appended"
        )
        return f"dry run, nothing written: {line}" if dry_run else line

    def progress(self) -> str:
        """What the run has done so far, for a progress line."""
        failed = f", {self.failed} failed" if self.failed else ""
        retracted = count(self.retracted, "event")
        return f"{self.changed} changed{failed}; {retracted} retracted, {self.appended} appended"

    @property
    def ok(self) -> bool:
        return self.failed == 0


# --- comparing two readings ----------------------------------------------------------------------


def reading(event: Event) -> tuple[Any, ...]:
    """What an event says, to tell whether a new reading is the same as the stored one.

    The same sentence of the article (by index), type, modality, date and its precision, both
    sides (country, name, role), CAMEO code and Goldstein value, and the payload without the keys
    that only say how it was coded (the lexicon digest). Left out: the id, stream version, record
    time, extractor version, character offsets and how the date was found (``date_basis``).
    """
    prov = event.provenance
    payload = {k: v for k, v in event.payload.items() if k not in VOLATILE_PAYLOAD_KEYS}
    return (
        prov.sentence_index if prov else None,
        event.type,
        event.modality,
        event.occurred_on.isoformat(),
        event.date_precision,
        tuple(event.actor.to_dict().items()),
        tuple(event.target.to_dict().items()),
        event.cameo,
        event.goldstein,
        json.dumps(payload, sort_keys=True, default=str),  # a tuple and a list read back alike
    )


def coded_by_machine(event: Event) -> bool:
    """An event the extractor coded (one a person made or amended is never re-read away)."""
    prov = event.provenance
    return bool(prov and prov.extractor_version) and not any(k in event.payload for k in BY_HAND_KEYS)


def plan(
    article_id: str,
    fresh: Sequence[Event],
    live: Sequence[Event],
    taken_ids: Iterable[str],
    next_version: int,
    vetoed: Iterable[tuple[Any, ...]] = (),
) -> Plan:
    """Compare the new reading (``fresh``) with the article's live events; pure, no database.

    Each new event takes the first unmatched old event read the same way; old events left over
    are retracted, new ones left over appended at versions ``next_version``, +1, ... A new event
    whose id is ``taken`` (by an event of the article stored before, retracted or not) gets an id
    derived from it and the extractor version. A new event read as one a person retracted
    (``vetoed``) is not appended again.
    """
    old: dict[tuple[Any, ...], list[Event]] = {}
    for event in live:
        if coded_by_machine(event):
            old.setdefault(reading(event), []).append(event)
    vetoed = set(vetoed)
    taken = set(taken_ids)
    added: list[Event] = []
    for event in fresh:
        key = reading(event)
        if old.get(key):
            old[key].pop(0)  # read the same way: the stored event stays as it is
            continue
        if key in vetoed:
            continue
        event_id = _free_id(article_id, event, taken)
        taken.add(event_id)
        added.append(replace(event, event_id=event_id, stream_version=next_version + len(added)))
    retract = sorted((e for left in old.values() for e in left), key=lambda e: e.position or 0)
    return Plan(article_id, tuple(retract), tuple(added))


def _free_id(article_id: str, event: Event, taken: set[str]) -> str:
    """The extractor's deterministic id, or, when an earlier reading holds it, one derived from it."""
    if event.event_id not in taken:
        return event.event_id
    version = event.provenance.extractor_version if event.provenance else ""
    lexicon = event.payload.get("lexicon", "")
    n = 1
    while True:
        candidate = event_id_for(article_id, event.event_id, "reextracted", version, lexicon, n)
        if candidate not in taken:
            return candidate
        n += 1


def describe(event: Event) -> str:
    """`type actor->target date` for a diff line (with the modality when it is not `reported`)."""
    kind = event.type if event.modality == "reported" else f"{event.type} ({event.modality})"
    return f"{kind} {_side(event.actor)}->{_side(event.target)} {event.occurred_on.isoformat()}"


def _side(party: Any) -> str:
    return party.country or party.name or "?"


# --- running it over a store -----------------------------------------------------------------------


def select_articles(
    store: Any, article_ids: Sequence[str] = (), since: date | None = None, until: date | None = None
) -> list[str]:
    """The ids of the articles to re-read (all, or ``article_ids``; published within since/until),
    in record order; an unknown id is an error."""
    if since and until and since > until:
        raise ServiceError(f"--since {since} is after --until {until}")
    wanted = set(article_ids)
    for article_id in dict.fromkeys(article_ids):
        if not store.has_article(article_id):
            raise ServiceError(
                f"no article with id {article_id}; "
                "`timeline events --format json` shows each event's article_id"
            )
    chosen: list[str] = []
    for article in store.articles():
        if wanted and article.article_id not in wanted:
            continue
        if since and article.published < since:
            continue
        if until and article.published > until:
            continue
        chosen.append(article.article_id)
    return chosen


def run(
    store: Any,
    options: ReextractOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
    article_ids: Sequence[str] | None = None,
) -> Report:
    """Re-read the chosen articles and append the difference (nothing with ``dry_run``)."""
    report = Report()
    for outcome in reread(store, options, article_ids):
        report.add(outcome)
        if on_outcome:
            on_outcome(outcome)
    return report


def reread(
    store: Any, options: ReextractOptions, article_ids: Sequence[str] | None = None
) -> Iterator[Outcome]:
    """One outcome per article (``article_ids``, else those the options select), each settled in
    its own transaction before the next is yielded."""
    from timeline.extract.parallel import Limits, extract_many, extract_one
    from timeline.ingest import load_extractor

    extractor = load_extractor(options.lexicons)
    if article_ids is None:
        article_ids = select_articles(store, options.article_ids, options.since, options.until)
    ids = list(article_ids)
    limits = Limits(options.max_events, options.max_seconds)
    vetoes = _human_retractions(store)
    skipped: list[Outcome] = []  # erased articles, given back in turn (extraction may run ahead)

    def readable() -> Iterator[Article]:
        for article_id in ids:
            article = store.get_article(article_id)
            if article is None or store.erasure_of(article_id) is not None:
                skipped.append(Outcome(article_id, "erased"))  # nothing left to read
            else:
                yield article

    if options.jobs > 1:
        extracted = extract_many(readable(), options.lexicons, options.jobs, limits=limits)
    else:
        extracted = (extract_one(extractor, article, limits) for article in readable())
    for done in extracted:
        while skipped:
            yield skipped.pop(0)
        yield _settle(store, done, options, vetoes, extractor.lexicon_digest)
    yield from skipped


def _settle(
    store: Any, done: Any, options: ReextractOptions, vetoes: dict[str, str], lexicon: str | None
) -> Outcome:
    """Plan one extracted article and, unless this is a dry run, append its plan in one transaction."""
    from timeline.store import ConcurrencyError

    article_id = done.article.article_id
    if done.refused or done.error or not done.events:
        return Outcome(article_id, "failed", message=done.refused or f"extraction failed: {done.error}")
    for event in done.events:
        try:
            check_in_range(event.occurred_on, "event date")
        except DateOutOfRange as exc:
            return Outcome(article_id, "failed", message=str(exc))
    version = done.events[0].provenance.extractor_version
    for _attempt in range(ATTEMPTS):  # another writer may take a version we planned: plan again
        found = _plan_article(store, article_id, done.events, vetoes)
        if not found.changed:
            return Outcome(article_id, "unchanged", found)
        if options.dry_run:
            return Outcome(article_id, "changed", found)
        try:
            _append(store, found, f"{REASON_PREFIX}{version}", lexicon)
        except ConcurrencyError:
            continue
        return Outcome(article_id, "changed", found)
    return Outcome(article_id, "failed", message="another writer kept taking its stream versions; run again")


def _plan_article(store: Any, article_id: str, fresh: Sequence[Event], vetoes: dict[str, str]) -> Plan:
    every = list(store.read(EventQuery(article_id=article_id)))
    live = list(store.read(EventQuery(article_id=article_id, exclude_retracted=True)))
    vetoed = [reading(e) for e in every if e.event_id in vetoes]
    next_version = store.stream_version(article_stream(article_id)) + 1
    return plan(article_id, fresh, live, (e.event_id for e in every), next_version, vetoed)


def _append(store: Any, found: Plan, reason: str, lexicon: str | None) -> None:
    """The plan's retractions and new events, in one transaction."""
    first = store.stream_version(RETRACTIONS_STREAM) + 1
    retractions = [
        retraction(event.event_id, reason, first + n, lexicon) for n, event in enumerate(found.retract)
    ]
    store.append([*retractions, *found.append])


def retraction(event_id: str, reason: str, version: int, lexicon: str | None = None) -> Event:
    """An EventRetracted in the retractions stream, saying which lexicon the re-reading used."""
    return domain_retraction(event_id, reason, version, today(), **({"lexicon": lexicon} if lexicon else {}))


def _human_retractions(store: Any) -> dict[str, str]:
    """Retracted event id -> reason, for retractions a person made (not a re-extraction).

    A reading a person retracted stays retracted: re-extraction does not append it again.
    """
    found: dict[str, str] = {}
    for event in store.read(EventQuery(stream_id=RETRACTIONS_STREAM)):
        reason = str(event.payload.get("reason", ""))
        target = event.payload.get("retracted_event_id")
        if target and not reason.startswith(REASON_PREFIX):
            found[str(target)] = reason
    return found
