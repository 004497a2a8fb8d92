"""Invitations: who invited whom where, and what became of it.

Statuses: pending, accepted, declined, withdrawn, fulfilled.

Rules, applied to events in valid-time order:

* InvitationExtended (reported) opens a *pending* invitation: the inviter is the actor, the
  invitee ``payload["invitee"]`` or else the target, the destination ``payload["destination"]``
  or else the inviter's country. A report of an invitation already known (same inviter
  country, same invitee, same destination; open, or closed on or after the date of this
  report) is one more source of it, not a new invitation: a new invitation after the
  earlier one was fulfilled or declined is a new one.
* InvitationAccepted / InvitationDeclined (actor: the invitee's side, target: the inviter)
  resolve the open invitation from that inviter country to that invitee country,
  preferring the one naming the same person (a spokesman may announce it); with none
  open, the text reported both, and an accepted (declined) invitation is opened.
* VisitMade (reported, not planned) by the invitee to the destination, dated strictly
  after the invitation was extended, fulfils every open invitation it answers: the same
  person, or the same country when the invitation names no person. A visit on the day
  the invitation was made is the occasion of the invitation, not its answer.
* An InvitationExtended or InvitationDeclined by the inviter with ``payload["withdrawn"]``
  true withdraws the open invitation.
* Planned and negated events change nothing ("was not invited" is no invitation).

State is partitioned by the invitee's country: every event that can touch an invitation
(extended to, accepted, declined or visited by the invitee's side) names that country.
Each invitation keeps its transitions, so one state answers any ``as_of`` after the
invitation was first reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline.domain.events import Event, Party
from timeline.domain.vocabulary import types_with
from timeline.projections import parties
from timeline.projections.ordering import sort_key
from timeline.projections.projection import Projection

State = dict[str, Any]
STATUSES = ("pending", "accepted", "declined", "withdrawn", "fulfilled")
OPEN = frozenset({"pending", "accepted"})
TOUCHING = types_with("touches_invitation")


def initial_state() -> State:
    return {"partitions": {}}


def _withdrawn(event: Event) -> bool:
    return bool(event.payload and event.payload.get("withdrawn")) and event.type in {
        "InvitationExtended",
        "InvitationDeclined",
    }


def _invitee(event: Event) -> dict[str, Any]:
    given = (event.payload or {}).get("invitee")
    party = Party.from_dict(given) if isinstance(given, Mapping) and given.get("country") else event.target
    return party.to_dict()


def partition_of(event: Event) -> str | None:
    """The invitee's country: the partition this event can change, or None when it changes nothing."""
    if event.type not in TOUCHING or event.modality == "planned":
        return None
    withdrawn = _withdrawn(event)
    if event.modality != "reported" and not withdrawn:
        return None
    if event.type == "InvitationExtended" or withdrawn:
        return _invitee(event)["country"]
    return event.actor.country


def _new_partition() -> dict[str, Any]:
    # "open" indexes the open invitations; "closed" those closed on the latest closing day, the
    # only closed ones a later report (in valid-time order) can still be a source of.
    return {"invitations": [], "open": [], "closed": {"on": None, "idx": []}, "through": None}


def _live(part: Mapping[str, Any], on: str) -> list[dict[str, Any]]:
    """Invitations a report dated ``on`` may join: the open ones, and those closed on or after ``on``."""
    idx = list(part["open"])
    if part["closed"]["on"] is not None and part["closed"]["on"] >= on:
        idx += part["closed"]["idx"]
    return [part["invitations"][i] for i in sorted(idx)]


def _open_ones(part: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [part["invitations"][i] for i in part["open"]]


def _add(part: dict[str, Any], inv: dict[str, Any]) -> None:
    part["invitations"].append(inv)
    index = len(part["invitations"]) - 1
    if inv["status"] in OPEN:
        part["open"].append(index)
    else:
        _closed(part, index, inv["status_on"])


def _closed(part: dict[str, Any], index: int, on: str) -> None:
    if index in part["open"]:
        part["open"].remove(index)  # an open invitation closing; a new one may be born closed
    if part["closed"]["on"] == on:
        part["closed"]["idx"].append(index)
    else:
        part["closed"] = {"on": on, "idx": [index]}


def _new(event: Event, inviter: Party, invitee: Mapping[str, Any], status: str) -> dict[str, Any]:
    on = event.occurred_on.isoformat()
    payload = event.payload or {}
    return {
        "invitation_id": event.event_id,
        "inviter": inviter.to_dict(),
        "invitee": dict(invitee),
        "destination": payload.get("destination") or inviter.country,
        "occasion": payload.get("occasion"),
        "extended_on": on,
        "opened_on": on,
        "status": status,
        "status_on": on,
        "event_ids": [event.event_id],
        "event_dates": [on],
        "transitions": [[on, status]],
    }


def _note(part: dict[str, Any], inv: dict[str, Any], event: Event, status: str | None = None) -> None:
    on = event.occurred_on.isoformat()
    if event.event_id not in inv["event_ids"]:
        inv["event_ids"].append(event.event_id)
        inv["event_dates"].append(on)
    if status and status != inv["status"]:
        inv["status"], inv["status_on"] = status, on
        inv["transitions"].append([on, status])
        if status not in OPEN:
            _closed(part, next(i for i in part["open"] if part["invitations"][i] is inv), on)


def _same_invitation(
    inv: Mapping[str, Any], inviter: Party, invitee: Mapping[str, Any], destination: str | None, on: str
) -> bool:
    if inv["inviter"]["country"] != inviter.country or inv["invitee"]["country"] != invitee["country"]:
        return False
    if not parties.compatible_person(inv["invitee"]["name"], invitee.get("name")):
        return False
    if destination and inv["destination"] != destination:
        return False
    return inv["status"] in OPEN or on <= inv["status_on"]


def _extended(part: dict[str, Any], event: Event) -> None:
    invitee = _invitee(event)
    destination = (event.payload or {}).get("destination") or event.actor.country
    on = event.occurred_on.isoformat()
    for inv in reversed(_live(part, on)):
        if _same_invitation(inv, event.actor, invitee, destination, on):
            inv["inviter"] = parties.merge_party(inv["inviter"], event.actor.to_dict())
            inv["invitee"] = parties.merge_party(inv["invitee"], invitee)
            inv["extended_on"] = min(inv["extended_on"], on)
            if not inv["occasion"]:
                inv["occasion"] = (event.payload or {}).get("occasion")
            _note(part, inv, event)
            return
    _add(part, _new(event, event.actor, invitee, "pending"))


def _answered(part: Mapping[str, Any], event: Event) -> dict[str, Any] | None:
    """The open invitation an acceptance or a refusal answers: same countries, same person preferred."""
    destination = (event.payload or {}).get("destination")
    on = event.occurred_on.isoformat()
    open_ones = [
        inv
        for inv in _open_ones(part)
        if inv["inviter"]["country"] == event.target.country
        and inv["invitee"]["country"] == event.actor.country
        and (not destination or inv["destination"] == destination)
        and inv["extended_on"] <= on
    ]
    named = [inv for inv in open_ones if parties.same_person(inv["invitee"]["name"], event.actor.name)]
    pool = named or open_ones
    return max(pool, key=lambda inv: inv["extended_on"]) if pool else None


def _answer(part: dict[str, Any], event: Event, status: str) -> None:
    inv = _answered(part, event)
    if inv is not None:
        _note(part, inv, event, status)
        return
    _add(part, _new(event, event.target, event.actor.to_dict(), status))


def _visited(part: dict[str, Any], event: Event) -> None:
    on = event.occurred_on.isoformat()
    for inv in _open_ones(part):
        if inv["destination"] != event.target.country or inv["extended_on"] >= on:
            continue
        invitee = inv["invitee"]
        if invitee["name"] and not parties.same_person(invitee["name"], event.actor.name):
            continue
        if invitee["country"] != event.actor.country:
            continue
        _note(part, inv, event, "fulfilled")


def _withdraw(part: dict[str, Any], event: Event) -> None:
    invitee = _invitee(event) if event.type == "InvitationExtended" else event.target.to_dict()
    on = event.occurred_on.isoformat()
    for inv in reversed(_open_ones(part)):
        if (
            inv["inviter"]["country"] == event.actor.country
            and inv["invitee"]["country"] == invitee["country"]
            and parties.compatible_person(inv["invitee"]["name"], invitee.get("name"))
            and inv["extended_on"] <= on
        ):
            _note(part, inv, event, "withdrawn")
            return


def apply(state: State, event: Event) -> State:
    """Fold one event (in valid-time order). Updates ``state`` in place and returns it."""
    key = partition_of(event)
    if key is None:
        return state
    part = state["partitions"].setdefault(key, _new_partition())
    if _withdrawn(event):
        _withdraw(part, event)
    elif event.type == "InvitationExtended":
        _extended(part, event)
    elif event.type == "InvitationAccepted":
        _answer(part, event, "accepted")
    elif event.type == "InvitationDeclined":
        _answer(part, event, "declined")
    else:
        _visited(part, event)
    part["through"] = list(sort_key(event))
    return state


INVITATIONS = Projection("invitations", "partitions", initial_state, apply, partition_of)
fold = INVITATIONS.fold


@dataclass(frozen=True, slots=True)
class Invitation:
    invitation_id: str
    inviter: Party
    invitee: Party
    destination: str | None
    extended_on: date
    status: str
    status_on: date
    event_ids: tuple[str, ...]
    occasion: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "invitation_id": self.invitation_id,
            "inviter": self.inviter.to_dict(),
            "invitee": self.invitee.to_dict(),
            "destination": self.destination,
            "extended_on": self.extended_on.isoformat(),
            "status": self.status,
            "status_on": self.status_on.isoformat(),
            "event_ids": list(self.event_ids),
            "occasion": self.occasion,
        }


def _as_of(inv: Mapping[str, Any], as_of: date | None) -> Invitation | None:
    cut = as_of.isoformat() if as_of else None
    if cut and inv["opened_on"] > cut:
        return None
    steps = [t for t in inv["transitions"] if cut is None or t[0] <= cut]
    on, state = steps[-1]
    ids = [i for i, d in zip(inv["event_ids"], inv["event_dates"], strict=True) if cut is None or d <= cut]
    return Invitation(
        invitation_id=inv["invitation_id"],
        inviter=Party.from_dict(inv["inviter"]),
        invitee=Party.from_dict(inv["invitee"]),
        destination=inv["destination"],
        extended_on=date.fromisoformat(inv["extended_on"]),
        status=state,
        status_on=date.fromisoformat(on),
        event_ids=tuple(ids),
        occasion=inv["occasion"],
    )


def invitations_of(
    state: Mapping[str, Any], as_of: date | None = None, status: str | None = None
) -> list[Invitation]:
    """The invitations as of a date (default: all the state knows), oldest first."""
    found = []
    for key in sorted(state["partitions"]):
        for inv in state["partitions"][key]["invitations"]:
            one = _as_of(inv, as_of)
            if one is not None and (status is None or one.status == status):
                found.append(one)
    found.sort(key=lambda i: (i.extended_on, i.invitation_id))
    return found


def run(events: Iterable[Event], as_of: date | None = None, status: str | None = None) -> list[Invitation]:
    """Fold ``events`` (in valid-time order) and list the invitations."""
    return invitations_of(fold(events), as_of, status)
