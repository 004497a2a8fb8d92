"""Benchmark: `timeline export` of a million events runs in constant memory.

    python benchmarks/bench_export.py [--events N] [--formats csv,jsonl,cameo] [--keep DIR]

Fills a throwaway SQLite store through EventStore.append (one made-up article per batch, every
event citing it), and at 10,000, 100,000 and N events runs the real `timeline export` command for
each format in a child process, writing to a temporary file. For each run it reports events/s
and the child's peak RSS (ru_maxrss from os.wait4); memory is flat when the peak at N is about the
peak at 10,000.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from timeline.domain.articles import Article, article_id_for
from timeline.domain.events import Event, Party, Provenance, article_stream, event_id_for
from timeline.domain.vocabulary import event_types
from timeline.store import open_store

COUNTRIES = ("FRA", "DEU", "JPN", "USA", "BRA", "IND", "ZAF", "CAN", "CHL", "NOR")
PEOPLE = ("Ana Ruiz", "Per Dahl", "Kenji Sato", None, "Lea Martin", None)
ROLES = ("Foreign Minister", "Ambassador", "Prime Minister", None, "President", None)
BATCH = 5_000
CHECKPOINTS = (10_000, 100_000)


def _types() -> list[tuple[str, str | None, float | None]]:
    return [(t.name, t.cameo, t.goldstein) for t in event_types().values() if t.name != "EventRetracted"]


def make_batch(start: int, size: int) -> tuple[Article, list[Event]]:
    """One made-up article and ``size`` events citing it, numbered from ``start``."""
    text = f"Made-up bulletin number {start}: envoys met, ministers talked, aid was pledged. " * 4
    article = Article(
        article_id_for(text), date(2021, 1, 1), text, outlet="Bench Wire", title=f"Bulletin {start}"
    )
    kinds = _types()
    events = []
    for n in range(size):
        i = start + n
        name, cameo, goldstein = kinds[i % len(kinds)]
        sentence = (
            f"In statement {i}, the envoy of {COUNTRIES[i % 10]} spoke of {COUNTRIES[(i + 3) % 10]}, twice."
        )
        events.append(
            Event(
                event_id=event_id_for(article.article_id, i),
                stream_id=article_stream(article.article_id),
                stream_version=n + 1,
                type=name,
                occurred_on=date(2020, 1, 1) + timedelta(days=i % 1500),
                modality=("reported", "reported", "reported", "planned")[i % 4],
                actor=Party(COUNTRIES[i % 10], PEOPLE[i % 6], ROLES[i % 6]),
                target=Party(COUNTRIES[(i + 3) % 10]),
                cameo=cameo,
                goldstein=goldstein,
                provenance=Provenance(article.article_id, n, 0, len(sentence), sentence, "bench-1"),
                payload={"trigger": "spoke of", "sectors": ["trade", "energy"][: i % 3], "n": i},
            )
        )
    return article, events


def fill(url: str, have: int, want: int) -> None:
    store = open_store(url)
    try:
        for start in range(have, want, BATCH):
            article, events = make_batch(start, min(BATCH, want - start))
            store.append(events, article)
    finally:
        store.close()


def timeline_command() -> str:
    beside = Path(sys.executable).with_name("timeline")
    return str(beside) if beside.exists() else shutil.which("timeline") or "timeline"


def export(url: str, fmt: str, out: Path) -> tuple[float, int]:
    """Run `timeline export` in a child; its wall time and peak RSS in KiB."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [timeline_command(), "--db", url, "export", "--format", fmt, "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"export failed: {child.stderr.read().decode() if child.stderr else ''}")
    return seconds, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,jsonl,cameo")
    parser.add_argument(
        "--keep", type=Path, help="Keep the database in this folder (default: a temp folder)."
    )
    args = parser.parse_args()
    formats = args.formats.split(",")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="timeline-bench-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'export.db'}"
    sizes = [n for n in CHECKPOINTS if n < args.events] + [args.events]
    print(f"store: {url}; exports by `timeline export` in a child process, to a temp file")
    print(f"{'events':>10}  {'format':<6} {'seconds':>8} {'events/s':>10} {'peak RSS':>10} {'file':>9}")
    have = 0
    try:
        for size in sizes:
            begun = time.perf_counter()
            fill(url, have, size)
            filled = time.perf_counter() - begun
            print(
                f"{size:>10,}  (generated {size - have:,} events in {filled:.1f}s, "
                f"{(size - have) / filled:,.0f}/s; this process's peak RSS "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)"
            )
            have = size
            for fmt in formats:
                out = folder / f"export.{fmt}"
                seconds, peak = export(url, fmt, out)
                print(
                    f"{size:>10,}  {fmt:<6} {seconds:>8.1f} {size / seconds:>10,.0f} {peak / 1024:>7.1f} MiB "
                    f"{out.stat().st_size / 2**20:>5.0f} MiB",
                    flush=True,
                )
                out.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
