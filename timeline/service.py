"""The application layer: what each command does, tying the store, the extractor and the projections.

No click here and no SQL: the command line parses options and formats answers around these calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pycountry

from timeline.clock import today
from timeline.domain.events import Event
from timeline.domain.retractions import RETRACTED, RETRACTIONS_STREAM, retraction
from timeline.extract.lexicon import Lexicon
from timeline.names import fold, inferred_sides
from timeline.query import EventQuery, PartyFilter
from timeline.wording import count

if TYPE_CHECKING:
    from timeline.projections.facts import Fact
    from timeline.projections.invitations import Invitation
    from timeline.projections.projection import Projection
    from timeline.projections.relations import Explanation, RelationStatus, Step
    from timeline.projections.runner import Maintenance
    from timeline.store.projection_store import ProjectionStore

T = TypeVar("T")


class ServiceError(Exception):
    """A request that cannot be carried out; the message says what is wrong and what to do."""


# --- reading the stream ------------------------------------------------------------------------


def country_code(text: str) -> str:
    """An ISO 3166-1 alpha-3 code from a code or a country name ("pak", "Pakistan" -> "PAK")."""
    code = _country(text)
    if code is None:
        raise ServiceError(f"unknown country {text!r}; use an ISO 3166 alpha-3 code such as PAK")
    return code


def _country(text: str) -> str | None:
    """Through the extractor's lexicon (names, demonyms, capitals), then ISO 3166 itself."""
    text = text.strip()
    lexicon = Lexicon.default()
    if text.upper() in lexicon.iso3_codes:
        return text.upper()
    found = lexicon.country_for(text)
    if found:
        return found
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None


def party_filter(text: str) -> PartyFilter:
    """An actor/target filter: a country (code or name) becomes its ISO3 code; anything else is a
    person, found by any of their names: the lexicon's full names and aliases for what the reader
    typed ("King Salman", "AMLO"), or the words typed within the stored name ("Modi", "Xi")."""
    country = _country(text)
    if country:
        return PartyFilter(country=country)
    words = fold(text)
    full = (fold(name) for name in Lexicon.default().names_for(text))
    return PartyFilter(names=tuple(dict.fromkeys([words, *full])), words=words)


def party_filters(values: str | Sequence[str] | None) -> tuple[PartyFilter, ...] | None:
    """Several --actor (or --target) values: an event matches any of them."""
    if values is None or isinstance(values, str):
        values = () if values is None else (values,)
    return tuple(party_filter(v) for v in values if v.strip()) or None


def require_known_parties(store: Any, **options: str | Sequence[str] | None) -> None:
    """An `--actor`/`--target` value (each one, where the option is repeated) that is no country
    and no person is an error, as an unknown country is for `history` and `--dyad`: "(no events)"
    would hide a typo.

    A person is known when the store holds an event naming them by any of their names on either
    side (retracted ones too), or the lexicon knows the name, an alias or the surname.
    """
    for option, given in options.items():
        values = () if given is None else (given,) if isinstance(given, str) else tuple(given)
        for text in values:
            _require_known(store, option, text)


def _require_known(store: Any, option: str, text: str) -> None:
    if _country(text) is not None or _person_known(store, text.strip()):
        return
    flag = "--" + option.replace("_", "-")
    raise ServiceError(
        f"{flag} {text.strip()!r} is no country and no person the store knows; use an ISO 3166 alpha-3 "
        "code such as PAK, a country name, or a person's name as `timeline events` shows it"
    )


def _person_known(store: Any, name: str) -> bool:
    lexicon = Lexicon.default()
    if lexicon.people_named(name) or lexicon.people_by_surname(name) or lexicon.names_for(name):
        return True
    wanted = (party_filter(name),)
    for side in ("actor", "target"):
        probe = EventQuery(**{side: wanted}, limit=1, exclude_retracted=False)
        if list(store.read(probe)):  # read to the end: the stream holds a connection until then
            return True
    return False


def events_query(
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    actor: str | Sequence[str] | None = None,
    target: str | Sequence[str] | None = None,
    types: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    article_id: str | None = None,
    limit: int | None = None,
    include_retracted: bool = False,
    extractor_version: str | None = None,
    dyad: tuple[str, str] | None = None,
    sort: str = "recorded",
) -> EventQuery:
    """The read behind `timeline events`: record order (or ``sort="occurred"``: date order),
    retracted events left out unless asked for."""
    if since and until and since > until:
        raise ServiceError(f"--since {since} is after --until {until}")
    if sort not in EVENT_SORTS:
        raise ServiceError(f"unknown sort {sort!r}; use one of: {', '.join(EVENT_SORTS)}")
    return EventQuery(
        as_of=as_of,
        known_at=known_at,
        actor=party_filters(actor),
        target=party_filters(target),
        types=tuple(types) or None,
        since=since,
        until=until,
        article_id=article_id,
        limit=limit,
        exclude_retracted=not include_retracted,
        extractor_version=extractor_version.strip() if extractor_version else None,
        dyad=dyad_of(*dyad) if dyad else None,
        order=EVENT_SORTS[sort],
    )


#: `events --sort`: the store's order behind each ("occurred": by date, then record order).
EVENT_SORTS = {"recorded": "position", "occurred": "valid"}


def list_events(store: Any, query: EventQuery) -> Iterator[Event]:
    return store.read(query)


@dataclass(frozen=True, slots=True)
class RetractionMark:
    retracted_at: datetime | None
    reason: str | None


def retraction_marks(store: Any, known_at: datetime | None = None) -> dict[str, RetractionMark]:
    """Each retracted event's id -> when the retraction was recorded and why (as known at ``known_at``)."""
    query = EventQuery(types=(RETRACTED,), known_at=known_at)
    marks: dict[str, RetractionMark] = {}
    for event in store.read(query):
        named = event.payload.get("retracted_event_id")
        if named and named not in marks:
            marks[str(named)] = RetractionMark(event.recorded_at, event.payload.get("reason"))
    return marks


def facts(store: Any, query: EventQuery) -> Answer[Fact]:
    """Reports of the same happening grouped into facts, over the events ``query`` selects.

    From the persisted facts when the query only bounds dates, sides and types (known now);
    folded from the selected events otherwise (--known-at in the past, --article,
    --extractor-version, --include-retracted), or when the tables lag.
    """
    from dataclasses import replace

    from timeline.projections import facts_from
    from timeline.projections.facts import FACTS, facts_of
    from timeline.projections.selection import FactFilter

    folded_only = query.article_id is not None or query.extractor_version is not None
    tables, lag = None, None
    if query.exclude_retracted and not folded_only:
        tables, lag = _read_model(store, query.known_at)
    if tables is not None:
        wanted = FactFilter(query.as_of, query.since, query.until, query.actor, query.target, query.types)
        pair = set(query.dyad or ())

        def accept(partition: str) -> bool:
            return wanted.partition_accepts(partition) and (not pair or set(partition.split("|")) == pair)

        state = FACTS.state_of(tables.partitions(FACTS.name, accept=accept))
        found = wanted.select(facts_of(state))
    else:
        found = facts_from(store.read(replace(query, order="valid", limit=None)))
    if query.dyad:  # a fact of the pair's partition may still have one side unknown
        found = [fact for fact in found if fact.dyad == query.dyad]
    return Answer(found[: query.limit] if query.limit else found, lag)


def state_events(
    store: Any, as_of: date, known_at: datetime | None, dyad: tuple[str, str] | None = None
) -> list[Event]:
    """The events a projection folds: valid up to ``as_of``, known at ``known_at``, retractions applied."""
    query = EventQuery(as_of=as_of, known_at=known_at, dyad=dyad, exclude_retracted=True, order="valid")
    return list(store.read(query))


# --- projections -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lag:
    """The projection tables had not folded the latest events: the answer was folded in memory
    from the events instead (a read never writes the tables)."""

    behind: int  # events the tables have not folded

    def line(self) -> str:
        return (
            f"note: the projection tables lag the stream by {count(self.behind, 'event')}; this answer was "
            "folded from the events (reads never update the tables: `timeline replay` does)"
        )


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    """A read's items, and whether the tables lagged (answered from the events instead)."""

    items: list[T]
    lag: Lag | None = None


def refresh_projections(store: Any) -> Maintenance:
    """Bring the persisted projections up to date with the stream: every write command calls it
    after its appends (ingest, retract, amend, add, reextract, erase), so that reads find them current."""
    from timeline.projections.runner import catch_up
    from timeline.store.projection_store import ProjectionStore

    return catch_up(ProjectionStore(store))


def _read_model(store: Any, known_at: datetime | None) -> tuple[ProjectionStore | None, Lag | None]:
    """The projection tables when they answer a read known at ``known_at``, else (None, the lag).

    Reads only: tables behind the stream are left as they are, and the caller folds the events
    in memory. A ``known_at`` before the last event was recorded asks for an older view, which
    the tables never answer; that is no lag.
    """
    from timeline.projections.runner import freshness
    from timeline.store.projection_store import ProjectionStore

    tables = ProjectionStore(store)
    now = freshness(tables)
    if now.answers(known_at):
        return tables, None
    asked_now = known_at is None or now.last_recorded_at is None or known_at >= now.last_recorded_at
    return None, Lag(now.behind) if asked_now and now.behind else None


def _state(
    store: Any,
    projection: Projection,
    keys: Sequence[str] | None,
    known_at: datetime | None,
    events: Callable[[], Iterable[Event]],
) -> tuple[dict[str, Any], Lag | None]:
    """A fold state holding (at least) the partitions ``keys`` (None: all): read from the tables
    when they answer, else folded in memory from ``events()`` (which must hold those partitions'
    events, bounded by as-of and known-at, retractions applied)."""
    from timeline.projections.ordering import in_valid_order

    tables, lag = _read_model(store, known_at)
    if tables is not None:
        return projection.state_of(tables.partitions(projection.name, keys)), None
    return projection.fold(in_valid_order(events())), lag


#: `relations --sort`: each key puts first what an analyst looks at first.
RELATION_SORTS = ("dyad", "tone", "score", "last", "facts")
TONE_ORDER = ("hostile", "strained", "neutral", "cooperative", "close")


def _relation_key(sort: str) -> Callable[[RelationStatus], tuple[Any, ...]]:
    """tone: hostile first, then strained ... close (by score within a tone); score: lowest first;
    last: the latest event first; facts: the most facts first; dyad: alphabetical. Ties by dyad."""
    tones = {tone: rank for rank, tone in enumerate(TONE_ORDER)}

    def key(item: RelationStatus) -> tuple[Any, ...]:
        dyad, score = item.dyad, item.score or 0.0
        if sort == "tone":
            return (tones.get(item.tone or "", len(tones)), score, dyad)
        if sort == "score":
            return (score, dyad)
        if sort == "last":
            last = item.last_event_on
            return (-last.toordinal() if last else 0, dyad)
        if sort == "facts":
            return (-(item.fact_count or 0), dyad)
        return (dyad,)

    return key


def relations(
    store: Any,
    as_of: date | None = None,
    known_at: datetime | None = None,
    dyad: tuple[str, str] | None = None,
    country: str | None = None,
    sort: str = "dyad",
) -> Answer[RelationStatus]:
    """The status of every dyad (or of one, or of those including ``country``) as of a date
    (today by default), in the order ``sort`` asks for (see RELATION_SORTS)."""
    if sort not in RELATION_SORTS:
        raise ServiceError(f"unknown sort {sort!r}; use one of: {', '.join(RELATION_SORTS)}")
    found = _relations(store, as_of or today(), known_at, dyad)
    items = found.items
    if country is not None:
        code = country_code(country)
        items = [item for item in items if code in item.dyad]
    return Answer(sorted(items, key=_relation_key(sort)), found.lag)


def _relations(
    store: Any, as_of: date, known_at: datetime | None, dyad: tuple[str, str] | None
) -> Answer[RelationStatus]:
    from timeline.projections import relations_from
    from timeline.projections.catalog import is_dyad_partition
    from timeline.projections.digest import statuses
    from timeline.projections.facts import FACTS
    from timeline.projections.relations import dyad_key

    tables, lag = _read_model(store, known_at)
    if tables is not None:  # each dyad's digest: no fact is loaded
        keys = [dyad_key(dyad)] if dyad else None
        digests = tables.digests(FACTS.name, keys, is_dyad_partition)

        def state_of(key: str) -> dict[str, Any]:  # a dyad whose digest cannot answer
            return FACTS.state_of(tables.partitions(FACTS.name, [key]))

        return Answer(statuses(digests, as_of, state_of))
    return Answer(relations_from(state_events(store, as_of, known_at, dyad), as_of), lag)


def dyad_of(a: str, b: str) -> tuple[str, str]:
    first, second = country_code(a), country_code(b)
    if first == second:
        raise ServiceError("a dyad needs two different countries")
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True, slots=True)
class Explained:
    """One dyad's status and the facts behind it (``explanation`` None: no fact links the two yet)."""

    dyad: tuple[str, str]
    as_of: date
    explanation: Explanation | None
    lag: Lag | None = None

    def to_json(self) -> dict[str, Any]:
        if self.explanation is None:
            return {"dyad": list(self.dyad), "as_of": self.as_of.isoformat(), "facts": []}
        return self.explanation.to_json()


def explain(
    store: Any, a: str, b: str, as_of: date | None = None, known_at: datetime | None = None
) -> Explained:
    """One dyad's status and the facts behind it, with their weights."""
    from timeline.projections.facts import FACTS
    from timeline.projections.relations import dyad_key
    from timeline.projections.relations import explain as explain_state

    as_of = as_of or today()
    dyad = dyad_of(a, b)
    events = lambda: state_events(store, as_of, known_at, dyad)  # noqa: E731
    state, lag = _state(store, FACTS, [dyad_key(dyad)], known_at, events)
    return Explained(dyad, as_of, explain_state(state, dyad, as_of), lag)


@dataclass(frozen=True, slots=True)
class History:
    """One dyad's timeline, and which sides of each event the extractor inferred (by event id)."""

    steps: list[Step]
    inferred: dict[str, frozenset[str]]


def history(
    store: Any, a: str, b: str, as_of: date | None = None, known_at: datetime | None = None
) -> History:
    """One dyad's timeline, event by event, with each change of tone (always folded from its events)."""
    from timeline.projections import history as history_of

    as_of = as_of or today()
    dyad = dyad_of(a, b)
    events = state_events(store, as_of, known_at, dyad)
    inferred = {event.event_id: frozenset(inferred_sides(event.payload)) for event in events}
    return History(history_of(events, dyad), inferred)


INVITATION_STATUSES = ("pending", "accepted", "declined", "withdrawn", "fulfilled")


def invitations(
    store: Any,
    as_of: date | None = None,
    known_at: datetime | None = None,
    status: str | None = None,
    dyad: tuple[str, str] | None = None,
) -> Answer[Invitation]:
    """Invitations and where each stands as of a date (today by default), of one status or dyad if asked."""
    from timeline.projections.invitations import INVITATIONS, invitations_of

    as_of = as_of or today()
    # Partitioned by the invitee's country: a dyad needs its two countries' partitions.
    state, lag = _state(store, INVITATIONS, dyad, known_at, lambda: state_events(store, as_of, known_at))
    found = invitations_of(state, as_of, status)
    if dyad is not None:
        found = [i for i in found if sorted((i.inviter.country or "", i.invitee.country or "")) == list(dyad)]
    return Answer(found, lag)


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    events: int  # events in the view asked for (as of, known at), retractions applied
    relations: int
    invitations: int
    pending: int
    as_of: date
    rebuilt_from: int = 0  # events the projection tables were rebuilt from
    position: int = 0  # the checkpoint after the rebuild

    def line(self) -> str:
        return (
            f"replayed {count(self.events, 'event')} as of {self.as_of}: "
            f"{count(self.relations, 'relation')}, {count(self.invitations, 'invitation')} "
            f"({self.pending} pending); projection tables rebuilt "
            f"from {count(self.rebuilt_from, 'event')} up to position {self.position}"
        )


def replay(store: Any, as_of: date | None = None, known_at: datetime | None = None) -> ReplaySummary:
    """Throw the projection tables away, rebuild them from the stream, and summarise the view asked for."""
    from timeline.projections import runner
    from timeline.store.projection_store import ProjectionStore

    as_of = as_of or today()
    done = runner.replay(ProjectionStore(store))
    counted = store.count(EventQuery(as_of=as_of, known_at=known_at, exclude_retracted=True))
    rels = relations(store, as_of, known_at).items
    invs = invitations(store, as_of, known_at).items
    pending = sum(1 for item in invs if item.status == "pending")
    return ReplaySummary(counted, len(rels), len(invs), pending, as_of, done.events, done.position)


# --- report and exports ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered report, and whether the tables lagged (its statuses folded from the events)."""

    html: str
    lag: Lag | None = None


def report(
    store: Any, countries: Sequence[str] = (), as_of: date | None = None, known_at: datetime | None = None
) -> Page:
    """The self-contained HTML report of one dyad (two countries) or of every dyad (none)."""
    from timeline import report as pages

    view, lag = report_view(store, countries, as_of, known_at)
    return Page(pages.render(view), lag)


def report_view(
    store: Any, countries: Sequence[str] = (), as_of: date | None = None, known_at: datetime | None = None
) -> tuple[Any, Lag | None]:
    """What the report of the dyad ``countries`` (two codes or names), or of every dyad, shows."""
    from timeline.output import invitation_records, records
    from timeline.report.model import ReportView, dyad_view

    if len(countries) not in (0, 2):
        raise ServiceError("a report is of two countries (A B), or of every dyad (no country)")
    as_of = as_of or today()
    dyad = dyad_of(*countries) if countries else None
    found = relations(store, as_of=as_of, known_at=known_at, dyad=dyad)
    statuses = {status.dyad: record for status, record in zip(found.items, records(found.items), strict=True)}
    invited = invitations(store, as_of=as_of, known_at=known_at)
    invitation_list = invitation_records(invited.items, as_of)
    views = []
    for pair in [dyad] if dyad else sorted(statuses):
        events = state_events(store, as_of, known_at, pair)
        context = _context(store, pair, events, as_of, known_at)
        views.append(dyad_view(pair, statuses.get(pair), invitation_list, events, context, as_of))
    # A busy pair's page quotes only the articles of the events it lists in full.
    cited = dict.fromkeys(
        e.provenance.article_id for v in views for e, _ in v.listed() if e.provenance is not None
    )
    articles = {aid: a for aid in cited if (a := store.get_article(aid)) is not None}
    view = ReportView(as_of, known_at, tuple(views), articles, single=bool(countries))
    return view, found.lag or invited.lag


def _context(
    store: Any, dyad: tuple[str, str], events: Sequence[Event], as_of: date, known_at: datetime | None
) -> list[Event]:
    """Events the dyad's articles report about one of the two countries with no other country named.

    "Condolences for the attack in Moscow": the attack has no known perpetrator, so it belongs to
    no dyad, but it is what the condolences answer, and the report should show it beside them.
    """
    found: dict[str, Event] = {}
    sides = set(dyad)
    # The retractions read once, not as a clause of each article's read: a busy pair cites
    # thousands of articles, and that clause cost more than the read itself.
    retracted = {
        str(e.payload.get("retracted_event_id"))
        for e in store.read(EventQuery(types=(RETRACTED,), known_at=known_at))
    }
    for article_id in dict.fromkeys(e.provenance.article_id for e in events if e.provenance):
        query = EventQuery(article_id=article_id, as_of=as_of, known_at=known_at, order="valid")
        for event in store.read(query):
            countries = {c for c in (event.actor.country, event.target.country) if c}
            if event.event_id in retracted or event.type == RETRACTED:
                continue
            if event.dyad is None and countries and countries <= sides:
                found[event.event_id] = event
    return sorted(found.values(), key=lambda e: (e.occurred_on, e.position or 0))


def export_events(store: Any, query: EventQuery, fmt: str, out: Any, with_article: bool = False) -> int:
    """Stream the events ``query`` selects to ``out`` as csv, jsonl or cameo; returns the rows written.

    ``with_article``: csv and jsonl rows end with the article's URL, outlet and title. With
    retracted events included, csv and jsonl rows say when and why each was retracted.
    """
    from timeline import exports

    if with_article and fmt == "cameo":
        raise ServiceError("--with-article is for csv and jsonl; cameo rows carry the article's SOURCEURL")
    # The marks are one entry per retraction, not per event: the export still streams.
    included = not query.exclude_retracted and fmt != "cameo"
    marks = retraction_marks(store, query.known_at) if included else None
    rows = store.read(query)
    return exports.write(rows, fmt, out, article_lookup(store), with_article=with_article, marks=marks)


def article_lookup(store: Any) -> Any:
    """article id -> its Article (or None), each read once however many events in a row cite it."""
    from functools import lru_cache

    return lru_cache(maxsize=256)(store.get_article)


# --- articles ----------------------------------------------------------------------------------


def articles(
    store: Any,
    *,
    since: date | None = None,
    until: date | None = None,
    outlet: str | None = None,
    known_at: datetime | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The stored articles by publication date: their source, events (live and retracted), the
    extractor versions of their live events, and whether they were erased, as known at ``known_at``."""
    from timeline.query import ArticleQuery

    if since and until and since > until:
        raise ServiceError(f"--since {since} is after --until {until}")
    query = ArticleQuery(
        since=since,
        until=until,
        outlet=outlet.strip() if outlet else None,
        known_at=known_at,
        limit=limit,
    )
    return (summary.to_json() for summary in store.article_summaries(query))


# --- corrections -------------------------------------------------------------------------------


def retract(store: Any, event_id: str, reason: str, on: date | None = None) -> Event:
    """Append an EventRetracted for an event; the event itself stays, projections leave it out."""
    from timeline.store import ConcurrencyError

    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("a retraction needs a reason: --reason TEXT")
    event_id = event_id.strip()
    target = store.get_event(event_id)
    if target is None:
        raise ServiceError(f"no event with id {event_id}; `timeline events --format json` lists the ids")
    if target.type == RETRACTED:
        raise ServiceError(f"event {event_id} is itself a retraction and cannot be retracted")
    for _attempt in range(3):  # another writer may take the next version first: read again and retry
        stream = list(store.read(EventQuery(stream_id=RETRACTIONS_STREAM)))
        if any(e.payload.get("retracted_event_id") == event_id for e in stream):
            raise ServiceError(f"event {event_id} is already retracted")
        version = max((e.stream_version for e in stream), default=0) + 1
        event = retraction(event_id, reason, version, on or today())
        try:
            done = store.append([event]).events[0]
        except ConcurrencyError:
            continue
        refresh_projections(store)  # the retracted event's partitions are refolded without it
        return done
    raise ServiceError("the retractions stream is busy; try again")


def stats(store: Any) -> dict[str, Any]:
    """Counts over the whole store: events by type and extractor version, live and retracted,
    articles, erased articles, the database's size."""
    return store.stats().to_json()


# --- tamper evidence and legal erasure -------------------------------------------------------


def verify(
    store: Any, anchors: Sequence[str] = (), key: bytes | None = None, signature: str | None = None
) -> Any:
    """Walk the store: hash chain, seals, erasures, triggers, projections (a VerifyReport).

    ``anchors`` are heads printed by earlier runs; each must still be in the chain.
    ``signature`` (with ``key``) is a head signed earlier: the chain must still end there.
    """
    from timeline.projections.runner import differences
    from timeline.store.projection_store import ProjectionStore

    signed = (key, signature) if key is not None and signature is not None else None
    return store.verify(anchors, signed=signed, projections=lambda: differences(ProjectionStore(store)))


def read_key(path: Any) -> bytes:
    """The operator's key from a file (surrounding whitespace ignored); refused when missing or short."""
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ServiceError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
    if len(key) < 16:
        raise ServiceError(f"the key file {path} holds {len(key)} bytes; a key needs at least 16")
    return key


def sign_head(key: bytes, report: Any) -> str:
    """The verified head, signed with the operator's key (to store away from the database)."""
    from timeline.store.chain import sign_head as sign

    return sign(key, report.position, report.head)


def erase(store: Any, article_id: str, reason: str) -> Any:
    """Remove an article's text and its events' sentences for a legal reason (an Erasure)."""
    from timeline.store import UnknownArticleError

    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError("an erase needs a reason: --reason TEXT")
    article_id = article_id.strip()
    try:
        done = store.erase(article_id, reason)
    except UnknownArticleError:
        raise ServiceError(
            f"no article with id {article_id}; `timeline events --format json` shows each event's article_id"
        ) from None
    refresh_projections(store)  # the tombstone folds into nothing, but the checkpoint moves past it
    return done
