"""The seed's report in a real browser (headless Chromium): it renders, shows everything, loads nothing.

Needs Debian's `chromium` (or $TIMELINE_CHROMIUM). Without one these tests are skipped, except in
CI (CI=true), where they fail. TIMELINE_UPDATE_SCREENSHOT=1 also copies the screenshot to
docs/report-seed.png (the one the README shows).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SCREENSHOT = ROOT / "docs" / "report-seed.png"
AS_OF = "2024-04-01"
DYAD = ("PAK", "RUS")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUIET_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
)  # fmt: skip


def _browser() -> str:
    found = os.environ.get("TIMELINE_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if found is None:
        reason = "no Chromium found (apt-get install chromium, or set $TIMELINE_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; in CI the browser tests must run", pytrace=False)
        pytest.skip(reason)
    return found


def _timeline(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).with_name("timeline")
    command = str(beside) if beside.exists() else shutil.which("timeline") or "timeline"
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DATABASE_URL"}
    done = subprocess.run([command, "--db", db, *args], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, (args, done.stderr)
    return done


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seeds ingested into a fresh SQLite file, and the PAK-RUS report as of 2024-04-01."""
    folder = tmp_path_factory.mktemp("seed-report")
    db = f"sqlite:///{folder / 'seed.db'}"
    _timeline(db, "ingest", "--quiet", str(SEEDS))
    page = folder / "report.html"
    _timeline(db, "report", *DYAD, "--as-of", AS_OF, "-o", str(page))
    all_page = folder / "all.html"
    _timeline(db, "report", "--as-of", AS_OF, "-o", str(all_page))
    events = json.loads(_timeline(db, "events", "--as-of", AS_OF, "--format", "json").stdout)
    relations = json.loads(_timeline(db, "relations", "--as-of", AS_OF, "--format", "json").stdout)
    invitations = json.loads(_timeline(db, "invitations", "--as-of", AS_OF, "--format", "json").stdout)
    return {
        "page": page,
        "all_page": all_page,
        "events": events,
        "relations": relations,
        "invitations": invitations,
        "dir": folder,
    }


def _run_browser(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = folder / f"profile-{len(list(folder.glob('profile-*')))}"
    command = [_browser(), *QUIET_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


class Tags(HTMLParser):
    """Start tags with their attributes, and the text, of an HTML document."""

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

    def having(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def _png_size_and_colours(path: Path) -> tuple[int, int, int]:
    """Width, height and how many distinct byte values the pixel data holds (1 for a blank image)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += length + 12
    return width, height, len(set(zlib.decompress(b"".join(chunks))))


def test_seed_report_renders_with_the_chart_and_every_event(seed_report: dict[str, Any]) -> None:
    folder, page = seed_report["dir"], seed_report["page"]
    dumped = _run_browser(folder, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Tags(dumped.stdout)
    html = next(a for t, a in dom.tags if t == "html")
    assert "js" in (html.get("class") or "").split()  # the page's script ran (and nothing blocked it)
    # One chart per pair, drawn wide and narrow (the CSS shows the one that fits the screen).
    assert len(dom.having("svg", "chart-wide")) == len(dom.having("svg", "chart-narrow")) == 1
    assert dom.having("polyline", "tone-line") and dom.having("rect", "band")
    markers = {a.get("data-event") for a in dom.having("circle", "marker")}
    rows = {a.get("id") for t, a in dom.tags if t == "tr" and a.get("id")}
    dyad_events = [
        e for e in seed_report["events"] if {e["actor"]["country"], e["target"]["country"]} == set(DYAD)
    ]
    assert dyad_events
    for event in dyad_events:
        assert event["event_id"] in markers
        assert f"ev-{'-'.join(DYAD)}-{event['event_id']}" in rows
        assert " ".join(event["sentence"].split()) in dom.plain
    shown_types = {e["type"] for e in seed_report["events"] if e["event_id"] in markers}
    # The "done when": the meeting, the condolences, the attack (one side unknown, shown as
    # context) and the pending invitation, with the tone `relations` gives.
    assert {"MeetingHeld", "CondolencesExpressed", "AttackOccurred", "InvitationExtended"} <= shown_types
    pending = [i for i in seed_report["invitations"] if i["status"] == "pending"]
    assert pending and dom.having("rect", "inv-pending")
    assert f"pending since {pending[0]['extended_on']}" in dom.plain
    tone = next(r for r in seed_report["relations"] if r["dyad"] == sorted(DYAD))
    assert any(tone["tone"] in (a.get("class") or "") for a in dom.having("span", "tone"))
    assert f"{tone['score']:.2f} {tone['tone']}" in dom.plain

    shot = folder / "report.png"
    taken = _run_browser(folder, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    width, height, colours = _png_size_and_colours(shot)
    assert (width, height) == (1280, 2000) and colours > 8
    if os.environ.get("TIMELINE_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


# --- no network ---------------------------------------------------------------------------------

LOADING_ATTRIBUTES = ("src", "srcset", "data", "poster", "background", "xlink:href")
CSS_LOADS = re.compile(r"""(?:@import|url\()\s*['"]?\s*[a-z][a-z0-9+.-]*:|@import|url\(\s*['"]?\s*//""", re.I)


def loading_references(text: str) -> list[str]:
    """Every reference in the HTML or its CSS that would make a browser fetch something."""
    page = Tags(text)
    found = [
        f"{tag}[{name}]={attrs[name]}"
        for tag, attrs in page.tags
        for name in LOADING_ATTRIBUTES
        if attrs.get(name)
    ]
    found += [
        f"{tag}[href]={a['href']}"
        for tag, a in page.tags
        if tag in ("link", "image", "use") and a.get("href")
    ]
    found += [f"css: {m}" for m in CSS_LOADS.findall(text)]
    return found


def page_requests(netlog: Path) -> list[str]:
    """URLs the page asked the network for (Chromium's own background requests set aside).

    A page loaded from a file has a network isolation key of file://; the browser's update and
    account checks have none (or google's), and are not the page's doing.
    """
    text = netlog.read_text("utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    kinds = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB" and "file://" in str(
            params.get("network_isolation_key", "")
        ):
            found.append(params.get("url", ""))
    return [url for url in found if not url.startswith("file://")]


def _offline_visit(folder: Path, page: Path) -> list[str]:
    netlog = folder / f"netlog-{page.stem}.json"
    done = _run_browser(
        folder,
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        "--dump-dom",
        page.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return page_requests(netlog)


def test_seed_report_makes_no_network_request(seed_report: dict[str, Any]) -> None:
    page = seed_report["page"]
    assert loading_references(page.read_text("utf-8")) == []
    assert _offline_visit(seed_report["dir"], page) == []


def test_the_checks_catch_a_page_that_loads_from_elsewhere(tmp_path: Path) -> None:
    """The control: the same two checks do see a stylesheet, an image and a script from a server."""
    page = tmp_path / "loads.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.invalid/a.css">'
        "<style>@import 'https://fonts.example.invalid/f.css';</style></head><body>"
        '<img src="http://img.example.invalid/a.png"><script src="https://js.example.invalid/a.js"></script>'
        "</body></html>",
        "utf-8",
    )
    assert len(loading_references(page.read_text("utf-8"))) == 4
    requested = _offline_visit(tmp_path, page)
    assert {u.split("/")[2] for u in requested} >= {
        "cdn.example.invalid",
        "img.example.invalid",
        "js.example.invalid",
    }


# --- on a phone ---------------------------------------------------------------------------------

PHONE_WIDTH = 400
MIN_CHART_TEXT_PX = 10.0
# Every element that holds a part of the page a reader scrolls through.
MAIN_ELEMENTS = (
    "body, header, section.dyad, figure, svg.chart, .legend, .filters, .status, table.events, "
    "table.dyads, ul.invitations, #articles, article.article, .article .text"
)
# Measures the laid-out page and hands the figures to the frame around it (see _measured).
MEASURE = """
<script>
(() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll(ELEMENTS)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown at this width
    const inner = el instanceof SVGElement ? box.width : el.clientWidth;
    const scrolls = el instanceof SVGElement ? box.width : el.scrollWidth;
    if (box.right > width + 0.5 || box.left < -0.5 || scrolls > inner + 1) {
      wide.push(`${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}: ${box.left}-${box.right} ` +
                `scroll ${scrolls} > ${inner}`);
    }
  }
  const charts = [...document.querySelectorAll("svg.chart")].filter(s => s.getBoundingClientRect().width > 0);
  let smallest = Infinity, smallestText = "";
  for (const chart of charts) {
    for (const text of chart.querySelectorAll("text")) {
      const px = text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize);
      if (px < smallest) { smallest = px; smallestText = text.textContent; }
    }
  }
  const rows = [...document.querySelectorAll("table.events tr[id]")];
  parent.postMessage(JSON.stringify({
    innerWidth: width,
    scrollWidth: document.documentElement.scrollWidth,
    wide,
    charts: charts.length,
    sections: document.querySelectorAll("section.dyad").length,
    smallestText: smallest,
    smallestTextIs: smallestText,
    rowDisplay: [...new Set(rows.map(r => getComputedStyle(r).display))],
  }), "*");
})();
</script>
""".replace("ELEMENTS", json.dumps(MAIN_ELEMENTS))
# Headless Chromium will not make a window narrower than 500 px: the page is laid out in a frame
# of the width wanted, and the frame's figures are written into the outer page for --dump-dom.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="PAGE" style="width:WIDTHpx;height:900px;border:0"></iframe>
<script>
addEventListener("message", (e) => {
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = e.data;
  document.body.append(out);
});
</script></body></html>"""


def _measured(folder: Path, page: Path, width: int) -> dict[str, Any]:
    """The page laid out ``width`` px wide: overflow, chart text size, how event rows display."""
    text = page.read_text("utf-8")
    # The page's policy admits only its own script (by hash); the copy measured drops the policy.
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    probe = folder / f"{page.stem}-measured-{width}.html"
    probe.write_text(text.replace("</body>", MEASURE + "</body>"), "utf-8")
    frame = folder / f"{page.stem}-frame-{width}.html"
    frame.write_text(FRAME.replace("PAGE", probe.name).replace("WIDTH", str(width)), "utf-8")
    size = f"--window-size={width + 100},1000"
    done = _run_browser(folder, size, "--virtual-time-budget=5000", "--dump-dom", frame.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    return json.loads(unescape(found.group(1)))


@pytest.mark.parametrize("which", ["dyad", "every pair"])
def test_report_fits_a_phone(seed_report: dict[str, Any], which: str) -> None:
    """At 400 px nothing runs off the side, the chart's text stays readable, events become cards."""
    folder = seed_report["dir"]
    page = seed_report["page"] if which == "dyad" else seed_report["all_page"]
    got = _measured(folder, page, PHONE_WIDTH)
    assert got["innerWidth"] == PHONE_WIDTH  # the window really was a phone's width
    assert got["scrollWidth"] <= got["innerWidth"], got
    assert got["wide"] == [], got["wide"]
    assert got["charts"] == got["sections"] >= 1  # one chart shown per pair
    assert got["smallestText"] >= MIN_CHART_TEXT_PX, got
    assert got["rowDisplay"] == ["block"]  # each event a card, not a table row


def test_report_on_a_desktop_keeps_the_wide_chart(seed_report: dict[str, Any]) -> None:
    got = _measured(seed_report["dir"], seed_report["page"], 1280)
    assert got["scrollWidth"] <= got["innerWidth"] and got["wide"] == [], got
    assert got["charts"] == 1 and got["smallestText"] >= MIN_CHART_TEXT_PX, got
    assert got["rowDisplay"] == ["table-row"]


# --- clicks: the index sorts, "show all" shows every event (issue 11) ---------------------------

# Clicks what the page offers and writes what it then shows into a <pre id="probe"> for --dump-dom.
PROBE = """
(() => {
  const seen = {};
  const index = document.querySelector("table.dyads");
  if (index) {
    const heads = [...index.tHead.rows[0].cells];
    const column = (name) => heads.findIndex((h) => h.textContent === name);
    const read = (name) => [...index.tBodies[0].rows].map((r) => r.cells[column(name)].textContent);
    seen.before = read("Dyad");
    heads[column("Score")].click();
    seen.scoreUp = read("Score");
    heads[column("Score")].click();
    seen.scoreDown = read("Score");
    heads[column("Tone")].click();
    seen.toneUp = read("Tone");
    heads[column("Last event")].click();
    seen.lastUp = read("Last event");
    seen.links = [...index.querySelectorAll("a")].map((a) => a.getAttribute("href"));
  }
  const button = document.querySelector("button.show-all");
  if (button) {
    const table = document.getElementById(button.dataset.table);
    seen.hiddenBefore = table.hidden && getComputedStyle(table).display === "none";
    seen.rowsBefore = table.tBodies[0].rows.length;
    button.click();
    seen.hiddenAfter = table.hidden || getComputedStyle(table).display === "none";
    seen.buttonShown = getComputedStyle(button).display !== "none";
    const rows = [...table.tBodies[0].rows];
    seen.rows = rows.length;
    seen.dates = rows.map((r) => r.cells[0].textContent);
    seen.families = [...new Set(rows.map((r) => r.dataset.family))].sort();
    seen.firstRow = rows.length ? rows[0].textContent : "";
    document.querySelector('input[data-family="conflict"]').click();
    seen.conflictShown = rows.filter((r) => r.dataset.family === "conflict")
      .filter((r) => getComputedStyle(r).display !== "none").length;
  }
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(seen);
  document.body.append(out);
})();
"""


def _clicked(folder: Path, page: Path) -> dict[str, Any]:
    """The page after PROBE has clicked through it, with the page's own policy kept (plus PROBE's hash)."""
    from html import escape

    from timeline.report.html import _digest

    text = page.read_text("utf-8")
    policy = escape("script-src 'sha256-")  # as the page writes it, inside an attribute
    assert policy in text
    text = text.replace(policy, escape(f"script-src {_digest(PROBE)} 'sha256-"), 1)
    probe = folder / f"{page.stem}-clicked.html"
    probe.write_text(text.replace("</body>", f"<script>{PROBE}</script></body>"), "utf-8")
    done = _run_browser(folder, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    return json.loads(unescape(found.group(1)))


def test_the_index_sorts_when_a_header_is_clicked(seed_report: dict[str, Any], tmp_path: Path) -> None:
    """The seed's pair, and three made-up ones of different tones and sizes."""
    from timeline.domain.events import Party
    from timeline.store import open_store

    busy = _load_module(ROOT / "tests" / "cli" / "busy_pair.py")
    db = f"sqlite:///{tmp_path / 'index.db'}"
    _timeline(db, "ingest", "--quiet", str(SEEDS))
    store = open_store(db)
    try:
        for count, sides in ((12, ("ISL", "MLT")), (3, ("CHL", "NOR")), (2, ("FIN", "SWE"))):
            busy.load_busy_pair(store, count, sides=(Party(sides[0]), Party(sides[1])))
    finally:
        store.close()
    page = tmp_path / "all.html"
    _timeline(db, "report", "--as-of", AS_OF, "-o", str(page))
    found = json.loads(_timeline(db, "relations", "--as-of", AS_OF, "--format", "json").stdout)
    relations = {"-".join(r["dyad"]): r for r in found}
    assert len(relations) == 4 and len({r["tone"] for r in found}) >= 2
    seen = _clicked(tmp_path, page)
    assert seen["before"] == sorted(relations)
    assert seen["scoreUp"] == [f"{r['score']:.2f}" for r in sorted(found, key=lambda r: r["score"])]
    assert seen["scoreDown"] == seen["scoreUp"][::-1]
    ranks = ["hostile", "strained", "neutral", "cooperative", "close"]
    assert seen["toneUp"] == sorted((r["tone"] for r in found), key=ranks.index)
    assert seen["lastUp"] == sorted(str(r["last_event_on"]) for r in found)
    assert sorted(seen["links"]) == sorted(f"#dyad-{key}" for key in relations)


def _load_module(path: Path) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_show_all_reveals_every_event_of_a_busy_pair(tmp_path: Path) -> None:
    from timeline.store import open_store

    busy = _load_module(ROOT / "tests" / "cli" / "busy_pair.py")
    db = f"sqlite:///{tmp_path / 'busy.db'}"
    store = open_store(db)
    try:
        events = busy.load_busy_pair(store, 400, span_days=2 * 365)
    finally:
        store.close()
    page = tmp_path / "busy.html"
    _timeline(db, "report", "ISL", "MLT", "--as-of", "2024-01-01", "-o", str(page))
    seen = _clicked(tmp_path, page)
    assert seen["hiddenBefore"] and seen["rowsBefore"] == 0  # nothing built until asked
    assert not seen["hiddenAfter"] and not seen["buttonShown"]
    assert seen["rows"] == len(events) == 400
    assert seen["dates"] == sorted(e.occurred_on.isoformat() for e in events)
    assert seen["families"] == ["conflict", "contact", "cooperation", "statements"]
    first = events[0]
    assert seen["firstRow"].startswith(f"{first.occurred_on.isoformat()} meeting")
    assert "ISL (Jonsdottir) → MLT (Borg)" in seen["firstRow"]
    # Its source: the article's title where the page holds the article, else its id.
    assert "Dispatch 0" in seen["firstRow"] or f"article {first.provenance.article_id}" in seen["firstRow"]
    assert seen["conflictShown"] == 0  # the family filters apply to the rows shown on request
