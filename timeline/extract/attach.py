"""Which date belongs to which word: date expressions hung on the parse.

A date dates the verb or event noun whose phrase holds it: "met on Monday" dates 'met', "talks
on Monday" the talks. Walking up from the date, a noun that names no event stops the walk: in
"congratulated her on her victory in last month's election" the month dates the election, not
the congratulations. Dates after "since", "until" or "by" are bounds, not days of happening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from timeline.extract.dates import DateMention

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# "since 2008", "by the end of Monday", "an invitation for July 8": bounds and occasions, not the
# days things happened.
_BOUNDS = frozenset({"since", "until", "till", "by", "through", "before", "from", "for"})


@dataclass(frozen=True, slots=True)
class Attached:
    """A date and the token (verb or event noun) it dates."""

    mention: DateMention
    word: Token


def date_tokens(sentence: Span, mention: DateMention) -> list[Token]:
    """The tokens a date expression covers (offsets are into the sentence's text)."""
    base = sentence[0].idx
    return [t for t in sentence if t.idx - base < mention.end and t.idx - base + len(t.text) > mention.start]


def attach(
    sentence: Span, mentions: list[DateMention], events: set[int], happenings: frozenset[str] = frozenset()
) -> list[Attached]:
    """Each date with the word it dates; ``events`` holds the indices of the trigger tokens.

    A date reaches a verb through prepositions and adverbial phrases, and an event noun the same
    way; a noun that names a happening of its own ("the fires in February", ``happenings``) or holds
    the date in its own phrase ("last month's election") keeps the date for itself."""
    out = []
    for mention in mentions:
        tokens = date_tokens(sentence, mention)
        if not tokens:
            continue
        inside = {t.i for t in tokens}
        root = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[0])
        bounded = (mention.preposition in _BOUNDS or _bounding_preposition(root) in _BOUNDS) and not (
            _is_span(mention)  # "from January 8 to 12": when it happened, not a bound
        )
        # "On Tuesday Kenya's aviation authority suspended ...", "In late November Somalia had ...":
        # the parser reads a date opening the clause as a modifier of the name after it. A date
        # after a preposition is no part of a name, so it is read with the verb.
        misread = (
            mention.preposition is not None
            and root.dep_ in ("compound", "amod")
            and root.head.pos_ == "PROPN"
            and root.head.i not in inside
        )
        word = (
            None
            if bounded
            else _relative_target(root) or _dated_word(root, events, happenings, noun_own=not misread)
        )
        if (
            word is not None
            and word.lemma_.lower() in _WITNESSING
            and root.dep_ in ("nsubj", "npadvmod")
            and root.i < word.i
        ):
            # "Last month saw Peru and Chile sign an accord": the month is when what it saw happened
            word = next((c for c in word.children if c.dep_ in ("ccomp", "xcomp", "dobj")), word)
        if word is not None:
            out.append(Attached(mention, word))
        # "in 1991, when she was received by X": the clause on the date happened then
        out += [
            Attached(mention, c) for c in root.children if c.dep_ == "relcl" and c.pos_ in ("VERB", "AUX")
        ]
    return out


# Verbs whose subject may be a time that saw something happen ("last month saw ...").
_WITNESSING = frozenset({"see", "witness"})
# Verbs of a relative clause that date the noun it describes, not the sentence's statement.
_HAPPENING_VERBS = frozenset(
    {"occur", "happen", "take", "kill", "erupt", "strike", "break", "unfold", "begin"}
)
# How a date modifies a noun when it belongs to that noun: "last month's election", "the 2014 blasts".
_NOUN_OWN = frozenset({"poss", "compound", "amod", "nummod", "nmod"})


def main_date(
    attached: list[Attached], reporting: frozenset[str], published: date, trigger: Token | None = None
) -> Attached | None:
    """The sentence's main date: the first day-precise date of a verb that is not a reporting verb.
    Triggers with no date of their own share it ("asked X to come when they met on Monday")."""
    for item in attached:
        mention = item.mention
        if item.word.dep_ in ("relcl", "acl") and item.word.lemma_.lower() in _HAPPENING_VERBS:
            continue  # "the attack, which occurred on March 22": the date of what the clause describes
        if item.word.dep_ == "relcl" and (trigger is None or trigger not in item.word.subtree):
            described = item.word.head
            if described.pos_ == "PROPN" or (trigger is not None and trigger in described.ancestors):
                # "X, who arrived on Tuesday, said ...", "pledged support for the deal, which was
                # signed on May 2": that clause's day, not the sentence's
                continue
        if (
            item.word.pos_ in ("VERB", "AUX")
            and item.word.lemma_.lower() not in reporting
            and mention.precision == "day"
            and not mention.future
            and not mention.needs_anchor
            and mention.value <= published
        ):
            return item
    return None


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_span(mention: DateMention) -> bool:
    """A span of days read as one expression ("from January 8 to 12", "May 3-5")."""
    text = mention.text.lower()
    if _ISO_DAY.fullmatch(text):
        return False  # "from 2024-05-20": one day, its hyphens are no range
    return mention.preposition in ("from", "between", None) and (" to " in text or "-" in text or "–" in text)


def _bounding_preposition(root: Token) -> str | None:
    """ "by the end of Monday", "until early next week": the preposition above a date's phrase."""
    node = root
    for _ in range(4):
        head = node.head
        if head.i == node.i:
            return None
        if head.dep_ == "prep" or head.pos_ == "ADP":
            if head.lower_ != "of":
                return head.lower_
        elif head.lower_ not in ("end", "beginning", "start", "middle", "close", "turn"):
            return None
        node = head
    return None


def _relative_target(root: Token) -> Token | None:
    """ "arrived on Sunday, a day after attending the summit": "a day after" dates the attending."""
    prep = root if root.lower_ in ("after", "before") else root.head
    if prep.lower_ not in ("after", "before") or not any(c.dep_ == "npadvmod" for c in prep.children):
        return None
    return next((c for c in prep.children if c.dep_ in ("pcomp", "pobj")), None)


def _dated_word(
    root: Token, events: set[int], happenings: frozenset[str] = frozenset(), noun_own: bool = True
) -> Token | None:
    node = root
    for _ in range(8):
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX") else None
        below, node = node, node.head
        if node.i in events or node.pos_ in ("VERB", "AUX"):
            return node
        if node.pos_ in ("NOUN", "PROPN") and node.lemma_.lower() in happenings:
            return node  # "condolences over the fires in February": February is the fires'
        if noun_own and node.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and below.dep_ in _NOUN_OWN:
            # A date that is part of a noun phrase dates what the noun names, not the verb above it;
            # a date in a phrase after a noun ("a flight on Tuesday") is read with the verb, as the
            # parser often hangs such phrases on the nearest noun. The noun keeps it ("on the night
            # of the November 19 run-off" is dated by it).
            return node
    return None


_DEADLINES = frozenset({"by", "until", "till", "before"})


def own_date(
    trigger: Token, attached: list[Attached], events: set[int], purpose: bool = True
) -> Attached | None:
    """The date of the trigger itself, else of a purpose clause under it ("travelled to X to attend
    the rites on Saturday"; not for an invitation, whose clause dates the occasion), else of the
    nearest word above it that has one (a light verb for a noun, the first of a list of verbs
    sharing one date)."""
    by_word: dict[int, list[Attached]] = {}
    for item in attached:
        by_word.setdefault(item.word.i, []).append(item)

    def best(found: list[Attached]) -> Attached:
        # An explicit day beats "a day after X", which dates X rather than this word.
        return min(found, key=lambda a: (a.mention.basis == "relative", a.mention.precision != "day"))

    if trigger.i in by_word:
        return best(by_word[trigger.i])
    # "last met when Scholz visited Moscow in February 2022": the "when" clause's time is the verb's
    for child in trigger.children:
        if (
            child.dep_ == "advcl"
            and child.i in by_word
            and any(c.dep_ == "advmod" and c.lower_ == "when" for c in child.children)
        ):
            return best(by_word[child.i])
    # "accepted the invitation during talks in Lima on May 3": the occasion's date
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ in ("during", "at", "on"):
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                # "on the night of the November 19 run-off": the occasion the night is of
                occasions = [obj] + [
                    g for p in obj.children if p.lower_ == "of" for g in p.children if g.dep_ == "pobj"
                ]
                for occasion in occasions:
                    if occasion.i in by_word:
                        return best(by_word[occasion.i])
    if purpose:
        for child in trigger.children:
            if (
                child.dep_ in ("xcomp", "advcl", "relcl", "acl")
                and child.i in by_word
                and child.i not in events
            ):
                return best(by_word[child.i])
    if purpose and trigger.pos_ in ("VERB", "AUX"):
        # "was given 72 hours to leave on Monday": the infinitive that completes the object is
        # part of what was done, though a deadline ("to leave by Friday") is not its date
        for obj in (c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")):
            for clause in obj.children:
                if (
                    clause.dep_ in ("relcl", "acl")
                    and clause.i in by_word
                    and clause.i not in events
                    and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
                ):
                    dated = [a for a in by_word[clause.i] if a.mention.preposition not in _DEADLINES]
                    if dated:
                        return best(dated)
    if trigger.pos_ in ("NOUN", "PROPN"):
        # "the bombing in Bangkok, which happened on May 2": a clause inside the noun's phrase
        for word in trigger.subtree:
            if (
                word.dep_ in ("relcl", "acl")
                and word.i in by_word
                and word.lemma_.lower() in _HAPPENING_VERBS
            ):
                return best(by_word[word.i])
    node = trigger
    for _ in range(6):
        if _first_to(node):
            # "in April became the first member to hand over jets", "the last leader to visit was X,
            # in 2016": the date of the clause that says who was first or last
            verb = node.head.head
            return best(by_word[verb.i]) if verb.i in by_word else None
        if node.head.i == node.i or node.dep_ in ("ccomp", "relcl", "acl", "parataxis"):
            return None
        if (
            node.dep_ == "advcl"
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children)
            and not any(c.dep_ == "advmod" and c.lower_ in ("when", "as", "while") for c in node.children)
        ):
            return None  # "..., after the minister called": a clause with its own subject has its own time
        if node.dep_ == "conj" and node.head.pos_ not in ("VERB", "AUX"):
            return None
        coordinated = node.dep_ == "conj"
        node = node.head
        if node.i in events and node.i not in by_word and not coordinated:
            return None  # another event's word: its date, if it had one, is not this one's
        if node.i in by_word:
            return best(by_word[node.i])
    return None


_RANKS = frozenset({"first", "last", "only", "second", "third", "latest"})


def _first_to(clause: Token) -> bool:
    """ "the first country to hand over jets": an infinitive ranking the noun it describes, where
    that noun is said of someone by 'be' or 'become'."""
    noun = clause.head
    return (
        clause.dep_ in ("relcl", "acl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
        and noun.dep_ in ("attr", "nsubj")
        and noun.head.lemma_.lower() in ("be", "become")
        and any(c.dep_ == "amod" and c.lower_ in _RANKS for c in noun.children)
    )
