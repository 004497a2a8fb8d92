"""Did it happen? A trigger's modality from its parse: negation, the future, governing verbs.

- negated: a ``neg`` dependent ("did not attend"), a negative determiner ("no agreement was
  signed"), or a governing verb that undoes it ("called off the visit", "failed to sign");
- planned: a future or modal auxiliary ("will visit"), a governing verb of intent ("plans to
  visit", "is expected to travel", "agreed to sign");
- reported otherwise.

The walk goes up from the trigger through the clauses that govern it, and stops at a reporting
verb: "said it will visit" is planned, but "will say that X visited" does not make the visit so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.extract.frames import FrameBook, phrasal_lemma
from timeline.extract.roles import calls_for_a_purpose

if TYPE_CHECKING:
    from spacy.tokens import Token

_NEGATIVE_DETERMINERS = frozenset({"no", "neither", "nor", "never"})
# Clauses through which the governing verb's mood passes down to the trigger.
_GOVERNED_CLAUSES = ("xcomp", "ccomp", "conj", "dobj", "pobj", "nsubjpass", "attr", "acomp", "prep", "advcl")


def negated_here(token: Token) -> bool:
    """A negation on the word itself or on what it is done to: "did not sign", "never visited",
    "no agreement was signed", "neither country would threaten"."""
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("det", "advmod") and child.lower_ in _NEGATIVE_DETERMINERS):
            return True
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
            g.dep_ == "det" and g.lower_ in _NEGATIVE_DETERMINERS for g in child.children
        ):
            return True
    return False


def future_here(token: Token, book: FrameBook) -> bool:
    """A future or modal auxiliary on the verb ("will visit", "may sign", "is to travel")."""
    for child in token.children:
        if child.dep_ in ("aux", "auxpass") and child.lower_ in book.future_auxiliaries:
            return True
    # "is to visit", "was to have discussed": be + to-infinitive
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return False
    head = token.head
    return (head.lemma_ == "be" and head.i < token.i and token.dep_ == "xcomp") or any(
        c.lemma_ == "be" and c.dep_ in ("aux", "ROOT") for c in head.children if c.i < token.i
    )


def _reported_journey(token: Token, book: FrameBook) -> bool:
    """ "said he was coming next week": a journey in the progressive, in reported speech, is an
    arrangement told before it happens (a trip under way is told in the simple past)."""
    return (
        token.tag_ == "VBG"
        and token.lemma_.lower() in book.words.get("travelling", frozenset())
        and token.dep_ == "ccomp"
        and phrasal_lemma(token.head) in book.reporting
        and any(c.dep_ == "aux" and c.lemma_ == "be" for c in token.children)
    )


def modality_of(
    trigger: Token, book: FrameBook, forced: str | None = None, own_governors: frozenset[str] = frozenset()
) -> str:
    """reported, planned or negated, read from the trigger and the clauses that govern it.

    ``own_governors`` are words that make the trigger what it is ("declined the invitation" is an
    InvitationDeclined): they do not also give it a mood."""
    if forced:
        return forced
    if negated_here(trigger):
        return "negated"
    if future_here(trigger, book) or _reported_journey(trigger, book):
        return "planned"
    if trigger.pos_ in ("NOUN", "PROPN"):
        head = trigger.head
        if trigger.dep_ in ("nsubj", "nsubjpass") and phrasal_lemma(head) in book.governors.negated:
            return "negated"  # "the summit collapsed"
        if any(
            c.dep_ in ("amod", "compound") and c.lower_ in book.governors.planned_nouns
            for c in trigger.children
        ):
            return "planned"  # "a planned summit", "the upcoming visit"
    token = trigger
    for _ in range(6):
        if token.dep_ not in _GOVERNED_CLAUSES or token.head.i == token.i:
            break
        if token.dep_ == "prep" and token.lower_ not in ("to", "for"):
            break  # "during the meeting, they agreed to ...": an adjunct is not what was agreed
        head = token.head
        lemma = phrasal_lemma(head)
        if lemma in book.reporting:
            break
        if lemma in own_governors:
            token = head
            continue
        if token.dep_ == "conj" and token.tag_ in ("VBD", "VBZ", "VBP") and head.tag_ == "VB":
            break  # "would not attend, and accused ...": a verb with its own tense has its own mood
        if (
            lemma in book.governors.negated or head.lemma_.lower() in book.governors.negated
        ) and token.dep_ != "ccomp":
            # "refused to sign", "cancelled the visit"; but "X accused Y, a charge Y denies" still accused
            return "negated"
        if negated_here(head) and head.pos_ in ("VERB", "AUX"):
            return "negated"
        if lemma in book.governors.planned or head.lemma_.lower() in book.governors.planned:
            return "planned"
        if head.lemma_ == "be" and any(
            c.dep_ in ("acomp", "attr") and c.lemma_.lower() in book.governors.planned for c in head.children
        ):
            return "planned"  # "was due later on Tuesday to visit X": the parser hangs the visit on "was"
        if future_here(head, book):
            return "planned"
        token = head
    return "reported"


def is_inner(trigger: Token, book: FrameBook) -> bool:
    """The trigger names what someone was invited, asked or urged to do ("invited X to visit")."""
    token = trigger
    for _ in range(3):
        if (
            token.dep_ not in ("xcomp", "ccomp", "advcl", "acl", "relcl", "pobj", "pcomp", "prep", "dobj")
            or token.head.i == token.i
        ):
            return False
        if token.dep_ == "relcl":
            return False  # "the invitation (which) she accepted": a clause about it, not what was asked
        head = token.head
        if phrasal_lemma(head) in book.governors.inner and not calls_for_a_purpose(head, token):
            return True
        if head.pos_ in ("VERB", "AUX") and token.dep_ in ("xcomp", "ccomp", "advcl"):
            return False
        token = head
    return False
