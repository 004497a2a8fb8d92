"""Invitation lifecycle: pending, accepted, declined, withdrawn, fulfilled."""

from __future__ import annotations

import itertools
import json
from datetime import date

from timeline import projections
from timeline.domain.events import Event, Party
from timeline.projections.invitations import fold, invitations_of, run

_ids = itertools.count(1)
HOST = ("PRT", "Luis Matos")
GUEST = ("IRL", "Niamh Byrne")


def ev(kind, on, actor, target, *, modality="reported", payload=None):
    n = next(_ids)
    return Event(
        event_id=f"i{n}",
        stream_id="s",
        stream_version=n,
        type=kind,
        occurred_on=date.fromisoformat(on),
        modality=modality,
        actor=Party(*actor),
        target=Party(*target),
        payload=payload or {},
        position=n,
    )


def invite(on, inviter=HOST, invitee=GUEST, **kw):
    return ev("InvitationExtended", on, inviter, invitee, **kw)


def only(events, as_of=None):
    [one] = run(events, date.fromisoformat(as_of) if as_of else None)
    return one


def test_extended_accepted_then_fulfilled_by_the_invitee_s_visit():
    made = invite("2024-03-01")
    yes = ev("InvitationAccepted", "2024-03-05", GUEST, HOST)
    trip = ev("VisitMade", "2024-06-10", GUEST, ("PRT", None))
    assert only([made]).status == "pending"
    assert only([made, yes]).status == "accepted"
    done = only([made, yes, trip])
    assert (done.status, done.status_on, done.extended_on) == (
        "fulfilled",
        date(2024, 6, 10),
        date(2024, 3, 1),
    )
    assert done.event_ids == (made.event_id, yes.event_id, trip.event_id)
    assert done.destination == "PRT" and done.invitation_id == made.event_id


def test_someone_else_s_trip_does_not_fulfil_a_personal_invitation():
    made = invite("2024-03-01")
    minister = ev("VisitMade", "2024-04-01", ("IRL", "Sean Kelly"), ("PRT", None))
    assert only([made, minister]).status == "pending"


def test_any_visit_from_the_country_fulfils_an_invitation_to_the_country():
    made = invite("2024-03-01", invitee=("IRL", None))
    minister = ev("VisitMade", "2024-04-01", ("IRL", "Sean Kelly"), ("PRT", None))
    assert only([made, minister]).status == "fulfilled"


def test_a_visit_on_the_day_of_the_invitation_or_a_planned_one_does_not_fulfil_it():
    made = invite("2024-03-01")
    same_day = ev("VisitMade", "2024-03-01", GUEST, ("PRT", None))
    planned = ev("VisitMade", "2024-05-01", GUEST, ("PRT", None), modality="planned")
    assert only([made, same_day, planned]).status == "pending"


def test_a_visit_elsewhere_does_not_fulfil_it_but_one_to_the_named_destination_does():
    summit = invite("2024-03-01", payload={"destination": "ESP", "occasion": "summit"})
    wrong = ev("VisitMade", "2024-04-01", GUEST, ("PRT", None))
    right = ev("VisitMade", "2024-04-02", GUEST, ("ESP", None))
    assert only([summit, wrong]).status == "pending"
    result = only([summit, wrong, right])
    assert (result.status, result.destination, result.occasion) == ("fulfilled", "ESP", "summit")


def test_declined():
    made = invite("2024-03-01")
    no = ev("InvitationDeclined", "2024-03-20", GUEST, HOST)
    assert (only([made, no]).status, only([made, no]).status_on) == ("declined", date(2024, 3, 20))


def test_withdrawn_by_the_inviter_when_the_event_says_so():
    made = invite("2024-03-01")
    pulled = invite("2024-04-01", modality="negated", payload={"withdrawn": True})
    assert only([made, pulled]).status == "withdrawn"


def test_not_invited_is_no_invitation():
    assert run([invite("2024-03-01", modality="negated")]) == []


def test_acceptance_reported_first_opens_an_accepted_invitation_the_extension_joins():
    yes = ev("InvitationAccepted", "2024-03-01", GUEST, HOST)
    made = invite("2024-03-01")
    result = only([yes, made])
    assert result.status == "accepted"
    assert result.event_ids == (yes.event_id, made.event_id)


def test_several_reports_of_one_invitation_are_one_invitation():
    stream = [invite("2024-03-01"), invite("2024-03-04", invitee=("IRL", "Byrne")), invite("2024-05-01")]
    result = only(stream)
    assert len(result.event_ids) == 3 and result.status == "pending"


def test_a_new_invitation_after_the_visit_is_a_new_one():
    first = invite("2024-03-01")
    trip = ev("VisitMade", "2024-05-01", GUEST, ("PRT", None))
    again = invite("2024-05-03")
    old, new = run([first, trip, again])
    assert (old.status, new.status) == ("fulfilled", "pending")


def test_a_spokesman_may_accept_for_the_invitee():
    made = invite("2024-03-01")
    spokesman = ev("InvitationAccepted", "2024-03-02", ("IRL", "Aoife Nolan"), ("PRT", None))
    assert only([made, spokesman]).status == "accepted"


def test_acceptance_prefers_the_invitation_naming_the_same_person():
    to_leader = invite("2024-03-01")
    to_minister = invite("2024-03-02", invitee=("IRL", "Sean Kelly"))
    yes = ev("InvitationAccepted", "2024-03-03", ("IRL", "Sean Kelly"), HOST)
    found = {i.invitee.name: i.status for i in run([to_leader, to_minister, yes])}
    assert found == {"Niamh Byrne": "pending", "Sean Kelly": "accepted"}


def test_as_of_reads_the_status_on_that_day_from_one_state():
    stream = [invite("2024-03-01"), ev("InvitationAccepted", "2024-03-05", GUEST, HOST)]
    state = json.loads(json.dumps(fold(stream)))
    assert invitations_of(state, date(2024, 2, 28)) == []
    [then] = invitations_of(state, date(2024, 3, 2))
    assert (then.status, then.event_ids) == ("pending", (stream[0].event_id,))
    assert [i.status for i in invitations_of(state, status="accepted")] == ["accepted"]


def test_json_shape():
    data = only([invite("2024-03-01")]).to_json()
    assert data["inviter"] == {"country": "PRT", "name": "Luis Matos", "role": None}
    assert data["invitee"]["country"] == "IRL"
    assert {k: data[k] for k in ("destination", "extended_on", "status", "status_on")} == {
        "destination": "PRT",
        "extended_on": "2024-03-01",
        "status": "pending",
        "status_on": "2024-03-01",
    }
    assert set(data) >= {"invitation_id", "event_ids"}


def test_public_api_sorts_the_stream_itself():
    made = invite("2024-03-01")
    trip = ev("VisitMade", "2024-06-10", GUEST, ("PRT", None))
    [result] = projections.invitations_from([trip, made])
    assert result.status == "fulfilled"
    [pending] = projections.invitations_from([trip, made], as_of=date(2024, 4, 1))
    assert pending.status == "pending"
