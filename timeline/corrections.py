"""Corrections a person makes: amend a coded event, add one the coder missed, retract an article's events.

Every correction is new events, never an edit: ``amend`` appends an EventRetracted for the old
event and the corrected event in one transaction; ``add`` appends one event. The events a person
codes go into their own stream, ``corrections`` (versions 1, 2, 3...), so that an article's
stream stays what the extractor read; they keep the article link and sentence they correct or
cite, record who made them (``payload.by``) and say so in ``extractor_version`` (``manual``).
Values are checked as ingest's would be: a known event type, countries the lexicon knows, a
modality, a date in the accepted span.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from timeline import service
from timeline.clock import TimeValueError, parse_day, today
from timeline.domain.events import MODALITIES, Event, Party, Provenance, event_id_for
from timeline.domain.retractions import RETRACTED, RETRACTIONS_STREAM, retraction
from timeline.domain.vocabulary import event_type, event_types, tone_code, types_of_family
from timeline.extract.lexicon import Lexicon
from timeline.query import EventQuery

CORRECTIONS_STREAM = "corrections"
MANUAL = "manual"  # the extractor_version of an event a person coded
HOUSEKEEPING = types_of_family("housekeeping")  # records about the store, not happenings
ATTEMPTS = 3  # another writer may take a stream's next version first: read again and retry

ServiceError = service.ServiceError


@dataclass(frozen=True, slots=True)
class Amendment:
    retraction: Event
    event: Event


# --- checking what a person typed ----------------------------------------------------------------


def coded_types() -> list[str]:
    return sorted(name for name in event_types() if name not in HOUSEKEEPING)


def parse_type(text: str) -> str:
    """An event type of the vocabulary, in any letter case ("visitmade" -> "VisitMade")."""
    by_lower = {name.lower(): name for name in coded_types()}
    found = by_lower.get(text.strip().lower())
    if found is None:
        raise ServiceError(f"unknown event type {text.strip()!r}; use one of: {', '.join(coded_types())}")
    return found


def parse_modality(text: str) -> str:
    modality = text.strip().lower()
    if modality not in MODALITIES:
        raise ServiceError(f"unknown modality {text.strip()!r}; use one of: {', '.join(MODALITIES)}")
    return modality


def parse_date(text: str, option: str = "--date") -> date:
    try:
        return parse_day(text)
    except TimeValueError as exc:
        raise ServiceError(f"{option}: {exc}") from None


def parse_party(text: str, option: str) -> Party:
    """ "PAK", "Pakistan" or "PAK:Shehbaz Sharif": a country the lexicon knows, then maybe a person."""
    country, colon, name = text.partition(":")
    try:
        code = service.country_code(country) if country.strip() else None
    except ServiceError:
        code = None
    if code is None or code not in Lexicon.default().iso3_codes:
        raise ServiceError(
            f"{option}: unknown country {country.strip()!r}; use an ISO 3166 alpha-3 code such as PAK, "
            "optionally followed by :NAME"
        )
    person = " ".join(name.split())
    if colon and not person:
        raise ServiceError(f"{option}: no name after the colon in {text!r}; use C or C:NAME")
    return Party(code, person or None)


def person(by: str | None) -> str:
    """Who makes the correction: --by NAME, else the operating system's user name."""
    if by is not None:
        name = " ".join(by.split())
        if not name:
            raise ServiceError("--by needs a name")
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        raise ServiceError("cannot tell who is making the correction; give --by NAME") from None


def _reason(reason: str, what: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise ServiceError(f"{what} needs a reason: --reason TEXT")
    return text


def _coded(event: Event) -> Event:
    """CAMEO code and Goldstein value follow the type (and a characterisation's tone), as in the extractor."""
    spec = event_type(event.type)
    cameo, goldstein = spec.cameo, spec.goldstein
    tone = event.payload.get("tone")
    if event.type == "RelationsCharacterized" and tone:
        cameo, goldstein = tone_code(str(tone))
    return replace(event, cameo=cameo, goldstein=goldstein)


# --- the stream ----------------------------------------------------------------------------------


def retracted_ids(store: Any) -> set[str]:
    """The ids every retraction so far names."""
    found = store.read(EventQuery(types=(RETRACTED,)))
    return {str(e.payload.get("retracted_event_id")) for e in found}


def _retractions(event_ids: Sequence[str], reason: str, after: int, on: date) -> list[Event]:
    numbered = enumerate(event_ids, start=after + 1)
    return [retraction(event_id, reason, version, on) for version, event_id in numbered]


def _append(store: Any, build: Any) -> tuple[Event, ...]:
    """Append what ``build(store)`` makes in one transaction, rebuilding it if a stream moved on."""
    from timeline.store import ConcurrencyError

    for _attempt in range(ATTEMPTS):
        batch = build(store)
        try:
            done = store.append(batch).events
        except ConcurrencyError:
            continue
        service.refresh_projections(store)  # fold the new events; a retracted one's partitions refold
        return done
    raise ServiceError("another writer kept changing the store; try again")


def _live(store: Any, event_id: str) -> Event:
    event_id = event_id.strip()
    event = store.get_event(event_id)
    if event is None:
        raise ServiceError(f"no event with id {event_id}; `timeline events --format json` lists the ids")
    if event.type in HOUSEKEEPING:
        raise ServiceError(f"event {event_id} is an {event.type}, not a happening; it cannot be amended")
    if event_id in retracted_ids(store):
        raise ServiceError(f"event {event_id} is retracted; amend the event that replaced it")
    return event


# --- the use cases -------------------------------------------------------------------------------


def amend(
    store: Any,
    event_id: str,
    reason: str,
    *,
    type_: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    on: str | None = None,
    modality: str | None = None,
    by: str | None = None,
) -> Amendment:
    """Retract an event and append its corrected copy (same sentence and article) in one transaction."""
    from timeline.store.upcasters import CURRENT_SCHEMA_VERSION

    reason = _reason(reason, "an amendment")
    who = person(by)
    old = _live(store, event_id)
    changes: dict[str, Any] = {}
    if type_ is not None:
        changes["type"] = parse_type(type_)
    if actor is not None:
        changes["actor"] = _keep_role(parse_party(actor, "--actor"), (old.actor, old.target))
    if target is not None:
        changes["target"] = _keep_role(parse_party(target, "--target"), (old.target, old.actor))
    if on is not None:
        day = parse_date(on)
        if day != old.occurred_on or old.date_precision != "day":
            changes.update(occurred_on=day, date_precision="day", date_basis=MANUAL)
    if modality is not None:
        changes["modality"] = parse_modality(modality)
    if all(getattr(old, field) == value for field, value in changes.items()):
        raise ServiceError(
            f"the amendment changes nothing in event {old.event_id}; give a new --type, --actor, --target, "
            "--date or --modality"
        )
    payload = {
        **_sides_in_payload(old.payload, changes),
        "amended_from": old.event_id,
        "by": who,
        "reason": reason,
    }
    provenance = replace(old.provenance, extractor_version=MANUAL) if old.provenance else None

    def build(store: Any) -> list[Event]:
        if old.event_id in retracted_ids(store):
            raise ServiceError(f"event {old.event_id} is retracted; amend the event that replaced it")
        version = store.stream_version(CORRECTIONS_STREAM) + 1
        corrected = replace(
            old,
            **changes,
            event_id=event_id_for(CORRECTIONS_STREAM, old.event_id, version),
            stream_id=CORRECTIONS_STREAM,
            stream_version=version,
            provenance=provenance,
            payload=payload,
            schema_version=CURRENT_SCHEMA_VERSION,  # the payload was upcast on read
            position=None,
            recorded_at=None,
        )
        after = store.stream_version(RETRACTIONS_STREAM)
        return [*_retractions([old.event_id], reason, after, today()), _coded(corrected)]

    retraction, event = _append(store, build)
    return Amendment(retraction, event)


def _sides_in_payload(payload: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The old payload, with what it says about a side the person changed brought in line."""
    kept = dict(payload)
    if "target" in changes and "invitee" in kept:  # the extractor's copy of the invitee wins in projections
        kept["invitee"] = changes["target"].to_dict()
    inferred = kept.get("inferred_persons")
    if isinstance(inferred, list):  # a side a person gave is no longer inferred
        left = [side for side in inferred if side not in changes]
        if left:
            kept["inferred_persons"] = left
        else:
            kept.pop("inferred_persons")
    return kept


def _keep_role(new: Party, old: Sequence[Party]) -> Party:
    """A person (or unnamed country) the old event named keeps the role it had there, on either side."""
    for party in old:
        if (party.country, party.name or None) == (new.country, new.name):
            return replace(new, role=party.role)
    return new


def add(
    store: Any,
    *,
    type_: str,
    actor: str,
    target: str,
    on: str,
    modality: str | None = None,
    by: str | None = None,
    article_id: str | None = None,
    sentence: int | None = None,
    source: str | None = None,
) -> Event:
    """Append an event a reader found: cited to a stored article's sentence, or to a source outside."""
    if (article_id is None) == (source is None):
        raise ServiceError("say where the event was read: --article ID --sentence N, or --source TEXT")
    if article_id is not None and sentence is None:
        raise ServiceError("--article needs --sentence N (the sentence's index, as `events` shows it)")
    if article_id is None and sentence is not None:
        raise ServiceError("--sentence needs --article ID")
    kind = parse_type(type_)
    sides = parse_party(actor, "--actor"), parse_party(target, "--target")
    day = parse_date(on)
    mood = parse_modality(modality) if modality is not None else "reported"
    payload: dict[str, Any] = {"by": person(by)}
    provenance = None
    if article_id is not None:
        assert sentence is not None
        provenance, published = cited_sentence(store, article_id.strip(), sentence)
        payload = {"published": published.isoformat(), **payload}
    else:
        text = " ".join((source or "").split())
        if not text:
            raise ServiceError("--source needs a text saying where the fact comes from")
        payload["source"] = text

    def build(store: Any) -> list[Event]:
        version = store.stream_version(CORRECTIONS_STREAM) + 1
        where = provenance.article_id if provenance else "source"
        event = Event(
            event_id=event_id_for(CORRECTIONS_STREAM, where, version),
            stream_id=CORRECTIONS_STREAM,
            stream_version=version,
            type=kind,
            occurred_on=day,
            date_basis=MANUAL,
            modality=mood,
            actor=sides[0],
            target=sides[1],
            provenance=provenance,
            payload=payload,
        )
        return [_coded(event)]

    (event,) = _append(store, build)
    return event


def cited_sentence(store: Any, article_id: str, index: int) -> tuple[Provenance, date]:
    """Sentence ``index`` of a stored article, with its span, and the article's date.

    A sentence an event already cites is taken from that event (exactly what the extractor
    read); another is found by splitting the article as the extractor does (this loads spaCy),
    provided that split agrees with every sentence the article's events cite.
    """
    article = store.get_article(article_id)
    if article is None:
        raise ServiceError(
            f"no article with id {article_id}; `timeline events --format json` shows each event's article_id"
        )
    if store.erasure_of(article_id) is not None:
        raise ServiceError(f"article {article_id} was erased; its sentences are gone (use --source TEXT)")
    if index < 0:
        raise ServiceError(f"--sentence {index}: sentences are numbered from 0")
    cited = {
        e.provenance.sentence_index: e.provenance
        for e in store.read(EventQuery(article_id=article_id))
        if e.provenance is not None and e.provenance.article_id == article_id
    }
    if index in cited:
        return replace(cited[index], extractor_version=MANUAL), article.published
    from timeline.extract.sentences import split

    sentences = split(article)
    by_index = {s.index: (s.char_start, s.char_end) for s in sentences}
    if any(by_index.get(i) != (p.char_start, p.char_end) for i, p in cited.items()):
        # the events were coded with another split: index N would not mean what `events` shows
        raise ServiceError(
            f"article {article_id} was coded with another sentence split than today's extractor makes; "
            "cite a sentence one of its events cites, or use --source TEXT"
        )
    if index >= len(sentences):
        raise ServiceError(
            f"article {article_id} has {len(sentences)} sentences (0 to {len(sentences) - 1}); "
            f"there is no sentence {index}"
        )
    found = sentences[index]
    cited = Provenance(article_id, index, found.char_start, found.char_end, found.text, MANUAL)
    return cited, article.published


def retract_article(store: Any, article_id: str, reason: str) -> list[Event]:
    """Retract every live event that cites an article (its own and corrections citing it) at once."""
    reason = _reason(reason, "a retraction")
    article_id = article_id.strip()
    if not store.has_article(article_id):
        raise ServiceError(
            f"no article with id {article_id}; `timeline events --format json` shows each event's article_id"
        )

    def build(store: Any) -> list[Event]:
        query = EventQuery(article_id=article_id, exclude_retracted=True)
        live = [e.event_id for e in store.read(query) if e.type not in HOUSEKEEPING]
        if not live:
            raise ServiceError(f"article {article_id} has no live events to retract")
        return _retractions(live, reason, store.stream_version(RETRACTIONS_STREAM), today())

    return list(_append(store, build))
