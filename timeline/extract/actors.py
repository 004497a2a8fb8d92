"""Actors in a sentence: countries, people (with country and role) and later mentions of them.

People are found from the words around a name: a title before it ("Prime Minister
Shehbaz Sharif"), a demonym or a country's possessive before the title ("Pakistani
Prime Minister", "India's High Commissioner"), an apposition ("the Russian ambassador,
Albert P. Khorev" / "Albert P. Khorev, Russia's ambassador"), or the lexicon of known
people. Later mentions ("Sharif", "the Prime Minister", "the Lankan leader", "he",
"both sides") are resolved through the article's context.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources

from timeline.domain.events import Party
from timeline.extract.lexicon import CountryMention, Lexicon, TitleMention, unaccented


def _load_words() -> dict[str, frozenset[str]]:
    raw = json.loads(resources.files("timeline.extract").joinpath("data/actor_words.json").read_text("utf-8"))
    return {key: frozenset(value) for key, value in raw.items() if not key.startswith("_")}


_WORDS = _load_words()
# A capitalised word, an initial ("P."), or a name particle between capitalised words.
_WORD = r"(?:[A-Z][\w'’\-]*[\w]|[A-Z]\.?|(?:al|el|bin|ibn|ben|abu)-[A-Z][\w'’\-]*[\w])"
_PARTICLE = r"(?:bin|bint|ibn|al|el|de|da|das|do|del|della|di|van|von|der|den|la|le|du|dos|y|e)"
_NAME = re.compile(rf"{_WORD}(?:(?:\s+|-)(?:{_PARTICLE}\s+)?(?:{_WORD}))*(?:\s+'[A-Z][\w]+')?")
# Capitalised words that open sentences or clauses and are never names.
_NOT_NAMES = _WORDS["not_names"]
_HONORIFICS = _WORDS["honorifics"]
_PREPOSITIONS = _WORDS["prepositions"]
_PRONOUN_SUBJECT = re.compile(r"\b(?:he|she)\b|^(?:his|her)\b", re.I)
_PRONOUN_OBJECT = re.compile(r"\b(?:him|her)\b(?=\s+(?:to|for|on|with|as|at|in)\b|\s*[,.;])", re.I)
# Plural references to a list just named: "those governments", "them".
_GROUP = re.compile(
    r"\b(?:those|these|the(?: other)?) (?:governments|countries|nations|states|capitals|neighbours)\b"
    # "complaints against the three", "the four governments": a list told before
    r"|\bthe (?:three|four|five|six) (?:governments|countries|nations|states|capitals|neighbours)\b"
    r"|\bthe (?:three|four|five|six)\b(?=\s*(?:[,.;]|at\b|in\b|on\b|over\b|for\b|with\b|and\b))"
    r"|(?<!among )(?<!of )(?<!including )\bthem\b",  # not "among them X, Y and Z": a list follows
    re.I,
)
_BOTH = re.compile(
    r"\b(?:both (?:sides|countries|nations|leaders|governments|capitals|men|presidents|ministers|delegations)"
    r"|the two (?:sides|countries|nations|leaders|governments|capitals|men|women|presidents|neighbours"
    r"|neighbors|prime ministers|premiers|foreign ministers|ministers|states|delegations|heads of state"
    r"|heads of government)"
    # "the presidents discussed ...": the story's two, but "the leaders of Ghana, Togo and Benin" is a list
    r"|the (?:presidents|prime ministers|foreign ministers|premiers|delegations)\b(?!\s+of\b)"
    r"|both\b)",
    re.I,
)
# An institution named without its country speaks for the last country whose institution was named.
_BARE_INSTITUTION = re.compile(
    r"\bthe (?:foreign |external affairs )?(?:ministry|government|administration|presidency|embassy|mission"
    r"|high commission|cabinet|spokes(?:man|woman|person))\b",
    re.I,
)
_HEAD_KINDS = frozenset({"head_of_state", "head_of_government", "royal"})


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor named in a sentence, with the preposition that governs it (if any)."""

    start: int
    end: int
    text: str
    party: Party
    kind: str  # person | country | organisation | place | both | role
    prep: str | None = None
    possessive: bool = False
    head: bool = False  # a head of state or government


@dataclass
class ArticleContext:
    """What the article has said so far: the people met, the roles and the countries in play."""

    published: date
    outlet: str | None = None
    people: dict[str, Party] = field(default_factory=dict)  # full name -> person
    tokens: dict[str, str] = field(default_factory=dict)  # surname or distinctive token -> full name
    recent_roles: list[Party] = field(default_factory=list)  # most recent last
    countries: Counter[str] = field(default_factory=Counter)
    last_subject: Party | None = None
    previous_people: list[Party] = field(default_factory=list)  # people named in the sentence before
    last_targets: list[Party] = field(default_factory=list)  # the last list of several targets
    invitations: list[tuple[Party, Party]] = field(default_factory=list)  # (inviter, invitee), oldest first
    last_institution: str | None = None  # the country of the last ministry, office or agency named
    dateline_country: str | None = None  # where the article was filed from
    anchor: date | None = None  # the date of the statement the text is reported from
    aliases: dict[str, str] = field(default_factory=dict)  # "PNG" -> its country, as the text defined it
    plain_letters: bool = False  # the article spells no accents: the lexicon's names follow suit

    def register(self, person: Party) -> Party:
        """Remember a person; a fuller record of the same name wins over a thinner one."""
        assert person.name
        if self.plain_letters and not person.name.isascii():
            # "Chinh" in a text written without accents is "Pham Minh Chinh", not the lexicon's "Phạm"
            person = replace(person, name=unaccented(person.name))
        known = self.people.get(person.name)
        if known:
            person = Party(
                country=person.country or known.country,
                name=person.name,
                role=stronger_role(person.role, known.role),
            )
        self.people[person.name] = person
        for token in _name_tokens(person.name):
            self.tokens.setdefault(token, person.name)
        self.recent_roles = [p for p in self.recent_roles if p.name != person.name] + [person]
        return person

    def by_token(self, text: str) -> Party | None:
        """A later mention by surname or another distinctive part of a name already seen."""
        if text in self.people:
            return self.people[text]
        tokens = _name_tokens(text)
        for token in reversed(tokens):
            name = self.tokens.get(token)
            if name:
                return self.people[name]
        return None

    def by_role(self, role: str | None, country: str | None, heads_only: bool = False) -> Party | None:
        """The most recent person with this role (and country, when given)."""
        for person in reversed(self.recent_roles):
            if country and person.country != country:
                continue
            if role and person.role and person.role.lower() == role.lower():
                return person
            if heads_only and person.role and _is_head_role(person.role) and (country or not role):
                return person
        return None

    def counterpart(self, country: str | None) -> str | None:
        """The country this article most often sets against ``country``."""
        for iso3, _ in self.countries.most_common():
            if iso3 != country:
                return iso3
        return None

    def focal(self, iso3: str) -> Party | None:
        """The person who speaks for a country in this article: its most recently named leader."""
        for person in reversed(self.recent_roles):
            if person.country == iso3 and person.role and _is_head_role(person.role):
                return person
        return None

    def dyad(self) -> tuple[Party, Party] | None:
        """The two countries the article is about, each with its most recent person where one was named."""
        common = [iso3 for iso3, _ in self.countries.most_common(2)]
        if len(common) != 2:
            return None
        return self._with_person(common[0]), self._with_person(common[1])

    def _with_person(self, iso3: str) -> Party:
        for person in reversed(self.recent_roles):
            if person.country == iso3 and person.role and _is_head_role(person.role):
                return person
        return Party(country=iso3)


def _name_tokens(name: str) -> list[str]:
    words = [w.strip("'’.") for w in re.split(r"\s+", name)]
    # "al-Burhan" is also called "Burhan".
    words += [w.split("-", 1)[1] for w in words if re.match(r"(?:al|el|bin|ibn|ben|abu)-\w", w, re.I)]
    return [
        w
        for w in words
        if len(w) >= 2
        and w.lower() not in _HONORIFICS
        and w.lower() not in _NOT_NAMES
        and not re.fullmatch(_PARTICLE, w, re.I)
    ]


#: Titles that say how a person stands to another, or what they do, but name no office:
#: "his counterpart", a bare "spokesperson". Such a title is a role only when nothing better is known.
PLACEHOLDER_ROLES = frozenset({"counterpart", "spokesperson"})


def is_placeholder_role(role: str | None) -> bool:
    return bool(role) and role.lower() in PLACEHOLDER_ROLES


def stronger_role(first: str | None, second: str | None) -> str | None:
    """``first``, unless it is missing or a placeholder and ``second`` names a real office."""
    if not first or (is_placeholder_role(first) and second and not is_placeholder_role(second)):
        return second or first
    return first


def _is_head_role(role: str) -> bool:
    low = role.lower()
    return any(
        k in low
        for k in (
            "president",
            "prime minister",
            "premier",
            "king",
            "emir",
            "chancellor",
            "sultan",
            "chief adviser",
            "crown prince",
            "leader",
            "monarch",
            "queen",
        )
    )


# "Papua New Guinea (PNG)": a name, then its short form in brackets.
_DEFINED_ALIAS = re.compile(
    r"([A-Z][\w'’.-]*(?:[ -](?:of|the|and|[A-Z][\w'’.-]*)){0,6})\s*\(([A-Z][A-Z.]{1,7})\)"
)


def defined_aliases(text: str, lexicon: Lexicon) -> dict[str, str]:
    """The short forms a text defines for countries it names ("Papua New Guinea (PNG)" -> PNG)."""
    aliases = {}
    for match in _DEFINED_ALIAS.finditer(text):
        name, alias = match.group(1), match.group(2)
        words = name.split()
        # the longest tail of the words before the bracket that names a country
        for start in range(len(words)):
            iso3 = lexicon.country_for(" ".join(words[start:]))
            if iso3:
                aliases.setdefault(alias, iso3)
                break
    return aliases


class ActorFinder:
    """Finds and resolves the actors of each sentence of one article, in reading order."""

    def __init__(self, lexicon: Lexicon, context: ArticleContext) -> None:
        self.lexicon = lexicon
        self.ctx = context

    def mentions(self, sentence: str) -> list[Mention]:
        countries = [c for c in self.lexicon.countries_in(sentence)]
        orgs = [o for o in self.lexicon.organisations_in(sentence)]
        titles = self.lexicon.titles_in(sentence)
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        # 1. Titled people: [country/demonym] Title [of Country] [,] Name
        for title in titles:
            person = self._titled_person(sentence, title, countries)
            if person and free(person.start, person.end):
                found.append(person)
                taken.append((person.start, person.end))
        # 2. Names on their own: known people, later mentions, "Country's Name" and appositions.
        for match in _NAME.finditer(sentence):
            start, end, text = _trim_name(sentence, match.start(), match.end())
            if start >= end or not free(start, end):
                continue
            if any(c.start <= start and end <= c.end for c in countries):
                # "Montenegro said": a country's name, unless a person of this article bears it
                # ("Prime Minister Luis Montenegro" named before).
                known = self.ctx.by_token(text) if " " not in text else None
                if known is None or known.name is None or text not in known.name.split():
                    continue
                found.append(
                    self._mention(sentence, start, end, known, "person", head=_is_head_role(known.role or ""))
                )
                taken.append((start, end))
                continue
            person = self._named_person(sentence, start, end, text, countries, titles)
            if person:
                found.append(person)
                taken.append((person.start, person.end))
        # 3. Roles without a name ("the Prime Minister", "the Lankan leader").
        for title in titles:
            if not free(title.start, title.end):
                continue
            role = self._role_mention(sentence, title, countries, found)
            if role:
                found.append(role)
                taken.append((role.start, role.end))
        # 4. Organisations speaking for a country, then countries themselves.
        for org in orgs:
            if not free(org.start, org.end):
                continue
            iso3 = org.iso3 or self._adjacent_country(sentence, org.start, countries)
            if iso3:
                found.append(self._mention(sentence, org.start, org.end, Party(country=iso3), "organisation"))
                taken.append((org.start, org.end))
                self.ctx.last_institution = iso3
        for match in _BARE_INSTITUTION.finditer(sentence):
            if self.ctx.last_institution and free(match.start(), match.end()):
                party = Party(country=self.ctx.last_institution)
                found.append(self._mention(sentence, match.start(), match.end(), party, "organisation"))
                taken.append((match.start(), match.end()))
        for country in countries:
            if not free(country.start, country.end):
                continue
            mention = self._mention(
                sentence, country.start, country.end, Party(country=country.iso3), "country"
            )
            if (
                mention.prep in _PREPOSITIONS
                and country.kind in ("capital", "city", "name")
                and mention.prep not in ("with", "between", "by", "of", "against", "toward", "towards")
            ):
                mention = replace(mention, kind="place")
            found.append(mention)
            taken.append((country.start, country.end))
        # Short forms the article defined ("Papua New Guinea (PNG)").
        for alias, iso3 in self.ctx.aliases.items():
            for match in re.finditer(rf"\b{re.escape(alias)}\b", sentence):
                if free(match.start(), match.end()):
                    found.append(
                        self._mention(sentence, match.start(), match.end(), Party(country=iso3), "country")
                    )
                    taken.append((match.start(), match.end()))
        # 5. "both sides", "the two countries".
        for match in _BOTH.finditer(sentence):
            if free(match.start(), match.end()):
                found.append(self._mention(sentence, match.start(), match.end(), Party(), "both"))
        for match in _GROUP.finditer(sentence):
            if free(match.start(), match.end()):
                found.append(self._mention(sentence, match.start(), match.end(), Party(), "group"))
        # 6. A pronoun stands for the last person named as a subject in this sentence, else the last
        # subject of the sentences before.
        found.sort(key=lambda m: m.start)
        for match in _PRONOUN_SUBJECT.finditer(sentence):
            if not free(match.start(), match.end()):
                continue
            # Subject continuity: "A thanked B and said he ..." -- "he" is A, the sentence's subject.
            earlier = [
                m
                for m in found
                if m.end <= match.start()
                and m.kind in ("person", "role")
                and m.prep is None
                and not m.possessive
            ]
            party = earlier[0].party if earlier else self.ctx.last_subject
            if party is not None:
                found.append(self._mention(sentence, match.start(), match.end(), party, "pronoun"))
        # An object pronoun ("invited him to ...") is another person than its verb's subject (the last
        # person named before it without a preposition): one of this sentence, else one of the sentence
        # before from another country, else the subject itself ("his trip took him to China").
        for match in _PRONOUN_OBJECT.finditer(sentence):
            if not free(match.start(), match.end()):
                continue
            earlier = [m for m in found if m.end <= match.start() and m.kind in ("person", "role", "pronoun")]
            doers = [m.party for m in earlier if m.prep is None and not m.possessive]
            subject = doers[-1] if doers else None
            here = [m.party for m in earlier if m.kind != "pronoun" and m.party != subject]
            before = [p for p in self.ctx.previous_people if subject is None or p.country != subject.country]
            party = (here or before or [subject])[-1]
            if party is not None:
                found.append(self._mention(sentence, match.start(), match.end(), party, "pronoun"))
        found.sort(key=lambda m: m.start)
        found = self._place_officials(found)
        self.ctx.previous_people = [m.party for m in found if m.kind in ("person", "role")]
        return _inherit_prepositions(sentence, found)

    def _place_officials(self, found: list[Mention]) -> list[Mention]:
        """ "In a statement read by Foreign Minister Yvan Gil, Venezuela accused ...": an official whose
        country nothing names serves the nearest country acting in the same sentence."""
        acting = [m for m in found if m.kind in ("country", "organisation") and m.party.country]
        out = []
        for mention in found:
            party = mention.party
            if mention.kind == "person" and party.country is None and party.role and party.name and acting:
                # A story filed from a capital names its own officials without their country.
                nearest = min(acting, key=lambda m: abs(m.start - mention.start)).party.country
                party = self.ctx.register(replace(party, country=self.ctx.dateline_country or nearest))
                mention = replace(mention, party=party)
            out.append(mention)
        return out

    # -- people -------------------------------------------------------------------------

    def _titled_person(
        self, sentence: str, title: TitleMention, countries: list[CountryMention]
    ) -> Mention | None:
        """[Demonym|Country's] Title [of Country][,] Name."""
        pos = title.end
        post: CountryMention | None = None
        country = self._country_before(sentence, title.start, countries)
        start = country[1] if country else title.start
        iso3 = country[0] if country else None
        after = re.match(r"\s+(of|to|in)\s+(?:the\s+)?", sentence[pos:])
        if after:
            following = [c for c in countries if c.start == pos + after.end()]
            if following:
                if after.group(1) == "of":
                    iso3 = iso3 or following[0].iso3
                else:
                    # "France's ambassador to Mali, Joel Meyer": where the envoy serves, then the
                    # name; the place stays a mention of its own (the target of "the recall of ...")
                    post = following[0]
                pos = following[0].end
        # The gap may hold an abbreviated honorific: "the U.S. envoy, Dr. Helen Marsh".
        gap = re.match(
            r"(?:,\s*|\s+)(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen|Lt|Col|Capt|Adm|Sen|Rep|Gov)\.\s+)?", sentence[pos:]
        )
        if not gap:
            return None
        name_match = _NAME.match(sentence, pos + gap.end())
        if not name_match:
            return None
        n_start, n_end, name = _trim_name(sentence, name_match.start(), name_match.end())
        if n_start != pos + gap.end() or not name or name.split()[0].lower() in _NOT_NAMES:
            return None
        if any(c.start <= n_start < c.end for c in countries) and not self.lexicon.people_named(name):
            return None  # a country after the title, unless it begins a known name ("Israel Katz")
        role, kind = title.role, title.kind
        if is_placeholder_role(role):
            # "his Hungarian counterpart, Foreign Minister Peter Szijjarto": the office named after
            # the placeholder is the role, and no part of the name.
            inner = next((t for t in self.lexicon.titles_in(name) if t.start == 0), None)
            if inner is not None and not is_placeholder_role(inner.role):
                rest = name[inner.end :].lstrip()
                if not rest or not _NAME.fullmatch(rest):
                    return None
                name, role, kind = rest, inner.role, inner.kind
        party = self._resolve_name(name, iso3, role)
        return self._mention(
            sentence, n_start if post else start, n_end, party, "person", head=kind in _HEAD_KINDS
        )

    def _named_person(
        self,
        sentence: str,
        start: int,
        end: int,
        name: str,
        countries: list[CountryMention],
        titles: list[TitleMention],
    ) -> Mention | None:
        """A name with no title before it: known, seen before, or placed by the words around it."""
        on = self.ctx.published
        known = self.ctx.by_token(name)
        if known and (name in self.ctx.people or len(name.split()) == 1 or _name_tokens(name)):
            return self._mention(sentence, start, end, known, "person", head=_is_head_role(known.role or ""))
        roles = self.lexicon.people_named(name, on)
        if not roles and len(name.split()) > 1:
            # "since Barack Obama's tour": a full name out of office on the day is still its country's
            roles = self.lexicon.people_named(name)
        if roles:
            role = roles[0]
            spelled = name if len(name.split()) > 1 else role.name
            party = self.ctx.register(Party(country=role.country, name=spelled, role=role.role))
            return self._mention(sentence, start, end, party, "person", head=_is_head_role(role.role))
        if len(name.split()) == 1:
            roles = self.lexicon.people_by_surname(name, on)
            if len(roles) == 1:
                role = roles[0]
                party = self.ctx.register(Party(country=role.country, name=role.name, role=role.role))
                return self._mention(sentence, start, end, party, "person", head=_is_head_role(role.role))
            return None
        # "Kenya's William Ruto": a country's possessive right before a two-word name.
        country = self._country_before(sentence, start, countries, possessive_only=True)
        # "Albert P. Khorev, Russia's ambassador" / ", the Russian envoy".
        apposition = re.match(r",\s+(?:the\s+|a\s+)?", sentence[end:])
        if apposition:
            for title in titles:
                title_country = self._country_before(sentence, title.start, countries)
                begin = title_country[1] if title_country else title.start
                # "Pedro Soto, Foreign Minister Alberto van Klaveren said": that title is the next name's
                if begin == end + apposition.end() and not re.match(r"\s+[A-Z]", sentence[title.end :]):
                    party = self._resolve_name(name, title_country[0] if title_country else None, title.role)
                    return self._mention(
                        sentence, start, end, party, "person", head=title.kind in _HEAD_KINDS
                    )
        if country:
            party = self._resolve_name(name, country[0], None)
            return self._mention(sentence, country[1], end, party, "person")
        return None

    def _resolve_name(self, name: str, iso3: str | None, role: str | None) -> Party:
        """A person's full record: the text's country and role, else the context's, else the lexicon's."""
        known = self.ctx.by_token(name) if len(name.split()) == 1 else self.ctx.people.get(name)
        if known and (not iso3 or known.country == iso3):
            # The first, fullest title stays: "Prince Mohammed" later is still the Crown Prince.
            return self.ctx.register(
                Party(country=known.country or iso3, name=known.name, role=stronger_role(known.role, role))
            )
        candidates = self.lexicon.people_named(name, self.ctx.published)
        if not candidates and len(name.split()) > 1:
            # A full name out of office on the day (a president years after leaving) is still its country's.
            candidates = self.lexicon.people_named(name)
        if not candidates and len(name.split()) == 1:
            candidates = self.lexicon.people_by_surname(name, self.ctx.published)
        candidates = [c for c in candidates if not iso3 or c.country == iso3]
        if candidates:
            best = candidates[0]
            # A full name keeps the article's own spelling ("Lopez Obrador", not the lexicon's accents).
            spelled = name if len(name.split()) > 1 else best.name
            return self.ctx.register(
                Party(country=best.country, name=spelled, role=stronger_role(role, best.role))
            )
        if len(name.split()) == 1 and iso3 and role:
            holder = self.lexicon.holder(iso3, role, self.ctx.published)
            if holder and name in holder.name.split():
                return self.ctx.register(Party(country=iso3, name=holder.name, role=role))
        return self.ctx.register(Party(country=iso3, name=name, role=role))

    def _role_mention(
        self, sentence: str, title: TitleMention, countries: list[CountryMention], before: list[Mention]
    ) -> Mention | None:
        """A role named without a person: the last person with it, or the lexicon's holder; "his
        Rwandan counterpart" holds, in Rwanda, the office of the one named before it."""
        country = self._country_before(sentence, title.start, countries)
        iso3 = country[0] if country else None
        start = country[1] if country else title.start
        generic = title.role.lower() in ("leader", "head of state", "monarch", "head of government")
        person = self.ctx.by_role(None if generic else title.role, iso3, heads_only=generic)
        if person is None and iso3 and is_placeholder_role(title.role):
            owners = [
                m for m in before if m.start < title.start and m.kind in ("person", "role") and m.party.role
            ]
            owner_role = owners[-1].party.role if owners else None
            holder = self.lexicon.holder(iso3, owner_role, self.ctx.published) if owner_role else None
            if holder and owners[-1].party.country != iso3:
                person = self.ctx.register(Party(country=iso3, name=holder.name, role=holder.role))
        if person is None and iso3 and title.role.lower() != "leader":
            # "the Somali head of state": the lexicon's holder of an office of that kind, in its own title
            holder = self.lexicon.holder(iso3, title.role, self.ctx.published)
            if holder:
                role = holder.role if generic else title.role
                person = self.ctx.register(Party(country=iso3, name=holder.name, role=role))
        if person is None and iso3 is None:
            return None
        if person is None:
            person = Party(country=iso3, role=title.role)
        return self._mention(sentence, start, title.end, person, "role", head=title.kind in _HEAD_KINDS)

    # -- countries ----------------------------------------------------------------------

    def _country_before(
        self,
        sentence: str,
        start: int,
        countries: list[CountryMention],
        possessive_only: bool = False,
    ) -> tuple[str, int] | None:
        """The country qualifying the words at ``start``: "Pakistani ", "India's ", "US ", "Saudi "."""
        for country in reversed(countries):
            if country.end > start:
                continue
            between = sentence[country.end : start]
            if possessive_only:
                if re.fullmatch(r"['’]s\s+", between):
                    return country.iso3, country.start
                return None
            if re.fullmatch(
                r"(?:['’]s)?\s+(?:(?:former|then|new|own|acting|deputy|visiting|chief|top)\s+)?"
                r"(?:(?-i:[A-Z])[\w-]*\s+){0,3}",  # "Chinese Foreign Ministry spokesman"
                between,
            ):
                return country.iso3, country.start
            return None
        return None

    def _adjacent_country(self, sentence: str, start: int, countries: list[CountryMention]) -> str | None:
        found = self._country_before(sentence, start, countries)
        return found[0] if found else None

    def _mention(
        self, sentence: str, start: int, end: int, party: Party, kind: str, head: bool = False
    ) -> Mention:
        before = sentence[max(0, start - 24) : start].split()
        prep = before[-1].lower() if before and before[-1].lower() in _PREPOSITIONS else None
        if (
            prep is None
            and len(before) >= 2
            and before[-1].lower() == "the"
            and before[-2].lower() in _PREPOSITIONS
        ):
            prep = before[-2].lower()
        possessive = bool(re.match(r"['’](?:s\b|\s)", sentence[end : end + 2]))  # "Japan's", "both nations'"
        return Mention(start, end, sentence[start:end], party, kind, prep, possessive, head)


_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?")


def _inherit_prepositions(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """In "from Argentina, Chile and Peru" every country is governed by "from", not just the first."""
    out: list[Mention] = []
    for mention in mentions:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.prep
            and mention.prep is None
            and (previous.kind in ("person", "role")) == (mention.kind in ("person", "role"))
            and _LIST_GAP.fullmatch(sentence[previous.end : mention.start])
        ):
            kind = "place" if previous.kind == "place" and mention.kind == "country" else mention.kind
            mention = replace(mention, prep=previous.prep, kind=kind)
        out.append(mention)
    return out


def _trim_name(sentence: str, start: int, end: int) -> tuple[int, int, str]:
    """Drop sentence-opening words and honorifics-free noise from the ends of a capitalised run."""
    text = sentence[start:end]
    words = text.split()
    while words and (words[0].lower().strip(".") in _NOT_NAMES):
        start = sentence.index(words[0], start) + len(words[0])
        words = words[1:]
        while start < end and sentence[start].isspace():
            start += 1
    while len(words) > 1 and words[0].endswith(("'s", "’s")):
        # "Vietnam's Pham Minh Chinh": the owner before the name is not part of it
        start = sentence.index(words[0], start) + len(words[0])
        words = words[1:]
        while start < end and sentence[start].isspace():
            start += 1
    while words and words[-1].lower().strip(".") in _NOT_NAMES:
        words = words[:-1]
        end = start + len(" ".join(words)) if words else start
    text = sentence[start:end]
    # A trailing possessive belongs to the grammar, not the name.
    if text.endswith(("'s", "’s")):
        end -= 2
        text = text[:-2]
    return start, end, text
