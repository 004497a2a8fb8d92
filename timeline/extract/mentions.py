"""The actors of one parsed sentence, as tokens: who each noun phrase names.

``actors.ActorFinder`` finds people, countries, organisations and later mentions in the sentence's
text with the lexicon; this module hangs them on the parse, so that the roles layer can ask what a
subject, an object or a possessive stands for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from timeline.extract.actors import Mention

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Dependents that stay inside a noun phrase and can name whom it belongs to ("Chad's envoy",
# "the Czech ambassador", "Foreign Minister Ana Duarte", "the envoy of Chad").
_PHRASE_DEPS = ("appos", "compound", "amod", "poss", "nmod", "npadvmod", "nummod", "det")
_INSTITUTIONS = frozenset(
    {"ministry", "government", "embassy", "parliament", "office", "presidency", "cabinet", "court", "mission"}
)
# Nouns a story uses for a country it is about ("the kingdom's support", "aid to the island").
_SELF_NOUNS = frozenset({"kingdom", "island", "emirate", "republic", "archipelago", "sultanate"})
_PRONOUNS = frozenset({"it", "its", "they", "their", "them", "itself"})


class SentenceMentions:
    """The mentions of one sentence, by the tokens they cover."""

    def __init__(self, sentence: Span, mentions: list[Mention]) -> None:
        self.sentence = sentence
        self.mentions = mentions
        self._by_token: dict[int, Mention] = {}
        base = sentence[0].idx
        for mention in mentions:
            for token in sentence:
                start = token.idx - base
                if start < mention.end and start + len(token.text) > mention.start:
                    self._by_token.setdefault(token.i, mention)

    def at(self, token: Token) -> Mention | None:
        """The mention the token is part of."""
        return self._by_token.get(token.i)

    def within(self, indices: set[int]) -> list[Mention]:
        """The mentions with a token among these token indices, in reading order."""
        found = {id(m): m for i, m in sorted(self._by_token.items()) if i in indices}
        return list(found.values())

    def in_phrase(self, token: Token) -> Mention | None:
        """What the noun phrase headed by token names: the token's own mention, else one of its
        modifiers' (a person named in apposition first, then a country's adjective or possessive),
        else the object of its 'of'/'from' phrase."""
        own = self.at(token)
        if own is not None and own.kind != "place":
            return own
        found = [m for m in self._modifiers(token, depth=0) if m is not None]
        people = [m for m in found if m.kind in ("person", "role", "pronoun")]
        if people:
            return people[0]
        if found:
            return found[0]
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "from", "in"):
                for obj in child.children:
                    if obj.dep_ != "pobj":
                        continue
                    hit = self.in_phrase(obj) if child.lower_ != "in" else self.at(obj)
                    # "the foreign ministry in Oslo": an institution is of the place it sits in.
                    if hit is not None and (child.lower_ != "in" or token.lower_ in _INSTITUTIONS):
                        return hit
        return own

    def _modifiers(self, token: Token, depth: int) -> Iterator[Mention | None]:
        if depth > 3:
            return
        for child in token.children:
            if child.dep_ in _PHRASE_DEPS:
                mention = self.at(child)
                if mention is not None and mention.kind != "place":
                    yield mention
                elif child.dep_ != "appos" or mention is None:
                    yield from self._modifiers(child, depth + 1)

    def is_pronoun(self, token: Token) -> bool:
        """ "it", "they", "its": a pronoun the lexicon does not resolve (he and she it does); also
        "the kingdom", "the island", which stand for the country the clause is about."""
        if self.at(token) is not None:
            return False
        if token.lower_ in _PRONOUNS:
            return True
        return token.lemma_.lower() in _SELF_NOUNS and any(
            c.dep_ == "det" and c.lower_ == "the" for c in token.children
        )
