"""Formatting of command output: JSON, JSON lines, CSV and tables readable by a person.

Renderers take plain records (dicts in the JSON contract's shape) and yield text chunks, so
that a long stream is written as it is read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from timeline.names import cached_display, inferred_sides, with_inferred
from timeline.safe_text import csv_cell, for_terminal
from timeline.wording import count, plural

FORMATS = ("table", "json", "jsonl", "csv")

#: Fields of an event in the order of the contract (docs/json.md); the store's extras follow.
EVENT_FIELDS = (
    "position",
    "event_id",
    "type",
    "modality",
    "occurred_on",
    "date_precision",
    "actor",
    "target",
    "cameo",
    "goldstein",
    "article_id",
    "sentence_index",
    "sentence",
    "recorded_at",
    "payload",
)
EXCERPT_WIDTH = 70
TRIGGER_WIDTH = 24
TITLE_WIDTH = 40
#: After a person's name in a table: the extractor inferred them; the sentence does not name them.
INFERRED_MARK = "?"


#: Fields added after the store's extras when retracted events are shown (null for a live event).
RETRACTION_FIELDS = ("retracted_at", "retraction_reason")

#: Fields added last with ``--with-article``: where the event was read (null without an article).
ARTICLE_FIELDS = ("article_url", "article_outlet", "article_title")

#: CSV header rows of the read commands, for an answer with no rows (a row's own keys otherwise).
RELATION_COLUMNS = (
    "dyad", "tone", "score", "sectors", "last_event_on", "quiet_days", "quiet", "fact_count",
    "report_count", "counts", "reciprocal", "as_of",
)  # fmt: skip
INVITATION_COLUMNS = (
    "invitation_id", "inviter_country", "inviter_name", "inviter_role", "invitee_country",
    "invitee_name", "invitee_role", "destination", "extended_on", "status", "status_on", "event_ids",
    "occasion", "days_pending",
)  # fmt: skip
HISTORY_COLUMNS = (
    "event_id", "type", "modality", "occurred_on", "actor_country", "actor_name", "actor_role",
    "target_country", "target_name", "target_role", "fact_id", "corroborates", "score", "tone",
    "previous_tone", "tone_changed",
)  # fmt: skip
FACT_COLUMNS = (
    "fact_id", "type", "family", "actor_country", "actor_name", "actor_role", "target_country",
    "target_name", "target_role", "dyad", "occurred_on", "date_precision", "first_reported", "sources",
    "source_count", "sectors", "goldstein", "tone",
)  # fmt: skip
EXPLAINED_COLUMNS = (
    "dyad", "as_of", "fact_id", "type", "occurred_on", "actor_country", "actor_name", "actor_role",
    "target_country", "target_name", "target_role", "tone", "value", "weight", "contribution",
    "rupture", "sources", "source_count",
)  # fmt: skip
STATS_COLUMNS = ("group", "name", "count", "live", "retracted")
ARTICLE_LIST_COLUMNS = (
    "article_id", "published", "outlet", "title", "url", "recorded_at", "live_events",
    "retracted_events", "extractor_versions", "erased", "erased_at",
)  # fmt: skip


def event_record(event: Any, marks: Mapping[str, Any] | None = None, article: Any = None) -> dict[str, Any]:
    """An event as the JSON contract has it: the contract's fields first, then the store's extras.

    With ``marks`` (event id -> an object with ``retracted_at`` and ``reason``, as
    ``service.retraction_marks`` gives), ``retracted_at`` and ``retraction_reason`` follow.
    With ``article`` (article id -> its Article or None), ``article_url``, ``article_outlet`` and
    ``article_title`` come last (null for an event without an article).
    """
    data = event.to_json()
    guessed = inferred_sides(event.payload)
    for side in ("actor", "target"):
        data[side] = with_inferred(data.get(side), side in guessed)
    ordered = {key: data.get(key) for key in EVENT_FIELDS}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    if marks is not None:
        mark = marks.get(event.event_id)
        when = mark.retracted_at if mark is not None else None
        ordered["retracted_at"] = when.isoformat() if when is not None else None
        ordered["retraction_reason"] = mark.reason if mark is not None else None
    if article is not None:
        source = article(event.provenance.article_id) if event.provenance else None
        ordered["article_url"] = source.url if source is not None else None
        ordered["article_outlet"] = source.outlet if source is not None else None
        ordered["article_title"] = source.title if source is not None else None
    return ordered


def records(result: Any, key: str | None = None) -> list[dict[str, Any]]:
    """A projection's answer as a list of JSON objects, whatever shape the projection returns it in."""
    if hasattr(result, "to_json"):
        result = result.to_json()
    if isinstance(result, Mapping):
        for name in (key, "items", "results"):
            if name and name in result:
                return records(result[name])
        return [dict(result)]
    return [item.to_json() if hasattr(item, "to_json") else dict(item) for item in result]


def invitation_records(items: Iterable[Any], as_of: date) -> list[dict[str, Any]]:
    """Invitations (as the service returns them) as JSON objects, each with ``days_pending``:
    days from the invitation to ``as_of`` while it is pending (null once it is settled)."""
    found = []
    for item in records(items):
        extended = item.get("extended_on")
        pending = item.get("status") == "pending" and extended
        days = (as_of - date.fromisoformat(str(extended)[:10])).days if pending else None
        found.append({**item, "days_pending": days})
    return found


def history_records(history: Any) -> list[dict[str, Any]]:
    """A dyad's history (as the service returns it) as JSON objects, marking the people the
    extractor inferred, as `events` does."""
    steps = records(history.steps)
    for step in steps:
        guessed = history.inferred.get(step.get("event_id"), ())
        for side in ("actor", "target"):
            step[side] = with_inferred(step.get(side), side in guessed)
    return steps


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    return str(value)


def dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, indent=indent)


def render_json(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """A JSON list, one object per line, written as it is read."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + dumps(item)
        first = False
    yield "[]\n" if first else "\n]\n"


def render_jsonl(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for item in items:
        yield dumps(item) + "\n"


#: The sides a record may name; each is flattened to SIDE_country, SIDE_name, SIDE_role (and any
#: further key of the side) in a CSV row.
PARTY_KEYS = frozenset({"actor", "target", "inviter", "invitee"})


def flatten(item: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row: a side (actor, target, inviter, invitee) becomes SIDE_country, SIDE_name,
    SIDE_role (and SIDE_inferred, ``true``/``false``, where the record says); other nested values
    are JSON text."""
    row: dict[str, Any] = {}
    for key, value in item.items():
        if key in PARTY_KEYS and isinstance(value, Mapping | None):
            for sub, part in {"country": None, "name": None, "role": None, **(value or {})}.items():
                row[f"{key}_{sub}"] = ("true" if part else "false") if sub == "inferred" else part
        elif isinstance(value, Mapping | list | tuple):
            row[key] = dumps(value)
        else:
            row[key] = value
    return row


def render_csv(items: Iterable[Mapping[str, Any]], columns: Sequence[str] = ()) -> Iterator[str]:
    """CSV with a header row; the columns are those of the first row (or ``columns`` when empty).

    Text cells that start like a spreadsheet formula are prefixed with ``'``; numbers are not.
    """
    buffer = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for item in items:
        row = flatten(item)
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if writer is None and columns:
        yield ",".join(columns) + "\n"


def _csv_value(value: Any) -> Any:
    """A CSV cell: null is empty, a boolean is written as JSON writes it, text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str = "(nothing)"
) -> Iterator[str]:
    """Aligned columns with a header line; the last column is left unpadded.

    Every cell is shown with its control characters escaped (see ``_cell``): a table is for a
    terminal, and article text must not drive it.
    """
    cells = [[_cell(value) for value in row] for row in rows]
    if not cells:
        yield empty + "\n"
        return
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    for row in [list(headers), ["-" * w for w in widths], *cells]:
        padded = [value.ljust(width) for value, width in zip(row[:-1], widths[:-1], strict=True)]
        yield "  ".join([*padded, row[-1]]).rstrip() + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_cell(v) for v in value)
    return for_terminal(str(value))


# --- what a person reads -----------------------------------------------------------------------


def party_label(party: Mapping[str, Any] | None) -> str:
    """ "PAK (Sharif)": the country and the name the person is known by ("CHN (Xi)", "BRA (Lula)");
    a person the extractor inferred rather than read in the sentence is marked: "CAN (Trudeau?)"."""
    party = party or {}
    country, name = party.get("country"), party.get("name")
    shown = cached_display(name, country) if name else None
    if shown and party.get("inferred"):
        shown += INFERRED_MARK
    if country and shown:
        return f"{country} ({shown})"
    return country or shown or "?"


def excerpt(text: str | None, width: int = EXCERPT_WIDTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def event_type_label(item: Mapping[str, Any]) -> str:
    modality = item.get("modality")
    return item["type"] if modality in (None, "reported") else f"{item['type']} ({modality})"


def date_label(on: Any, precision: str | None) -> str:
    """A date as precisely as it is known: "2023" (year), "2024-03" (month), "2024-W11" (ISO week)."""
    if not on:
        return ""
    day = on if isinstance(on, date) else date.fromisoformat(str(on)[:10])
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return day.isoformat()


def goldstein_label(value: Any) -> str:
    """-4.0 as "-4", 1.9 as "1.9": the scale's own precision, no trailing zeros."""
    return "" if value is None else f"{float(value):g}"


def trigger_words(item: Mapping[str, Any]) -> str:
    """The words of the sentence the coder read the event from (``payload.trigger``)."""
    trigger = (item.get("payload") or {}).get("trigger")
    if isinstance(trigger, list | tuple):
        return " / ".join(str(word) for word in trigger if word)
    return str(trigger) if trigger else ""


def events_table(items: Iterable[Mapping[str, Any]], retracted: bool = False) -> Iterator[str]:
    """One line per event (its date at its precision, CAMEO code, Goldstein value, trigger words);
    with ``retracted``, a RETRACTED column marks the retracted ones (and when)."""
    rows = (
        (
            item.get("position"),
            date_label(item.get("occurred_on"), item.get("date_precision")),
            event_type_label(item),
            f"{party_label(item.get('actor'))} -> {party_label(item.get('target'))}",
            item.get("cameo"),
            goldstein_label(item.get("goldstein")),
            excerpt(trigger_words(item), TRIGGER_WIDTH),
            *((_retracted_on(item),) if retracted else ()),
            excerpt(item.get("sentence") or _payload_note(item)),
        )
        for item in items
    )
    headers = (
        "#", "DATE", "TYPE", "ACTOR -> TARGET", "CAMEO", "GOLDSTEIN", "TRIGGER",
        *(("RETRACTED",) if retracted else ()), "EXCERPT",
    )  # fmt: skip
    return render_table(headers, rows, empty="(no events)")


def _retracted_on(item: Mapping[str, Any]) -> str:
    when = item.get("retracted_at")
    return f"yes, {str(when)[:10]}" if when else ""


def _payload_note(item: Mapping[str, Any]) -> str:
    payload = item.get("payload") or {}
    if "retracted_event_id" in payload:
        return f"retracts {payload['retracted_event_id']}: {payload.get('reason', '')}"
    if "source" in payload:  # an event a person added from outside the store
        return f"source: {payload['source']}"
    return ""


def facts_table(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    rows = (
        (
            item.get("occurred_on"),
            item.get("type"),
            f"{party_label(item.get('actor'))} -> {party_label(item.get('target'))}",
            item.get("source_count"),
            item.get("first_reported"),
            item.get("sectors"),
        )
        for item in items
    )
    headers = ("DATE", "TYPE", "ACTOR -> TARGET", "SOURCES", "FIRST REPORTED", "SECTORS")
    return render_table(headers, rows, empty="(no facts)")


def quiet_label(item: Mapping[str, Any]) -> str:
    """Days since the dyad's latest fact, marked when the pair has gone quiet (its tone kept)."""
    days = item.get("quiet_days")
    if days is None:
        return ""
    return f"{days} (quiet)" if item.get("quiet") else str(days)


def relations_table(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    rows = (
        (
            "-".join(item.get("dyad") or ()),
            item.get("tone"),
            item.get("score"),
            item.get("sectors"),
            item.get("last_event_on"),
            quiet_label(item),
            item.get("fact_count"),
            item.get("report_count"),
        )
        for item in items
    )
    headers = ("DYAD", "TONE", "SCORE", "SECTORS", "LAST EVENT", "QUIET DAYS", "FACTS", "REPORTS")
    return render_table(headers, rows, empty="(no relations)")


def invitations_table(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    rows = (
        (
            party_label(item.get("inviter")),
            party_label(item.get("invitee")),
            item.get("destination"),
            item.get("extended_on"),
            item.get("status"),
            item.get("status_on"),
            item.get("days_pending"),
        )
        for item in items
    )
    headers = ("INVITER", "INVITEE", "TO", "SINCE", "STATUS", "STATUS ON", "DAYS PENDING")
    return render_table(headers, rows, empty="(no invitations)")


#: How many facts ``relations --explain`` lists in a table unless asked for more (``--top``, ``--all``).
EXPLAIN_TOP = 20


def carrying(facts: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The facts by how much of the score they carry: largest share first, then weight, then newest."""
    return sorted(
        facts,
        key=lambda f: (
            -abs(f.get("contribution") or 0.0),
            -(f.get("weight") or 0.0),
            str(f.get("occurred_on")),
        ),
    )


def score_formula(explained: Mapping[str, Any]) -> str:
    """The score's arithmetic on one line, from the facts themselves (so a reader can check it)."""
    valued = [f for f in explained.get("facts") or () if f.get("value") is not None]
    weighed = sum(float(f.get("weight") or 0) * float(f["value"]) for f in valued)
    weights = sum(float(f.get("weight") or 0) for f in valued)
    prior = float((explained.get("rule") or {}).get("prior_weight", 1.0))
    return (
        f"score = sum(weight x value) / (sum(weight) + {prior:g}) = {weighed:.2f} / "
        f"({weights:.2f} + {prior:g}) = {_cell(explained.get('score'))}"
    )


def explanation_table(explained: Mapping[str, Any], top: int | None = EXPLAIN_TOP) -> Iterator[str]:
    """The dyad's status on one line, the formula on the next, then the ``top`` facts that carry the
    score (every fact when ``top`` is None) with their event ids, and the rest summed in one line."""
    dyad = "-".join(explained.get("dyad") or ())
    facts = carrying(explained.get("facts") or [])
    shown, rest = (facts, []) if top is None else (facts[:top], facts[top:])
    if "tone" in explained:
        line = (
            f"{dyad}: {explained['tone']} (score {_cell(explained.get('score'))}) as of "
            f"{explained.get('as_of')}, {count(explained.get('fact_count') or 0, 'fact')} from "
            f"{count(explained.get('report_count') or 0, 'report')}, "
            f"last event {explained.get('last_event_on')}, "
            f"{count(explained.get('quiet_days') or 0, 'day')} before"
            f"{' (quiet)' if explained.get('quiet') else ''}; "
            f"weights halve every {(explained.get('rule') or {}).get('half_life_days', 0):g} days "
            "before the last event"
        )
        yield for_terminal(line) + "\n"
        yield for_terminal(score_formula(explained)) + "\n"
    rows = (
        (
            fact.get("occurred_on"),
            fact.get("type"),
            f"{party_label(fact.get('actor'))} -> {party_label(fact.get('target'))}",
            fact.get("tone"),
            fact.get("value"),
            fact.get("weight"),
            fact.get("contribution"),
            " ".join(fact.get("sources") or ()),
        )
        for fact in shown
    )
    headers = ("DATE", "TYPE", "ACTOR -> TARGET", "TONE", "VALUE", "WEIGHT", "CONTRIBUTION", "EVENT IDS")
    empty = for_terminal(f"(no facts for {dyad} as of {explained.get('as_of')})")
    yield from render_table(headers, rows, empty=empty)
    if rest:
        weight = sum(float(f.get("weight") or 0) for f in rest)
        share = sum(float(f.get("contribution") or 0) for f in rest)
        yield (
            f"{len(rest):,} more {plural(len(rest), 'fact')} weigh {weight:.2f} in all "
            f"(contribution {share:+.2f}); --all lists every one\n"
        )


def explained_rows(explained: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The facts behind a dyad's status as rows (for CSV and JSON lines), each naming its dyad."""
    for fact in explained.get("facts") or ():
        yield {"dyad": explained.get("dyad"), "as_of": explained.get("as_of"), **fact}


def history_table(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """A dyad's timeline: each event, and the tone after it (marked where it changed)."""
    rows = (
        (
            item.get("occurred_on"),
            event_type_label(item),
            f"{party_label(item.get('actor'))} -> {party_label(item.get('target'))}",
            item.get("score"),
            _tone_change(item),
        )
        for item in items
    )
    return render_table(("DATE", "TYPE", "ACTOR -> TARGET", "SCORE", "TONE"), rows, empty="(no events)")


def _tone_change(item: Mapping[str, Any]) -> str:
    tone = item.get("tone") or ""
    if item.get("tone_changed") and item.get("previous_tone"):
        return f"{item['previous_tone']} -> {tone}"
    return tone


def stats_table(found: Mapping[str, Any]) -> Iterator[str]:
    """The store's totals, then events by type and by extractor version (live and retracted)."""
    size = found.get("database_bytes")
    lines = [
        f"articles: {found['articles']} ({found['erased_articles']} erased)",
        f"events: {found['events']} ({found['statements']} statements: {found['live']} live, "
        f"{found['retracted']} retracted)",
        f"database size: {'unknown' if size is None else f'{size:,} bytes'}",
    ]
    for line in lines:
        yield for_terminal(line) + "\n"
    for title, key in (("TYPE", "by_type"), ("EXTRACTOR VERSION", "by_extractor_version")):
        rows = [(name, t["events"], t["live"], t["retracted"]) for name, t in found[key].items()]
        yield "\n"
        yield from render_table((title, "EVENTS", "LIVE", "RETRACTED"), rows, empty="(no events)")


def stats_rows(found: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The store's counts as rows of one shape (for CSV and JSON lines): group, name, count, and
    for events the live and retracted among them."""

    def row(group: str, name: str, count: Any, live: Any = None, retracted: Any = None) -> dict[str, Any]:
        return {"group": group, "name": name, "count": count, "live": live, "retracted": retracted}

    yield row("articles", "all", found["articles"])
    yield row("articles", "erased", found["erased_articles"])
    yield row("database", "bytes", found.get("database_bytes"))
    yield row("events", "all", found["events"])
    yield row("events", "statements", found["statements"], found["live"], found["retracted"])
    for group, key in (("type", "by_type"), ("extractor_version", "by_extractor_version")):
        for name, tally in found[key].items():
            yield row(group, name, tally["events"], tally["live"], tally["retracted"])


def articles_table(items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """One line per article: its id (for --article), date, outlet, title, URL, events and coding."""
    rows = (
        (
            item.get("article_id"),
            item.get("published"),
            item.get("outlet"),
            excerpt(item.get("title"), TITLE_WIDTH),
            item.get("url"),
            f"{item.get('live_events', 0)}/{item.get('retracted_events', 0)}",
            item.get("extractor_versions"),
            f"yes, {str(item['erased_at'])[:10]}" if item.get("erased") else "",
        )
        for item in items
    )
    headers = ("ID", "PUBLISHED", "OUTLET", "TITLE", "URL", "LIVE/RETRACTED", "EXTRACTOR", "ERASED")
    return render_table(headers, rows, empty="(no articles)")
