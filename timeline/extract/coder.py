"""One parsed sentence -> coded statements: who did what to whom, when, with which modality.

The coder composes the layers, each in a module of its own: the actors the lexicon finds
(``actors``, hung on the parse by ``mentions``), the trigger words and their frames (``frames``),
actor and target from the dependency tree (``roles``), the date each trigger carries
(``attach``), and whether it happened (``modality``). What it keeps itself is the article's
thread: who spoke last, which invitations are open, the day the story is about.

Rules of the thread, in short:
- a trigger with no date of its own takes the date of the statement it is reported in ("said on
  Saturday"), else the day of the happening the story is about, else the article's;
- an answer to an invitation goes to the invitation it answers;
- a sentence with no trigger is a StatementRecorded by its subject, else by the outlet;
- attitudes (relations described, wishes to cooperate) with no speaker are the writer's
  commentary, a StatementRecorded by the outlet.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from timeline.domain.events import Party
from timeline.domain.vocabulary import types_with
from timeline.extract.actors import ActorFinder, ArticleContext, Mention
from timeline.extract.attach import Attached, attach, date_tokens, main_date, own_date
from timeline.extract.dates import DateMention, find_dates, in_year_told, resolve_relative, told_from
from timeline.extract.frames import (
    Frame,
    FrameBook,
    governing_lemmas,
    governing_word,
    objects_of,
    phrasal_lemma,
)
from timeline.extract.header import MONTHS, WEEKDAYS
from timeline.extract.lexicon import Lexicon
from timeline.extract.mentions import SentenceMentions
from timeline.extract.modality import is_inner, modality_of
from timeline.extract.roles import RoleReader, follow, is_passive

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# What kind of happening each type is comes from the vocabulary's traits (domain/data/vocabulary.json).
# Types whose happening can be planned (future) rather than reported.
ACTIONS = types_with("plannable")
# Statements of attitude: without a speaker named in the sentence they are the outlet's commentary.
_NEEDS_SPEAKER = types_with("needs_speaker")
# Types that describe the pair: "both sides" as actor gives the statement both ways.
_MUTUAL = types_with("describes_pair")
_SECTOR_TYPES = types_with("carries_sectors")
# How far back a dated happening (or the release the lede reports) still sets the day of the
# undated statements told after it.
_NARRATIVE_DAYS = 60
# Dates the coder supplied rather than read off the statement: these never date what follows.
_INFERRED = frozenset({"article", "reported-statement", "narrative", "background"})
# Acts others can join in ("along with"), each then acting on the same target.
_SHARED_ACTS = types_with("joinable")
# Acts that answer another's ("Iran condemned the move"): with no target named, whoever acted last.
_REACTIONS = types_with("reaction")
_ANSWERS = types_with("answers_invitation")
# Happenings a noun may name without telling ("the state visit"): told only when dated or done.
_TOLD_BY_NOUNS = types_with("told_by_noun")
# Happenings at which something is said: a date on them dates what was said there.
_OCCASIONS = frozenset({"PhoneCallHeld", "MeetingHeld"})
# Happenings a definite noun names again once told ("took note of the expulsion").
_NAMED_AGAIN = frozenset(
    {
        "AttackOccurred",
        "DiplomatExpelled",
        "RelationsDowngraded",
        "SanctionsImposed",
        "VisitMade",
        "PhoneCallHeld",
    }
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


@dataclass(frozen=True, slots=True)
class _When:
    value: date
    precision: str
    basis: str


class SentenceCoder:
    """Codes the parsed sentences of one article in reading order, carrying its thread."""

    def __init__(self, lexicon: Lexicon, frames: FrameBook, context: ArticleContext) -> None:
        self.lexicon = lexicon
        self.frames = frames
        self.ctx = context
        self.actors = ActorFinder(lexicon, context)
        self.narrative: _When | None = None  # the day of the last dated happening
        self.previous_day: date | None = None  # the last day named so far ("the next day" counts from it)
        # the last past date named, at any precision, for "the following month", "at the time"
        self.previous_told: DateMention | None = None
        # the month or year last told, when no day was told after it: "the row dates back to
        # March, ..." then "the following day" is a day of that March, not of the story's week
        self.previous_coarse: DateMention | None = None
        self.last_year: int | None = None  # the year of the last full date or year named
        # The day of a past happening told as background ("the row erupted in August 2018"): what
        # the same paragraph goes on to tell in the past tense, undated, happened then too.
        self.background: _When | None = None
        self._events: set[int] = set()  # the trigger tokens of the sentence being coded
        self.previous: Statement | None = None  # the last coded statement, for "did the same"
        self.participants: Counter[str] = Counter()  # countries that acted or were acted on
        self.attacker: Party | None = None  # who carried out the last attack told
        self.told: list[Statement] = []  # every statement coded so far, for "during that call"
        self._told_here: list[Statement] = []
        # determiners of something told before: the data's "that call" words, and "the strike"
        self.definite = frames.words["back_references"] | {"the"}

    def code(self, sentence: Span) -> list[Statement]:
        text = sentence.text
        if _opens_paragraph(sentence):
            self.background = None  # a new paragraph: background told above is over
        found = self.actors.mentions(text)
        for mention in found:
            if mention.party.country:
                self.ctx.countries[mention.party.country] += 1
        mentions = SentenceMentions(sentence, found)
        last = self.ctx.last_subject
        roles = RoleReader(mentions, Mention(0, 0, "", last, "context") if last and last.name else None)
        dates = _in_sentence_year([self._anchored(d) for d in find_dates(text, self.ctx.published)])
        # What someone was asked or invited to do is no happening, unless a frame names the very
        # word that asks ("called for closer ties" is a wish to cooperate).
        triggers = [
            (t, fs if not is_inner(t, self.frames) else [f for f in fs if f.governors])
            for t, fs in self.frames.triggers(sentence)
        ]
        triggers = [(t, fs) for t, fs in triggers if fs]
        self._events = {t.i for t, _ in triggers}
        attached = attach(sentence, dates, self._events, self.frames.governors.happenings)
        reported = self._reporting_date(attached)
        self._note_story_day(triggers, attached)
        statements: list[Statement] = []
        self._told_here = statements  # what this sentence has told so far, for _last_target
        kinds = {t.i: {f.type for f in fs} for t, fs in triggers}
        told_within: set[int] = set()  # clauses a frame has read as its own ("ordered X to withdraw ...")
        for token, frames in triggers:
            if token.i in told_within:
                continue
            if self._thanked_for(token):
                continue  # "thanked China for its support": the support was told before, not now
            if self._told_before(token, frames, attached):
                continue  # "condemned the strike" after the strike was told: the same attack
            subject = _subject_token(token)
            if token.pos_ in ("VERB", "AUX") and (
                is_passive(token)
                or (
                    token.tag_ == "VBN"  # "is going to Paris" is a journey; "be gone" is not
                    and token.lemma_.lower() in self.frames.words["gone"]
                    and any(c.lemma_ == "be" for c in token.children)
                )
            ):
                # "missions headed by chargés", "must be gone by Friday": no one travels
                frames = [f for f in frames if f.type != "VisitMade" or f.pos != "VERB"]
                if not frames:
                    continue
            if (
                token.pos_ == "VERB"
                and is_passive(token)
                and phrasal_lemma(token) in self.frames.words["reception"]
                and any(o.i in self._events for o in follow(token, "prep:with"))
            ):
                continue  # "the decision was met with regret": the regret is told, no one met
            if subject is not None and subject.lemma_.lower() in self.frames.words["carriers"]:
                frames = [f for f in frames if f.type != "VisitMade"]  # "a plane carrying aid landed"
                if not frames:
                    continue
            # "will travel to X on a state visit": the verb above the phrase tells the visit
            governor = _governing_clause(token) if token.pos_ in ("NOUN", "PROPN") else None
            if governor is not None and {f.type for f in frames} <= kinds.get(governor.i, set()):
                continue  # "praised the deep ties": the verb tells it; the noun is its object
            for frame in frames:
                coded = self._code_trigger(sentence, token, frame, mentions, roles, attached, reported)
                if coded:
                    if frame.complement_object:
                        told_within |= {c.i for c in token.children if c.dep_ in ("xcomp", "ccomp", "advcl")}
                    break
            self._note_invitations(coded)  # an answer later in the sentence answers these
            listed = list({s.target.country: s.target for s in coded if s.target.country}.values())
            acting = list({s.actor.country: s.actor for s in coded if s.actor.country}.values())
            if len(listed) >= 2:
                self.ctx.last_targets = listed  # for "them", "those governments" later
            elif len(acting) >= 2:
                self.ctx.last_targets = acting  # "X, Y and Z banned ...; Kyiv complained of the three"
            statements.extend(coded)
        statements = _deduplicated(statements + self._same_again(sentence, roles, statements))
        if not statements:
            statements.append(self._plain_statement(sentence, mentions, roles, attached, reported))
        thread = self.ctx.last_subject
        self._note_background(statements, attached)
        self._remember(statements, found, dates)
        if thread is not None and any(
            t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in ("he", "she") for t in sentence.root.children
        ):
            self.ctx.last_subject = thread  # "he said ...": the thread stays with him
        coded = [s for s in statements if s.type != "StatementRecorded"]
        self.told.extend(coded)
        if coded:
            self.previous = coded[-1]
        for statement in coded:
            self.participants.update(p.country for p in (statement.actor, statement.target) if p.country)
            if statement.type == "AttackOccurred" and statement.actor.country:
                self.attacker = statement.actor
        speakers = [m for m in found if m.kind == "person" and m.party.country]
        return [self._with_people(s, speakers) for s in statements]

    # -- one trigger ------------------------------------------------------------------

    def _code_trigger(
        self,
        sentence: Span,
        token: Token,
        frame: Frame,
        mentions: SentenceMentions,
        roles: RoleReader,
        attached: list[Attached],
        reported: _When | None,
    ) -> list[Statement]:
        """The statements one trigger word tells with one frame; none where the frame does not fit
        what the sentence says (the coder then tries the word's next frame)."""
        if (
            frame.pos == "NOUN"
            and frame.type in _TOLD_BY_NOUNS
            and not self._told_as_happening(token, attached)
        ):
            return []  # "the state visit", "his first trip abroad": a noun that names, not tells
        actors = self._actors(token, frame, mentions, roles)
        if actors is None:
            return []
        targets = self._targets(sentence, token, frame, mentions, roles, actors)
        if targets is None:
            return []
        if not actors and targets and frame.pos == "VERB" and is_passive(token):
            actors = self._passive_agent(token, frame, targets)
        if (
            not actors
            and not targets
            and frame.type == "AgreementSigned"
            and (frame.pos == "NOUN" or is_passive(token))
        ):
            # "A deal was signed during the visit", "the signing of twenty agreements crowned the
            # session": by the two sides the story is about
            actors = [Mention(0, 0, "", Party(), "both")]
        modality = modality_of(token, self.frames, frame.modality, frame.governors)
        if modality == "reported" and self._dated_ahead(token, frame, attached):
            modality = "planned"  # "travels to Lima next week": a happening dated after the article is ahead
        if frame.when_planned:
            if modality != "planned":
                return []
            modality = "reported"  # "will host X": the invitation is told now
        if frame.type not in ACTIONS and modality == "planned":
            modality = "reported"  # a wish or a description is voiced now, whatever it looks forward to
        if frame.type in _NEEDS_SPEAKER and actors and all(m.kind == "both" for m in actors):
            # "Han said the two countries enjoyed excellent relations": the speaker's view of the pair
            speaker = self._speaker(token, roles, reported_only=True)
            if speaker is not None and speaker.party.country and speaker.kind != "both":
                actors = [speaker]
        if frame.type == "RelationsCharacterized" and frame.pos == "NOUN":
            actors, targets = self._said_of_pair(token, roles, actors, targets)
        if frame.type in _NEEDS_SPEAKER and any(m.kind == "both" and m.possessive for m in actors):
            return []  # "underscores both nations' desire to ...": the writer's reading, not theirs
        pairs = self._pairs(actors, targets, frame.type)
        if frame.type == "InvitationExtended":
            # "the message included an invitation to visit Tehran": one is invited to another's
            # country, so an invitee from the destination is the inviter read the wrong way round
            destination = self._destination(token)
            pairs = [
                (t, a) if destination and t.country == destination != a.country else (a, t) for a, t in pairs
            ]
        if frame.mutual:
            pairs += [(t, a) for a, t in pairs if (t, a) not in pairs]
        if (
            frame.type == "InvitationExtended"
            and frame.pos == "NOUN"
            and not governing_lemmas(token) & self.frames.words["extending"]
        ):
            # "the invitation was made public": the invitation told before, not another one
            pairs = [(a, t) for a, t in pairs if not self._invited(a, t)]
        when = self._when(token, frame, attached, reported, modality)
        out = [
            self._statement(sentence, token, frame, actor, target, when, modality) for actor, target in pairs
        ]
        if frame.withdrawn:
            # "withdrew its invitation to X": the invitation, if not told before, then its withdrawal
            extended = {k: v for k, v in out[0].payload.items() if k != "withdrawn"} if out else {}
            told = [
                replace(s, type="InvitationExtended", payload={**extended, "implied": True})
                for s in out
                if not self._invited(s.actor, s.target)
            ]
            return told + out
        if frame.type in _ANSWERS:
            out = [self._answer(s) for s in out]
            if frame.intransitive:  # "she accepted": only one who was invited answers
                out = [s for s in out if any(g.country == s.actor.country for _, g in self.ctx.invitations)]
            if _answers_several(token):
                out = [a for s in out for a in self._each_invitation(s)]
        return out + self._consequences(token, frame, out, targets, modality, roles, attached)

    def _actors(
        self, token: Token, frame: Frame, mentions: SentenceMentions, roles: RoleReader
    ) -> list[Mention] | None:
        """Who did it: the frame's paths, else the grammar of the clause, else the thread of the
        article; None where the trigger cannot be told without one."""
        subject = _subject_token(token)
        if (
            frame.pos == "VERB"
            and frame.actor[:1] == ("nsubj",)
            and subject is not None
            and subject.dep_ == "nsubj"
            and subject.i in self._events
            and subject.pos_ in ("NOUN", "PROPN")
        ):
            return None  # "Kenya's condemnation came on Monday": the noun tells the event, not the verb
        pair = (
            self._last_pair()
            if frame.type in _MUTUAL and subject is not None and subject.lower_ == "they"
            else None
        )
        if pair is not None:
            # "X met Y on Monday, when they agreed to ...": the two who last met, spoke or pledged
            actors = [Mention(0, 0, "", side, "context") for side in pair]
        else:
            actors, _ = roles.along(token, [p for p in frame.actor if p != "speaker"])
        if not actors and "speaker" in frame.actor:
            # "China said Japan had failed to prove ...": the one who says it is the actor
            speaker = self._speaker(token, roles, reported_only=True)
            if speaker is None:
                return None
            actors = [speaker]
        if not actors and frame.pos == "VERB":
            actors, _ = roles.subject(token)
        if not actors:
            subject = _subject_token(token)
            if subject is not None and (mentions.is_pronoun(subject) or subject.lower_ in ("who", "which")):
                speaker = self._speaker(token, roles)
                actors = [speaker] if speaker else self._last_subject()
            elif frame.pos == "VERB" and subject is None and token.dep_ in ("ROOT", "conj", "xcomp", "advcl"):
                actors = self._last_subject()
            elif (
                subject is not None
                and subject.dep_ == "nsubj"  # "a leader was shot": the one acted on does not act
                and _stands_for_someone(subject, self.frames.words["institutions"])
            ):
                # "Her office described ...", "The ministry said ...": the one last named speaks.
                actors = self._last_subject()
        if not actors and frame.pos == "NOUN" and frame.type != "AttackOccurred":
            if "^>nsubj" not in frame.target:
                # "imposed a package of sanctions": the verb the noun hangs from, and its clause's subject
                verbs = [v for v in follow(token, "^") if v.pos_ in ("VERB", "AUX")]
                if verbs:
                    has_subject = bool(follow(verbs[0], "nsubj"))
                    actors, _ = roles.along(verbs[0], ("nsubj",)) if has_subject else roles.subject(verbs[0])
            if not actors:
                speaker = self._speaker(token, roles)
                actors = [speaker] if speaker else []
        if not actors and frame.type in _NEEDS_SPEAKER:
            return None
        if not actors and frame.type in _ANSWERS:
            visitor = self._visitor_told(token)
            actors = [Mention(0, 0, "", visitor, "context")] if visitor else []
        if (
            frame.type == "AgreementSigned"
            and any(o.lower_ == "it" for o in objects_of(token))
            and not any(s.type == "AgreementSigned" for s in self.told)
        ):
            return None  # "signed it" is an agreement only where one was told
        if frame.type in _ANSWERS:
            if not self.ctx.invitations and (
                frame.intransitive or any(o.lower_ == "it" for o in objects_of(token))
            ):
                return None  # "accepted it", "she accepted" answer an invitation only where one was told
            passive = token.dep_ == "nsubjpass" or (token.pos_ in ("VERB", "AUX") and is_passive(token))
            if any(m.kind == "both" for m in actors) or (passive and _answers_several(token)):
                actors = []  # "both invitations have been accepted": the invitations answered, not a pair
            if not actors and self.ctx.invitations:
                # "The invitation has been accepted": the last invitation told is the one answered.
                _, invitee = self.ctx.invitations[-1]
                actors = [Mention(0, 0, "", invitee, "context")]
        if actors and frame.type in _SHARED_ACTS:
            # "X sent condolences, along with Y and Z": each of them did.
            actors = actors + [m for m in roles.co_actors() if m not in actors]
        return actors

    def _targets(
        self,
        sentence: Span,
        token: Token,
        frame: Frame,
        mentions: SentenceMentions,
        roles: RoleReader,
        actors: list[Mention],
    ) -> list[Mention] | None:
        """To whom: the frame's paths, a list or a group they stand for, else someone else named in
        the clause; None where the frame needs someone named and the sentence names no one."""
        targets, target_tokens = roles.along(token, frame.target)
        attacks = [
            o for o in objects_of(token) if any(f.type == "AttackOccurred" for f in self.frames.matches(o))
        ]
        if frame.type == "CriticismVoiced" and attacks:
            # "condemned the attack on X's embassy": the attackers are criticised, not the victims
            attack = self.frames.matches(attacks[0])[0]
            targets, target_tokens = roles.along(attacks[0], attack.actor)
            if not targets and self.attacker is not None:
                # "called the attack an act of aggression": the attack told before, by its attacker
                targets = [Mention(0, 0, "", self.attacker, "context")]
            if not targets:
                return None
        if any(m.kind == "group" for m in targets) and self.ctx.last_targets:
            # "accused them of ...": the countries of the last list told
            targets = [Mention(0, 0, "", p, "context") for p in self.ctx.last_targets]
        listed = roles.listed_after(
            target_tokens or next((f for p in frame.target if (f := follow(token, p))), [])
        )
        if listed:
            targets = listed  # "other leaders were invited, among them X and Y"
        actor_countries = {m.party.country for m in actors}
        acting_together = len(actor_countries) >= 2 and frame.type in _MUTUAL
        if acting_together:
            return []  # the pair acts together: each is the other's partner
        targets = [
            m
            for m in targets
            if m not in actors and (m.party.country not in actor_countries or not actors[0].party.country)
        ]
        if frame.named and not targets:
            return None  # "commented on the invitation": no "invitation of X", no answer to one
        if not targets and _names_another(token, frame, mentions):
            return None  # "sought closer ties with Asia": a place or body named, not a country
        if not targets and frame.pos == "VERB" and is_passive(token) and _subject_token(token) is None:
            # "After being received by X, she said ...": she was received
            controlled, _ = roles.subject(token)
            targets = [m for m in controlled if m.party.country not in actor_countries]
            if targets:
                return targets
        if frame.strict and not any(_names_someone(mentions, t) for t in target_tokens):
            return None  # "received a letter (from X)", "hosted a dinner": someone must be its object
        host = self.ctx.dateline_country
        if not targets and frame.type == "VisitMade" and host not in (None, *actor_countries):
            # "X and Y were in the audience", "arrived on Sunday": a visit whose place the sentence
            # does not name is to the story's place, the dateline's country
            return [Mention(0, 0, "", Party(country=host), "context")]
        if not targets and frame.type == "RelationsDowngraded":
            # "X cut ties with Israel, while Chile called its ambassador home": from the same country
            last = self._last_target(frame.type, actor_countries)
            if last is not None:
                return [Mention(0, 0, "", last, "context")]
        return targets or self._other_parties(sentence, token, mentions, actor_countries, frame.type)

    def _last_pair(self) -> tuple[Party, Party] | None:
        """The two sides of the last meeting, call or pledge between two told, in this sentence or
        just before it: "they" after it means the two of them."""
        recent = [*self._told_here] or self.told[-4:]
        for statement in reversed(recent):
            if (
                statement.type in _MUTUAL
                and statement.actor.country
                and statement.target.country
                and statement.actor.country != statement.target.country
            ):
                return statement.actor, statement.target
        return None

    def _last_target(self, kind: str, actors: set[str | None]) -> Party | None:
        """The side the last statement of this kind was aimed at, unless it is one of the actors."""
        for statement in reversed([*self.told, *self._told_here]):
            if statement.type == kind and statement.target.country:
                return None if statement.target.country in actors else statement.target
        return None

    def _said_of_pair(
        self, token: Token, roles: RoleReader, actors: list[Mention], targets: list[Mention]
    ) -> tuple[list[Mention], list[Mention]]:
        """ "he said the India-Bangladesh friendship ...", "spoke of progress in relations between X
        and Y": a relationship named in someone's words is that speaker's view of it, towards the other
        side of the pair."""
        speaker = self._speaker(token, roles, reported_only=True)
        if speaker is None or not speaker.party.country or speaker.kind == "both":
            return actors, targets
        named = [m for m in actors + targets if m.party.country and m.kind != "both"]
        countries = {m.party.country for m in named}
        if countries and speaker.party.country not in countries:
            return actors, targets  # the speaker describes someone else's relationship
        others = [m for m in named if m.party.country != speaker.party.country]
        return [speaker], list({m.party.country: m for m in others}.values())[:1]

    def _passive_agent(self, token: Token, frame: Frame, targets: list[Mention]) -> list[Mention]:
        """ "X has been invited to attend the summit in Lima": by the host; else by the other side
        of the story."""
        if frame.type == "AttackOccurred":
            return []
        host = self._destination(token) if frame.invitee else None
        other = host if host not in (None, targets[0].party.country) else None
        other = other or self._counterpart(targets[0].party.country)
        return [Mention(0, 0, "", Party(country=other), "context")] if other else []

    def _statement(
        self,
        sentence: Span,
        token: Token,
        frame: Frame,
        actor: Party,
        target: Party,
        when: _When,
        modality: str,
    ) -> Statement:
        payload: dict[str, Any] = {"trigger": phrasal_lemma(token)}
        if frame.type in _SECTOR_TYPES:
            sectors = self._sectors(token)
            if sectors:
                payload["sectors"] = sectors
        if frame.type == "RelationsCharacterized":
            payload["tone"] = frame.tone or self.frames.tone_of(token) or "cooperative"
        if frame.withdrawn:
            payload["withdrawn"] = True  # "withdrew its invitation to X": the inviter takes it back
        if frame.type == "InvitationExtended":
            payload["invitee"] = target.to_dict()
            payload["destination"] = self._destination(token) or actor.country
        start = token.idx - sentence.start_char
        return Statement(
            frame.type,
            actor,
            target,
            when.value,
            when.precision,
            when.basis,
            modality,
            start,
            start + len(token.text),
            payload,
        )

    def _consequences(
        self,
        token: Token,
        frame: Frame,
        told: list[Statement],
        targets: list[Mention],
        modality: str,
        roles: RoleReader,
        attached: list[Attached],
    ) -> list[Statement]:
        """What the statements also tell about invitations: the one an answer names, the answer a
        visit called off, refused or agreed to gives."""
        if frame.type in _ANSWERS:
            # "turned down Quito's invitation", "came at X's invitation": the invitation was told too
            named = bool(targets) and not any(m.kind == "context" for m in targets)
            if named:
                return [self._implied_invitation(s) for s in told if not self._invited(s.target, s.actor)]
            return []
        if frame.type == "VisitMade" and modality == "negated":
            if self._put_off(token, attached):
                return []  # put off to a later date: the invitation stays open
            return self._called_off(token, told, roles, attached) or self._refused(token, told)
        if frame.type == "VisitMade" and modality == "planned":
            return self._promised(token, told)
        if frame.type == "MeetingHeld" and modality == "reported":
            return self._hosted(token, told, roles)
        return []

    def _hosted(self, token: Token, meetings: list[Statement], roles: RoleReader) -> list[Statement]:
        """ "was received in Asmara by Afwerki", "Biden received him at the White House": a guest
        received in the host's own country travelled there."""
        if phrasal_lemma(token) not in self.frames.words["hosting"]:
            return []
        # "received by Duda in Warsaw": the parser may hang the place on the host or the guest
        places, _ = roles.along(token, ("prep:in|at", "agent>prep:in|at", "dobj>prep:in|at"))
        where = {m.party.country for m in places if m.kind not in ("person", "role")}
        return [
            replace(s, type="VisitMade", actor=s.target, target=s.actor)
            for s in meetings
            if s.actor.country in where and s.target.country and s.target.country != s.actor.country
        ]

    def _promised(self, token: Token, visits: list[Statement]) -> list[Statement]:
        """ "The two agreed that X would come": a visit agreed to accepts the invitation behind it."""
        governor = token.head if token.dep_ in ("ccomp", "xcomp") else None
        if governor is None or governor.lemma_.lower() not in self.frames.words["agreeing"]:
            return []
        return [
            replace(v, type="InvitationAccepted", modality="reported")
            for v in visits
            if v.actor.country and v.target.country and self._invited(v.target, v.actor)
        ]

    def _told_as_happening(self, token: Token, attached: list[Attached]) -> bool:
        """A noun tells a happening when it has a date of its own or a verb of doing governs it."""
        own = own_date(token, attached, self._events)
        governor = _governing_clause(token)  # "travelled to X for talks": the travelling
        if own is not None and own.word.i in (
            token.i,
            token.head.i,
            governor.i if governor is not None else -1,
        ):
            return True
        if any(c.dep_ == "det" and c.lower_ in self.frames.words["back_references"] for c in token.children):
            return False  # "during that call", "the same visit": a happening told before
        if token.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in token.head.children):
            return False  # "the visit opened a new page": what it did, not that it took place
        return bool(governing_lemmas(token) & self.frames.governors.happened)

    def _pairs(self, actors: list[Mention], targets: list[Mention], kind: str) -> list[tuple[Party, Party]]:
        """Each actor with each target; "both sides" stands for the article's two countries."""
        named = [m for m in actors if m.kind != "both" and m.party.country]
        if named and len(named) < len(actors):
            actors = [m for m in actors if m.kind != "both"]  # "X and Y both flew in": the list says who
        if any(m.kind == "both" for m in actors):
            dyad = self._sides() or self.ctx.dyad()
            if dyad is None:
                return []
            a, b = dyad
            third = list(
                {
                    m.party.country: m.party
                    for m in targets
                    if m.kind != "both" and m.party.country and m.party.country not in (a.country, b.country)
                }.values()
            )
            if third and kind not in _MUTUAL:
                # "the two leaders had come to Washington": each of them, to a third side
                return [(side, other) for side in (a, b) for other in third]
            return [(a, b), (b, a)] if kind in _MUTUAL else [(a, b)]
        sides = [m.party for m in actors if m.party.country] or [Party()]
        objects = [m.party for m in targets if m.party.country and m.kind != "both"]
        if not objects and kind in _MUTUAL and len({p.country for p in sides}) >= 2:
            # "Ghana and Togo signed", "the signing of agreements between Chile and Peru": the pair.
            first = sides[0]
            return [
                pair for p in sides[1:] if p.country != first.country for pair in ((first, p), (p, first))
            ]
        if not objects and kind != "AttackOccurred":
            counterpart = self._counterpart(sides[0].country)
            objects = [Party(country=counterpart)] if counterpart else []
        if kind not in _MUTUAL:
            acting = {p.country for p in sides}
            objects = [p for p in objects if p.country not in acting] or objects
        pairs = []
        for actor in sides:
            for target in objects:
                if actor.country is None and kind != "AttackOccurred":
                    continue
                if target.country == actor.country and kind != "AttackOccurred":
                    continue
                pairs.append((actor, target))
        return pairs

    def _other_parties(
        self, sentence: Span, token: Token, mentions: SentenceMentions, exclude: set[str | None], kind: str
    ) -> list[Mention]:
        """No path named a target: someone else named in the trigger's phrase, else after it in its clause."""

        def named(found: list[Mention]) -> list[Mention]:
            return [m for m in found if m.party.country and m.party.country not in exclude]

        # a relative clause describes its noun: "backed the deal, which was brokered in Pretoria";
        # an attack's ("which killed two Czech citizens") says whom it struck
        described = {
            t.i
            for c in token.subtree
            if c.dep_ == "relcl" and c.i != token.i and kind != "AttackOccurred"
            for t in c.subtree
        }
        inside = named(mentions.within({t.i for t in token.subtree} - described))
        if inside:
            return inside[:1]
        start = token.idx - sentence.start_char
        in_clause = named(mentions.within(_clause_tokens(token) - described))
        after = [m for m in in_clause if m.kind != "both" and m.start >= start]
        if after:
            return after[:1]
        if kind not in _REACTIONS:
            return []  # the article's other side, in _pairs
        answered = self._answered(exclude)
        return [Mention(0, 0, "", answered, "context")] if answered else []

    def _answered(self, exclude: set[str | None]) -> Party | None:
        """A reply goes to whoever just acted on the replier: "Iran condemned the move" after sanctions."""
        last = self.ctx.last_subject
        if last is not None and last.country and last.country not in exclude:
            return last
        return None

    def _speaker(self, token: Token, roles: RoleReader, reported_only: bool = False) -> Mention | None:
        """The one who says the clause the trigger stands in ("X said it would ..."); without a
        reporting verb above it, the subject of the sentence (unless ``reported_only``)."""
        node = token
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            if phrasal_lemma(node) in self.frames.reporting or node.lemma_.lower() in self.frames.reporting:
                if node.dep_ in ("advcl", "xcomp", "conj") and _subject_token(node) is None:
                    node = node.head  # "X accepted, saying ...": the participle speaks for X
                found, _ = roles.along(node, ("nsubj",))
                if found:
                    return found[0]
                subject = _subject_token(node)
                if subject is not None and _stands_for_someone(subject, self.frames.words["institutions"]):
                    last = self._last_subject()  # "the ministry said": the side last named speaks
                    return last[0] if last else None
                return None
        if reported_only:
            return None
        found, _ = roles.along(node, ("nsubj",))
        return found[0] if found else None

    def _last_subject(self) -> list[Mention]:
        last = self.ctx.last_subject
        return [Mention(0, 0, "", last, "context")] if last is not None and last.country else []

    def _destination(self, token: Token) -> str | None:
        """Where an invitee is asked to go: the place the inner clause names ("to visit Pakistan")."""
        for child in token.subtree:
            if child.lemma_.lower() in ("visit", "travel", "come", "attend", "tour") and child.i != token.i:
                for obj in _phrase_of(child):
                    country = self.lexicon.country_for(obj.text)
                    if country:
                        return country
        return None

    def _sectors(self, token: Token) -> list[str]:
        """The sectors named in the trigger's clause (its governor's subtree for a noun)."""
        clause = token
        while clause.head.i != clause.i and clause.pos_ not in ("VERB", "AUX"):
            clause = clause.head
        words = [t for t in clause.subtree if not (t.dep_ in ("ccomp", "advcl") and t.i > token.i)]
        text = " ".join(t.text for t in words)
        return self.lexicon.sectors_in(text)

    # -- invitations ------------------------------------------------------------------

    def _answer(self, statement: Statement) -> Statement:
        """An answer goes to an invitation its actor received: the one whose inviter it names, else
        the last one told ("received an invitation from X ... and accepted it")."""
        inviters = [i for i, g in self.ctx.invitations if g.country == statement.actor.country]
        if not inviters or statement.target.country in {i.country for i in inviters}:
            return statement
        return replace(statement, target=inviters[-1])

    def _each_invitation(self, answer: Statement) -> list[Statement]:
        """ "Both invitations have been accepted": the answer to each inviter its actor heard from."""
        inviters = {i.country: i for i, g in self.ctx.invitations if g.country == answer.actor.country}
        others = [i for c, i in inviters.items() if c not in (None, answer.target.country)]
        return [answer, *(replace(answer, target=inviter) for inviter in others)]

    def _invited(self, inviter: Party, invitee: Party) -> bool:
        return any(
            i.country == inviter.country and g.country == invitee.country for i, g in self.ctx.invitations
        )

    def _implied_invitation(self, answer: Statement) -> Statement:
        """ "X turned down Washington's invitation": the invitation itself, told only through its answer."""
        invitee, inviter = answer.actor, answer.target
        payload = {
            **answer.payload,
            "implied": True,
            "invitee": invitee.to_dict(),
            "destination": inviter.country,
        }
        return replace(answer, type="InvitationExtended", actor=inviter, target=invitee, payload=payload)

    def _occasion_within(self, token: Token, attached: list[Attached]) -> _When | None:
        """ "congratulated him on his victory in a phone call in February": the dated call or talks
        in the trigger's own phrase are where it was said."""
        inside = {t.i for t in token.subtree} if token.pos_ in ("VERB", "AUX") else set()
        for item in attached:
            word = item.word
            if (
                word.i in inside
                and word.i != token.i
                and word.pos_ == "NOUN"
                and self.frames.types_named(word) & _OCCASIONS
                and item.mention.value <= self.ctx.published
            ):
                return _When(item.mention.value, item.mention.precision, item.mention.basis)
        return None

    def _occasion_told(self, token: Token) -> _When | None:
        """ "accepted it during that call", "in that conversation": the day of the happening told
        before, the latest of its kind."""
        clause = token if token.pos_ in ("VERB", "AUX") else governing_word(token)
        if clause is None:
            return None
        back = self.frames.words["back_references"]
        occasions = ("during", "in", "at", "on")
        for prep in (c for c in clause.children if c.dep_ == "prep" and c.lower_ in occasions):
            for noun in (g for g in prep.children if g.dep_ == "pobj"):
                if not any(d.dep_ == "det" and d.lower_ in back for d in noun.children):
                    continue
                kinds = self.frames.types_named(noun)
                for statement in reversed(self.told):
                    if statement.type in kinds and statement.date_basis not in ("article", "narrative"):
                        return _When(statement.occurred_on, statement.date_precision, statement.date_basis)
        return None

    def _visitor_told(self, token: Token) -> Party | None:
        """ "The visit comes at the invitation of X": the visit is the one told before, by its visitor."""
        for verb in (v for v in follow(token, "^") if v.pos_ in ("VERB", "AUX")):
            for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
                if "VisitMade" in self.frames.types_named(subject) and any(
                    c.dep_ == "det" and c.lower_ in self.definite for c in subject.children
                ):
                    visits = [s for s in self.told if s.type == "VisitMade" and s.actor.country]
                    return visits[-1].actor if visits else None
        return None

    def _told_before(self, token: Token, frames: list[Frame], attached: list[Attached]) -> bool:
        """ "the strike", "the expulsion", "the trip" with no date of its own, once the article has
        told one: the same happening named again. An expulsion or a recall with a doer of its own
        ("Russia's expulsion of ...") is another one; an attack is named by its doer too ("the
        Russian strike")."""
        if token.pos_ != "NOUN" or any(a.word.i == token.i for a in attached):
            return False
        if not any(c.dep_ == "det" and c.lower_ in self.definite for c in token.children):
            return False
        if "AttackOccurred" not in {f.type for f in frames} and own_date(token, attached, self._events):
            return False  # "the call took place late on Thursday": dated, so told here
        kinds = {f.type for f in frames} & _NAMED_AGAIN
        if "AttackOccurred" not in kinds and any(
            c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "by") for c in token.children
        ):
            return False
        return any(s.type in kinds for s in self.told)

    def _thanked_for(self, token: Token) -> bool:
        """A word in the reason someone is thanked or praised for ("for its support", "for
        standing by us", "credited him with advancing cooperation")."""
        node = token
        for _ in range(4):
            head = node.head
            if head.i == node.i:
                return False
            if node.dep_ == "prep" and node.lower_ in ("for", "with") and head.pos_ == "VERB":
                return head.lemma_.lower() in self.frames.words["thanking"]
            node = head
        return False

    def _put_off(self, token: Token, attached: list[Attached]) -> bool:
        """ "postponed the visit to June", "to a later date": put off, not called off."""
        governor = token if phrasal_lemma(token) in self.frames.words["calling_off"] else token.head
        if phrasal_lemma(governor) not in self.frames.words["putting_off"]:
            return False
        scope = {t.i for t in governor.subtree}
        later = self.frames.words["later"]
        return any(
            a.word.i in scope and (a.mention.future or a.mention.preposition in ("to", "until", "till"))
            for a in attached
        ) or any(t.lower_ in later and t.head.lemma_.lower() in ("date", "time") for t in governor.subtree)

    def _called_off(
        self, token: Token, visits: list[Statement], roles: RoleReader, attached: list[Attached]
    ) -> list[Statement]:
        """A visit called off answers the invitation behind it: a guest who calls it off declines it,
        a host who does withdraws it; a visit put off to a later date leaves it open."""
        governor = token if phrasal_lemma(token) in self.frames.words["calling_off"] else token.head
        lemma = phrasal_lemma(governor)
        if lemma in self.frames.words["declining"] and token.dep_ == "xcomp":
            # "declined to attend the summit": the invitation to it is declined
            return [
                replace(v, type="InvitationDeclined", modality="reported") for v in visits if v.target.country
            ]
        if lemma not in self.frames.words["calling_off"]:
            return []
        cancellers, _ = roles.along(governor, ("nsubj",))
        canceller = cancellers[0].party.country if cancellers else None
        out = []
        for visit in visits:
            guest, host = visit.actor, visit.target
            if not (guest.country and host.country) or not self._invited(host, guest):
                continue  # a trip nobody was told to be invited to answers no invitation
            if canceller == host.country:
                payload = {**visit.payload, "withdrawn": True}
                out.append(
                    replace(
                        visit,
                        type="InvitationDeclined",
                        modality="reported",
                        actor=host,
                        target=guest,
                        payload=payload,
                    )
                )
            else:
                out.append(replace(visit, type="InvitationDeclined", modality="reported"))
        return out

    def _refused(self, token: Token, visits: list[Statement]) -> list[Statement]:
        """ "will not travel to X to be the chief guest": a trip refused for an occasion it was asked
        to declines the invitation (known, or told by the purpose the trip would have had)."""
        purpose = any(
            c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in self.frames.words["occasions"]
            for c in token.children
        )
        out = []
        for visit in visits:
            invited = self._invited(visit.target, visit.actor)
            if (purpose or invited) and visit.actor.country and visit.target.country:
                out.append(replace(visit, type="InvitationDeclined", modality="reported"))
        return out

    def _note_invitations(self, statements: list[Statement]) -> None:
        for statement in statements:
            if statement.type == "InvitationExtended" and statement.modality != "negated":
                self.ctx.invitations.append((statement.actor, statement.target))
            if statement.type == "InvitationAccepted" and statement.target.country:
                pair = (statement.target, statement.actor)
                if not any(
                    i.country == pair[0].country and g.country == pair[1].country
                    for i, g in self.ctx.invitations
                ):
                    self.ctx.invitations.append(pair)

    # -- dates ------------------------------------------------------------------------

    def _anchored(self, mention: DateMention) -> DateMention:
        """ "A day earlier", "hours before": counted from the statement told just before."""
        # "Earlier in the day" counts from the story's day; "a day later" from the last day named.
        same_day = "day" in mention.text.lower() and "in the day" in mention.text.lower()
        story = self.narrative.value if self.narrative else None
        anchor = (story or self.previous_day) if same_day else (self.previous_day or story)
        if mention.needs_anchor and self.last_year is not None:
            told = in_year_told(mention, self.last_year)
            if told is not None:
                return replace(mention, value=told, basis="explicit", needs_anchor=False)
        if mention.needs_anchor and mention.told_unit is not None:
            told = self.previous_told
            if told is None:
                return mention
            value, precision = told_from(told.value, told.precision, mention.told_unit, mention.told_months)
            return replace(mention, value=value, precision=precision, basis="relative", needs_anchor=False)
        coarse = self.previous_coarse
        if mention.needs_anchor and coarse is not None and not same_day:
            return replace(
                mention, value=coarse.value, precision=coarse.precision, basis="relative", needs_anchor=False
            )
        if not mention.needs_anchor or anchor is None:
            return mention
        value = resolve_relative(mention.text, anchor)
        return replace(mention, value=value, basis="relative", needs_anchor=False) if value else mention

    def _reporting_date(self, attached: list[Attached]) -> _When | None:
        """The date of the statement this sentence reports ("said on Saturday")."""
        for item in attached:
            word = item.word
            if (
                self._reports(word)
                # "said last week": that week's Monday; "said at the time": the date told before
                and (item.mention.precision in ("day", "week") or item.mention.told_unit == "time")
                and item.mention.value <= self.ctx.published
                and not item.mention.needs_anchor
            ):
                return _When(item.mention.value, item.mention.precision, "reported-statement")
        return None

    def _reports(self, word: Token) -> bool:
        """A reporting verb, a statement, or a verb that issues one ("a statement issued on Saturday")."""
        lemma = word.lemma_.lower()
        if lemma in self.frames.reporting or lemma in self.frames.words["releases"]:
            return True
        return word.dep_ in ("acl", "relcl") and word.head.lemma_.lower() in self.frames.words["releases"]

    def _dated_ahead(self, token: Token, frame: Frame, attached: list[Attached]) -> bool:
        """A verb of a happening that carries, itself, a date after the article's."""
        if frame.type not in ACTIONS or frame.type.startswith("Invitation") or token.pos_ != "VERB":
            return False
        own = own_date(token, attached, self._events, purpose=False)
        return own is not None and own.word.i == token.i and own.mention.value > self.ctx.published

    def _when(
        self, token: Token, frame: Frame, attached: list[Attached], reported: _When | None, modality: str
    ) -> _When:
        own = own_date(token, attached, self._events, purpose=not frame.type.startswith("Invitation"))
        if own is None and frame.pos == "NOUN":
            # "an invitation Erdogan extended in February": the clause that gives it dates it
            giving = {
                c.i
                for c in token.children
                if c.dep_ in ("relcl", "acl") and phrasal_lemma(c) in self.frames.words["extending"]
            }
            own = next((a for a in attached if a.word.i in giving), None)
        if own is not None and frame.type.startswith("Invitation") and _dates_occasion(token, own):
            own = None  # "invited X to a summit in June": June is the summit's
        if (
            own is not None
            and (modality == "planned" or own.mention.value <= self.ctx.published)
            and not (
                frame.type.startswith("Invitation")
                and own.mention.future
                and (own.word.i != token.i or modality != "planned")
            )  # "invited X to a summit later this year": the summit's date, not the invitation's
        ):
            return _When(own.mention.value, own.mention.precision, own.mention.basis)
        occasion = self._occasion_within(token, attached)
        if occasion is not None:
            return occasion
        earlier = self._occasion_told(token)
        if earlier is not None:
            return earlier
        main = main_date(attached, self.frames.reporting, self.ctx.published, token)
        if main is not None and main.word.i != token.i:
            return _When(main.mention.value, main.mention.precision, main.mention.basis)
        if self.background is not None and frame.type in ACTIONS and not reported and _told_as_past(token):
            return self.background  # "the envoy was expelled", after "the row erupted in 2018"
        if reported:
            return reported
        if self.narrative and frame.type in ACTIONS:
            return replace(self.narrative, basis="narrative")
        if self.ctx.anchor:
            return _When(self.ctx.anchor, "day", "reported-statement")
        if self.narrative:
            # An undated statement told in a story about a dated happening shares its day.
            return replace(self.narrative, basis="narrative")
        return _When(self.ctx.published, "day", "article")

    # -- no trigger -------------------------------------------------------------------

    def _plain_statement(
        self,
        sentence: Span,
        mentions: SentenceMentions,
        roles: RoleReader,
        attached: list[Attached],
        reported: _When | None,
    ) -> Statement:
        root = sentence.root
        subjects, _ = roles.along(root, ("nsubj", "nsubjpass"))
        speaker = self._speaker_of_root(root, roles) or (subjects[0] if subjects else None)
        if speaker is not None and speaker.party.country and speaker.kind != "both":
            actor = speaker.party
            others = [m.party for m in mentions.mentions if m.party.country not in (None, actor.country)]
            target = others[0] if others else Party(country=self._counterpart(actor.country))
            dated = [a for a in attached if a.mention.value <= self.ctx.published]
            when = (
                _When(dated[0].mention.value, dated[0].mention.precision, dated[0].mention.basis)
                if dated
                else reported or _When(self.ctx.anchor or self.ctx.published, "day", "article")
            )
        else:
            # The outlet's own commentary: it speaks on the day it publishes.
            actor = Party(name=self.ctx.outlet, role="outlet") if self.ctx.outlet else Party(role="outlet")
            named = [m.party for m in mentions.mentions if m.party.country]
            target = named[0] if named else Party()
            when = _When(self.ctx.published, "day", "article")
        return Statement(
            "StatementRecorded", actor, target, when.value, when.precision, when.basis, "reported", 0, 0, {}
        )

    def _speaker_of_root(self, root: Token, roles: RoleReader) -> Mention | None:
        if root.lemma_.lower() in self.frames.reporting:
            found, _ = roles.along(root, ("nsubj",))
            return found[0] if found else None
        return None

    # -- the thread -------------------------------------------------------------------

    def _same_again(self, sentence: Span, roles: RoleReader, told: list[Statement]) -> list[Statement]:
        """ "..., and Kuwait did the same", "Oman followed suit": the last statement, by another actor."""
        out = []
        for token in sentence:
            lemma = phrasal_lemma(token)
            same = (lemma == "do" and any(c.lower_ in ("same", "likewise") for c in token.children)) or (
                lemma == "follow" and any(c.lower_ == "suit" for c in token.children)
            )
            if not same:
                continue
            template = next((s for s in reversed(told) if s.type != "StatementRecorded"), self.previous)
            doers, _ = roles.along(token, ("nsubj",))
            for doer in doers:
                if template is not None and doer.party.country not in (None, template.target.country):
                    out.append(replace(template, actor=doer.party))
        return out

    def _note_story_day(self, triggers: list[tuple[Token, list[Frame]]], attached: list[Attached]) -> None:
        """A dated happening sets the story's day even where its actors cannot be told
        ("regional leaders sent condolences on Monday")."""
        for token, (frame, *_) in triggers:
            own = own_date(token, attached, self._events)
            if own is None or frame.type not in ACTIONS | _SHARED_ACTS or frame.type == "AttackOccurred":
                continue
            value = own.mention.value
            if (
                own.mention.precision == "day"
                and value <= self.ctx.published
                and (self.ctx.published - value).days <= _NARRATIVE_DAYS
                and (self.narrative is None or value > self.narrative.value)
                and modality_of(token, self.frames, frame.modality) != "planned"
            ):
                self.narrative = _When(value, "day", "narrative")
        if not triggers:
            # "Modi was sworn in on Sunday", "On Wednesday, Jordan joined the list": the story's
            # day moves on, though no trigger tells what happened
            main = main_date(attached, self.frames.reporting, self.ctx.published)
            if (
                main is not None
                and (self.ctx.published - main.mention.value).days <= _NARRATIVE_DAYS
                and (self.narrative is None or main.mention.value > self.narrative.value)
            ):
                self.narrative = _When(main.mention.value, "day", "narrative")

    def _remember(self, statements: list[Statement], found: list[Mention], dates: list[DateMention]) -> None:
        past = [d for d in dates if d.value <= self.ctx.published and d.precision == "day"]
        # "the following day" leans on the last day named, though sentences without one came between
        self.previous_day = past[-1].value if past else self.previous_day
        # a date named, not counted from one ("the following month" leans on the date it follows)
        named = [
            d
            for d in dates
            if d.value <= self.ctx.published and d.basis != "relative" and not d.needs_anchor and not d.future
        ]
        if named:
            self.previous_told = named[-1]
        latest = [d for d in dates if d.value <= self.ctx.published and not d.needs_anchor and not d.future]
        if latest:
            # a sentence that names no day ("the row dates back to March") is told at its month
            coarse = all(d.precision in ("month", "year") for d in latest)
            self.previous_coarse = latest[-1] if coarse else None
        years = [d.value.year for d in dates if d.basis in ("explicit", "year") and not d.needs_anchor]
        if years:
            self.last_year = years[-1]  # for "of that year" later
        for statement in statements:
            if (
                statement.date_basis not in _INFERRED
                and statement.modality == "reported"
                and statement.type in ACTIONS
                and statement.type != "AttackOccurred"
                and statement.occurred_on <= self.ctx.published
                and (self.ctx.published - statement.occurred_on).days <= _NARRATIVE_DAYS
                and (self.narrative is None or statement.occurred_on >= self.narrative.value)
            ):
                # The story's day is its latest happening: what is told of earlier days is background.
                self.narrative = _When(statement.occurred_on, statement.date_precision, "narrative")
        for statement in statements:
            if statement.actor.country and statement.actor.role != "outlet":
                self.ctx.last_subject = statement.actor
                return
        subjects = [m for m in found if m.kind in ("person", "role") and m.prep is None]
        if subjects:
            self.ctx.last_subject = subjects[0].party

    def _note_background(self, statements: list[Statement], attached: list[Attached]) -> None:
        """A happening dated long before the story opens a background thread ("the quarrel erupted
        in August 2018"); a date within the story's days closes it."""
        recent = self.ctx.published - timedelta(days=_NARRATIVE_DAYS)
        told = [a.mention for a in attached if not a.mention.needs_anchor]
        if any(m.value >= recent for m in told):
            return  # "the crisis broke on Saturday, ... the 2014 blasts": the story, not background
        for item in attached:
            if item.word.dep_ == "ROOT" and not item.mention.future and _told_as_past(item.word):
                self.background = _When(item.mention.value, item.mention.precision, "background")
        for statement in statements:
            if (
                statement.type in ACTIONS
                and statement.modality == "reported"
                and statement.date_basis not in _INFERRED
                and statement.occurred_on < recent
            ):
                self.background = _When(statement.occurred_on, statement.date_precision, "background")

    def set_anchor(self, sentences: list[Span]) -> None:
        """Date the lede by the release it reports, when one of the first lines names its day."""
        for sentence in sentences:
            dates = find_dates(sentence.text, self.ctx.published)
            attached = attach(sentence, dates, set(), self.frames.governors.happenings)
            reported = self._reporting_date(attached)
            # The release a news article reports is recent; a statement years old that the lede
            # recalls ("recalled his visit in 2011, which he said ...") dates nothing else.
            if reported and (self.ctx.published - reported.value).days <= _NARRATIVE_DAYS:
                self.ctx.anchor = reported.value
                return

    def _counterpart(self, country: str | None) -> str | None:
        """The side the article most often sets against ``country``: among the countries its
        statements link, else among all it names."""
        for iso3, _ in self.participants.most_common():
            if iso3 != country:
                return iso3
        return self.ctx.counterpart(country)

    def _sides(self) -> tuple[Party, Party] | None:
        """The article's two sides ("the two presidents"): the countries its statements most often
        link, each with its leader where one was named (a venue or a dateline is no side)."""
        common = [iso3 for iso3, _ in self.participants.most_common(2)]
        if len(common) != 2:
            return None
        a, b = common
        return (self.ctx.focal(a) or Party(country=a), self.ctx.focal(b) or Party(country=b))

    def _last_named(self, country: str) -> Party | None:
        """The person of this country the article named last who holds an office (whichever it is):
        a private citizen named in the story does not speak for the country."""
        return next(
            (p for p in reversed(self.ctx.recent_roles) if p.country == country and p.name and p.role), None
        )

    def _with_people(self, statement: Statement, speakers: list[Mention]) -> Statement:
        """A country acting through no named person acts through one named with it: a person of that
        country in the sentence, else its leader named in the article. The payload says which names
        were inferred this way."""
        if statement.type == "StatementRecorded":
            return statement
        inferred: list[str] = []
        sides = {}
        for side in ("actor", "target"):
            party: Party = getattr(statement, side)
            if party.country and not party.name:
                # one who holds an office speaks for a country (see _last_named)
                named = [m.party for m in speakers if m.party.country == party.country and m.party.role]
                person = (
                    named[0] if named else self._last_named(party.country) or self.ctx.focal(party.country)
                )
                if person is not None:
                    sides[side] = person
                    inferred.append(side)
        if not inferred:
            return statement
        payload = {**statement.payload, "inferred_persons": inferred}
        if "invitee" in payload and "target" in sides:
            payload["invitee"] = sides["target"].to_dict()
        return replace(statement, payload=payload, **sides)


def _names_another(token: Token, frame: Frame, mentions: SentenceMentions) -> bool:
    """The frame's own path for its target ends on a one-word proper name that is neither a country
    nor a person ("ties with Asia", "a deal with Somaliland"): the target is that, not a state."""
    for path in frame.target:
        reached = [t for t in follow(token, path) if t.i != token.i]
        if reached:
            return any(
                t.pos_ == "PROPN"
                and mentions.at(t) is None
                and t.lower_.rstrip(".") not in MONTHS
                and t.lower_ not in WEEKDAYS
                and not any(c.dep_ in ("compound", "flat") and c.pos_ == "PROPN" for c in t.children)
                for t in reached
            )
    return False


def _opens_paragraph(sentence: Span) -> bool:
    """A line break just before the sentence (spaCy keeps it as the last token of the one before,
    or as the whitespace after its last word); read on the tokens, not on the whole text, which
    spaCy would build anew for every sentence."""
    if sentence.start == 0:
        return True
    before = sentence.doc[sentence.start - 1]
    return "\n" in before.whitespace_ or (before.is_space and "\n" in before.text)


def _told_as_past(token: Token) -> bool:
    """ "was expelled", "had recalled", "froze": a verb told in a past tense (a noun follows its verb)."""
    verb = token if token.pos_ in ("VERB", "AUX") else next(
        (a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None
    )
    if verb is None:
        return False
    while verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head  # "..., calling the tweet interference": the tense of the clause it hangs on
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(
        c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in verb.children
    )


def _answers_several(token: Token) -> bool:
    """ "accepted both invitations", "the invitations were accepted": more than one is answered."""
    nouns = [token] if token.pos_ in ("NOUN", "PROPN") else objects_of(token)
    return any(
        n.tag_ == "NNS" or any(c.lower_ in ("both", "all") for c in n.children)
        for n in nouns
        if n.lemma_.lower() in ("invitation", "invite")
    )


def _dates_occasion(trigger: Token, attached: Attached) -> bool:
    """The date stands in what the invitation is to: its "to"/"for" phrase or its clause."""
    dated = {t.i for t in date_tokens(trigger.sent, attached.mention)}
    return any(
        (
            child.dep_ in ("xcomp", "ccomp")
            or (child.dep_ in ("prep", "dative") and child.lower_ in ("to", "for"))
        )
        and dated & {t.i for t in child.subtree}
        for child in trigger.children
    )


def _in_sentence_year(dates: list[DateMention]) -> list[DateMention]:
    """ "In May 2021 ... summoned on May 18": a day named without its year takes the year the
    sentence names, rather than the one nearest the article's date."""
    years = {d.value.year for d in dates if any(ch.isdigit() for ch in d.text) and _names_year(d.text)}
    if len(years) != 1:
        return dates
    (year,) = years
    out = []
    moved: dict[date, date] = {}
    for d in dates:
        if d.basis == "month-day" and not _names_year(d.text) and d.value.year != year:
            with contextlib.suppress(ValueError):  # February 29 of a year without one
                moved[d.value] = d.value.replace(year=year)
                d = replace(d, value=moved[d.value], future=False)
        elif d.basis == "relative" and d.value in moved:
            d = replace(d, value=moved[d.value], future=False)  # "the same day" moves with its day
        out.append(d)
    return out


def _names_year(text: str) -> bool:
    return any(len(w) == 4 and w.isdigit() for w in text.replace(",", " ").split())


def _stands_for_someone(token: Token, institutions: frozenset[str]) -> bool:
    """A subject that names an office or an official without naming whose ("the ministry", "her office")."""
    return token.pos_ == "PRON" or token.lemma_.lower() in institutions


def _clause_tokens(token: Token) -> set[int]:
    """The tokens of the clause the trigger stands in, without the clauses joined to it."""
    head = token
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    inner = {t.i for t in token.subtree}
    out = set()
    for t in head.subtree:
        out.add(t.i)
    for child in head.children:
        if child.dep_ in ("conj", "ccomp", "advcl", "parataxis", "relcl") and token.i not in {
            t.i for t in child.subtree
        }:
            out -= {t.i for t in child.subtree}
    return out | inner


def _phrase_of(word: Token) -> list[Token]:
    """The words of ``word``'s own phrase, without the clauses and appositions that comment on it
    ("a state visit, an invitation the Australian leader accepted": not Australia's visit)."""
    out: list[Token] = []
    for child in word.children:
        if child.dep_ not in ("appos", "relcl", "acl", "ccomp", "advcl", "conj", "cc", "punct"):
            out += list(child.subtree)
    return out


def _governing_clause(token: Token) -> Token | None:
    """The word a noun hangs from, past a preposition ("travelled to X for talks": travelled)."""
    governor = governing_word(token)
    if governor is not None and governor.dep_ == "prep" and governor.head.i != governor.i:
        return governor.head
    return governor


def _names_someone(mentions: SentenceMentions, token: Token) -> bool:
    """A word that names a party: its own mention, or one qualifying it or a word listed with it
    ("the Peruvian capital", "a Chinese delegation", "a leader and Canadian citizen")."""
    return any(
        mentions.at(word) is not None
        or any(c.dep_ in ("amod", "compound", "poss") and mentions.at(c) is not None for c in word.children)
        for word in (token, *token.conjuncts)
    )


def _subject_token(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _deduplicated(statements: list[Statement]) -> list[Statement]:
    """One statement per (type, actor, target, date, modality) in a sentence: "met and held talks"."""
    kept: dict[tuple[Any, ...], int] = {}
    out: list[Statement] = []
    for s in statements:
        key = (s.type, s.actor.country, s.target.country, s.occurred_on, s.modality)
        if key not in kept:
            kept[key] = len(out)
            out.append(s)
        elif s.payload.get("sectors"):
            # The same statement told twice keeps every sector either telling names.
            first = out[kept[key]]
            sectors = list(dict.fromkeys([*first.payload.get("sectors", []), *s.payload["sectors"]]))
            out[kept[key]] = replace(first, payload={**first.payload, "sectors": sectors})
    return out
