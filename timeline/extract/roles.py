"""Who did it and to whom: a trigger's actor and target from its dependency tree.

A frame's paths (frames.json) are followed from the trigger token; where they find nothing the
grammar of control and coordination is tried ("agreed to cooperate": the subject of 'agreed';
"met X and discussed": the subject of 'met'; "the minister, who visited": the noun 'who' stands
for). Paths are written for the active voice; a passive trigger reads them turned round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from timeline.extract.actors import Mention
from timeline.extract.frames import governing_word
from timeline.extract.mentions import SentenceMentions

if TYPE_CHECKING:
    from spacy.tokens import Token

# Clauses whose missing subject is the subject of the clause they hang from.
_SHARED_SUBJECT = ("xcomp", "conj", "advcl", "pcomp", "acomp", "ccomp", "dep")
# Verbs whose object, not their subject, does what the clause under them says ("urged X to visit").
_OBJECT_CONTROL = frozenset(
    {"invite", "ask", "urge", "tell", "order", "request", "encourage", "persuade", "allow", "call", "press"}
)


def is_passive(token: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


def follow(token: Token, path: str) -> list[Token]:
    """The tokens a path leads to from token (an empty list where it leads nowhere)."""
    current = [token]
    for step in path.split(">"):
        current = [t for here in current for t in _step(here, step)]
        if not current:
            return []
    return current


def _step(token: Token, step: str) -> Iterable[Token]:
    if step == "^":
        if token.pos_ in ("NOUN", "PROPN"):
            governor = governing_word(token)
            if governor is not None and governor.dep_ == "prep" and governor.head.i != governor.i:
                governor = governor.head  # "steadfast in its support": the clause the phrase stands in
            return [governor] if governor is not None else []
        return [] if token.head.i == token.i else [token.head]
    if step.startswith("prep:"):
        words = set(step[5:].split("|"))
        found = [
            obj
            for child in token.children
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ in words
            for obj in child.children
            if obj.dep_ in ("pobj", "pcomp")
        ]
        if not found and "by" in words and token.pos_ == "NOUN":
            # "the bombing of hospitals by X": the parser hangs the doer's "by" on the last noun
            return [obj for inner in _step(token, "prep:of") for obj in _step(inner, "prep:by")]
        return found
    if "=" in step:
        # "relcl=extend|issue": only a dependent with that label whose lemma is one of those
        label, lemmas = step.split("=", 1)
        return [c for c in token.children if c.dep_ == label and c.lemma_.lower() in lemmas.split("|")]
    if step == "agent":
        # "declared persona non grata by X": the parser may hang 'by' on the complement.
        holders = [token, *(c for c in token.children if c.dep_ in ("oprd", "xcomp", "acomp"))]
        return [
            obj
            for holder in holders
            for child in holder.children
            if child.dep_ == "agent"
            or (child.dep_ == "prep" and child.lower_ == "by" and holder.i != token.i)
            for obj in child.children
            if obj.dep_ == "pobj"
        ]
    if token.pos_ in ("VERB", "AUX") and is_passive(token):
        if step == "nsubj":
            return _step(token, "agent")
        if step == "dobj":
            objects = [c for c in token.children if c.dep_ == "nsubjpass"]
            if not objects and token.dep_ == "conj":
                # "arrived on Monday and was welcomed by X": the subject the two verbs share
                objects = [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            return objects
    return [c for c in token.children if c.dep_ == step]


def with_conjuncts(tokens: list[Token]) -> list[Token]:
    """A list ("A, B and C") stands for each of its members."""
    out: list[Token] = []
    for token in tokens:
        for member in (token, *token.conjuncts):
            if member not in out:
                out.append(member)
    return out


def _list_members(token: Token) -> list[Token]:
    """Members of a list the parser hangs elsewhere than on conjuncts: "X's president, Y's president
    and Z's minister" (an apposition owned by another country: "their host, Prime Minister Y" is
    the same person), "the leaders of X, Y and Z" (the conjuncts of a plural's 'of' object) and "a
    delegation from X and Y"."""
    members: list[Token] = []
    for child in token.children:
        if child.dep_ == "appos" and any(c.dep_ == "poss" for c in child.children):
            members += with_conjuncts([child])
        elif child.dep_ == "prep" and (
            child.lower_ == "from" or (child.lower_ == "of" and token.tag_ == "NNS")
        ):
            members += [c for obj in child.children if obj.dep_ == "pobj" for c in obj.conjuncts]
    return members


def calls_for_a_purpose(head: Token, clause: Token) -> bool:
    """ "called X to offer condolences": a call made for a purpose, not "called on X to act"."""
    return (
        head.lemma_.lower() == "call"
        and clause.dep_ in ("xcomp", "advcl")
        and any(c.dep_ in ("dobj", "oprd") for c in head.children)
        and not any(  # "called on X to", not "called X on Monday to"
            c.dep_ in ("prep", "prt") and c.lower_ in ("on", "upon", "for") and c.i == head.i + 1
            for c in head.children
        )
    )


def controller(trigger: Token) -> Token | None:
    """The word whose subject (or, for "invited X to visit", whose object) the trigger's clause shares."""
    head = trigger.head
    if head.i == trigger.i:
        return None
    if head.pos_ == "ADP" and head.head.i != head.i and trigger.dep_ in ("pcomp", "pobj"):
        # "responded by ordering ...": the clause the preposition hangs from; "Russia's interest in
        # expanding ...": the one whose interest it is
        above = head.head
        if above.pos_ in ("NOUN", "PROPN"):
            owners = [c for c in above.children if c.dep_ == "poss"]
            return owners[0] if owners else None
        return _subject_of(above)
    if trigger.dep_ in ("relcl", "acl", "xcomp") and head.pos_ in ("NOUN", "PROPN", "PRON"):
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children)
        owners = [c for c in head.children if c.dep_ == "poss"]
        if infinitive and trigger.dep_ == "acl" and owners:
            return owners[0]  # "condemned Peru's decision to expel ...": Peru decided it
        if (
            infinitive
            and head.dep_ in ("dobj", "dative")
            and head.head.pos_ in ("VERB", "AUX")
            and head.head.lemma_.lower() not in _OBJECT_CONTROL
        ):
            # "summoned the envoy to protest ...": a purpose, done by the one who summoned
            return _subject_of(head.head)
        if trigger.dep_ == "relcl":
            if head.dep_ == "attr" and head.head.pos_ in ("VERB", "AUX"):
                return _subject_of(head.head)  # "who became the first envoy to call on X": who
            return _one_of(head) or head
        # "Oslo's readiness to broaden cooperation": the one whose readiness it is
        owners = [c for c in head.children if c.dep_ == "poss"]
        return owners[0] if owners else None
    if trigger.dep_ not in _SHARED_SUBJECT:
        return None
    if is_passive(trigger) and trigger.dep_ != "conj":
        return None  # "X said Y had been invited": X did not invite, and may not say who did
    if trigger.dep_ == "conj" and is_passive(trigger) != is_passive(head):
        return None  # "X invited Y, and the invitation was accepted": X did not accept it
    if (
        trigger.dep_ == "xcomp"
        and head.lemma_.lower() in _OBJECT_CONTROL
        and not calls_for_a_purpose(head, trigger)  # "called X to offer condolences": the caller offers
    ):
        objects = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
        if objects:
            return objects[0]
    subject = follow(head, "nsubj")
    if not subject and not (trigger.dep_ == "conj" and is_passive(head)):
        subject = [c for c in head.children if c.dep_ == "nsubjpass"]
    if subject:
        return subject[0]
    return controller(head)


def _one_of(group: Token) -> Token | None:
    """ "X was one of the leaders who ...", "X, one of the leaders who ...": X, not the group."""
    prep = group.head
    if group.dep_ != "pobj" or prep.lower_ != "of" or prep.head.lower_ != "one":
        return None
    one = prep.head
    if one.dep_ == "appos":
        return one.head
    if one.dep_ == "attr":
        subjects = [c for c in one.head.children if c.dep_ == "nsubj"]
        return subjects[0] if subjects else None
    return None


def _antecedent(pronoun: Token) -> Token | None:
    """ "Brazil remains firm in its support": 'its' stands for the subject of the clause it is in."""
    node = pronoun
    for _ in range(8):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass") and c.i != pronoun.i]
            if subjects and subjects[0].lower_ not in ("it", "they", "its", "their"):
                return subjects[0]
    return None


def _subject_of(verb: Token) -> Token | None:
    subjects = follow(verb, "nsubj") or [c for c in verb.children if c.dep_ == "nsubjpass"]
    return subjects[0] if subjects else controller(verb)


class RoleReader:
    """Reads the parties of triggers in one sentence from its mentions."""

    def __init__(self, mentions: SentenceMentions, last_subject: Mention | None = None) -> None:
        self.mentions = mentions
        self.last_subject = last_subject  # who the thread was last about, for "he" with no one before it

    def parties(self, tokens: list[Token], lists: bool = True) -> list[Mention]:
        """The mention each token (and each member of its list) names, in order, without repeats."""
        out: list[Mention] = []
        for token in with_conjuncts(tokens) if lists else tokens:
            if token.lower_ in ("who", "which", "that") and token.head.dep_ == "relcl":
                token = _one_of(token.head.head) or token.head.head  # "the leaders who sent ...": them
            elif self.mentions.is_pronoun(token):
                token = _antecedent(token) or token
            mention = self._person_pronoun(token) or self.mentions.in_phrase(token) or self._owner(token)
            if mention is not None and mention not in out:
                out.append(mention)
            if lists and mention is not None and mention.party.country:
                for member in _list_members(token):
                    other = self.mentions.in_phrase(member)
                    known = other is not None and other.party.country not in (None, mention.party.country)
                    if known and other not in out:
                        out.append(other)
        return out

    def _person_pronoun(self, token: Token) -> Mention | None:
        """ "he", "she", "his" as a subject or its possessive: the person who was last a subject, in
        this sentence or, failing one, before it ("After meeting Tobgay he said": not Tobgay)."""
        if token.lower_ in ("him", "her") and token.dep_ in ("dobj", "dative", "pobj"):
            return self._object_pronoun(token)
        if token.lower_ not in ("he", "she", "his", "her") or token.dep_ not in (
            "nsubj",
            "nsubjpass",
            "poss",
        ):
            return None
        if token.dep_ == "poss" and token.head.dep_ not in ("nsubj", "nsubjpass"):
            return None
        for other in reversed(list(self.mentions.sentence)):
            if other.i >= token.i or other.dep_ not in ("nsubj", "nsubjpass"):
                continue
            mention = self.mentions.at(other)
            if mention is not None and mention.kind in ("person", "role"):
                return mention
        return self.last_subject

    def listed_after(self, tokens: list[Token]) -> list[Mention]:
        """ "other leaders were invited, among them X and Y": the members a plural names next."""
        for token in tokens:
            if self.mentions.at(token) is not None or token.tag_ not in ("NNS", "PRP"):
                continue
            for word in self.mentions.sentence:
                if word.lower_ in ("among", "including") and word.i > token.i:
                    # what follows, to the end of the sentence (the parser hangs such lists anywhere)
                    found = [
                        self.mentions.at(t) for t in self.mentions.sentence if t.i > word.i and t.text != ";"
                    ]
                    members = [m for m in dict.fromkeys(found) if m is not None and m.party.country]
                    if members:
                        return members
        return []

    def _owner(self, token: Token) -> Mention | None:
        """ "his country", "her government": the person the possessive stands for."""
        for child in token.children:
            if child.dep_ == "poss" and child.lower_ in ("his", "her"):
                return self._person_pronoun(child)
        return None

    def _object_pronoun(self, token: Token) -> Mention | None:
        """ "him" as an object: the last person named before it in the sentence who is not the
        subject of its verb ("X received an invitation from Y, when she telephoned him": Y)."""
        verb = token.head if token.dep_ != "pobj" else token.head.head
        doers = {m.party for m in self.parties(follow(verb, "nsubj"))}
        for other in reversed([t for t in self.mentions.sentence if t.i < token.i]):
            mention = self.mentions.at(other)
            if mention is not None and mention.kind in ("person", "role") and mention.party not in doers:
                return mention
        return None

    def co_actors(self) -> list[Mention]:
        """Those who did the same, named after "along with" or "together with"."""
        out: list[Mention] = []
        for token in self.mentions.sentence:
            if token.lower_ == "with" and token.i > 0 and token.nbor(-1).lower_ in ("along", "together"):
                for obj in token.subtree:
                    mention = self.mentions.at(obj)
                    if mention is not None and mention.party.country and mention not in out:
                        out.append(mention)
        return out

    def along(self, trigger: Token, paths: Iterable[str]) -> tuple[list[Mention], list[Token]]:
        """The first path that names someone: its mentions and the tokens it reached."""
        for path in paths:
            tokens = [t for t in follow(trigger, path) if t.i != trigger.i]
            found = self.parties(tokens)
            if found:
                return found, tokens
        return [], []

    def subject(self, trigger: Token) -> tuple[list[Mention], list[Token]]:
        """The actor the grammar gives a clause without one of its own (control, coordination)."""
        seen = 0
        word = controller(trigger)
        while word is not None and seen < 6:
            # "..., and Y, who called X a friend": the one the relative clause is about, not its list
            found = self.parties([word], lists=not (trigger.dep_ == "relcl" and seen == 0))
            if found:
                return found, [word]
            word = controller(word) if word.pos_ in ("VERB", "AUX") else None
            seen += 1
        return [], []
