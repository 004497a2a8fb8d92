"""Trigger frames: which word of a parsed sentence names which kind of event (loaded from data).

A frame is keyed on a lemma and a part of speech, may ask for an object, a dependent or a
governing verb, and says where in the dependency tree its actor and target stand (frames.json
explains the path language). The matching here looks only at one token and its neighbours in the
tree; filling the roles is ``roles.py``'s job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.domain.vocabulary import event_types

if TYPE_CHECKING:
    from spacy.tokens import Token

# Dependents that stand for a verb's object: the active object, the passive subject, "declared X persona".
_OBJECTS = ("dobj", "nsubjpass", "attr", "oprd", "dative")
# How a noun trigger reaches its governing verb: as its object, subject or a preposition's object.
_GOVERNED = ("dobj", "nsubjpass", "nsubj", "pobj", "attr", "conj", "appos", "xcomp")


@dataclass(frozen=True, slots=True)
class Frame:
    """One sense of one trigger word, with the paths to its actor and target."""

    type: str
    lemmas: frozenset[str]
    pos: str
    actor: tuple[str, ...]
    target: tuple[str, ...]
    objects: frozenset[str] = frozenset()
    has: frozenset[str] = frozenset()
    complement: frozenset[str] = frozenset()
    complement_object: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    governors: frozenset[str] = frozenset()
    not_governors: frozenset[str] = frozenset()
    deps: frozenset[str] = frozenset()  # the trigger's own relation ("attr": "X and Y are allies")
    has_tone: bool = False
    strict: bool = False
    when_planned: bool = False  # only of what is still to come ("will host X" invites X)
    named: bool = False  # the target must come from the frame's own paths ("at the invitation of X")
    bare: bool = False  # no clause or predicate: "called on X" is a visit, "called on X to act" is not
    invitee: bool = False
    mutual: bool = False  # each side did it to the other ("traded accusations")
    intransitive: bool = False  # the verb has no object ("she accepted", after an invitation)
    withdrawn: bool = False  # an InvitationDeclined by the inviter, taking it back
    modality: str | None = None
    tone: str | None = None


@dataclass(frozen=True, slots=True)
class Governors:
    """Words that, governing a trigger, make it planned, negated or the content of a request."""

    planned: frozenset[str]
    negated: frozenset[str]
    inner: frozenset[str]
    happened: frozenset[str]  # govern a noun that tells a happening ("paid a visit", "during talks")
    planned_nouns: frozenset[str]  # describe a happening still to come ("a planned summit")
    happenings: frozenset[str]  # nouns of happenings that keep a date of their own ("the fires in May")


class FrameBook:
    """The frames, the governing words, the reporting verbs and the tone words, from data."""

    def __init__(self, layers: Sequence[dict[str, Any]]) -> None:
        shipped = layers[0]
        self.defaults: dict[str, dict[str, tuple[str, ...]]] = {
            pos: {role: tuple(paths) for role, paths in roles.items()}
            for pos, roles in shipped["defaults"].items()
        }
        known = set(event_types())
        frames: list[Frame] = []
        # The user's frames go first: the first frame that fits a word wins.
        for layer in reversed(layers):
            for raw in layer.get("frames", ()):
                if raw.get("type") not in known:
                    raise ValueError(f"frame for unknown event type {raw.get('type')!r}")
                frames.append(self._frame(raw))
        self.frames = tuple(frames)
        self._by_lemma: dict[str, list[Frame]] = {}
        for frame in self.frames:
            for lemma in frame.lemmas:
                # A phrasal verb is found by its verb ("call off"), a compound noun by its head
                # ("phone call").
                head = lemma.split()[0] if frame.pos == "VERB" else lemma.split()[-1]
                self._by_lemma.setdefault(head, []).append(frame)
        governors = _merged(layers, "governors")
        self.governors = Governors(
            planned=frozenset(governors.get("planned", ())),
            negated=frozenset(governors.get("negated", ())),
            inner=frozenset(governors.get("inner", ())),
            happened=frozenset(governors.get("happened", ())),
            planned_nouns=frozenset(governors.get("planned_nouns", ())),
            happenings=frozenset(governors.get("happenings", ())),
        )
        self.reporting = frozenset(_listed(layers, "reporting"))
        self.future_auxiliaries = frozenset(_listed(layers, "future_auxiliaries"))
        self.phrases = tuple(_listed(layers, "phrases"))
        # Word classes the coder's rules name (offices that speak, verbs of giving an invitation ...)
        self.words = {name: frozenset(items) for name, items in _merged(layers, "words").items()}
        tones = _merged(layers, "relation_tones")
        self.tone_words = {word: tone for tone, words in tones.items() if tone[0] != "_" for word in words}
        self.tone_phrases = [(word, tone) for word, tone in self.tone_words.items() if " " in word]

    def _frame(self, raw: dict[str, Any]) -> Frame:
        pos = raw.get("pos", "VERB")
        defaults = self.defaults[pos]
        return Frame(
            type=raw["type"],
            lemmas=frozenset(_words(raw["lemma"])),
            pos=pos,
            actor=tuple(raw.get("actor", defaults["actor"])),
            target=tuple(raw.get("target", defaults["target"])),
            objects=frozenset(_words(raw.get("object", ()))),
            has=frozenset(_words(raw.get("has", ()))),
            complement=frozenset(_words(raw.get("complement", ()))),
            complement_object=frozenset(_words(raw.get("complement_object", ()))),
            unless=frozenset(_words(raw.get("unless", ()))),
            governors=frozenset(_words(raw.get("governor", ()))),
            not_governors=frozenset(_words(raw.get("not_governor", ()))),
            deps=frozenset(_words(raw.get("dep", ()))),
            has_tone=bool(raw.get("has_tone")),
            strict=bool(raw.get("strict")),
            when_planned=bool(raw.get("when_planned")),
            named=bool(raw.get("named")),
            bare=bool(raw.get("bare")),
            invitee=bool(raw.get("invitee")),
            mutual=bool(raw.get("mutual")),
            intransitive=bool(raw.get("intransitive")),
            withdrawn=bool(raw.get("withdrawn")),
            modality=raw.get("modality"),
            tone=raw.get("tone"),
        )

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> FrameBook:
        """Shipped frames plus the ``frames`` (and governor, tone) keys of user lexicon files."""
        layers = [_shipped()]
        for path in extra:
            data = json.loads(Path(path).read_text("utf-8"))
            if isinstance(data, dict):
                layers.append(data)
        return cls(layers)

    def matches(self, token: Token) -> list[Frame]:
        """The frames that fit this token, in the order they are tried."""
        candidates = self._by_lemma.get(token.lemma_.lower(), [])
        if token.lower_ != token.lemma_.lower():
            # "talks" is a meeting though "talk" is a verb of its own
            candidates = candidates + [f for f in self._by_lemma.get(token.lower_, []) if f not in candidates]
        return [frame for frame in candidates if self._fits(frame, token)]

    def types_named(self, token: Token) -> set[str]:
        """The event types a word can name, whatever its sentence ("that call": PhoneCallHeld)."""
        return {f.type for key in (token.lemma_.lower(), token.lower_) for f in self._by_lemma.get(key, [])}

    def match(self, token: Token) -> Frame | None:
        """The first frame that fits this token, or None."""
        found = self.matches(token)
        return found[0] if found else None

    def _fits(self, frame: Frame, token: Token) -> bool:
        if not _pos_fits(frame.pos, token) or (frame.deps and token.dep_ not in frame.deps):
            return False
        if (
            not {phrasal_lemma(token), compound_lemma(token), token.lemma_.lower(), token.lower_}
            & frame.lemmas
        ):
            return False
        if frame.intransitive and objects_of(token):
            return False
        if frame.bare and any(c.dep_ in ("xcomp", "ccomp", "oprd", "acomp") for c in token.children):
            return False
        if frame.objects and not any(
            _lemma(o) in frame.objects or o.lower_ in frame.objects or compound_lemma(o) in frame.objects
            for o in objects_of(token)
        ):
            return False
        if frame.complement and not any(
            c.dep_ in ("xcomp", "ccomp", "advcl")
            and _lemma(c) in frame.complement
            and (
                not frame.complement_object
                or any(_lemma(o) in frame.complement_object for o in objects_of(c))
            )
            for c in token.children
        ):
            return False
        if frame.has and not any(_lemma(t) in frame.has or t.lower_ in frame.has for t in near(token)):
            return False
        if frame.unless and any(
            _lemma(t) in frame.unless for t in near(token) if t.dep_ not in _COMPLEMENTS
        ):
            return False  # "came to power"; not "arrived ..., after Y ended a tour": that clause's own verb
        governors = governing_lemmas(token) | _participles(token)
        if frame.governors and not governors & frame.governors:
            return False
        if frame.not_governors and (governors | _container(token)) & frame.not_governors:
            return False
        return not (frame.has_tone and self.tone_of(token) is None)

    def tone_of(self, token: Token) -> str | None:
        """The tone the words describing a relationship give it ("cordial ties", "ties are strained")."""
        words = [t for t in near(token) if t.dep_ in ("amod", "acomp", "attr", "oprd", "advmod", "compound")]
        if token.dep_ == "pobj" and token.head.lower_ in ("in", "of") and token.head.head.pos_ == "NOUN":
            # "steady progress in relations", "a new stage in ties": the phrase the noun qualifies
            token = token.head.head
            words += [token, *(t for t in token.children if t.dep_ in ("amod", "compound"))]
        elif token.dep_ == "pobj" and token.head.lower_ in ("in", "of") and token.head.head.pos_ == "VERB":
            # "opened a new page in relations": the parser hangs "in relations" on the verb
            for obj in token.head.head.children:
                if obj.dep_ == "dobj":
                    words += [obj, *(t for t in obj.children if t.dep_ in ("amod", "compound"))]
        head = token.head
        if token.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("AUX", "VERB"):
            # "relations were moving in a positive direction", "ties had never been closer"
            skip = {t.i for t in token.subtree} | {
                t.i for c in head.children if c.dep_ in ("ccomp", "relcl") for t in c.subtree
            }
            words += [t for t in head.subtree if t.i not in skip]
        if token.dep_ in ("dobj",):
            # "described ties as warm", "called the relationship healthy"
            for child in head.children:
                if child.dep_ in ("oprd", "acomp", "ccomp", "xcomp") or (
                    child.dep_ == "prep" and child.lower_ == "as"
                ):
                    words += list(child.subtree)
        # A phrase first ("had never been closer" is close, though "closer" alone is cooperative).
        said = " ".join(w.lower_ for w in sorted(set(words), key=lambda w: w.i))
        for phrase, tone in self.tone_phrases:
            if f" {phrase} " in f" {said} ":
                return tone
        for word in words:
            for piece in (word.lower_, word.lemma_.lower()):
                if piece in self.tone_words:
                    return self.tone_words[piece]
        return None

    def triggers(self, tokens: Iterable[Token]) -> list[tuple[Token, list[Frame]]]:
        """Every trigger word among tokens with the frames that fit it, in reading order. The coder
        takes the first frame whose roles it can fill ("called on X" is a meeting only when X is
        someone; else "called X's move unjustified" may still be criticism)."""
        found = []
        for token in tokens:
            frames = self.matches(token)
            if frames:
                found.append((token, frames))
        return found


def phrasal_lemma(token: Token) -> str:
    """ "called off" -> "call off": a verb with its particle, else the lemma."""
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ == "prt":
            return f"{lemma} {child.lower_}"
    return lemma


def compound_lemma(token: Token) -> str:
    """ "phone call", "state visit": a noun with the compound word before it, else the lemma."""
    for child in token.children:
        if child.dep_ == "compound" and child.i == token.i - 1:
            return f"{child.lower_} {token.lemma_.lower()}"
    return token.lemma_.lower()


def objects_of(token: Token) -> list[Token]:
    """What the verb acts on: its object, its passive subject, the object of its particle phrase."""
    out = [c for c in token.children if c.dep_ in _OBJECTS]
    if token.dep_ == "relcl" and any(o.lower_ in ("which", "that") for o in out):
        # "an invitation, which she accepted": the relative pronoun stands for the clause's noun, or
        # the noun above it where the clause hangs on the last word ("an invitation to visit Lima,
        # which he accepted")
        above = [a for a in token.head.ancestors if a.pos_ == "NOUN"][:1]
        out = [w for o in out for w in ([token.head, *above] if o.lower_ in ("which", "that") else [o])]
    if not out and token.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        out.append(token.head)  # "a conversation she described as constructive": what she described
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "to", "for", "with"):
            # "provided Peru with aid": what is given comes after 'with'
            out += [g for g in child.children if g.dep_ == "pobj"]
    out += [c for o in out for c in o.conjuncts]
    # "50 tonnes of aid", "a new package of sanctions", "$10 million in aid": what the measure is of.
    return out + [
        g
        for o in out
        for p in o.children
        if p.dep_ == "prep" and p.lower_ in ("of", "in")
        for g in p.children
        if g.dep_ == "pobj"
    ]


# Dependents that open a clause of their own: a frame's 'has' words are not looked for inside them.
_CLAUSES = frozenset({"advcl", "ccomp", "xcomp", "relcl", "acl", "conj", "parataxis", "csubj"})


# Clauses whose verb still belongs to the frame ("given two days to leave"), though not their words.
_COMPLEMENTS = frozenset({"xcomp", "advcl"})


def near(token: Token) -> list[Token]:
    """The token's dependents and theirs (two levels), within its own clause (a complement's
    verb counts, its dependents do not)."""
    out = []
    for child in token.children:
        if child.dep_ in _CLAUSES:
            if child.dep_ in _COMPLEMENTS:
                out.append(child)
            continue
        out.append(child)
        for grandchild in child.children:
            if grandchild.dep_ in ("ccomp", "conj", "parataxis", "csubj"):
                continue
            out.append(grandchild)
            # "discussed ties over the phone": the object of a preposition on the object
            if grandchild.dep_ == "prep":
                out.extend(g for g in grandchild.children if g.dep_ == "pobj")
    return out + _described_as(token)


def _described_as(token: Token) -> list[Token]:
    """ "described the move as a selfish and reckless act": the words of what it is called, where
    the parser hangs 'as' on the verb, on its object or on a date after it ("rejected it the next
    day as groundless", where the adjective may hang on 'as' itself)."""
    holders = [token, *(c for c in token.children if c.dep_ in ("dobj", "npadvmod"))]
    out: list[Token] = []
    for prep in (c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "as"):
        for obj in (g for g in prep.children if g.dep_ in ("pobj", "amod", "acomp")):
            words = [w for w in obj.children if w.dep_ in ("amod", "compound")]
            out += [obj, *obj.conjuncts, *words, *(c for w in words for c in w.conjuncts)]
    return out


def governing_word(token: Token) -> Token | None:
    """The verb or noun a noun trigger hangs from ("extended an invitation", "at the invitation")."""
    if token.dep_ not in _GOVERNED or token.head.i == token.i:
        return None
    head = token.head
    if token.dep_ == "pobj":
        prep = head
        if prep.lower_ in ("at", "on", "upon", "during", "in"):
            return prep  # "at the invitation of", "in a phone call": the preposition itself governs
        if prep.lower_ == "of" and prep.head.pos_ in ("NOUN", "PROPN") and prep.head.i != prep.i:
            # "messages of sympathy", "a letter of invitation", "a package of sanctions": the
            # container noun stands where the trigger would, so its governor governs.
            return governing_word(prep.head) or prep.head
        return prep.head if prep.head.i != prep.i else prep
    if token.dep_ == "conj":
        return governing_word(head)
    return head


def governing_lemmas(token: Token) -> set[str]:
    """The lemmas of the words governing a noun: a preposition and the word it hangs from
    ("remains steadfast in its support": 'in' and 'steadfast')."""
    governor = governing_word(token)
    if governor is None:
        return set()
    out = {phrasal_lemma(governor)}
    if governor.dep_ == "prep" and governor.head.i != governor.i:
        out.add(phrasal_lemma(governor.head))
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        out.add(token.head.lower_)  # "after private talks, X thanked Y": 'after' as well as 'thank'
    return out


def _participles(token: Token) -> set[str]:
    """ "Tanzania's ban on maize, imposed in March": a past participle describing a noun says what
    was done with it, as a verb governing it would."""
    return {phrasal_lemma(c) for c in token.children if c.dep_ == "acl" and c.tag_ == "VBN"}


def _container(token: Token) -> set[str]:
    """ "announced the lifting of curbs": the noun a trigger is 'of', which may undo it."""
    prep = token.head
    if token.dep_ == "pobj" and prep.lower_ == "of" and prep.head.pos_ == "NOUN" and prep.head.i != prep.i:
        return {prep.head.lemma_.lower()}
    return set()


def _pos_fits(pos: str, token: Token) -> bool:
    if pos == "ADJ":
        return token.pos_ == "ADJ"
    if pos == "VERB":
        return token.pos_ in ("VERB", "AUX") or (token.tag_.startswith("VB"))
    return token.pos_ in ("NOUN", "PROPN") and not token.tag_.startswith("VB")


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _words(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    return [str(x).lower() for x in items]


def _merged(layers: Sequence[dict[str, Any]], key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for layer in layers:
        for name, words in (layer.get(key) or {}).items():
            if not name.startswith("_"):
                out.setdefault(name, []).extend(_words(words))
    return out


def _listed(layers: Sequence[dict[str, Any]], key: str) -> list[str]:
    return [word for layer in layers for word in _words(layer.get(key, ()))]


@cache
def _shipped() -> dict[str, Any]:
    return json.loads(resources.files("timeline.extract").joinpath("data/frames.json").read_text("utf-8"))


@cache
def default_frames() -> FrameBook:
    return FrameBook([_shipped()])
