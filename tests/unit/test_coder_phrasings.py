"""Phrasings met on articles written after the coder was, each fixed as grammar or data (texts in
our own words)."""

from __future__ import annotations

from datetime import date

from tests.unit.coding import code


def _facts(text: str, published: str) -> list[tuple[str, str | None, str | None, date, str]]:
    return [
        (e.type, e.actor.country, e.target.country, e.occurred_on, e.modality)
        for e in code(text, published)
        if e.type != "StatementRecorded"
    ]


def test_who_calls_someone_to_offer_condolences_offers_them() -> None:
    text = (
        "Their first contact came on Saturday, when Jordan's King Abdullah II called Moroccan King "
        "Mohammed VI to offer his condolences after the earthquake."
    )
    condolences = [f for f in _facts(text, "2023-09-11") if f[0] == "CondolencesExpressed"]
    assert [(a, t) for _, a, t, _, _ in condolences] == [("JOR", "MAR")]


def test_a_visit_that_opened_a_new_page_is_a_word_on_relations_not_another_visit() -> None:
    text = (
        "AMMAN -- Iraqi Prime Minister Mohammed Shia al-Sudani met Jordan's King Abdullah II in Amman "
        "on Tuesday. The king told reporters that the visit opened a new page in relations."
    )
    facts = _facts(text, "2024-03-06")
    assert ("RelationsCharacterized", "JOR", "IRQ", date(2024, 3, 5), "reported") in facts
    assert [f for f in facts if f[0] == "VisitMade" and f[1] == "JOR"] == []


def test_a_name_with_a_lower_case_particle_is_one_name() -> None:
    events = code("Prime Minister Ulisses Correia e Silva met the Angolan president on Monday.", "2024-12-04")
    meeting = next(e for e in events if e.type == "MeetingHeld")
    assert (meeting.actor.country, meeting.actor.name) == ("CPV", "Ulisses Correia e Silva")


def test_an_invitation_the_guest_accepted_is_answered_not_extended_again() -> None:
    text = (
        "Brazilian President Luiz Inacio Lula da Silva telephoned Chilean President Gabriel Boric "
        "on Friday and invited him for a state visit, an invitation the Chilean leader accepted at once."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2023-05-08") if t.startswith("Invitation")}
    assert facts == {("InvitationExtended", "BRA", "CHL"), ("InvitationAccepted", "CHL", "BRA")}


def test_an_invitation_to_a_summit_later_in_the_year_is_dated_when_it_was_made() -> None:
    text = (
        "The next day, Japanese Prime Minister Fumio Kishida told Philippine President Ferdinand "
        "Marcos Jr. that he could not come, and invited him to Tokyo for a summit later this year."
    )
    invitations = [f for f in _facts(text, "2023-05-10") if f[0] == "InvitationExtended"]
    assert [(a, t, d) for _, a, t, d, _ in invitations] == [("JPN", "PHL", date(2023, 5, 10))]


def test_the_recall_of_an_ambassador_named_as_a_noun_downgrades_ties() -> None:
    text = "LIMA -- Peru announced on Monday the recall of its ambassador to Bolivia, Ana Ruiz."
    assert ("RelationsDowngraded", "PER", "BOL", date(2024, 3, 4), "reported") in _facts(text, "2024-03-05")


def test_ambassadors_called_home_are_recalled_not_phoned() -> None:
    text = (
        "Bolivia cut ties with Israel on Tuesday. Honduras and Belize each called their ambassadors "
        "home from Israel for consultations."
    )
    facts = _facts(text, "2023-11-02")
    assert {(a, t) for k, a, t, _, _ in facts if k == "RelationsDowngraded"} >= {
        ("HND", "ISR"),
        ("BLZ", "ISR"),
    }
    assert not [f for f in facts if f[0] in ("PhoneCallHeld", "MeetingHeld")]


def test_an_attack_on_a_foreign_embassy_struck_the_country_it_stands_in() -> None:
    text = "Kabul condemned the bombing of the Turkish embassy in Kabul on Friday."
    attacks = [f for f in _facts(text, "2024-03-05") if f[0] == "AttackOccurred"]
    assert [t for _, _, t, _, _ in attacks] == ["AFG"]


def test_a_day_of_that_year_takes_the_year_told_before() -> None:
    text = (
        "Relations soured after the 2016 election. On March 3 of that year Ecuador declared the "
        "Venezuelan ambassador persona non grata."
    )
    expelled = [f for f in _facts(text, "2024-05-02") if f[0] == "DiplomatExpelled"]
    assert [(a, t, d) for _, a, t, d, _ in expelled] == [("ECU", "VEN", date(2016, 3, 3))]


def test_an_invitation_dated_in_the_clause_that_gives_it() -> None:
    text = (
        "Argentine President Javier Milei arrived in Rome on Thursday. The trip answers an invitation "
        "Italian Prime Minister Giorgia Meloni extended in Buenos Aires in January."
    )
    invitations = [f for f in _facts(text, "2024-06-14") if f[0] == "InvitationExtended"]
    assert [(a, t, d) for _, a, t, d, _ in invitations] == [("ITA", "ARG", date(2024, 1, 1))]


def test_an_envoy_given_hours_to_leave_on_a_day_was_expelled_that_day() -> None:
    text = "Norway's ambassador to Niger, Kari Berg, was given 48 hours to leave the country on Monday."
    expelled = [f for f in _facts(text, "2024-03-06") if f[0] == "DiplomatExpelled"]
    assert [(a, t, d) for _, a, t, d, _ in expelled] == [("NER", "NOR", date(2024, 3, 4))]


def test_the_expulsion_named_again_is_not_another_one() -> None:
    text = (
        "Niger expelled the Norwegian ambassador on Monday. Oslo answered within hours: the Norwegian "
        "foreign ministry said it had taken note of the expulsion and was recalling its own envoy."
    )
    facts = _facts(text, "2024-03-06")
    assert [(a, t) for k, a, t, _, _ in facts if k == "DiplomatExpelled"] == [("NER", "NOR")]
    assert ("RelationsDowngraded", "NOR", "NER", date(2024, 3, 4), "reported") in facts


def test_an_envoy_called_in_to_a_ministry_is_summoned_by_the_country_it_stands_in() -> None:
    text = (
        "Finland said on Monday it would expel Russian diplomats. Russian Ambassador Pavel Kuznetsov "
        "was called in to the foreign ministry in Helsinki on Monday."
    )
    summons = [f for f in _facts(text, "2024-03-06") if f[0] == "CriticismVoiced"]
    assert [(a, t) for _, a, t, _, _ in summons] == [("FIN", "RUS")]


def test_missions_headed_by_charges_and_an_envoy_gone_by_friday_travel_nowhere() -> None:
    text = (
        "The two missions will be headed by charges d'affaires, and the Russian envoy must be gone from "
        "Helsinki by Friday."
    )
    assert [f for f in _facts(text, "2024-03-06") if f[0] == "VisitMade"] == []


def test_relations_lowered_to_charge_level_are_downgraded() -> None:
    text = "Finland said on Monday that relations with Russia would be lowered to the level of charges."
    downgrades = [f for f in _facts(text, "2024-03-06") if f[0] == "RelationsDowngraded"]
    assert [(a, t, m) for _, a, t, _, m in downgrades] == [("FIN", "RUS", "planned")]


def test_an_envoy_named_after_the_post_and_a_comma_is_that_country_s() -> None:
    events = code("Norway's ambassador in Niamey, Kari Berg, was expelled by Niger on Monday.", "2024-03-06")
    expelled = next(e for e in events if e.type == "DiplomatExpelled")
    assert (expelled.target.country, expelled.target.name) == ("NOR", "Kari Berg")


def test_a_former_leader_s_tour_of_two_countries_is_his_visit_to_each() -> None:
    text = "No Japanese leader had been to the region since Shinzo Abe's tour of Kenya and Ethiopia in 2016."
    visits = [f for f in _facts(text, "2024-12-04") if f[0] == "VisitMade"]
    assert {(a, t, d) for _, a, t, d, _ in visits} == {
        ("JPN", "KEN", date(2016, 1, 1)),
        ("JPN", "ETH", date(2016, 1, 1)),
    }


def test_touring_a_museum_or_going_as_far_as_a_step_is_no_visit() -> None:
    text = (
        "ACCRA -- On Tuesday the Spanish king toured the National Museum. Officials say Ghana is unlikely "
        "to go as far as closing its embassy."
    )
    assert [f for f in _facts(text, "2024-12-04") if f[0] == "VisitMade"] == []


def test_what_was_said_last_week_is_dated_on_that_week_s_monday() -> None:
    text = (
        "ULAANBAATAR -- The Chinese premier held talks in Ulaanbaatar on Tuesday. Beijing had said last "
        "week that he would travel at the invitation of the Mongolian president."
    )
    invitations = [f for f in _facts(text, "2024-09-04") if f[0] == "InvitationExtended"]
    assert [(a, t, d) for _, a, t, d, _ in invitations] == [("MNG", "CHN", date(2024, 8, 26))]


def test_demanding_that_governments_pull_their_diplomats_expels_them() -> None:
    text = (
        "Managua said on Monday it was withdrawing its diplomats from Panama and Honduras, and demanded "
        "that those governments pull their envoys out of Nicaragua."
    )
    expelled = [f for f in _facts(text, "2024-07-30") if f[0] == "DiplomatExpelled"]
    assert {(a, t) for _, a, t, _, _ in expelled} == {("NIC", "PAN"), ("NIC", "HND")}


def test_ordering_a_country_to_withdraw_its_envoy_is_no_downgrade_by_it() -> None:
    facts = _facts("Niger ordered France to withdraw its ambassador on Monday.", "2024-07-30")
    assert [(k, a, t) for k, a, t, _, _ in facts] == [("DiplomatExpelled", "NER", "FRA")]


def test_troops_or_military_staff_sent_home_are_no_envoys() -> None:
    text = "Niger demanded that France withdraw its troops and its military personnel within a month."
    assert [f for f in _facts(text, "2024-07-30") if f[0] == "DiplomatExpelled"] == []


def test_the_trip_named_again_without_a_date_is_the_visit_told() -> None:
    text = (
        "NAIROBI -- Indonesian President Joko Widodo arrived in Nairobi on Monday. At the heart of the "
        "trip is a railway linking the port of Mombasa to the mines of Zambia."
    )
    visits = [f for f in _facts(text, "2023-08-22") if f[0] == "VisitMade"]
    assert [(a, t) for _, a, t, _, _ in visits] == [("IDN", "KEN")]


def test_a_statement_on_the_night_of_a_dated_vote_takes_the_vote_s_day() -> None:
    text = (
        "SANTIAGO -- The new president was sworn in on Sunday. On the night of the November 19 vote, "
        "Brazilian President Luiz Inacio Lula da Silva congratulated the Chilean voters."
    )
    congratulations = [f for f in _facts(text, "2023-12-11") if f[0] == "CongratulationsExpressed"]
    assert [(a, d) for _, a, _, d, _ in congratulations] == [("BRA", date(2023, 11, 19))]


def test_the_two_leaders_who_came_to_a_third_capital_each_visited_it() -> None:
    text = (
        "WASHINGTON -- Serbian President Aleksandar Vucic and Kosovo Prime Minister Avdullah Hoti signed "
        "a deal at the White House on Friday. The two leaders had come to Washington for the ceremony."
    )
    visits = {(a, t) for k, a, t, _, _ in _facts(text, "2020-09-05") if k == "VisitMade"}
    assert visits == {("SRB", "USA"), ("XKX", "USA")}


def test_a_date_opening_the_clause_dates_the_verb_though_the_parser_joins_it_to_the_name() -> None:
    # The parser reads "In early March Norway" and "On Thursday Chile's" as parts of the names.
    text = (
        "In early March Norway had already recalled its ambassador from Nicaragua. "
        "On Thursday Chile's transport authority suspended all flights to Bolivia."
    )
    facts = {(t, a, g): d for t, a, g, d, _ in _facts(text, "2022-06-10")}
    assert facts[("RelationsDowngraded", "NOR", "NIC")] == date(2022, 3, 1)
    assert facts[("SanctionsImposed", "CHL", "BOL")] == date(2022, 6, 9)


def test_what_a_background_paragraph_goes_on_to_tell_happened_when_it_began() -> None:
    text = (
        "Sweden and Nigeria restored full diplomatic relations on Monday.\n\n"
        "The dispute began in October 2019 over a critical report by the Swedish embassy. "
        "The Swedish ambassador was expelled, and the Nigerian envoy in Stockholm was recalled.\n\n"
        "The Swedish foreign minister said on Monday that the new envoy would arrive soon."
    )
    facts = {(t, a, g): d for t, a, g, d, _ in _facts(text, "2023-02-14")}
    assert facts[("DiplomatExpelled", "NGA", "SWE")] == date(2019, 10, 1)
    assert facts[("RelationsDowngraded", "NGA", "SWE")] == date(2019, 10, 1)


def test_a_paragraph_of_the_story_after_the_background_is_dated_by_the_story() -> None:
    text = (
        "The two countries first fell out in 2017. The Qatari envoy was expelled that summer.\n\n"
        "Saudi Arabia's foreign minister met his Qatari counterpart in Riyadh on Tuesday."
    )
    facts = {(t, a, g): d for t, a, g, d, _ in _facts(text, "2023-05-18")}
    meeting = next(d for (t, _, _), d in facts.items() if t == "MeetingHeld")
    assert meeting == date(2023, 5, 16)


def test_aid_and_supplies_cut_off_are_sanctions() -> None:
    text = (
        "Germany suspended its development aid to Guatemala on Monday. "
        "Kazakhstan cut off gas exports to Kyrgyzstan on Tuesday."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2024-02-08")}
    assert {("SanctionsImposed", "DEU", "GTM"), ("SanctionsImposed", "KAZ", "KGZ")} <= facts


def test_relations_suspended_as_a_noun_and_a_treaty_revoked_are_downgrades() -> None:
    text = (
        "Peru announced the suspension of diplomatic relations with Honduras on Friday. "
        "Mali revoked its defence accords with Sweden on Saturday."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2024-03-04")}
    assert {("RelationsDowngraded", "PER", "HND"), ("RelationsDowngraded", "MLI", "SWE")} <= facts


def test_ties_cut_with_one_country_in_solidarity_with_another_are_cut_with_the_first() -> None:
    text = "Bolivia said on Sunday that it was cutting ties with Israel in solidarity with Palestine."
    downgrades = {(a, g) for t, a, g, _, _ in _facts(text, "2023-11-06") if t == "RelationsDowngraded"}
    assert downgrades == {("BOL", "ISR")}


def test_an_attack_on_a_countrys_embassy_abroad_is_an_attack_on_that_country() -> None:
    text = "Two guards were wounded in an attack on Turkey's embassy in Kabul on Monday."
    attacks = {g for t, _, g, _, _ in _facts(text, "2024-05-08") if t == "AttackOccurred"}
    assert attacks == {"TUR"}


def test_a_guest_received_in_the_hosts_country_travelled_there() -> None:
    text = (
        "The Kenyan president was received in Addis Ababa by Prime Minister Abiy Ahmed on Monday. "
        "Abiy later received Egypt's foreign minister at his office in Cairo's embassy district."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2024-02-14")}
    assert ("VisitMade", "KEN", "ETH") in facts
    assert ("VisitMade", "EGY", "ETH") not in facts  # received somewhere that is not his country


def test_a_delegation_from_two_countries_is_both_of_them() -> None:
    text = "A delegation from Ghana and Togo was in Abidjan on Tuesday for talks on the border."
    visits = {(a, g) for t, a, g, _, _ in _facts(text, "2024-10-10") if t == "VisitMade"}
    assert visits == {("GHA", "CIV"), ("TGO", "CIV")}


def test_an_envoy_called_home_beside_a_rupture_is_called_home_from_the_same_country() -> None:
    text = (
        "Belize has suspended diplomatic relations with Israel over the war, while Honduras and "
        "Chile each called their ambassador home for consultations."
    )
    downgrades = {(a, g) for t, a, g, _, _ in _facts(text, "2023-11-15") if t == "RelationsDowngraded"}
    assert downgrades == {("BLZ", "ISR"), ("HND", "ISR"), ("CHL", "ISR")}


def test_the_following_day_counts_from_the_last_day_named_though_sentences_came_between() -> None:
    text = (
        "Chad on Thursday expelled Sudan's ambassador.\n\n"
        "The quarrel goes back to January 1, when Sudan signed a pact with a rebel group. "
        "Chad says the pact broke an earlier pledge.\n\n"
        "N'Djamena recalled its ambassador from Khartoum the following day."
    )
    recalls = [f for f in _facts(text, "2024-04-05") if f[0] == "RelationsDowngraded"]
    assert [(a, t, d) for _, a, t, d, _ in recalls] == [("TCD", "SDN", date(2024, 1, 2))]


def test_the_following_month_and_at_the_time_count_from_the_month_told_before() -> None:
    text = (
        "Algeria suspended a treaty with Spain on Wednesday. Algeria cut diplomatic relations with "
        "Morocco in August 2021 and closed its airspace to Moroccan planes the following month. "
        "Morocco said at the time that it regretted the decision."
    )
    facts = {(t, a, g): d for t, a, g, d, _ in _facts(text, "2022-06-09")}
    assert facts[("SanctionsImposed", "DZA", "MAR")] == date(2021, 9, 1)
    assert facts[("CriticismVoiced", "MAR", "DZA")] == date(2021, 8, 1)


def test_a_meeting_told_by_a_when_clause_takes_that_clause_s_date() -> None:
    text = (
        "Scholz spoke to Putin by phone on Friday. The two leaders last met in person when Scholz "
        "visited Moscow in February 2022."
    )
    meetings = [d for t, _, _, d, _ in _facts(text, "2024-11-16") if t == "MeetingHeld"]
    assert meetings and set(meetings) == {date(2022, 2, 1)}


def test_a_day_named_without_a_happening_moves_the_story_on() -> None:
    text = (
        "Peru recalled its ambassador from Israel on Tuesday. On Wednesday, Jordan joined them. "
        "Its foreign minister said Amman was recalling its ambassador from Israel at once."
    )
    recalls = {a: d for t, a, _, d, _ in _facts(text, "2023-11-01") if t == "RelationsDowngraded"}
    assert recalls == {"PER": date(2023, 10, 31), "JOR": date(2023, 11, 1)}


def test_the_following_day_after_a_month_told_without_a_day_is_a_day_of_that_month() -> None:
    text = (
        "Kenya summoned Somalia's envoy on Tuesday.\n\n"
        "The row began in February, when Somalia auctioned oil blocks in waters Kenya claims. "
        "Kenya recalled its ambassador from Mogadishu the following day."
    )
    recalls = [
        (e.occurred_on, e.date_precision) for e in code(text, "2024-06-05") if e.type == "RelationsDowngraded"
    ]
    assert recalls == [(date(2024, 2, 1), "month")]


def test_a_deed_called_a_war_crime_or_said_to_amount_to_surrender_is_criticism_of_its_doer() -> None:
    text = (
        "Petro said on Monday that the shelling of schools by Israel was a war crime. "
        "Spain's foreign ministry said on Monday that Nicaragua's decision amounted to a betrayal."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2024-05-14") if t == "CriticismVoiced"}
    assert facts == {("CriticismVoiced", "COL", "ISR"), ("CriticismVoiced", "ESP", "NIC")}


def test_the_victims_named_in_a_deed_called_a_crime_are_not_its_target() -> None:
    text = "Lula said on Monday that the starving of Palestinian children was a war crime."
    assert [f for f in _facts(text, "2024-05-14") if f[0] == "CriticismVoiced" and f[2] == "PSE"] == []


def test_accused_at_the_time_of_doing_is_dated_at_the_time_told_before() -> None:
    text = (
        "Caracas severed ties with Bogota on February 23, 2019. "
        "Maduro accused Colombia at the time of plotting against his government."
    )
    facts = [(a, g, d) for t, a, g, d, _ in _facts(text, "2022-09-27") if t == "CriticismVoiced"]
    assert facts == [("VEN", "COL", date(2019, 2, 23))]


def test_a_guest_received_by_the_host_in_his_capital_visited_though_the_place_hangs_on_the_host() -> None:
    facts = _facts("Petro was received by Lula in Brasilia on July 11.", "2023-07-20")
    assert ("VisitMade", "COL", "BRA", date(2023, 7, 11), "reported") in facts


def test_a_decision_met_with_regret_is_criticism_not_a_meeting() -> None:
    text = "Beijing expelled Vilnius's envoy on Sunday. The decision was met with dismay in Vilnius."
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2021-11-22")}
    assert ("CriticismVoiced", "LTU", "CHN") in facts
    assert not any(t == "MeetingHeld" for t, _, _ in facts)


def test_a_charge_rejected_the_next_day_as_groundless_is_criticism() -> None:
    text = (
        "Canada accused India of interference on Monday. "
        "The Indian embassy rejected it the following day as absurd and irresponsible."
    )
    facts = [(a, g, d) for t, a, g, d, _ in _facts(text, "2023-09-21") if t == "CriticismVoiced"]
    assert ("IND", "CAN", date(2023, 9, 19)) in facts


def test_what_came_a_week_after_a_signing_dates_the_signing_a_week_before() -> None:
    text = (
        "Macri met May in New York on Tuesday. The meeting came a week after the signing of a trade "
        "accord by Argentina and Britain."
    )
    signed = {d for t, _, _, d, _ in _facts(text, "2016-09-21") if t == "AgreementSigned"}
    assert signed == {date(2016, 9, 13)}


def test_a_day_after_told_in_a_month_s_sentence_is_of_that_month() -> None:
    text = (
        "Somalia cut ties with Kenya in December, a day after President Uhuru Kenyatta met "
        "Ethiopia's prime minister in Nairobi."
    )
    meetings = {
        (d, p)
        for e in code(text, "2021-05-06")
        if e.type == "MeetingHeld"
        for d, p in [(e.occurred_on, e.date_precision)]
    }
    assert meetings == {(date(2020, 12, 1), "month")}


def test_complaints_lodged_against_a_country_are_criticism_of_it() -> None:
    facts = _facts(
        "On Monday Kyiv lodged complaints against Hungary at the World Trade Organization.", "2023-09-21"
    )
    assert ("CriticismVoiced", "UKR", "HUN", date(2023, 9, 18), "reported") in facts


def test_a_leader_s_call_to_another_that_lasted_an_hour_was_a_phone_call() -> None:
    facts = _facts("Macron's first call to Putin, on Monday, lasted about an hour.", "2022-02-23")
    assert ("PhoneCallHeld", "FRA", "RUS", date(2022, 2, 21), "reported") in facts


def test_export_controls_tightened_on_a_country_are_sanctions_and_their_lifting_is_not() -> None:
    facts = _facts("Beijing tightened controls on exports to Japan of rare earths in May 2010.", "2023-05-08")
    assert ("SanctionsImposed", "CHN", "JPN", date(2010, 5, 1), "reported") in facts
    lifted = "Beijing announced on Monday the lifting of restrictions on imports from Australia."
    assert [f for f in _facts(lifted, "2023-05-08") if f[0] == "SanctionsImposed"] == []


def test_fighter_jets_handed_over_to_a_country_are_aid() -> None:
    facts = _facts("Slovakia handed over fighter jets to Ukraine on Friday.", "2023-03-20")
    assert ("AidProvided", "SVK", "UKR", date(2023, 3, 17), "reported") in facts


def test_being_told_to_bear_the_consequences_is_a_threat() -> None:
    text = "Beijing said on Sunday that the Philippine side shall bear all the consequences."
    facts = [(t, a, g) for t, a, g, _, _ in _facts(text, "2024-06-18")]
    assert ("ThreatIssued", "CHN", "PHL") in facts


def test_the_three_named_as_actors_before_are_the_targets_of_the_three() -> None:
    text = (
        "Austria, Italy and Greece closed their ports to Turkish ships on Friday. "
        "On Monday Ankara lodged complaints against the three at the World Trade Organization."
    )
    complaints = {g for t, a, g, _, _ in _facts(text, "2023-09-21") if t == "CriticismVoiced" and a == "TUR"}
    assert complaints == {"AUT", "ITA", "GRC"}


def test_a_speaker_who_says_another_country_s_act_was_unlawful_criticises_that_country() -> None:
    text = (
        "Norway's foreign ministry said on Tuesday that Denmark's decision to shut the crossing was "
        "unlawful. The Kenyan ministry said Uganda's refusal to hand over the suspects was a serious blow."
    )
    facts = {(t, a, g) for t, a, g, _, _ in _facts(text, "2024-06-12") if t == "CriticismVoiced"}
    assert facts == {("CriticismVoiced", "NOR", "DNK"), ("CriticismVoiced", "KEN", "UGA")}


def test_a_writer_s_own_word_that_an_act_was_unlawful_is_no_one_s_criticism() -> None:
    text = "Denmark's decision to shut the crossing was unlawful under the treaty of 1952."
    assert [f for f in _facts(text, "2024-06-12") if f[0] == "CriticismVoiced"] == []


def test_a_year_after_a_possessive_dates_the_visit_it_qualifies() -> None:
    visits = [
        f
        for f in _facts("Ireland's 1998 visit to Argentina opened a new era.", "2023-09-20")
        if f[0] == "VisitMade"
    ]
    assert [(a, t, d) for _, a, t, d, _ in visits] == [("IRL", "ARG", date(1998, 1, 1))]


def test_a_month_that_saw_something_happen_dates_it() -> None:
    facts = _facts("Last month saw Peru and Chile sign a border accord.", "2023-09-20")
    assert {d for t, _, _, d, _ in facts if t == "AgreementSigned"} == {date(2023, 8, 1)}


def test_the_first_to_do_something_did_it_when_they_became_the_first() -> None:
    aid = _facts("Latvia in April became the first country to hand over tanks to Ukraine.", "2023-09-20")
    assert [(t, a, g, d) for t, a, g, d, _ in aid] == [("AidProvided", "LVA", "UKR", date(2023, 4, 1))]
    visit = _facts("The last Japanese leader to visit Peru was Shinzo Abe, in 2016.", "2023-09-20")
    assert [(t, a, g, d) for t, a, g, d, _ in visit] == [("VisitMade", "JPN", "PER", date(2016, 1, 1))]


def test_two_countries_agreeing_to_set_something_up_together_want_to_cooperate() -> None:
    facts = _facts("Zambia and Malawi agreed to look for ways to ease cross-border trade.", "2024-10-22")
    pairs = {(a, g) for t, a, g, _, _ in facts if t == "CooperationIntentExpressed"}
    assert pairs == {("ZMB", "MWI"), ("MWI", "ZMB")}


def test_they_after_a_meeting_are_the_two_who_met_not_the_article_s_other_side() -> None:
    text = (
        "Indian Prime Minister Narendra Modi spoke with Chinese President Xi Jinping last week. "
        "China also sent aid to Nepal. Maldivian President Mohamed Muizzu met Modi in Dubai on "
        "October 1, when they agreed to set up a core group of officials."
    )
    pairs = {(a, g) for t, a, g, _, _ in _facts(text, "2024-10-22") if t == "CooperationIntentExpressed"}
    assert pairs == {("MDV", "IND"), ("IND", "MDV")}


def test_sanctions_imposed_by_one_country_on_another_are_its_sanctions() -> None:
    text = "The sanctions imposed by Canada on Venezuela in June hit the oil sector."
    facts = [(t, a, g, d) for t, a, g, d, _ in _facts(text, "2024-10-22")]
    assert facts == [("SanctionsImposed", "CAN", "VEN", date(2024, 6, 1))]


def test_calling_a_government_genocidal_is_criticism() -> None:
    text = "The Ecuadorian president called Nicaragua's government genocidal."
    assert [(t, a, g) for t, a, g, _, _ in _facts(text, "2024-10-22")] == [("CriticismVoiced", "ECU", "NIC")]
