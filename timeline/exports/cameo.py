"""CAMEO export: one tab-separated row per coded event, in the column layout of GDELT 2.0's event table.

The mapping, column by column, is documented in docs/cameo-mapping.md. Fields this store does
not hold (ethnic and religious codes, geography, average tone) are left empty.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date
from functools import cache, lru_cache
from importlib import resources
from typing import TextIO

from timeline.domain.articles import Article
from timeline.domain.events import Event, Party
from timeline.domain.vocabulary import event_types
from timeline.names import inferred_sides
from timeline.safe_text import neutralise_cell

#: GDELT 2.0 event table columns, in file order (61; GDELT 1.0 is the same without the ADM2 codes).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(
        f"Actor{n}{field}"
        for n in (1, 2)
        for field in (
            "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
            "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
        )
    ),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(
        f"{geo}Geo_{field}"
        for geo in ("Actor1", "Actor2", "Action")
        for field in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    ),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

#: Columns this export fills from numbers (ids, dates, counts, the Goldstein value): written as
#: they are, a negative Goldstein value included. Every other column is text (codes, names, the
#: source URL) and is neutralised against spreadsheet formulas like a CSV cell.
NUMERIC_COLUMNS = frozenset(
    {
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "IsRootEvent", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "DATEADDED",
        *(f"{geo}Geo_{axis}" for geo in ("Actor1", "Actor2", "Action") for axis in ("Lat", "Long")),
    }
)  # fmt: skip
_TEXT_INDEXES = tuple(i for i, name in enumerate(GDELT_COLUMNS) if name not in NUMERIC_COLUMNS)

#: The vocabulary's family of events that record the store's own housekeeping (a retraction, an
#: erasure): never exported, they are not something that happened between countries.
HOUSEKEEPING = "housekeeping"
#: How many articles' source URLs are remembered; events of one article are consecutive in the
#: stream, so a small cache saves nearly every lookup while memory stays bounded.
ARTICLE_CACHE = 1024


def quad_class(cameo: str) -> int | None:
    """GDELT's QuadClass from the CAMEO root: 1 verbal cooperation (01-05), 2 material cooperation
    (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20)."""
    try:
        root = int(cameo[:2])
    except ValueError:
        return None
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


def is_coded(event: Event) -> bool:
    """Exported as CAMEO: a reported event with a CAMEO code and at least one country.

    Planned and negated events are left out: CAMEO (and GDELT) rows are things that happened,
    and a visit someone "will make" is not one.
    """
    return (
        not _housekeeping(event.type)
        and event.modality == "reported"
        and bool(event.cameo)
        and quad_class(event.cameo or "") is not None
        and bool(event.actor.country or event.target.country)
    )


@lru_cache(maxsize=256)
def _housekeeping(type_name: str) -> bool:
    spec = event_types().get(type_name)
    return spec is not None and spec.family == HOUSEKEEPING


@cache
def _type_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    text = resources.files("timeline.exports").joinpath("data/cameo_actor_types.json").read_text("utf-8")
    return tuple(
        (re.compile(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])"), code)
        for phrase, code in json.loads(text)["rules"]
    )


@lru_cache(maxsize=4096)
def actor_type(role: str | None) -> str:
    """The CAMEO actor type code for a role ("Prime Minister" -> "GOV"), or "" when none fits."""
    if not role:
        return ""
    lowered = " ".join(role.lower().split())
    for pattern, code in _type_rules():
        if pattern.search(lowered):
            return code
    return ""


@lru_cache(maxsize=1024)
def country_name(code: str) -> str:
    """The country's name in capitals, as GDELT writes actor names ("PAKISTAN")."""
    import pycountry

    found = pycountry.countries.get(alpha_3=code)
    return (getattr(found, "common_name", None) or found.name).upper() if found else code


def _clean(value: object) -> str:
    """A field value on one line: tabs and line breaks would break the row."""
    return "" if value is None else " ".join(str(value).split())


def _actor(party: Party, inferred: bool = False) -> list[str]:
    """The ten actor fields. A person the extractor inferred (not named in the sentence) is left
    out, with the role it would give the code: the row names the country only."""
    if inferred:
        party = Party(country=party.country)
    kind = actor_type(party.role)
    country = party.country or ""
    code = country + kind
    name = party.name or (country_name(country) if country else "")
    return [code, _clean(name), country, "", "", "", "", kind, "", ""]


def fraction_date(day: date) -> str:
    """GDELT's FractionDate, YYYY.FFFF with FFFF = (month * 30 + day) / 365."""
    return f"{day.year + (day.month * 30 + day.day) / 365:.4f}"


def source_url(event: Event, article: Article | None) -> str:
    """The article's URL; failing that, a URN naming the article in this store."""
    if article is not None and article.url:
        return _clean(article.url)
    if event.provenance is not None:
        return f"urn:timeline:article:{event.provenance.article_id}"
    return ""


def cameo_row(event: Event, article: Article | None = None) -> list[str]:
    """The 61 fields of one event, as text (empty where this store has nothing).

    Text columns that start like a spreadsheet formula get a leading ``'`` (a TSV file opens in a
    spreadsheet as readily as a CSV file); the numeric columns are left as they are.
    """
    code = event.cameo or ""
    day = event.occurred_on
    prov = event.provenance
    added = event.recorded_at.astimezone(UTC).strftime("%Y%m%d%H%M%S") if event.recorded_at else ""
    quad = quad_class(code)
    guessed = inferred_sides(event.payload)
    row = [
        str(event.position or ""),
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m"),
        str(day.year),
        fraction_date(day),
        *_actor(event.actor, "actor" in guessed),
        *_actor(event.target, "target" in guessed),
        ("1" if prov.sentence_index == 0 else "0") if prov else "",
        code,
        code[:3],
        code[:2],
        str(quad) if quad else "",
        "" if event.goldstein is None else f"{event.goldstein:g}",
        "1",
        "1",
        "1",
        "",
        *([""] * 24),
        added,
        source_url(event, article),
    ]
    for index in _TEXT_INDEXES:
        row[index] = neutralise_cell(row[index])
    return row


def write_cameo(
    events: Iterable[Event], out: TextIO, article: Callable[[str], Article | None] | None = None
) -> int:
    """One tab-separated row per coded event, no header (as GDELT's files have none)."""
    lookup = lru_cache(maxsize=ARTICLE_CACHE)(article) if article is not None else None
    count = 0
    for event in events:
        if not is_coded(event):
            continue
        found = lookup(event.provenance.article_id) if lookup and event.provenance else None
        out.write("\t".join(cameo_row(event, found)))
        out.write("\n")
        count += 1
    return count
