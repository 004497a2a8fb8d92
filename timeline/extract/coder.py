"""One sentence -> coded statements: who did what to whom, when, with which modality.

The rules, in short:
- every trigger phrase (triggers.json) is one statement; a sentence without one is a
  StatementRecorded, spoken by its subject or, failing one, by the outlet;
- the actor is the clause's subject: the first actor named in the clause that no
  preposition governs, else the subject carried over from the previous sentence;
- the target is the first actor after the trigger from another country, else a place
  named after it, else whoever just acted on the actor ("Iran condemned the move"), else
  the country the article most often sets against the actor;
- a list of targets ("from A, B and C") gives one statement per target, a list of subjects
  one per subject; "each"/"both" or "A and B <verb>" give the reverse statement too;
- a date belongs to the verb it follows in its clause; a statement with no date of its own
  takes the date of the release it is reported from ("said on Saturday"), else the day of the
  happening it is told with (the story's day), else the article's date;
- modality: cues for the future or for negation between the subject and the trigger;
- attitudes (relations described, wishes to cooperate) with no speaker named are the
  writer's commentary, a StatementRecorded by the outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from timeline.domain.events import Party
from timeline.extract.actors import ActorFinder, ArticleContext, Mention
from timeline.extract.dates import DateMention, find_dates, resolve_relative
from timeline.extract.lexicon import Lexicon
from timeline.extract.triggers import Trigger, TriggerBook

# Types whose happening can be planned (future) rather than reported.
_ACTIONS = frozenset(
    {
        "MeetingHeld",
        "VisitMade",
        "PhoneCallHeld",
        "AgreementSigned",
        "AidProvided",
        "SanctionsImposed",
        "DiplomatExpelled",
        "RelationsDowngraded",
        "AttackOccurred",
        "InvitationExtended",
    }
)
# Statements of attitude: without a speaker named in the sentence they are the outlet's commentary.
_NEEDS_SPEAKER = frozenset({"RelationsCharacterized", "CooperationIntentExpressed"})
# Types that describe the pair rather than one side acting on the other.
_MUTUAL = frozenset({"CooperationIntentExpressed", "RelationsCharacterized", "AgreementSigned"})
_CLAUSE_BREAK = re.compile(
    r";|:\s+|,\s+and\s+(?=(?:the|he|she|it|they|his|her|its|their|all|both|each)\b)"
    r"|,\s+(?:while|whereas|but|and then)\b|,\s+(?=(?:saying|adding|calling|describing|noting|stressing)\b)"
    r"|,\s+(?=(?:said|says|told|added|announced)\b)|\s+while\s+|,\s+which\b|,\s+(?=who\b)|\s+after\s+|\s+before\s+|\s+when\s+"
    r"|\s+that\s+(?=(?:the|he|she|it|they|his|her|its|their|[A-Z]\w*)\b)"
)
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|,?\s+as well as)\s+(?:the\s+)?$|\s*,\s*$")
_RECIPROCAL = re.compile(r"\b(?:each|both|one another|each other)\b", re.I)
_OPENING_PREPOSITIONS = frozenset(
    {"during", "after", "at", "in", "on", "following", "amid", "with", "before"}
)
# How far back a dated happening still sets the day of the undated ones told after it.
_NARRATIVE_DAYS = 60
_CO_ACTOR = re.compile(r"\b(?:along with|together with|as did|joined by)\s+", re.I)
# Openers that carry the previous statement's day: "During that visit", "In that conversation".
_ANAPHORIC = re.compile(
    r"^\s*(?:during|in|at|on|after|throughout)\s+(?:that|the|this|those|these)\s+"
    r"(?:[\w-]+\s+){0,2}(?P<noun>visit|trip|talks|meeting|call|conversation|occasion|ceremony|summit|stay|exchange)\b",
    re.I,
)
_AT_INVITATION = re.compile(
    r"\b(?:at|on) (?:the )?(?:official |formal |personal )?invitation of\b|\bat [\w'’ -]+?['’]s invitation\b",
    re.I,
)
_RELATIVE_DATE = re.compile(r"(?:\s+\S+){0,4}?,\s+(?:which|that)\s+(?:\S+\s+){0,3}?(?:on|in)\s+", re.I)
_VERB_FIRST = re.compile(
    r"\s*(?:also\s+)?(?:\w+ing|said|says|told|added|announced|warned|noted|stressed|insisted|\w+ed)\b"
)
# "Prabowo's first visit": a possessive right before a visit noun names the visitor.
_VISIT_OWNER = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}")
_THANKED = re.compile(r"\bthank(?:ed|s|ing)?\s+$", re.I)
# "..., and Qatar's Emir did the same"
# An answer that names whose invitation it answers: "Washington's invitation", "the invitation from X".
_NAMED_INVITATION = re.compile(r"['’]s (?:[\w-]+ )?invitation|invitation (?:from|of)\b", re.I)
_SAME_AGAIN = re.compile(r"\b(?:did (?:the )?same|did likewise|followed suit|(?:did|said) so too)\b", re.I)
_ANAPHORIC_KINDS = {
    "MeetingHeld": ("talks", "meeting", "summit"),
    "VisitMade": ("visit", "trip", "stay"),
    "PhoneCallHeld": ("call", "conversation"),
}
_OCCASION = re.compile(
    r"^[^,;]*\bto (?:attend|visit|be|pay|join|take part|come|witness|travel)\b[^,;]*$", re.I
)
# Phrases that date a statement by the one reported just before it.
_SAME_DAY = re.compile(
    r"\b(?:(?:on )?the same day|that day|earlier (?:in|that) (?:the )?day|later (?:in|that) (?:the )?day"
    r"|hours (?:earlier|before|later)|shortly (?:before|after(?:wards)?)|also on that day)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Statement:
    """A coded statement, before it becomes a stored Event."""

    type: str
    actor: Party
    target: Party
    occurred_on: date
    date_precision: str
    date_basis: str
    modality: str
    start: int  # of the trigger, in the sentence
    end: int
    payload: dict[str, Any] = field(default_factory=dict)
    clause: int = 0  # where the trigger's clause starts in the sentence


class SentenceCoder:
    """Codes the sentences of one article in reading order, carrying context between them."""

    def __init__(self, lexicon: Lexicon, triggers: TriggerBook, context: ArticleContext) -> None:
        self.lexicon = lexicon
        self.triggers = triggers
        self.ctx = context
        self.actors = ActorFinder(lexicon, context)
        self.narrative: tuple[date, str] | None = None
        self.previous_day: date | None = None  # the last day named in the sentence before
        self._sentence = ""  # the sentence being coded, its actors and dates
        self._mentions: list[Mention] = []
        self._sector_cache: dict[tuple[str, int, int], list[str]] = {}
        self.previous: Statement | None = None  # the last coded statement, for "did the same"
        self.told: dict[str, tuple[date, str]] = {}  # the day of the last happening of each type

    def set_anchor(self, sentences: list[str]) -> None:
        """Date the lede by the release it reports, when the next lines name its day."""
        for sentence in sentences:
            reported = self._reporting_date(sentence, find_dates(sentence, self.ctx.published))
            if reported:
                self.ctx.anchor = reported[0]
                return

    def code(self, sentence: str) -> list[Statement]:
        self._sentence = sentence
        self._dates: list[DateMention] = []
        mentions = self.actors.mentions(sentence)
        self._mentions = mentions
        for m in mentions:
            if m.party.country:
                self.ctx.countries[m.party.country] += 1
        dates = [d for d in find_dates(sentence, self.ctx.published) if _dates_an_event(sentence, d)]
        dates = [self._anchored(d) for d in dates]
        self._dates = dates
        triggers = _without_references(
            sentence, _without_invitation_complements(sentence, self.triggers.find(sentence)), dates
        )
        owners = _assign_dates(sentence, dates, triggers)
        reported = self._reporting_date(sentence, dates)
        anaphora = _ANAPHORIC.match(sentence)
        if reported is None and anaphora:
            noun = anaphora.group("noun").lower()
            kind = next((k for k, nouns in _ANAPHORIC_KINDS.items() if noun in nouns), None)
            told = self.told.get(kind) if kind else None
            if told or self.narrative:
                day = told or self.narrative
                reported = (day[0], day[1], "anaphora")
        own_dates = [[d for d, o in owners if o == index] for index in range(len(triggers))]
        # The sentence's main date: that of its first dated verb that is not a nominal happening;
        # verbs without a date of their own share it ("asked X ... when they met on Monday").
        main = next(
            (
                own[0]
                for own, t in zip(own_dates, triggers, strict=True)
                if own
                and not t.nominal
                and own[0].value <= self.ctx.published
                and own[0].precision in ("day", "week", "month")
                and not self._dates_occasion(t, own[0])
            ),
            None,
        )
        statements: list[Statement] = []
        for trigger, own in zip(triggers, own_dates, strict=True):
            if not own and main is not None:
                own = [main]
            coded = self._code_trigger(sentence, trigger, mentions, own, reported)
            if trigger.type in ("InvitationAccepted", "InvitationDeclined"):
                coded = self._answer_invitations(sentence, trigger, coded, statements)
            elif trigger.type == "InvitationExtended" and re.search(
                r"\bthe invitation\b", trigger.text, re.I
            ):
                coded = [self._same_invitation(trigger, s) for s in coded]
            statements.extend(coded)
            listed = [s.target for s in coded if s.target.country]
            if len({p.country for p in listed}) >= 2:
                self.ctx.last_targets = listed
        self._note_invitations(sentence, mentions, statements)
        statements.extend(self._same_again(sentence, mentions, statements))
        if not statements:
            statements.append(self._plain_statement(sentence, mentions, dates, reported))
        coded = [s for s in statements if s.type != "StatementRecorded"]
        if coded:
            self.previous = coded[-1]
        self._remember(sentence, mentions, statements, dates)
        speakers = [m for m in mentions if m.kind == "person" and m.party.country]
        return [self._with_people(s, speakers) for s in _dedupe(statements)]

    def _with_people(self, statement: Statement, speakers: list[Mention]) -> Statement:
        """A country acting through no named person acts through one named with it: a person of that
        country in the statement's clause, else its leader named in the article, else anyone of it
        named in the sentence ("India's foreign ministry said it had invited ..." -> Modi's invitation).
        The payload says which names were inferred this way."""
        if statement.type == "StatementRecorded":
            return statement
        inferred: list[str] = []
        sides = {}
        for side in ("actor", "target"):
            party: Party = getattr(statement, side)
            if party.country and not party.name:
                named = [m for m in speakers if m.party.country == party.country]
                in_clause = [m.party for m in named if m.start >= statement.clause]
                leader = next(iter(in_clause), None) or self.ctx.focal(party.country)
                leader = leader or (named[0].party if named else None)
                if leader is not None:
                    sides[side] = leader
                    inferred.append(side)
        if not inferred:
            return statement
        payload = {**statement.payload, "inferred_persons": inferred}
        return replace(statement, payload=payload, **sides)

    def _same_again(self, sentence: str, mentions: list[Mention], told: list[Statement]) -> list[Statement]:
        """ "..., and Y did the same", "Z followed suit": the statement just told again, by another actor."""
        match = _SAME_AGAIN.search(sentence)
        before = [
            s for s in told if s.type != "StatementRecorded" and s.start < (match.start() if match else 0)
        ]
        template = before[-1] if before else self.previous
        if match is None or template is None:
            return []
        # The doer of "the same" is named after the last ", and" or ";" before the phrase.
        clause_start = max(
            sentence.rfind(", and ", 0, match.start()), sentence.rfind(";", 0, match.start()), 0
        )
        subjects = [
            m
            for m in mentions
            if clause_start <= m.start < match.start() and m.is_agent and m.prep is None and m.party.country
        ]
        if not subjects or subjects[0].party.country in (template.target.country, template.actor.country):
            return []
        return [replace(template, actor=subjects[0].party, start=match.start(), end=match.end())]

    def _answer_invitations(
        self, sentence: str, trigger: Trigger, coded: list[Statement], so_far: list[Statement]
    ) -> list[Statement]:
        """An answer goes to the invitation it answers: "all of whom will attend" (those just invited),
        "the invitation has been accepted" (the last one told), "X accepted it" (X's)."""
        if not coded and not self.ctx.invitations and not so_far:
            return coded
        template = coded[0] if coded else None
        if re.match(r"(?:all|both|each) of whom", trigger.text, re.I):
            invited = [s for s in so_far if s.type == "InvitationExtended"]
            pairs = [(s.actor, s.target) for s in invited]
        elif re.search(r"\bbeen (?:accepted|declined|turned down)", trigger.text, re.I) or template is None:
            told = self.ctx.invitations + [
                (s.actor, s.target) for s in so_far if s.type == "InvitationExtended"
            ]
            pairs = list(reversed(told))[:1]
            if pairs and re.search(r"\b(?:both|all|the two) invitations\b", sentence, re.I):
                invitee = pairs[0][1].country
                pairs = [p for p in self.ctx.invitations if p[1].country == invitee]
        else:
            mentioned = {
                m.party.country for m in self._mentions if m.start >= trigger.start and m.party.country
            }
            answered = []
            told = self.ctx.invitations + [
                (s.actor, s.target) for s in so_far if s.type == "InvitationExtended"
            ]
            for statement in coded:
                if statement.target.country in mentioned:
                    answered.append(statement)
                    if _NAMED_INVITATION.search(trigger.text) and not any(
                        p[0].country == statement.target.country and p[1].country == statement.actor.country
                        for p in told
                    ):
                        answered.append(self._implied_invitation(statement))
                    continue
                open_ = [p for p in told if p[1].country == statement.actor.country]
                target = open_[-1][0] if open_ else statement.target
                answered.append(replace(statement, target=target))
            return answered
        if not pairs:
            return coded
        when = (
            (template.occurred_on, template.date_precision, template.date_basis)
            if template
            else (self._when(trigger, [], None))
        )
        modality = template.modality if template else "reported"
        return [
            Statement(
                trigger.type,
                invitee,
                inviter,
                when[0],
                when[1],
                when[2],
                modality,
                trigger.start,
                trigger.end,
                {"trigger": trigger.text},
            )
            for inviter, invitee in pairs
            if invitee.country and inviter.country and invitee.country != inviter.country
        ]

    def _implied_invitation(self, answer: Statement) -> Statement:
        """ "X turned down Washington's invitation": the invitation itself, told only through its answer."""
        invitee, inviter = answer.actor, answer.target
        payload = {
            "trigger": answer.payload.get("trigger"),
            "implied": True,
            "invitee": invitee.to_dict(),
            "destination": inviter.country,
        }
        return replace(answer, type="InvitationExtended", actor=inviter, target=invitee, payload=payload)

    def _same_invitation(self, trigger: Trigger, statement: Statement) -> Statement:
        """ "X had extended the invitation": the one already told, unless the sentence names its guest."""
        named = {
            m.party.country
            for m in self._mentions
            if m.start >= trigger.end and m.party.country and m.kind in ("person", "role", "country")
        }
        if statement.target.country in named:
            return statement
        for inviter, invitee in reversed(self.ctx.invitations):
            if inviter.country == statement.actor.country:
                payload = {**statement.payload, "invitee": invitee.to_dict()}
                return replace(statement, target=invitee, payload=payload)
        return statement

    def _note_invitations(self, sentence: str, mentions: list[Mention], statements: list[Statement]) -> None:
        """Remember who invited whom, for the answers told later ("at the invitation of X" too)."""
        for statement in statements:
            if statement.type == "InvitationExtended" and statement.modality != "negated":
                self.ctx.invitations.append((statement.actor, statement.target))
        for match in _AT_INVITATION.finditer(sentence):
            inviter = [
                m for m in mentions if match.start() <= m.start <= match.end() + 40 and m.party.country
            ]
            invitee = [m for m in mentions if m.end <= match.start() and m.is_agent and m.party.country]
            guest = invitee[0].party if invitee else self.ctx.last_subject
            if inviter and guest and inviter[0].party.country != guest.country:
                self.ctx.invitations.append((inviter[0].party, guest))

    def _anchored(self, mention: DateMention) -> DateMention:
        """ "A day earlier", "hours before": counted from the statement told just before."""
        anchor = self.previous_day or (self.narrative[0] if self.narrative else None)
        if not mention.needs_anchor or anchor is None:
            return mention
        value = resolve_relative(mention.text, anchor)
        return replace(mention, value=value, basis="relative", needs_anchor=False) if value else mention

    # -- one trigger ------------------------------------------------------------------

    def _code_trigger(
        self,
        sentence: str,
        trigger: Trigger,
        mentions: list[Mention],
        own_dates: list[DateMention],
        reported: tuple[date, str, str] | None,
    ) -> list[Statement]:
        clause_start, clause_end = _clause(sentence, trigger.start, trigger.end)
        cue = _CO_ACTOR.search(sentence, trigger.end, clause_end)
        target_end = cue.start() if cue else clause_end
        actor, target_list, reverse = self._parties(sentence, trigger, mentions, clause_start, target_end)
        modality = self._modality(sentence, trigger, actor, clause_start)
        when = self._when(trigger, own_dates, reported, modality)
        kind = trigger.type
        if kind in ("RelationsCharacterized", "CooperationIntentExpressed") and actor is None:
            both = _sentence_pair(mentions) or self.ctx.dyad()
            if both and any(m.kind == "both" and m.prep is None and not m.possessive for m in mentions):
                actor, target_list, reverse = both[0], [both[1]], True
        actor_country = actor.country if actor else None
        if not actor_country and not trigger.nominal:
            return []
        payload: dict[str, Any] = {"trigger": trigger.text}
        sectors = self._sectors(sentence, clause_start, clause_end)
        if sectors and kind in (
            "CooperationIntentExpressed",
            "AgreementSigned",
            "AidProvided",
            "MeetingHeld",
        ):
            payload["sectors"] = sectors
        if kind == "RelationsCharacterized":
            payload["tone"] = trigger.tone or self.triggers.tone_of(sentence[clause_start:clause_end])

        def statement(who: Party, whom: Party, extra: dict[str, Any]) -> Statement:
            return Statement(
                kind,
                who,
                whom,
                when[0],
                when[1],
                when[2],
                modality,
                trigger.start,
                trigger.end,
                extra,
                clause_start,
            )

        out: list[Statement] = []
        for partner in self._partners(sentence, trigger, mentions, clause_start, actor, cue):
            out.extend(
                statement(partner, t, dict(payload)) for t in target_list if t.country != partner.country
            )
        for target in target_list or [Party()]:
            if (
                kind != "AttackOccurred"
                and target.country
                and target.country == actor_country
                and target.name is None
            ):
                continue
            extra = dict(payload)
            if kind == "InvitationExtended":
                extra["invitee"] = target.to_dict()
                extra["destination"] = self._destination(sentence, trigger, clause_end) or actor_country
            out.append(statement(actor or Party(), target, extra))
            if reverse and target.country and kind in _MUTUAL | {"DiplomatExpelled", "RelationsDowngraded"}:
                out.append(statement(target, actor or Party(), dict(payload)))
        return out

    def _parties(
        self,
        sentence: str,
        trigger: Trigger,
        mentions: list[Mention],
        clause_start: int,
        clause_end: int,
    ) -> tuple[Party | None, list[Party], bool]:
        before = [m for m in mentions if clause_start <= m.start and m.end <= trigger.start]
        after = [m for m in mentions if trigger.start < m.start and m.end <= clause_end]
        reverse = False
        actor: Mention | None = None
        if trigger.nominal:
            # "the attack in Moscow": the perpetrator is rarely named; the place is the target.
            by = [m for m in after if m.prep == "by" and m.is_agent]
            actor = by[0] if by else None
            places = [m for m in after[:3] if m.party.country]
            if not places:
                # "X, a Canadian citizen, was shot dead": the nearest country named before it.
                places = [m for m in before if m.party.country][-1:]
            target = [places[0].party] if places else []
            return (actor.party if actor else None), target, False
        between = re.match(r"\s*(?:between|among)\b", sentence[trigger.end : trigger.end + 12]) or re.search(
            r"\bbetween\s*$", trigger.text
        )
        subjects = [m for m in before if m.is_agent and m.prep is None and not m.possessive]
        if _VERB_FIRST.match(sentence[clause_start:]) and clause_start > 0:
            # "..., after summoning Wheeler", "..., said Ottawa had failed": a clause opening on its
            # verb shares the main clause's subject.
            main = [
                m
                for m in mentions
                if m.end <= clause_start and m.is_agent and m.prep is None and not m.possessive
            ]
            if main:
                subjects = [main[0]]
        if re.match(r"\s*who\b", sentence[clause_start:]):
            antecedent = [m for m in mentions if m.end <= clause_start and m.kind in ("person", "role")]
            if antecedent:
                subjects = [antecedent[-1]]
        possessors = [m for m in before if m.possessive and m.is_agent]
        pair = [m for m in after if m.is_agent]
        if between and len(pair) >= 2 and pair[0].kind != "both" and pair[1].kind != "both":
            if trigger.type == "RelationsCharacterized" and not subjects:
                return None, [], False  # the writer's own description of the pair: commentary
            return pair[0].party, [pair[1].party], False
        opener = _participial_subject(sentence, trigger, mentions)
        if opener is not None:
            subjects = [opener]
        thanked = [
            m
            for m in before
            if m.is_agent
            and _THANKED.search(sentence[max(0, m.start - 12) : m.start])
            and re.fullmatch(r"\s+for\s+", sentence[m.end : trigger.start])
        ]
        if thanked and subjects:
            # "A thanked B for standing by A": B is the one who acted.
            return thanked[0].party, [subjects[0].party], False
        if trigger.type == "VisitMade":
            # "during Prabowo's first visit to Malaysia": the one whose visit it is made it.
            owners = [
                m
                for m in before
                if m.kind in ("person", "role", "country", "pronoun")
                and _VISIT_OWNER.fullmatch(sentence[m.end : trigger.start])
            ]
            if owners:
                subjects = owners[-1:]
        if trigger.voice == "invitee" and subjects:
            # "Japan's Prime Minister has been invited to attend the summit in Jakarta": the subject
            # is the guest; the host is whoever invites "by", else the place named, else the
            # main clause's subject ("the ministry said that X had been invited").
            guest = subjects[0]
            hosts = [
                m
                for m in after
                if m.party.country
                and m.party.country != guest.party.country
                and (m.prep in ("by", "in", "to") or m.kind == "place")
            ]
            main = [
                m
                for m in mentions
                if m.end <= clause_start
                and m.prep is None
                and m.party.country
                and m.party.country != guest.party.country
            ]
            host = (hosts or main or [None])[0]
            if host is not None:
                return host.party, [guest.party], False
        if trigger.voice == "inner":
            # "the two agreed that the Chinese leader would come": the one inside the clause answers.
            inside = [
                m for m in mentions if trigger.start <= m.start and m.end <= trigger.end and m.party.country
            ]
            if inside:
                return inside[0].party, [], False
        if trigger.voice == "object":
            # "the summit that brought Biden to New Delhi": the one brought is the visitor.
            inside = [m for m in mentions if trigger.start <= m.start and m.end <= trigger.end and m.is_agent]
            places = [
                m for m in mentions if m.start >= trigger.end and m.end <= clause_end and m.party.country
            ]
            if inside and places and places[0].party.country != inside[0].party.country:
                return inside[0].party, [places[0].party], False
            return None, [], False
        if trigger.voice == "passive":
            # "received an invitation from X", "was invited by X": X acts on the subject.
            agents = [m for m in after if m.prep in ("by", "from") and m.is_agent and m.party.country]
            subject = (
                subjects[0]
                if subjects
                else (Mention(0, 0, "", self.ctx.last_subject, "context") if self.ctx.last_subject else None)
            )
            if agents and subject is not None:
                return agents[0].party, [subject.party], False
        if not subjects and clause_start > 0 and not possessors:
            # "Caracas announced that it was withdrawing ...": the main clause's subject.
            subjects = [
                m
                for m in mentions
                if m.end <= clause_start
                and m.is_agent
                and m.prep is None
                and not m.possessive
                and m.kind != "both"
            ][:1]
        late = [
            m
            for m in subjects
            if re.search(r",\s+and\s+$", sentence[max(0, m.start - 8) : m.start])
            and not re.search(r"[,;]", sentence[m.end : trigger.start])
        ]
        if late:
            subjects = late  # "..., and Scholz accepted the invitation"
        if subjects:
            actor = subjects[0]
        elif possessors and not (possessors[-1].kind == "both" and trigger.type in _NEEDS_SPEAKER):
            actor = possessors[-1]  # ("both nations' desire to ...", with no one speaking, is commentary)
        else:
            passive = [m for m in after if m.prep == "by" and m.is_agent]
            if passive:
                actor = passive[0]
            elif self.ctx.last_subject is not None and trigger.type not in _NEEDS_SPEAKER:
                # (a description of relations or of intent with no one named is the writer's own)
                actor = Mention(0, 0, "", self.ctx.last_subject, "context")
            else:
                agents = [m for m in after if m.is_agent and m.prep is None]
                actor = agents[0] if agents else None
        if actor is None:
            return None, [], False
        if actor.kind == "both":
            both = _sentence_pair(mentions) or self.ctx.dyad()
            if not both:
                return None, [], False
            if trigger.type == "RelationsCharacterized":
                # "X told the gathering that the two countries were great friends": X speaks;
                # with no one speaking, it is the writer's description (commentary).
                speaker = next(
                    (
                        m
                        for m in mentions
                        if m.end <= actor.start
                        and m.prep is None
                        and m.kind in ("person", "role", "pronoun", "organisation")
                    ),
                    None,
                )
                if speaker is None or not self.triggers.reporting.search(sentence[speaker.end : actor.start]):
                    return None, [], False
                other = both[1] if both[0].country == speaker.party.country else both[0]
                return speaker.party, [other], False
            return both[0], [both[1]], True
        actor_country = actor.party.country
        # "A and B signed": the coordinated partner is the target, both ways.
        coordinated = [
            m
            for m in before
            if m.start > actor.end
            and m.is_agent
            and re.fullmatch(r"\s+and\s+", sentence[actor.end : m.start])
            and m.party.country
            and m.party.country != actor.party.country
        ]
        targets: list[Mention] = []
        if coordinated:
            targets = coordinated[:1]
            reverse = True
        else:
            own_by = trigger.text.lower().endswith(" by")
            candidates = [
                m
                for m in after
                if m is not actor
                and m.kind != "both"
                and m.party.country
                and m.party.country != actor_country
                and (m.prep != "by" or own_by)
            ]
            agents = [m for m in candidates if m.is_agent]
            first = agents[0] if agents else (candidates[0] if candidates else None)
            if candidates and candidates[0] is not first:
                # "from Austria, Slovakia and Croatia": a place opening a list of countries leads it.
                listed = _list_from(sentence, candidates[0], candidates)
                if any(m.is_agent for m in listed):
                    first = candidates[0]
            if trigger.type == "VisitMade":
                places = [m for m in candidates if m.kind in ("place", "country")]
                first = places[0] if places else None
            group = next((m for m in after if m.kind == "group"), None)
            if group is not None and (first is None or group.start < first.start) and self.ctx.last_targets:
                group_targets = [p for p in self.ctx.last_targets if p.country != actor_country]
                return actor.party, group_targets, reverse
            if first is not None:
                targets = _list_from(sentence, first, candidates)
            else:
                # "A called B a cherished friend": the object between the subject and the trigger.
                listed = _list_from(sentence, actor, [m for m in before if m.start > actor.start])
                objects = [
                    m
                    for m in before
                    if m is not actor
                    and m not in listed
                    and m.party.country
                    and m.party.country != actor_country
                    and (
                        m.prep
                        or (m.start > actor.end and not _LIST_GAP.fullmatch(sentence[actor.end : m.start]))
                    )
                ]
                if objects:
                    targets = [objects[-1]]
        near = max(clause_start, trigger.start - 80)
        if _RECIPROCAL.search(sentence[near : trigger.start]) and trigger.type in _MUTUAL | {
            "DiplomatExpelled",
            "RelationsDowngraded",
        }:
            reverse = True
        target_parties = [m.party for m in targets]
        if not target_parties and actor_country:
            if trigger.type == "VisitMade":
                # A visit with no place named happens where the article was filed from.
                host = self.ctx.dateline_country
                if host and host != actor_country:
                    target_parties = [Party(country=host)]
            else:
                other = self._answered(actor_country) or self.ctx.counterpart(actor_country)
                if other:
                    target_parties = [Party(country=other)]
        return actor.party, target_parties, reverse

    def _sectors(self, sentence: str, start: int, end: int) -> list[str]:
        """The sectors a clause names (looked up once per clause, however many triggers it holds)."""
        key = (sentence, start, end)
        if key not in self._sector_cache:
            self._sector_cache = {key: self.lexicon.sectors_in(sentence[start:end])} | (
                self._sector_cache if len(self._sector_cache) < 32 else {}
            )
        return self._sector_cache[key]

    def _answered(self, country: str | None) -> str | None:
        """A reply goes to whoever just acted on the replier: "Iran condemned the move" after US sanctions."""
        previous = self.previous
        if previous and previous.target.country == country and previous.actor.country not in (None, country):
            return previous.actor.country
        return None

    def _partners(
        self,
        sentence: str,
        trigger: Trigger,
        mentions: list[Mention],
        clause_start: int,
        actor: Party | None,
        cue: re.Match[str] | None,
    ) -> list[Party]:
        """Others who did the same: listed subjects ("A, B and C were there"), "..., along with A and B"."""
        if actor is None:
            return []
        people = [m for m in mentions if m.kind in ("person", "role", "country") and m.party.country]
        chosen: list[Mention] = []
        subjects = [
            m for m in people if clause_start <= m.start and m.end <= trigger.start and m.party == actor
        ]
        if subjects and subjects[0].prep is None:
            listed = [m for m in people if m.start > subjects[0].start and m.end <= trigger.start]
            chosen += _list_from(sentence, subjects[0], listed)[1:]
        if cue is not None:
            listed = [m for m in people if m.start >= cue.end()]
            if listed and listed[0].start - cue.end() <= 4:
                chosen += _list_from(sentence, listed[0], listed)
        return [m.party for m in chosen if m.party.country != actor.country]

    def _destination(self, sentence: str, trigger: Trigger, clause_end: int) -> str | None:
        """Where an invitee is asked to go: the place named after 'visit'/'to' in the invitation."""
        for mention in self._mentions:
            if not (trigger.start <= mention.start < clause_end) or mention.kind not in ("country", "place"):
                continue
            prefix = sentence[max(trigger.start, mention.start - 12) : mention.start].split()
            if prefix and prefix[-1].lower() in ("visit", "to", "in", "pay"):
                return mention.party.country
        return None

    def _when(
        self,
        trigger: Trigger,
        own: list[DateMention],
        reported: tuple[date, str, str] | None,
        modality: str = "reported",
    ) -> tuple[date, str, str]:
        if modality != "planned":
            # What is reported as done cannot have happened after the paper went out.
            own = [d for d in own if d.value <= self.ctx.published]
        own = [d for d in own if not self._dates_occasion(trigger, d)]
        if not own and modality == "planned":
            # "will travel to Cairo next week for talks": the talks share the trip's future day.
            own = [d for d in self._dates if d.value > self.ctx.published]
        if own:
            # An explicit day beats "a day after the talks", which dates the talks, not this verb.
            best = min(
                own,
                key=lambda d: (d.basis == "relative", d.start < trigger.start, abs(d.start - trigger.end)),
            )
            return best.value, best.precision, best.basis
        if reported:
            return reported
        if self.narrative and trigger.type in _ACTIONS:
            return self.narrative[0], self.narrative[1], "narrative"
        if self.ctx.anchor:
            return self.ctx.anchor, "day", "reported-statement"
        if self.narrative:
            # An undated happening told in the same paragraph as a dated one shares its day.
            return self.narrative[0], self.narrative[1], "narrative"
        return self.ctx.published, "day", "article"

    def _dates_occasion(self, trigger: Trigger, mention: DateMention) -> bool:
        """ "invited X to attend the summit in November": a date after an invitation dates the occasion."""
        return (
            trigger.type.startswith("Invitation")
            and mention.start > trigger.start
            and bool(_OCCASION.search(self._sentence[trigger.end : mention.start]))
        )

    def _modality(self, sentence: str, trigger: Trigger, actor: Party | None, clause_start: int) -> str:
        if trigger.modality:
            return trigger.modality
        window = sentence[max(clause_start, trigger.start - 60) : trigger.start]
        # Only the words after the last comma-free stretch belong to this verb phrase.
        window = re.split(r"[,;:]", window)[-1]
        if self.triggers.negated.search(window) and not re.search(r"\bnot only\b", window, re.I):
            return "negated"
        if trigger.type in _ACTIONS and self.triggers.planned.search(window):
            return "planned"
        return "reported"

    # -- no trigger -------------------------------------------------------------------

    def _plain_statement(
        self,
        sentence: str,
        mentions: list[Mention],
        dates: list[DateMention],
        reported: tuple[date, str, str] | None,
    ) -> Statement:
        subjects = [m for m in mentions if m.is_agent and m.prep is None and m.kind not in ("both",)]
        targets = [m for m in mentions if m.party.country]
        if subjects and subjects[0].kind in ("person", "role", "organisation", "pronoun", "country"):
            actor = subjects[0].party
            others = [m.party for m in targets if m.party.country != actor.country]
            target = others[0] if others else Party(country=self.ctx.counterpart(actor.country))
            past = [d for d in dates if d.value <= self.ctx.published]
            when = (
                (past[0].value, past[0].precision, past[0].basis)
                if past
                else self._when(Trigger("StatementRecorded", 0, 0, ""), [], reported)
            )
        else:
            # The outlet's own commentary: it speaks on the day it publishes.
            actor = Party(name=self.ctx.outlet, role="outlet") if self.ctx.outlet else Party(role="outlet")
            target = targets[0].party if targets else Party()
            when = (self.ctx.published, "day", "article")
        return Statement("StatementRecorded", actor, target, when[0], when[1], when[2], "reported", 0, 0, {})

    # -- context ----------------------------------------------------------------------

    def _reporting_date(self, sentence: str, dates: list[DateMention]) -> tuple[date, str, str] | None:
        """The date of the statement this sentence reports ("said on Saturday", "a statement on Sunday")."""
        for mention in dates:
            if mention.needs_anchor:  # "earlier in the day" with nothing to count from
                continue
            lead = sentence[max(0, mention.start - 80) : mention.start]
            if (
                self.triggers.reporting.search(lead)
                and mention.precision == "day"
                and (mention.value <= self.ctx.published)
            ):
                return mention.value, mention.precision, "reported-statement"
        if _SAME_DAY.search(sentence) and self.narrative:
            return self.narrative[0], self.narrative[1], "relative"
        return None

    def _remember(
        self, sentence: str, mentions: list[Mention], statements: list[Statement], dates: list[DateMention]
    ) -> None:
        past = [d for d in dates if d.value <= self.ctx.published and d.precision == "day"]
        self.previous_day = past[-1].value if past else None
        for statement in statements:
            if statement.date_basis not in ("article", "reported-statement", "narrative") and (
                statement.modality == "reported"
                and statement.type not in ("AttackOccurred", "StatementRecorded")
                and statement.occurred_on <= self.ctx.published
                and (self.ctx.published - statement.occurred_on).days <= _NARRATIVE_DAYS
            ):
                self.narrative = (statement.occurred_on, statement.date_precision)
                self.told[statement.type] = self.narrative
        for statement in statements:
            if statement.actor.country and statement.actor.role != "outlet":
                self.ctx.last_subject = statement.actor
                return
        subjects = [m for m in mentions if m.kind in ("person", "role") and m.prep is None]
        if subjects:
            self.ctx.last_subject = subjects[0].party


_VISIT_NOUN = re.compile(r"(?:\w+[ -])?(?:visit|trip|tour|journey)$", re.I)
_MEETING_NOUN = re.compile(
    r"^(?:(?:after|for|during|at|in) )?(?:the |a |their |his |her |its )?"
    r"(?:talks|meeting|summit|discussions)$",
    re.I,
)
# "his visit to the Maldives on": only a destination between a visit and its date.
_VISIT_TAIL = re.compile(
    r"(?:\s+(?:to|in)\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)?\s*,?\s*(?:on|from)?\s*"
)
_DETERMINER = re.compile(
    r"\b(?:the|a|an|this|that|such|his|her|their|its|whose|next|first|second|previous|[\w]+['’]s)\s+"
    r"(?:[\w-]+\s+){0,3}$",
    re.I,
)


def _without_references(sentence: str, triggers: list[Trigger], dates: list[DateMention]) -> list[Trigger]:
    """ "The visit is seen as ...", "a state visit is an honour": a visit named, not told.

    A noun after a determiner names a visit reported elsewhere; it is kept only when the
    clause dates it ("his visit to the Maldives on November 11") and nothing else in the
    sentence tells of a visit.
    """
    visits = [t for t in triggers if t.type == "VisitMade"]
    kept: list[Trigger] = []
    for trigger in triggers:
        if (
            trigger.type == "MeetingHeld"
            and _MEETING_NOUN.match(trigger.text)
            and _DETERMINER.search(
                sentence[max(0, trigger.start - 40) : trigger.end - len(trigger.text.split()[-1])]
            )
        ):
            start, end = _clause(sentence, trigger.start, trigger.end)
            if not any(start <= d.start < end for d in dates):
                continue
        if (
            trigger.type == "VisitMade"
            and _VISIT_NOUN.search(trigger.text)
            and _DETERMINER.search(sentence[max(0, trigger.start - 40) : trigger.start])
        ):
            lead = sentence[max(0, trigger.start - 60) : trigger.start]
            if re.search(
                r"\b(?:during|on|in the course of)\s+(?:the|a|an|his|her|their|its|this|that|[\w-]+['’]s)\s+"
                r"(?:[\w-]+\s+){0,2}$",
                lead,
                re.I,
            ):
                kept.append(trigger)  # "talks during Prabowo's first visit to Malaysia": told as happening
                continue
            start, end = _clause(sentence, trigger.start, trigger.end)
            dated = any(
                start <= d.start < end
                and d.start > trigger.end
                and d.precision == "day"
                and _VISIT_TAIL.fullmatch(sentence[trigger.end : d.start])
                for d in dates
            )
            if len(visits) > 1 or not dated:
                continue
        kept.append(trigger)
    return kept


def _dates_an_event(sentence: str, mention: DateMention) -> bool:
    """Dates that can say when a statement's event happened: not "since 2008", "the accord of 1998",
    "for Sunday's ceremony" (a day that names a thing rather than dates a verb)."""
    prep = (mention.preposition or "").lower()
    if prep in ("since", "until", "till", "of", "by", "through"):
        return False
    if re.search(r"\bsince\s+(?:[^\s,;]+\s+){0,3}$", sentence[: mention.start], re.I):
        return False  # "since taking office last month": when a state began, not when this happened
    possessive = mention.text.endswith(("'s", "’s")) or sentence[mention.end : mention.end + 2] in (
        "'s",
        "’s",
    )
    if possessive and prep not in ("at", "on", "during"):
        return False
    return not (mention.precision == "year" and prep not in ("in", "last", "this", "next", ""))


def _sentence_pair(mentions: list[Mention]) -> tuple[Party, Party] | None:
    """The sentence's own two countries: its subject and the first other country it names."""
    subjects = [m for m in mentions if m.is_agent and m.prep is None and m.party.country and m.kind != "both"]
    if not subjects:
        return None
    first = subjects[0].party
    for m in mentions:
        if m.party.country and m.party.country != first.country:
            return first, m.party
    return None


def _without_invitation_complements(sentence: str, triggers: list[Trigger]) -> list[Trigger]:
    """ "invited X to visit Y": the visit is what the invitation asks for, not a visit made."""
    kept: list[Trigger] = []
    invited = False
    for trigger in triggers:
        if trigger.type.startswith("Invitation"):
            invited = True
        elif (
            invited
            and trigger.type in ("VisitMade", "MeetingHeld")
            and re.search(r"\bto\s+(?:\w+\s+)?$", sentence[max(0, trigger.start - 20) : trigger.start])
        ):
            continue
        kept.append(trigger)
    return kept


def _participial_subject(sentence: str, trigger: Trigger, mentions: list[Mention]) -> Mention | None:
    """The subject of "Highlighting X, Sharif said ...": a trigger in an opening phrase belongs to it."""
    comma = sentence.find(",")
    if comma < 0 or trigger.start > comma:
        return None
    first = sentence.split(None, 1)[0].lower() if sentence.strip() else ""
    if not (first.endswith("ing") or first in _OPENING_PREPOSITIONS):
        return None
    if any(m.start == 0 for m in mentions):
        return None  # "Beijing took ...": a name, not a participle
    # The subject follows the opening phrase: after its comma, or right after the trigger when the
    # writer left the comma out ("During that visit Jaishankar, acting for Modi, asked ...").
    after = [
        m
        for m in mentions
        if m.start >= trigger.end
        and m.is_agent
        and m.prep is None
        and not m.possessive
        and m.kind != "both"
        and (m.start > comma or not sentence[trigger.end : m.start].strip())
    ]
    return after[0] if after else None


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of the sentence around a trigger that belongs to the same clause."""
    clause_start, clause_end = 0, len(sentence)
    for break_start, break_end in _breaks(sentence):
        if break_end <= start:
            clause_start = break_end
        elif break_start >= end:
            clause_end = break_start
            break
    return clause_start, clause_end


@lru_cache(maxsize=64)
def _breaks(sentence: str) -> tuple[tuple[int, int], ...]:
    """Where the sentence's clauses meet (found once per sentence, asked for once per trigger)."""
    return tuple(match.span() for match in _CLAUSE_BREAK.finditer(sentence))


def _assign_dates(
    sentence: str, dates: list[DateMention], triggers: list[Trigger]
) -> list[tuple[DateMention, int]]:
    """Each date goes to the verb it follows in its clause ("met Y on Monday"), else the nearest trigger."""
    owned: list[tuple[DateMention, int]] = []
    for mention in dates:
        if not triggers:
            break
        if re.search(r"\b(?:after|before)$", mention.text, re.I):
            # "a day after protesters stormed the embassy": it dates what follows.
            following = [i for i, t in enumerate(triggers) if t.start >= mention.end]
            if following:
                owned.append((mention, following[0]))
                continue
        # "the attack in Moscow, which occurred on March 22": a relative clause dates its noun.
        preceding = [
            i
            for i, t in enumerate(triggers)
            if t.end <= mention.start
            and (
                not _CLAUSE_BREAK.search(sentence[t.end : mention.start])
                or _RELATIVE_DATE.fullmatch(sentence[t.end : mention.start])
            )
        ]
        if preceding:
            owned.append((mention, preceding[-1]))
            continue
        # "On Monday, X met Y": a date opening a clause dates the clause's first verb.
        following = [
            i
            for i, t in enumerate(triggers)
            if t.start >= mention.end and not _CLAUSE_BREAK.search(sentence[mention.end : t.start])
        ]
        if following:
            owned.append((mention, following[0]))
            continue
        if not _CLAUSE_BREAK.search(sentence[: mention.start]):
            # A date before any break, with the verb after one, still dates the main clause.
            index = min(range(len(triggers)), key=lambda i: abs(triggers[i].start - mention.end))
            owned.append((mention, index))
    return owned


def _list_from(sentence: str, first: Mention, candidates: list[Mention]) -> list[Mention]:
    """``first`` and the mentions listed after it ("Argentina, Chile and Peru")."""
    chosen = [first]
    ordered = [m for m in candidates if m.start > first.start]
    previous = first
    for mention in ordered:
        if not _LIST_GAP.fullmatch(sentence[previous.end : mention.start]):
            break
        chosen.append(mention)
        previous = mention
    return chosen


def _dedupe(statements: list[Statement]) -> list[Statement]:
    seen: set[tuple] = set()
    out: list[Statement] = []
    for s in statements:
        # Two triggers of one type for one actor in one clause tell one statement ("accused X of
        # showing a lack of respect towards Y"): the first trigger's parties stand.
        if any(
            o.type == s.type and o.actor == s.actor and o.start != s.start and o.clause == s.clause
            for o in out
        ):
            continue
        key = (s.type, s.actor.country, s.actor.name, s.target.country, s.target.name, s.modality)
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out
