"""What a sentence leaves to its article: who signed a deal "was signed", which attack "the strike"
is, what a ban on imports is, whose "home country" a visit goes to."""

from __future__ import annotations

from tests.unit.coding import code

_TALKS = "Chilean President Gabriel Boric received Peruvian President Dina Boluarte in Santiago on Monday. "


def _pairs(text: str, kind: str, published: str = "2024-06-20") -> list[tuple[str | None, str | None]]:
    return [(e.actor.country, e.target.country) for e in code(text, published) if e.type == kind]


def test_a_deal_signed_with_no_one_named_is_signed_by_the_story_s_two_sides() -> None:
    text = _TALKS + "A mining agreement worth two billion dollars was signed during the visit."
    assert set(_pairs(text, "AgreementSigned")) == {("CHL", "PER"), ("PER", "CHL")}


def test_a_passive_signing_with_no_pair_in_the_story_names_no_one() -> None:
    assert _pairs("A mining agreement was signed on Monday.", "AgreementSigned") == []


def test_the_strike_condemned_after_it_was_told_is_no_second_attack() -> None:
    text = (
        "Azerbaijan launched drone strikes on Armenia on Monday, Armenian officials said on Tuesday. "
        "Armenia's foreign ministry condemned the strike as a grave provocation."
    )
    assert _pairs(text, "AttackOccurred", "2024-06-18") == [("AZE", "ARM")]
    assert _pairs(text, "CriticismVoiced", "2024-06-18") == [("ARM", "AZE")]


def test_banning_a_country_s_imports_is_a_sanction_on_it() -> None:
    text = "Canada on Tuesday banned imports of Russian steel and aluminium."
    assert _pairs(text, "SanctionsImposed") == [("CAN", "RUS")]


def test_a_vow_to_retaliate_is_a_threat() -> None:
    text = (
        "Canada on Tuesday banned imports of Russian steel. "
        "Moscow will retaliate against the measures, the Russian foreign ministry said."
    )
    assert _pairs(text, "ThreatIssued") == [("RUS", "CAN")]


def test_an_envoy_visiting_his_home_country_visits_no_one() -> None:
    text = (
        "Chile recalled its envoy to Peru and told Peru's ambassador, who was visiting his home "
        "country, to stay away."
    )
    assert _pairs(text, "VisitMade") == []


def test_a_vowed_response_is_a_threat_to_the_one_who_acted() -> None:
    text = (
        "Estonia expelled two Russian diplomats on Monday, the foreign ministry said. "
        "Russia vowed a firm response."
    )
    assert _pairs(text, "ThreatIssued", "2024-06-18") == [("RUS", "EST")]


def test_ending_a_freeze_in_contacts_is_no_downgrade() -> None:
    text = (
        "Chilean President Gabriel Boric and Peruvian President Dina Boluarte met in Lima on Monday, "
        "ending a two-year freeze in high-level contacts."
    )
    assert _pairs(text, "RelationsDowngraded") == []
    assert ("CHL", "PER") in _pairs(text, "MeetingHeld")


def test_the_visit_that_comes_at_an_invitation_accepts_it_for_its_visitor() -> None:
    text = (
        "Chilean President Gabriel Boric will pay a state visit to Peru in August, his office said. "
        "The visit comes at the invitation of Peruvian President Dina Boluarte."
    )
    assert _pairs(text, "InvitationAccepted") == [("CHL", "PER")]
    assert _pairs(text, "InvitationExtended") == [("PER", "CHL")]


def test_a_private_citizen_named_does_not_speak_for_his_country() -> None:
    text = (
        "Chile closed its consulate in Lima on Thursday over the detention of Chilean national "
        "Pedro Soto, Foreign Minister Alberto van Klaveren said."
    )
    people = {e.actor.name for e in code(text, "2024-06-21") if e.type == "RelationsDowngraded"}
    assert people == {"Alberto van Klaveren"}


def test_agreeing_to_remove_barriers_between_them_is_a_wish_to_cooperate() -> None:
    text = _TALKS + "The two presidents agreed to remove trade barriers between their countries."
    assert set(_pairs(text, "CooperationIntentExpressed")) == {("CHL", "PER"), ("PER", "CHL")}


def test_both_invitations_accepted_answers_each_inviter() -> None:
    text = (
        "Chile's president will travel to Peru in March at the invitation of the Peruvian government "
        "and then go on to Bolivia, his spokesman said on Tuesday. He said Bolivia's ambassador had "
        "handed the president an invitation to visit Bolivia. Both invitations have been accepted, "
        "the spokesman said."
    )
    assert set(_pairs(text, "InvitationAccepted", "2024-11-26")) == {("CHL", "PER"), ("CHL", "BOL")}


def test_it_signed_after_a_deal_was_told_is_that_deal() -> None:
    text = (
        "Chile and Peru reached a fishing agreement in Lima on Monday after two days of talks. "
        "It was signed by Chilean Foreign Minister Alberto van Klaveren and his Peruvian counterpart."
    )
    signers = {e.actor.name for e in code(text, "2024-06-20") if e.type == "AgreementSigned"}
    assert "Alberto van Klaveren" in signers


def test_it_signed_with_no_agreement_told_is_no_agreement() -> None:
    text = "It was signed by Chilean Foreign Minister Alberto van Klaveren on Monday."
    assert _pairs(text, "AgreementSigned") == []


def test_a_sum_pledged_in_assistance_is_aid_to_whom_the_assistance_goes() -> None:
    text = "Chile pledged 20 million dollars in humanitarian assistance to Peru after floods hit its north."
    assert _pairs(text, "AidProvided") == [("CHL", "PER")]


def test_what_is_said_in_a_dated_call_takes_the_call_s_day() -> None:
    text = (
        "Chilean President Gabriel Boric will visit Peru next week, his office said on Wednesday. "
        "Peruvian President Dina Boluarte congratulated Boric on his victory in a phone call in March."
    )
    dated = {e.type: e.occurred_on.isoformat() for e in code(text, "2024-06-05")}
    assert dated["CongratulationsExpressed"] == dated["PhoneCallHeld"] == "2024-03-01"


def test_a_meeting_a_side_opposes_holding_did_not_happen() -> None:
    text = "Chile said on Friday it opposed holding any summit with Peru in the disputed area."
    assert [e.modality for e in code(text, "2024-06-08") if e.type == "MeetingHeld"] in ([], ["negated"])


def test_calling_someone_to_offer_condolences_is_a_call_and_condolences() -> None:
    text = (
        "An earthquake struck southern Peru on Sunday. Chilean President Gabriel Boric called "
        "Peruvian President Dina Boluarte on Monday to offer condolences."
    )
    assert _pairs(text, "PhoneCallHeld", "2024-06-18") == [("CHL", "PER")]
    assert _pairs(text, "CondolencesExpressed", "2024-06-18") == [("CHL", "PER")]


def test_calling_on_someone_to_act_is_still_a_request() -> None:
    text = "Chile called on Peru to release the detained fishermen."
    assert _pairs(text, "PhoneCallHeld") == []


def test_a_rescue_team_sent_is_aid() -> None:
    text = "An earthquake struck southern Peru on Sunday. Chile sent a rescue team to Peru on Monday."
    assert _pairs(text, "AidProvided", "2024-06-18") == [("CHL", "PER")]


def test_closing_airspace_or_a_border_to_a_country_is_a_sanction() -> None:
    assert _pairs("Chile closed its airspace to Peruvian aircraft on Monday.", "SanctionsImposed") == [
        ("CHL", "PER")
    ]
    assert _pairs("Chile shut its border with Peru on Monday.", "SanctionsImposed") == [("CHL", "PER")]


def test_calling_a_deed_despicable_is_criticism() -> None:
    text = (
        "Peru expelled Chile's ambassador on Monday. "
        "Chile's foreign minister called the expulsion a despicable act."
    )
    assert ("CHL", "PER") in _pairs(text, "CriticismVoiced", "2024-06-18")


def test_accusations_traded_go_both_ways() -> None:
    assert set(_pairs("Chile traded accusations with Peru on Monday.", "CriticismVoiced")) == {
        ("CHL", "PER"),
        ("PER", "CHL"),
    }


def test_years_after_an_event_date_it_to_its_year() -> None:
    text = "Chile reopened its embassy in Lima on Tuesday, six years after the two countries cut ties."
    dated = [(e.occurred_on.isoformat(), e.date_precision) for e in code(text, "2024-06-20")]
    assert ("2018-01-01", "year") in dated


def test_an_invitation_to_visit_a_country_comes_from_that_country() -> None:
    text = (
        "Peruvian President Dina Boluarte received a letter from Chilean President Gabriel Boric on "
        "Monday. The letter included an invitation to visit Santiago, Boluarte's office said."
    )
    assert _pairs(text, "InvitationExtended") == [("CHL", "PER")]


def test_a_protest_note_handed_over_is_criticism() -> None:
    text = "Chile's foreign ministry handed a protest note to the Peruvian ambassador on Monday."
    assert _pairs(text, "CriticismVoiced") == [("CHL", "PER")]


def test_backing_a_rebel_group_is_no_support_for_a_country() -> None:
    text = "Chile rejected accusations by Peru that it supports a rebel group in the south."
    assert _pairs(text, "SolidarityExpressed") == []


def test_the_signing_of_agreements_with_no_one_named_is_by_the_story_s_two_sides() -> None:
    text = _TALKS + "The signing of three agreements on energy and mining closed the visit."
    assert set(_pairs(text, "AgreementSigned")) == {("CHL", "PER"), ("PER", "CHL")}


def test_the_expulsion_of_an_envoy_by_a_country_is_that_country_s() -> None:
    text = "The expulsion of Chile's ambassador by Peru on Monday drew sharp criticism in Santiago."
    assert _pairs(text, "DiplomatExpelled") == [("PER", "CHL")]


def test_providing_a_country_with_aid_is_aid_to_it() -> None:
    text = "Chile provided Peru with 20 million dollars in emergency aid on Monday."
    assert _pairs(text, "AidProvided") == [("CHL", "PER")]


def test_a_credit_line_announced_for_a_country_is_aid() -> None:
    text = "Chile announced a 50 million dollar credit line for Peru on Monday."
    assert _pairs(text, "AidProvided") == [("CHL", "PER")]


def test_a_plane_that_lands_is_no_visitor() -> None:
    text = "A Chilean plane carrying medicine landed in Lima on Monday."
    assert _pairs(text, "VisitMade") == []


def test_ties_sought_with_a_region_are_no_ties_with_the_other_side() -> None:
    text = _TALKS + "Chile has long sought closer ties with Asia."
    assert _pairs(text, "CooperationIntentExpressed") == []


def test_an_invitation_for_a_month_still_has_its_invitee() -> None:
    text = "Chile said on Tuesday that Peru had extended the invitation for July 8 and 9."
    assert _pairs(text, "InvitationExtended") == [("PER", "CHL")]


def test_calling_a_leader_is_a_phone_call_but_calling_him_names_is_not() -> None:
    assert _pairs("Chile's president called Peru's president on Monday.", "PhoneCallHeld") == [("CHL", "PER")]
    assert _pairs("Chile's president called Peru's president a liar on Monday.", "PhoneCallHeld") == []


def test_talks_called_off_are_no_description() -> None:
    assert _pairs("Chile called off the talks with Peru.", "RelationsCharacterized") == []


def test_a_decision_called_unacceptable_is_criticism_not_a_call() -> None:
    events = code("Chile called Peru's decision unacceptable on Monday.", "2024-06-20")
    assert {e.type for e in events} == {"CriticismVoiced"}


def test_accepted_with_no_object_answers_the_invitation_told() -> None:
    text = (
        "Chile's foreign minister invited his Peruvian counterpart to visit Santiago in June. "
        "The Peruvian minister accepted and thanked his guest."
    )
    assert _pairs(text, "InvitationAccepted") == [("PER", "CHL")]


def test_accepted_with_no_invitation_told_or_declined_to_say_answers_nothing() -> None:
    assert _pairs("Chile's foreign minister accepted on Monday.", "InvitationAccepted") == []
    text = (
        "Chile invited Peru's president to visit Santiago. "
        "Officials declined to say when the invitation was delivered."
    )
    assert _pairs(text, "InvitationDeclined") == []


def test_attendance_confirmed_accepts_the_invitation() -> None:
    text = (
        "Peru invited Chilean President Gabriel Boric to attend the opening of the new port in June. "
        "Boric confirmed his attendance on Wednesday, his office said."
    )
    assert _pairs(text, "InvitationAccepted", "2024-05-16") == [("CHL", "PER")]


def test_which_after_the_place_of_an_invitation_stands_for_the_invitation() -> None:
    text = (
        "Peru's president extended an invitation to the Chilean president to visit Lima, which "
        "the Chilean president accepted, the ministry said."
    )
    assert _pairs(text, "InvitationAccepted", "2024-05-16") == [("CHL", "PER")]


def test_an_invitation_withdrawn_is_told_and_taken_back_by_its_inviter() -> None:
    events = code("Peru has withdrawn its invitation to Chilean President Gabriel Boric.", "2024-05-16")
    told = [(e.type, e.actor.country, e.target.country, bool(e.payload.get("withdrawn"))) for e in events]
    assert told == [
        ("InvitationExtended", "PER", "CHL", False),
        ("InvitationDeclined", "PER", "CHL", True),
    ]


def test_telling_a_leader_by_phone_is_a_call_but_telling_reporters_is_not() -> None:
    text = "Chile's president told Peru's president by phone on Monday that Chile would send help."
    assert _pairs(text, "PhoneCallHeld") == [("CHL", "PER")]
    assert _pairs("Chile's president told reporters by phone that talks had stalled.", "PhoneCallHeld") == []
