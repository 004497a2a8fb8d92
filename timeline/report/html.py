"""The report page: one self-contained HTML document (inline CSS, inline SVG, a few lines of script).

Articles are untrusted input: every piece of text goes through ``html.escape``, links to the
outside are kept only for http(s) URLs and never load anything, and a Content-Security-Policy
allows no network access at all, only this page's own style and script (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from timeline import __version__
from timeline.domain.articles import Article
from timeline.domain.events import Event, Party
from timeline.names import inferred_sides, with_inferred
from timeline.output import party_label, quiet_label
from timeline.projections.tone import TONE_VALUES
from timeline.report.busy import OPEN_STATES, compact_rows, grouped_invitations
from timeline.report.kinds import coding, type_label
from timeline.report.model import DyadView, ReportView
from timeline.report.svg import FAMILIES, INVITATION_STATES, LAYOUTS, chart, family_of, invitation_label
from timeline.wording import count

CONTEXT_NOTE = "reported in the same article; one side is not a country"
BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+")


@cache
def _asset(name: str) -> str:
    return resources.files("timeline.report").joinpath(f"data/{name}").read_text("utf-8")


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_policy(style: str, script: str) -> str:
    """No network, no plugins, no forms: only the inline style and script of this page run."""
    return (
        f"default-src 'none'; style-src {_digest(style)}; script-src {_digest(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


@cache
def country_name(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_3=code)
    return (getattr(found, "common_name", None) or found.name) if found else code


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# --- anchors ------------------------------------------------------------------------------------


def event_anchor(view: DyadView, event: Event) -> str:
    return f"ev-{view.key}-{event.event_id}"


def article_anchor(article_id: str) -> str:
    return f"article-{article_id}"


def sentence_anchor(article_id: str, index: int) -> str:
    return f"s-{article_id}-{index}"


# --- marks in the article text ------------------------------------------------------------------


def sentence_spans(
    events: Iterable[Event], articles: Mapping[str, Article]
) -> dict[str, dict[int, tuple[int, int]]]:
    """Per article, the character span of each cited sentence, where the span holds that sentence."""
    spans: dict[str, dict[int, tuple[int, int]]] = {}
    for event in events:
        prov = event.provenance
        article = articles.get(prov.article_id) if prov else None
        if prov is None or article is None or prov.sentence_index in spans.get(prov.article_id, {}):
            continue
        start, end = prov.char_start, prov.char_end
        if 0 <= start < end <= len(article.text) and _same(article.text[start:end], prov.sentence):
            spans.setdefault(prov.article_id, {})[prov.sentence_index] = (start, end)
    return spans


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _prose(text: str) -> str:
    return escape(BLANK_LINES.sub("\n\n", text))


def marked_text(article: Article, spans: Mapping[int, tuple[int, int]]) -> str:
    """The article's text, escaped, with each cited sentence in a <mark> that events link to."""
    parts: list[str] = []
    at = 0
    for index, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
        if start < at:  # overlapping spans: the first one is marked
            continue
        parts.append(_prose(article.text[at:start]))
        anchor = sentence_anchor(article.article_id, index)
        parts.append(f'<mark id="{escape(anchor)}">{_prose(article.text[start:end])}</mark>')
        at = end
    parts.append(_prose(article.text[at:]))
    return "".join(parts).strip()


# --- pieces -------------------------------------------------------------------------------------


#: The tooltip of a person the extractor inferred; the legend says the same.
INFERRED_NOTE = "inferred: the sentence does not name this person; the extractor took the country's leader"


def party_html(party: Party, inferred: bool = False) -> str:
    """ "PAK Shehbaz Sharif (Prime Minister)", escaped; "?" for an unknown side. An inferred person
    is set apart (class ``inferred``: italic, dotted underline, explained in the legend)."""
    bits = []
    if party.country:
        bits.append(f'<abbr title="{escape(country_name(party.country))}">{escape(party.country)}</abbr>')
    if party.name and inferred:
        bits.append(f'<span class="inferred" title="{INFERRED_NOTE}">{escape(party.name)}?</span>')
    elif party.name:
        bits.append(escape(party.name))
    if party.role:
        bits.append(f"<small>({escape(party.role)})</small>")
    return " ".join(bits) or "?"


def _source(event: Event, articles: Mapping[str, Article]) -> str:
    prov = event.provenance
    article = articles.get(prov.article_id) if prov else None
    if prov is None:
        return ""
    if article is None:
        return f'<span class="source">article {escape(prov.article_id)}</span>'
    name = article.title or article.outlet or "article"
    label = f"{name}, {article.published.isoformat()}"
    link = f'<a href="#{escape(article_anchor(article.article_id))}">{escape(label)}</a>'
    url = safe_url(article.url)
    if url:
        link += f' · <a href="{escape(url)}" rel="noopener noreferrer" target="_blank">original</a>'
    return f'<span class="source">— {link}</span>'


def _event_row(
    view: DyadView, event: Event, context: bool, articles: Mapping[str, Article], spans: Mapping[str, Any]
) -> str:
    family = family_of(event.type)
    prov = event.provenance
    kind = f'<abbr class="kind" title="{escape(coding(event))}">{escape(type_label(event.type))}</abbr>'
    if event.modality != "reported":
        kind += f' <span class="badge">{escape(event.modality)}</span>'
    if context:
        kind += f' <span class="badge" title="{CONTEXT_NOTE}">context</span>'
    sentence = ""
    if prov is not None:
        target = (
            sentence_anchor(prov.article_id, prov.sentence_index)
            if prov.sentence_index in spans.get(prov.article_id, {})
            else article_anchor(prov.article_id)
        )
        sentence = (
            f'<a class="sentence" href="#{escape(target)}">“{escape(" ".join(prov.sentence.split()))}”</a> '
        )
    precision = "" if event.date_precision == "day" else f" <small>({escape(event.date_precision)})</small>"
    classes = "context" if context else ""
    guessed = inferred_sides(event.payload)
    return (
        f'<tr id="{escape(event_anchor(view, event))}" class="{classes}" data-family="{escape(family)}">'
        f'<td class="date" data-label="Date">{escape(event.occurred_on.isoformat())}{precision}</td>'
        f'<td class="type" data-label="Type"><span class="swatch swatch-{escape(family)}"></span> {kind}</td>'
        f"<td data-label=\"Actor → target\">{party_html(event.actor, 'actor' in guessed)} → "
        f"{party_html(event.target, 'target' in guessed)}</td>"
        f'<td data-label="What the article says">{sentence}{_source(event, articles)}</td></tr>'
    )


def _status(status: Mapping[str, Any] | None, as_of: date) -> str:
    if not status:
        return f'<p class="status empty-note">No fact links the two countries as of {as_of.isoformat()}.</p>'
    tone = str(status.get("tone"))
    bits = [
        f'<span class="tone tone-{escape(tone)}">{escape(tone)}</span>',
        f"score {float(status.get('score') or 0):.2f}",
        f"{count(status.get('fact_count') or 0, 'fact')} from "
        f"{count(status.get('report_count') or 0, 'report')}",
        f"last event {escape(str(status.get('last_event_on')))}",
    ]
    if status.get("quiet_days"):
        quiet = " (quiet: the tone is the one its latest events left)" if status.get("quiet") else ""
        bits.append(f"{count(status['quiet_days'], 'day')} without events{quiet}")
    if status.get("sectors"):
        bits.append("sectors: " + escape(", ".join(status["sectors"])))
    if status.get("reciprocal"):
        bits.append("both sides say they want to cooperate")
    return f'<p class="status">{" · ".join(bits)} <small>(as of {as_of.isoformat()})</small></p>'


def _legend() -> str:
    items = [f'<li><span class="swatch swatch-{f}"></span>{f}</li>' for f in FAMILIES]
    items.append('<li><span class="swatch swatch-context"></span>context (one side unknown)</li>')
    items.append('<li><span class="swatch swatch-hostile"></span>hostile: strained after ties broke</li>')
    bars = "".join(f'<li><span class="swatch swatch-bar inv-{s}"></span>{s}</li>' for s in INVITATION_STATES)
    items.append(f'<li class="legend-group">invitations, extended → resolved or now: <ul>{bars}</ul></li>')
    items.append(f'<li><span class="inferred" title="{INFERRED_NOTE}">Name?</span> {INFERRED_NOTE}</li>')
    boxes = "".join(f'<label><input type="checkbox" checked data-family="{f}"> {f}</label>' for f in FAMILIES)
    return f'<ul class="legend">{"".join(items)}</ul><div class="filters">show: {boxes}</div>'


def _invitations(view: DyadView, as_of: date) -> str:
    """Grouped by status, the open ones first and shown; the others folded, one group per ending."""
    if not view.invitations:
        return ""
    shown = {e.event_id for e, _ in view.listed()}
    groups = []
    for status, items in grouped_invitations(view.invitations):
        lines = []
        for invitation in items:
            links = ", ".join(
                f'<a href="#{escape(f"ev-{view.key}-{eid}")}">event</a>'
                for eid in invitation.get("event_ids") or ()
                if eid in shown
            )
            lines.append(f"<li>{escape(invitation_label(invitation, as_of))} {links}</li>")
        heading = f"{escape(status)} ({len(items)})"
        listed = f'<ul class="invitations" data-status="{escape(status)}">{"".join(lines)}</ul>'
        if status in OPEN_STATES:
            groups.append(f'<h4 class="invitation-group">{heading}</h4>{listed}')
        else:
            groups.append(f'<details class="invitation-group"><summary>{heading}</summary>{listed}</details>')
    return f"<h3>Invitations</h3>{''.join(groups)}"


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" that could end it or start markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _lazy_rows(view: DyadView, articles: Mapping[str, Article]) -> str:
    """Every event of a busy pair as compact JSON that the "show all" button turns into rows."""

    def kind(event: Event) -> tuple[str, str]:
        label = type_label(event.type)
        return (label if event.modality == "reported" else f"{label} ({event.modality})", coding(event))

    def party(event: Event, side: str) -> str:
        found = event.actor if side == "actor" else event.target
        return party_label(with_inferred(found.to_dict(), side in inferred_sides(event.payload)))

    def source(event: Event) -> tuple[str, str | None]:
        prov = event.provenance
        article = articles.get(prov.article_id) if prov else None
        if prov is None:
            return ("", None)
        if article is None:
            return (f"article {prov.article_id}", None)
        name = article.title or article.outlet or "article"
        return (f"{name}, {article.published.isoformat()}", article_anchor(article.article_id))

    data = compact_rows(view.timeline(), family_of, kind, party, source)
    return f'<script type="application/json" id="rows-{escape(view.key)}">{_script_json(data)}</script>'


def _events_part(view: DyadView, articles: Mapping[str, Article], spans: Mapping[str, Any]) -> str:
    head = (
        "<thead><tr><th>Date</th><th>Type</th><th>Actor → target</th>"
        "<th>What the article says</th></tr></thead>"
    )
    listed = view.listed()
    rows = [_event_row(view, e, context, articles, spans) for e, context in listed]
    table = (
        f'<table class="events">{head}<tbody>{"".join(rows)}</tbody></table>'
        if rows
        else '<p class="empty-note">No events.</p>'
    )
    title = f"Events ({len(view.events)} of the dyad" + (
        f", {len(view.context)} in context)" if view.context else ")"
    )
    if not view.busy:
        return f"<h3>{title}</h3>{table}"
    total = len(view.events) + len(view.context)
    return (
        f"<h3>{title}</h3>"
        f'<p class="busy-note">The {len(listed)} that weigh most (|Goldstein| value, halving every '
        f"180 days before the pair's latest event), in date order; the chart counts all {total:,}.</p>"
        f"{table}"
        f'<button type="button" class="show-all" data-rows="rows-{escape(view.key)}" '
        f'data-table="all-{escape(view.key)}">Show all {total:,} events</button>'
        f'<noscript><p class="empty-note">The full list of {total:,} events needs JavaScript.</p></noscript>'
        f'<table class="events all-events" id="all-{escape(view.key)}" hidden>{head}<tbody></tbody></table>'
        f"{_lazy_rows(view, articles)}"
    )


def dyad_section(
    view: DyadView, as_of: date, articles: Mapping[str, Article], spans: Mapping[str, Any]
) -> str:
    a, b = view.dyad
    svgs = "".join(chart(view, as_of, lambda event: event_anchor(view, event), layout) for layout in LAYOUTS)
    caption = (
        "Tone: the `relations` rule evaluated through time (the line, score on the right); bars: the "
        "events per period, stacked by family (hover a bar for its counts); bars below: the open "
        "invitations."
        if view.busy
        else "Tone: the `relations` rule evaluated day by day (the line, score on the right); markers: "
        "the events, by family, linked to the list below; bars: invitations. Hover a marker or a type "
        "for its CAMEO code and Goldstein value."
    )
    return (
        f'<section class="dyad" id="dyad-{escape(view.key)}">'
        f"<h2>{escape(country_name(a))} – {escape(country_name(b))}"
        f'<span class="codes">{escape(a)}–{escape(b)}</span></h2>'
        f"{_status(view.status, as_of)}{_legend()}"
        f"<figure>{svgs}<figcaption>{caption}</figcaption></figure>"
        f"{_invitations(view, as_of)}"
        f"{_events_part(view, articles, spans)}</section>"
    )


#: The order of tones when the index is sorted by tone: the most troubled first.
TONE_RANK = {tone: n for n, tone in enumerate(sorted(TONE_VALUES, key=lambda t: TONE_VALUES[t]))}


def _contents(report: ReportView) -> str:
    """The all-pairs index: one row per pair, linking to its section, sortable by a click on a header."""
    if report.single:
        return ""
    if not report.dyads:
        return f'<p class="empty-note">No two countries are linked by any event as of {report.as_of}.</p>'
    rows = []
    for view in report.dyads:
        status = view.status or {}
        tone = str(status.get("tone", ""))
        rows.append(
            f'<tr><td><a href="#dyad-{escape(view.key)}">{escape(view.key)}</a></td>'
            f'<td data-key="{TONE_RANK.get(tone, -1)}">{escape(tone)}</td>'
            f"<td>{float(status.get('score') or 0):.2f}</td>"
            f"<td>{escape(str(status.get('fact_count', '')))}</td>"
            f"<td>{escape(str(status.get('report_count', '')))}</td>"
            f"<td>{escape(str(status.get('last_event_on', '')))}</td>"
            f"<td>{escape(quiet_label(status))}</td></tr>"
        )
    # Every header sorts its column when clicked (report.js): numbers as numbers, tones by TONE_RANK.
    return (
        '<table class="dyads"><thead><tr><th>Dyad</th><th>Tone</th><th>Score</th><th>Facts</th>'
        "<th>Reports</th><th>Last event</th><th>Quiet days</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _article(article: Article, spans: Mapping[int, tuple[int, int]]) -> str:
    title = article.title or f"Article of {article.published.isoformat()}"
    byline = [escape(article.outlet)] if article.outlet else []
    byline.append(escape(article.published.isoformat()))
    url = safe_url(article.url)
    if url:
        byline.append(f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">{escape(url)}</a>')
    elif article.url:
        byline.append(escape(article.url))
    byline.append(f"<small>id {escape(article.article_id)}</small>")
    return (
        f'<article class="article" id="{escape(article_anchor(article.article_id))}">'
        f'<h3>{escape(title)}</h3><p class="byline">{" · ".join(byline)}</p>'
        f'<div class="text">{marked_text(article, spans)}</div></article>'
    )


def render(report: ReportView) -> str:
    """The whole page."""
    events = [e for view in report.dyads for e, _ in view.listed()]
    spans = sentence_spans(events, report.articles)
    if report.single and report.dyads:
        heading = f"{report.dyads[0].key}: the relationship as of {report.as_of.isoformat()}"
    else:
        heading = f"Every relationship as of {report.as_of.isoformat()}"
    known = (
        f"what the store knew at {report.known_at.isoformat()}"
        if report.known_at
        else "everything the store holds"
    )
    sections = "".join(dyad_section(v, report.as_of, report.articles, spans) for v in report.dyads)
    articles = "".join(_article(a, spans.get(aid, {})) for aid, a in report.articles.items())
    style, script = _asset("report.css"), _asset("report.js")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(content_policy(style, script))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(heading)} · timeline</title>"
        f"<style>{style}</style></head>\n<body>"
        f"<header><h1>{escape(heading)}</h1>"
        f'<p class="meta">As of {escape(report.as_of.isoformat())} (valid time), {escape(known)} '
        f"(record time). Made by timeline {escape(__version__)}.</p></header>"
        f"{_contents(report)}{sections}"
        + (f'<section id="articles"><h2>Articles</h2>{articles}</section>' if articles else "")
        + f"\n<script>{script}</script></body></html>\n"
    )
