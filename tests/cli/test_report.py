"""`timeline report`: one self-contained page with the dyad's chart, events, invitations and sources."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from busy_pair import load_busy_pair
from cli_harness import Timeline

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for
from timeline.query import EventQuery
from timeline.report.busy import TOP_EVENTS, weight
from timeline.report.series import tone_series

# Made-up articles; the first carries markup and a script URL, as hostile input might.
HOSTILE_TEXT = (
    "Santiago, 3 May. Norway's envoy met Chile's minister <img src=x onerror=alert(2)> in Oslo. "
    "A bomb went off near the Chilean port of Valparaiso on 1 May. "
    "The minister invited the Norwegian king to visit Chile. "
    "Both sides pledged to deepen trade </script><script>alert(3)</script> ties."
)
LATER_TEXT = "Oslo, 20 June. Chile's president condemned Norway's fishing quotas in a speech."
OTHER_TEXT = "Lima, 2 May. Peru and Chile signed a water-sharing accord at the border."


class Page(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def _event(
    source: Article,
    n: int,
    type_: str,
    actor: Party,
    target: Party,
    sentence: str,
    on: date,
    cameo: str | None,
    goldstein: float | None,
    modality: str = "reported",
) -> Event:
    start = source.text.index(sentence)
    return Event(
        event_id=event_id_for(source.article_id, n),
        stream_id=article_stream(source.article_id),
        stream_version=n,
        type=type_,
        occurred_on=on,
        modality=modality,
        actor=actor,
        target=target,
        cameo=cameo,
        goldstein=goldstein,
        provenance=Provenance(source.article_id, n, start, start + len(sentence), sentence, "test-r"),
    )


def _load(timeline: Timeline) -> dict[str, Any]:
    hostile = Article(
        article_id_for(HOSTILE_TEXT),
        date(2024, 5, 3),
        HOSTILE_TEXT,
        outlet="Gazette & <b>Sons</b>",
        url="javascript:alert(1)",
        title='<script>alert("title")</script> Envoys meet',
    )
    later = Article(
        article_id_for(LATER_TEXT),
        date(2024, 6, 20),
        LATER_TEXT,
        outlet="Fjord Post",
        url="https://fjord.example/quotas?a=1&b=2",
        title="Quotas",
    )
    other = Article(article_id_for(OTHER_TEXT), date(2024, 5, 2), OTHER_TEXT, outlet="Andes Daily")
    chl, nor = Party("CHL", "Ana Ruiz", "Foreign Minister"), Party("NOR", "Per Dahl", "Ambassador")
    first = [
        _event(
            hostile,
            1,
            "MeetingHeld",
            nor,
            chl,
            "Norway's envoy met Chile's minister <img src=x onerror=alert(2)> in Oslo.",
            date(2024, 5, 2),
            "040",
            1.0,
        ),
        _event(
            hostile,
            2,
            "AttackOccurred",
            Party(),
            Party("CHL"),
            "A bomb went off near the Chilean port of Valparaiso on 1 May.",
            date(2024, 5, 1),
            "180",
            -9.0,
        ),
        _event(
            hostile,
            3,
            "InvitationExtended",
            chl,
            Party("NOR", "Harald", "King"),
            "The minister invited the Norwegian king to visit Chile.",
            date(2024, 5, 2),
            "036",
            4.0,
        ),
        _event(
            hostile,
            4,
            "CooperationIntentExpressed",
            chl,
            Party("NOR"),
            "Both sides pledged to deepen trade </script><script>alert(3)</script> ties.",
            date(2024, 5, 2),
            "030",
            4.0,
        ),
    ]
    second = [
        _event(
            later,
            1,
            "CriticismVoiced",
            Party("CHL", None, "President"),
            Party("NOR"),
            "Chile's president condemned Norway's fishing quotas in a speech.",
            date(2024, 6, 20),
            "111",
            -2.0,
        ),
    ]
    third = [
        _event(
            other,
            1,
            "AgreementSigned",
            Party("PER"),
            Party("CHL"),
            "Peru and Chile signed a water-sharing accord at the border.",
            date(2024, 5, 2),
            "057",
            8.0,
        ),
    ]
    store = timeline.store()
    try:
        store.append(first, hostile)
        store.append(third, other)
        cut = datetime.now(UTC)
        store.append(second, later)
        return {"cut": cut, "first": first, "second": second, "third": third}
    finally:
        store.close()


def _report(timeline: Timeline, tmp_path: Path, *args: str) -> tuple[str, Page]:
    target = tmp_path / "report.html"
    timeline.ok("report", *args, "-o", str(target))
    text = target.read_text("utf-8")
    return text, Page(text)


def _chart(text: str, layout: str) -> Page:
    """The tags of one drawing of the (first) chart: "wide" or "narrow"."""
    start = text.index(f'<svg class="chart chart-{layout}"')
    return Page(text[start : text.index("</svg>", start)])


def _shown_events(page: Page) -> set[str]:
    return {a["data-event"] for a in page.find("circle", "marker") if a.get("data-event")}


def test_dyad_report_has_the_chart_and_every_event(timeline: Timeline, tmp_path: Path) -> None:
    loaded = _load(timeline)
    text, page = _report(timeline, tmp_path, "chile", "NOR", "--as-of", "2024-07-01")
    assert text.startswith("<!DOCTYPE html>")
    assert len(page.find("svg", "chart-wide")) == len(page.find("svg", "chart-narrow")) == 1
    assert page.find("polyline", "tone-line") and page.find("rect", "band")
    dyad_events = [e for e in loaded["first"] + loaded["second"] if e.dyad == ("CHL", "NOR")]
    attack = loaded["first"][1]
    # Every event of the dyad, and the attack its article reports (one side unknown), as a marker
    # and as a row with its sentence; the accord between Peru and Chile is another dyad.
    assert _shown_events(page) == {e.event_id for e in dyad_events} | {attack.event_id}
    rows = {a["id"] for a in page.find("tr") if a.get("id")}
    for event in [*dyad_events, attack]:
        assert any(row.endswith(event.event_id) for row in rows)
        assert " ".join(event.provenance.sentence.split()) in page.plain
    assert loaded["third"][0].event_id not in text
    # Markers and sentences link inside the page: to the event row, to the article's marked sentence.
    ids = page.ids()
    for link in page.find("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids, href
    marks = page.find("mark")
    assert len(marks) == 5  # five distinct sentences cited in the two CHL-NOR articles


def test_invitation_is_a_bar_to_the_as_of_day_while_pending(timeline: Timeline, tmp_path: Path) -> None:
    _load(timeline)
    text, page = _report(timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-05-10")
    assert "pending since 2024-05-02 (8 days)" in page.plain
    for layout in ("wide", "narrow"):
        chart = _chart(text, layout)
        bars = chart.find("rect", "invitation")
        assert len(bars) == 1 and "inv-pending" in (bars[0].get("class") or "")
        as_of_line = chart.find("line", "as-of")[0]
        right_end = float(bars[0]["x"] or 0) + float(bars[0]["width"] or 0)
        assert right_end == pytest.approx(float(as_of_line["x1"] or 0), abs=0.05)
        marker_x = {float(a["cx"] or 0) for a in chart.find("circle", "marker")}
        assert float(bars[0]["x"] or 0) in marker_x  # the bar starts where the invitation's marker is


def test_untrusted_text_is_escaped(timeline: Timeline, tmp_path: Path) -> None:
    _load(timeline)
    text, page = _report(timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01")
    assert [tag for tag, _ in page.tags].count("script") == 1  # ours, with no src
    assert not page.find("img") and not page.find("b")
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in text
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in text
    hrefs = [a.get("href") or "" for a in page.find("a")]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert "https://fjord.example/quotas?a=1&b=2" in hrefs  # a plain web link stays a link
    policy = [a for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in (policy[0]["content"] or "")


def test_as_of_and_known_at_bound_the_report(timeline: Timeline, tmp_path: Path) -> None:
    loaded = _load(timeline)
    criticism = loaded["second"][0]
    _, before = _report(timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-06-01")
    assert criticism.event_id not in _shown_events(before)
    _, after = _report(timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01")
    assert criticism.event_id in _shown_events(after)
    _, then = _report(
        timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01", "--known-at", loaded["cut"].isoformat()
    )
    assert criticism.event_id not in _shown_events(then)
    assert "Quotas" not in then.plain  # nor its article


def test_tone_line_follows_the_relations_rule(timeline: Timeline, tmp_path: Path) -> None:
    _load(timeline)
    store = timeline.store()
    try:
        events = list(store.read(EventQuery(exclude_retracted=True)))
    finally:
        store.close()
    for day in ("2024-05-02", "2024-06-01", "2024-06-20", "2025-01-01"):
        status = next(r for r in timeline.json("relations", "--as-of", day) if r["dyad"] == ["CHL", "NOR"])
        series = tone_series(events, ("NOR", "CHL"), date.fromisoformat(day))
        assert series[-1].day == date.fromisoformat(day)
        assert round(series[-1].score, 3) == pytest.approx(status["score"])
        assert series[-1].tone == status["tone"]
    series = tone_series(events, ("CHL", "NOR"), date(2024, 8, 1))
    assert [p.day for p in series] == sorted(p.day for p in series)
    assert series[0].day == date(2024, 5, 2)  # from the dyad's first fact (the attack is no CHL-NOR fact)
    assert {date(2024, 5, 2), date(2024, 6, 20)} <= {p.day for p in series if p.event_day}


def test_every_dyad_report(timeline: Timeline, tmp_path: Path) -> None:
    loaded = _load(timeline)
    _text, page = _report(timeline, tmp_path, "--as-of", "2024-07-01")
    sections = {a["id"] for a in page.find("section", "dyad")}
    assert sections == {"dyad-CHL-NOR", "dyad-CHL-PER"}
    assert len(page.find("svg", "chart-wide")) == len(page.find("svg", "chart-narrow")) == 2
    assert loaded["third"][0].event_id in _shown_events(page)
    assert len(page.ids()) == len([a for _, a in page.tags if a.get("id")])  # ids are unique


def test_report_to_stdout_and_errors(timeline: Timeline) -> None:
    _load(timeline)
    result = timeline.ok("report", "CHL", "NOR", "--as-of", "2024-07-01")
    assert "<svg" in result.stdout
    one = timeline("report", "CHL", "-o", "x.html")
    assert one.exit_code == 2 and "two countries" in one.stderr
    unknown = timeline("report", "CHL", "Atlantis", "-o", "-")
    assert unknown.exit_code == 1 and "Atlantis" in unknown.stderr
    same = timeline("report", "CHL", "Chile", "-o", "-")
    assert same.exit_code == 1


def test_empty_store_still_makes_a_page(timeline: Timeline, tmp_path: Path) -> None:
    timeline.ok("db", "upgrade")  # an empty store (reads never create one)
    _, page = _report(timeline, tmp_path, "--as-of", "2024-01-01")
    assert "No two countries are linked" in page.plain
    _, page = _report(timeline, tmp_path, "CHL", "NOR", "--as-of", "2024-01-01")
    assert page.find("svg", "chart") and "No fact links" in page.plain


# --- at a glance: legend, score axis, bands, readable types (issue 13, point 8) -----------------

# Made-up: a pair that sours, then breaks ties.
SOUR_TEXT = (
    "Helsinki, 12 March. Finland condemned Sweden's new border fees on 2 March. "
    "On 9 March Finland expelled a Swedish diplomat over the dispute."
)


def _load_souring(timeline: Timeline) -> list[Event]:
    article = Article(article_id_for(SOUR_TEXT), date(2024, 3, 12), SOUR_TEXT, outlet="Baltic Wire")
    fin, swe = Party("FIN"), Party("SWE")
    events = [
        _event(
            article,
            1,
            "CriticismVoiced",
            fin,
            swe,
            "Finland condemned Sweden's new border fees on 2 March.",
            date(2024, 3, 2),
            "111",
            -2.0,
        ),
        _event(
            article,
            2,
            "DiplomatExpelled",
            fin,
            swe,
            "On 9 March Finland expelled a Swedish diplomat over the dispute.",
            date(2024, 3, 9),
            "161",
            -4.0,
        ),
    ]
    store = timeline.store()
    try:
        store.append(events, article)
    finally:
        store.close()
    return events


def test_legend_names_every_invitation_colour(timeline_any: Timeline, tmp_path: Path) -> None:
    _load(timeline_any)
    text, _ = _report(timeline_any, tmp_path, "CHL", "NOR", "--as-of", "2024-05-10")
    legend = text[text.index('<ul class="legend">') : text.index('<div class="filters">')]
    for status in ("pending", "accepted", "fulfilled", "declined", "withdrawn"):
        # The legend's swatch carries the bar's own class, so it is drawn in the bar's colour.
        assert f'<span class="swatch swatch-bar inv-{status}"></span>{status}' in legend
    style = text[text.index("<style>") : text.index("</style>")]
    for status in ("pending", "accepted", "fulfilled", "declined", "withdrawn"):
        assert f".swatch-bar.inv-{status} {{ background:" in style and f".inv-{status} {{ fill:" in style
    assert "hostile" in legend and "context" in legend


def test_chart_has_a_numeric_score_axis(timeline_any: Timeline, tmp_path: Path) -> None:
    _load(timeline_any)
    text, _ = _report(timeline_any, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01")
    for layout in ("wide", "narrow"):
        chart = _chart(text, layout)
        ticks = chart.find("line", "score-grid")
        assert len(ticks) == 5
        ys = [float(t["y1"] or 0) for t in ticks]
        assert ys == sorted(ys)  # +8 at the top down to -8 at the bottom
        zero = chart.find("line", "zero")[0]
        assert float(zero["y1"] or 0) == ys[2]  # the middle tick, 0, is the zero line
    shown = re.findall(r'class="score-tick"[^>]*>([^<]*)</text>', _chart_text(text, "wide"))
    assert shown == ["+8", "+4", "0", "\u22124", "\u22128"]


def _chart_text(text: str, layout: str) -> str:
    start = text.index(f'<svg class="chart chart-{layout}"')
    return text[start : text.index("</svg>", start)]


def test_strained_and_hostile_are_separate_bands(timeline_any: Timeline, tmp_path: Path) -> None:
    _, expulsion = _load_souring(timeline_any)
    # Before the expulsion the pair is strained: the strained band, no hostile one.
    assert timeline_any.json("relations", "--as-of", "2024-03-05")[0]["tone"] == "strained"
    text, _ = _report(timeline_any, tmp_path, "FIN", "SWE", "--as-of", "2024-03-05")
    chart = _chart(text, "wide")
    assert chart.find("rect", "band-strained") and not chart.find("rect", "band-hostile")
    # After it, hostile: a band of its own over the days it held, from the expulsion to the as-of day.
    assert timeline_any.json("relations", "--as-of", "2024-03-20")[0]["tone"] == "hostile"
    text, _ = _report(timeline_any, tmp_path, "FIN", "SWE", "--as-of", "2024-03-20")
    for layout in ("wide", "narrow"):
        chart = _chart(text, layout)
        (hostile,) = chart.find("rect", "band-hostile")
        strained = chart.find("rect", "band-strained")[0]
        marker = next(a for a in chart.find("circle", "marker") if a["data-event"] == expulsion.event_id)
        assert float(hostile["x"] or 0) == float(marker["cx"] or 0)
        as_of = float(chart.find("line", "as-of")[0]["x1"] or 0)
        assert float(hostile["x"] or 0) + float(hostile["width"] or 0) == pytest.approx(as_of, abs=0.05)
        assert hostile["y"] == strained["y"]  # over the strained scores, which it is a kind of
        assert "hostile" in chart.plain and "strained" in chart.plain
    assert "strained / hostile" not in text


def test_event_types_read_as_words_with_their_coding_on_hover(timeline_any: Timeline, tmp_path: Path) -> None:
    loaded = _load(timeline_any)
    text, page = _report(timeline_any, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01")
    kinds = {a["title"]: a for a in page.find("abbr", "kind")}
    intent = "CooperationIntentExpressed · CAMEO 030 · Goldstein +4.0"
    assert intent in kinds
    assert f'title="{intent}">cooperation intent</abbr>' in text
    assert 'title="CriticismVoiced · CAMEO 111 · Goldstein -2.0">criticism</abbr>' in text
    # A marker's tooltip names the type the same way, with the same coding.
    pledge = loaded["first"][3]
    chart = _chart_text(text, "wide")
    tooltip = re.search(rf'data-event="{pledge.event_id}"><title>([^<]*)</title>', chart)
    assert tooltip and "cooperation intent" in tooltip.group(1) and "CAMEO 030" in tooltip.group(1)
    assert ">CooperationIntentExpressed<" not in text  # the code name is never the visible text


# --- report to a terminal ------------------------------------------------------------------------


def _on_a_terminal(url: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Runs the installed `timeline --db URL ...` with stdout on a pseudo-terminal, as a person would."""
    beside = Path(sys.executable).with_name("timeline")
    command = str(beside) if beside.exists() else shutil.which("timeline") or "timeline"
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DATABASE_URL"}
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [command, "--db", url, *args], stdout=follower, stderr=subprocess.PIPE, cwd=cwd, env=env
    )
    os.close(follower)
    seen: list[bytes] = []

    def drain() -> None:  # read as it comes, so that a page sent to the terminal cannot block the child
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child's end is closed
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    _, err = child.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(leader)
    return child.returncode, b"".join(seen).decode("utf-8", "replace"), err.decode("utf-8", "replace")


def test_report_to_a_terminal_writes_report_html(timeline_any: Timeline, tmp_path: Path) -> None:
    _load(timeline_any)
    folder = tmp_path / "here"
    folder.mkdir()
    code, screen, err = _on_a_terminal(
        timeline_any.url, folder, "report", "CHL", "NOR", "--as-of", "2024-07-01"
    )
    assert code == 0, err
    page = folder / "report.html"
    assert page.exists() and "<svg" in page.read_text("utf-8")
    assert "<svg" not in screen and "<!DOCTYPE" not in screen  # no page of markup on the screen
    assert f"wrote {page.resolve()}" in err and "-o -" in err
    # Asked for, the HTML does go to the terminal; and to a pipe it goes without being asked.
    code, screen, _ = _on_a_terminal(timeline_any.url, folder, "report", "CHL", "NOR", "-o", "-")
    assert code == 0 and "<svg" in screen
    piped = timeline_any.ok("report", "CHL", "NOR", "--as-of", "2024-07-01")
    assert piped.stdout.startswith("<!DOCTYPE html>")


# --- a busy pair (issue 11): aggregated, small, the rest on request -----------------------------

BUSY = 1_500


def _rows_blob(text: str, key: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="rows-{key}">(.*?)</script>', text, re.S)
    assert found, "no rows for show all"
    assert "<" not in found.group(1)  # nothing in it can close the script or open markup
    return json.loads(found.group(1))


def test_busy_pair_report_is_aggregated_small_and_keeps_every_event_for_show_all(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    store = timeline_any.store()
    try:
        events = load_busy_pair(store, BUSY, span_days=3 * 365)
    finally:
        store.close()
    text, page = _report(timeline_any, tmp_path, "ISL", "MLT", "--as-of", "2024-06-01")
    # About 1 MB at 31,000 events (measured 0.92 MB): a fixed part (chart, 50 events, their
    # articles, style) and some 30 bytes an event; a marker and a row an event took 1,700.
    assert len(text.encode("utf-8")) < 250_000 + 40 * BUSY
    # The chart counts, it does not draw a marker an event: per week or month, bars by family.
    assert not page.find("circle", "marker")
    for layout in ("wide", "narrow"):
        chart = _chart(text, layout)
        parts = chart.find("rect", "bar-part")
        assert 20 <= len({p["x"] for p in parts}) <= 120  # a readable number of bars
        assert sum(int(p["data-count"] or 0) for p in parts) == BUSY
        assert chart.find("polyline", "tone-line")  # the tone line over them
    assert "events per month" in page.plain or "events per week" in page.plain
    # The weightiest events in full, each heavier than every one left out.
    listed = {a["id"][len("ev-ISL-MLT-") :] for a in page.find("tr") if a.get("id")}
    assert len(listed) == TOP_EVENTS
    latest = max(e.occurred_on for e in events)
    heaviest_left = max(weight(e, latest) for e in events if e.event_id not in listed)
    assert min(weight(e, latest) for e in events if e.event_id in listed) >= heaviest_left
    # The rest: a "show all" button and every event as a compact row within the file.
    (button,) = page.find("button", "show-all")
    assert button["data-rows"] == "rows-ISL-MLT" and f"Show all {BUSY:,} events" in page.plain
    blob = _rows_blob(text, "ISL-MLT")
    assert len(blob["rows"]) == BUSY
    day, days = date.fromisoformat(blob["start"]), []
    for row in blob["rows"]:
        day += timedelta(days=row[0])
        days.append(day)
    assert days == sorted(e.occurred_on for e in events)
    # Invitations grouped by status, the open ones first.
    groups = [(a.get("data-status")) for a in page.find("ul", "invitations")]
    assert groups[0] == "pending" and len(groups) == len(set(groups))
    found = timeline_any.json("invitations", "--as-of", "2024-06-01")
    assert found and f"pending ({sum(i['status'] == 'pending' for i in found)})" in page.plain


def test_all_pairs_report_is_an_index_linking_to_each_pair(timeline_any: Timeline, tmp_path: Path) -> None:
    _load(timeline_any)
    _load_souring(timeline_any)
    _, page = _report(timeline_any, tmp_path, "--as-of", "2024-07-01")
    rows = [a for a in page.find("a") if (a.get("href") or "").startswith("#dyad-")]
    assert {a["href"] for a in rows} == {"#dyad-CHL-NOR", "#dyad-CHL-PER", "#dyad-FIN-SWE"}
    # The tone cell carries its rank for sorting: the most troubled lowest.
    ranks = {"hostile": "0", "strained": "1", "neutral": "2", "cooperative": "3", "close": "4"}
    tones = [r["tone"] for r in timeline_any.json("relations", "--as-of", "2024-07-01")]
    assert "hostile" in tones
    assert [a["data-key"] for a in page.find("td") if a.get("data-key")] == [ranks[t] for t in tones]


def test_a_retracted_context_event_leaves_the_page_from_when_it_was_retracted(
    timeline_any: Timeline, tmp_path: Path
) -> None:
    loaded = _load(timeline_any)
    attack = loaded["first"][1]  # the context event: one side unknown
    before = datetime.now(UTC)
    timeline_any.ok("retract", attack.event_id, "--reason", "the bomb was a gas leak")
    _, now = _report(timeline_any, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01")
    assert attack.event_id not in _shown_events(now)
    assert loaded["first"][0].event_id in _shown_events(now)
    _, then = _report(
        timeline_any, tmp_path, "CHL", "NOR", "--as-of", "2024-07-01", "--known-at", before.isoformat()
    )
    assert attack.event_id in _shown_events(then)
