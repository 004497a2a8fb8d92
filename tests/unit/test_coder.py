"""The coder on sentences written for these tests: types, parties, dates, modality."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.coding import code
from timeline.domain.articles import Article, article_id_for
from timeline.extract.pipeline import extract_events


def facts(events: list) -> set[tuple]:
    return {
        (e.type, e.occurred_on.isoformat(), e.actor.country, e.target.country, e.modality)
        for e in events
        if e.type != "StatementRecorded"
    }


def test_titled_people_meet_and_later_mentions_resolve() -> None:
    # 2025-05-18 is a Sunday; "on Friday" is 2025-05-16.
    events = code(
        "Egyptian Foreign Minister Badr Abdelatty held talks with the Turkish ambassador, "
        "Selim Demirbas, in Cairo on Friday. Abdelatty congratulated the ambassador on his new posting."
    )
    meeting = [e for e in events if e.type == "MeetingHeld"]
    assert meeting and {meeting[0].actor.country, meeting[0].target.country} == {"EGY", "TUR"}
    assert meeting[0].occurred_on == date(2025, 5, 16)
    names = {meeting[0].actor.name, meeting[0].target.name}
    assert names == {"Badr Abdelatty", "Selim Demirbas"}
    congrats = [e for e in events if e.type == "CongratulationsExpressed"]
    assert congrats and congrats[0].actor.name == "Badr Abdelatty"
    assert congrats[0].target.country == "TUR"


def test_future_visit_is_planned_not_made() -> None:
    events = code("Chilean President Lucia Ferrer will visit Argentina next month, her office said.")
    visits = [e for e in events if e.type == "VisitMade"]
    assert visits and all(v.modality == "planned" for v in visits)
    assert visits[0].actor.country == "CHL" and visits[0].target.country == "ARG"


def test_negated_agreement() -> None:
    events = code("Norway and Iceland did not sign an agreement on fishing quotas on Thursday.")
    signed = [e for e in events if e.type == "AgreementSigned"]
    assert signed and all(e.modality == "negated" for e in signed)


def test_invitation_names_invitee_and_destination() -> None:
    events = code("Ghanaian President Kofi Mensah invited Nigeria's President Bola Tinubu to visit Ghana.")
    inv = [e for e in events if e.type == "InvitationExtended"]
    assert inv, facts(events)
    assert inv[0].actor.country == "GHA" and inv[0].target.country == "NGA"
    assert inv[0].payload["destination"] == "GHA"
    assert inv[0].payload["invitee"]["name"] == "Bola Tinubu"


def test_one_sentence_two_statements_and_nominal_attack_date() -> None:
    events = code(
        "Vietnam's Prime Minister Tran Van Long sent condolences to Thailand over the bombing in Bangkok, "
        "which happened on May 2."
    )
    kinds = {e.type for e in events}
    assert {"CondolencesExpressed", "AttackOccurred"} <= kinds
    attack = next(e for e in events if e.type == "AttackOccurred")
    assert attack.target.country == "THA" and attack.occurred_on == date(2025, 5, 2)
    condolence = next(e for e in events if e.type == "CondolencesExpressed")
    assert condolence.occurred_on == date(2025, 5, 18)  # no date of its own: the article's


def test_list_of_targets_gives_one_event_each() -> None:
    events = code("Hungary expelled diplomats from Austria, Slovakia and Croatia on Monday.")
    expelled = {e.target.country for e in events if e.type == "DiplomatExpelled"}
    assert expelled == {"AUT", "SVK", "HRV"}


def test_reported_statement_date_carries_to_undated_statements() -> None:
    events = code(
        "Kazakh President Arman Sadykov met the Mongolian envoy, a statement from his office said on "
        "Wednesday. Sadykov expressed solidarity with Mongolia after the floods."
    )
    solidarity = [e for e in events if e.type == "SolidarityExpressed"]
    assert solidarity and solidarity[0].occurred_on == date(2025, 5, 14)
    assert solidarity[0].actor.country == "KAZ" and solidarity[0].target.country == "MNG"


def test_commentary_is_a_statement_by_the_outlet() -> None:
    events = code("Canada met Mexico on Monday. The gathering is widely seen as overdue.")
    last = events[-1]
    assert last.type == "StatementRecorded" and last.actor.name == "TST"
    assert last.occurred_on == date(2025, 5, 18)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Peru recalled its ambassador from Bolivia on Tuesday.", "RelationsDowngraded"),
        ("Japan imposed sanctions on North Korea on Tuesday.", "SanctionsImposed"),
        ("Brazil condemned Paraguay's decision on Tuesday.", "CriticismVoiced"),
        ("Kenya's President telephoned Uganda's President on Tuesday.", "PhoneCallHeld"),
        ("Spain pledged aid worth $5 million to Morocco on Tuesday.", "AidProvided"),
        ("Poland threatened Belarus with border closures on Tuesday.", "ThreatIssued"),
        ("Chile lodged a formal protest with Bolivia on Tuesday.", "CriticismVoiced"),
        ("Nepal's Prime Minister felicitated India's Prime Minister on Tuesday.", "CongratulationsExpressed"),
        ("Qatar dispatched medical aid to Lebanon on Tuesday.", "AidProvided"),
    ],
)
def test_vocabulary_types(sentence: str, kind: str) -> None:
    assert kind in {e.type for e in code(sentence)}


def test_user_file_adds_a_frame_and_a_person(tmp_path) -> None:
    import json

    from timeline.extract.pipeline import Extractor

    user = tmp_path / "mine.json"
    user.write_text(
        json.dumps(
            {
                # "bowed her head for ...": the verb "bow" with the object "head" (frames.json's shape)
                "frames": [{"type": "CondolencesExpressed", "lemma": ["bow"], "object": ["head"]}],
                "people": [
                    {
                        "name": "Ilse Varga",
                        "country": "HUN",
                        "role": "Foreign Minister",
                        "start": "2024-01-01",
                        "end": None,
                    }
                ],
            }
        )
    )
    text = (
        " date 2025-05-18 (TST) Ilse Varga bowed her head for the victims of the flood in Romania on Friday."
    )
    article = Article(article_id_for(text), date(2025, 5, 18), text)
    shipped = {e.type for e in extract_events(article)}
    assert "CondolencesExpressed" not in shipped
    events = Extractor.load([user]).extract(article)
    condolence = next(e for e in events if e.type == "CondolencesExpressed")
    assert condolence.actor.country == "HUN" and condolence.actor.name == "Ilse Varga"
    assert condolence.target.country == "ROU" and condolence.occurred_on == date(2025, 5, 16)


def test_answers_go_to_the_invitation_they_answer() -> None:
    events = code(
        "Mongolian President Batu Erdene invited Japanese Prime Minister Kenji Sato to visit Ulaanbaatar. "
        "The invitation has been accepted, a Japanese spokesman said on Friday."
    )
    accepted = [e for e in events if e.type == "InvitationAccepted"]
    assert accepted and accepted[0].actor.country == "JPN" and accepted[0].target.country == "MNG"
    invitation = next(e for e in events if e.type == "InvitationExtended")
    assert invitation.payload["destination"] == "MNG"


def test_a_visit_asked_for_is_not_a_visit_made() -> None:
    events = code("Fiji's Prime Minister Jone Ravu invited Tonga's King to visit Suva next year.")
    assert not [e for e in events if e.type == "VisitMade" and e.modality == "reported"]


@pytest.mark.parametrize(
    ("published", "holder"), [("2016-05-02", "Nawaz Sharif"), ("2024-05-02", "Shehbaz Sharif")]
)
def test_a_title_and_surname_resolve_to_who_held_the_office_then(published: str, holder: str) -> None:
    events = code("Prime Minister Sharif met the Chinese ambassador in Islamabad on Monday.", published)
    meeting = next(e for e in events if e.type == "MeetingHeld")
    assert meeting.actor.country == "PAK" and meeting.actor.name == holder


def test_a_surname_that_is_also_a_country_stays_the_person() -> None:
    events = code(
        "Portuguese Prime Minister Luis Montenegro met Spain's Prime Minister Pedro Sanchez in Madrid "
        "on Friday. "
        "Montenegro later congratulated Spain on its new rail link."
    )
    congratulations = next(e for e in events if e.type == "CongratulationsExpressed")
    assert congratulations.actor.country == "PRT" and congratulations.actor.name == "Luis Montenegro"
    assert congratulations.target.country == "ESP"


def test_calling_on_a_country_to_act_is_no_meeting() -> None:
    demand = code("Ireland called on Israel to open the crossings on Tuesday.")
    assert "MeetingHeld" not in {e.type for e in demand}
    visit = code("Ireland's foreign minister called on the Israeli ambassador on Tuesday.")
    assert "MeetingHeld" in {e.type for e in visit}


def test_abbreviated_honorifics_and_initials_belong_to_the_name() -> None:
    events = code("The U.S. envoy, Dr. Helen T. Marsh, arrived in St. Petersburg on Friday for talks.")
    visit = next(e for e in events if e.type == "VisitMade")
    assert (visit.actor.country, visit.actor.name, visit.target.country) == ("USA", "Helen T. Marsh", "RUS")


def test_the_subject_of_has_been_invited_is_the_guest() -> None:
    events = code(
        "Japanese Prime Minister Kenji Sato has been invited to attend the summit in Jakarta, officials said."
    )
    invitation = next(e for e in events if e.type == "InvitationExtended")
    assert (invitation.actor.country, invitation.target.country) == ("IDN", "JPN")
    assert invitation.target.name == "Kenji Sato" and invitation.payload["destination"] == "IDN"


def test_an_answer_to_a_named_invitation_tells_the_invitation_too() -> None:
    events = code(
        "Chile's President Gabriel Boric on Monday turned down Peru's invitation to the Lima summit."
    )
    declined = next(e for e in events if e.type == "InvitationDeclined")
    implied = next(e for e in events if e.type == "InvitationExtended")
    assert (declined.actor.country, declined.target.country) == ("CHL", "PER")
    assert (implied.actor.country, implied.target.country) == ("PER", "CHL") and implied.payload["implied"]
    assert implied.occurred_on == declined.occurred_on == date(2025, 5, 12)


def test_among_them_introduces_a_list_not_a_reference() -> None:
    events = code(
        "Brazil said other leaders had been invited to the summit, among them Argentina's President "
        "Ana Ruiz and Uruguay's President Luis Vega."
    )
    invited = {e.target.country for e in events if e.type == "InvitationExtended"}
    assert invited == {"ARG", "URY"}


def test_him_is_not_the_one_who_invites() -> None:
    events = code(
        "Ghana's President Kofi Mensah hosted a dinner for his guest on Monday, and the Togolese "
        "President Faure Gnassingbe invited him to visit Lome."
    )
    invitation = next(e for e in events if e.type == "InvitationExtended")
    assert (invitation.actor.country, invitation.target.country) == ("TGO", "GHA")
    assert invitation.target.name == "Kofi Mensah"


def test_a_statement_the_lede_recalls_from_years_ago_dates_nothing_else():
    """The lede's reported date anchors the article's undated statements only when it is recent."""
    events = code(
        "Chilean President Gabriel Boric signed the book of condolence at the embassy of Peru in Santiago "
        "on Sunday. In his message, Boric recalled his visit to Lima on March 3, 2015, which he said had "
        "deepened the friendship between the two countries. He conveyed the sympathy of the Chilean "
        "people to the people of Peru."
    )
    condolences = [e for e in events if e.type == "CondolencesExpressed"]
    assert [e.occurred_on.isoformat() for e in condolences] == ["2025-05-18", "2025-05-18"]
    assert [e.occurred_on.year for e in events if e.type == "VisitMade"] == [2015]


def test_spectators_in_the_audience_hold_no_audience():
    """'In the audience' is where spectators sit; an audience a king grants is a meeting."""
    spectators = code(
        "Chile's President Gabriel Boric and Peru's President Dina Boluarte were in the audience at the "
        "ceremony in Quito on Sunday."
    )
    assert [e.type for e in spectators if e.type == "MeetingHeld"] == []
    granted = code(
        "King Felipe of Spain granted an audience to Chile's President Gabriel Boric in Madrid on Monday."
    )
    assert [(e.type, e.actor.country, e.target.country) for e in granted if e.type == "MeetingHeld"] == [
        ("MeetingHeld", "ESP", "CHL")
    ]
