"""Ingest speed: spaCy's parse alone against extraction and `timeline ingest`, on the same generated articles.

Usage: python benchmarks/bench_ingest.py [--articles N] [--seed S]

Articles are written by this script: templated diplomatic sentences with the lexicon's current
heads of state, government and diplomacy (varied countries, names, capitals and weekdays) and
dates spread over two years, about 2,500 characters each, so the extractor meets varied actors,
phrasings and date expressions. One run measures, on the same articles:

(a) parse: spaCy's own `nlp.pipe` over the article bodies, with the extractor's pipeline object;
(b) extraction: `Extractor.extract` per article (header, normalising, parse and coding);
(c), (d) `timeline ingest` of a JSONL feed into a fresh SQLite database, a process of its own
    started for each run, with `--jobs 1` and `--jobs 2` (start-up included; it is also measured
    on a feed of a few articles, to give the rate without it).

Then the ratios against their goals, and the peak resident memory of each process of the ingest
runs (its high-water mark in /proc, sampled while it runs; getrusage on the whole tree besides).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from timeline.domain.articles import Article, article_id_for
from timeline.extract.header import parse_header
from timeline.extract.lexicon import Lexicon
from timeline.extract.pipeline import Extractor

OUTLETS = ("PTI", "AFP", "KUNA", "MENAFN", "Xinhua", "AAP")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SECTORS = ("energy", "trade", "defence", "agriculture", "technology", "health", "education", "tourism")
# {a}/{b}: "Title Name" of two office holders; {A}/{B}: their countries; {ca}/{cb}: capitals;
# {day}: a weekday; {s1}/{s2}: sectors.
SENTENCES = (
    "{a} held talks with {b} in {cb} on {day}, officials said.",
    "{a} extended an invitation to {b} to visit {A} at a mutually convenient time.",
    "{b} accepted the invitation and said the visit would take place next month.",
    "The two leaders expressed their eagerness to deepen cooperation in {s1}, {s2} and investment.",
    "{a} conveyed condolences to the people of {B} over the deadly attack in {cb} on {day}.",
    "{a} reaffirmed {A}'s solidarity with {B} during these difficult times.",
    "{b} will travel to {ca} next week for a two-day official visit, the foreign ministry said.",
    "The two sides signed a memorandum of understanding on {s1} and {s2}.",
    "{A} did not sign the proposed {s1} pact with {B}, according to a statement.",
    "{a} described relations between the two countries as cordial and historic.",
    "Critics in {ca} accused {B} of interference in its internal affairs.",
    "{a} telephoned {b} on {day} to congratulate him on his election victory.",
    "{B} summoned the ambassador of {A} on {day} to protest against the remarks.",
    "{a} and {b} agreed to set up a joint working group on {s1}.",
    "{A} welcomed the decision of {B} to lift restrictions on {s2} exports.",
    "Speaking in {ca}, {a} said {A} was ready to host the next round of talks.",
    "{b} thanked {a} for the support {A} had extended in the field of {s1}.",
    "Officials from {A} and {B} will meet in {cb} on {day} to review progress.",
)
COMMENTARY = (
    "Analysts say the meeting reflects a broader effort to strengthen regional ties.",
    "The visit comes at a time of shifting alliances across the region.",
    "Observers see the talks as a sign that both capitals want closer economic links.",
    "Neither side gave details of the timetable, and diplomats cautioned against expecting quick results.",
)
OFFICES = ("President", "Prime Minister", "Foreign Minister", "King", "Emir")
TARGET_CHARS = 2_500
GOALS = {"extraction/parse": 0.67, "jobs 2/jobs 1": 1.6, "peak RSS per worker (MB)": 500}
WARM_UP_ARTICLES = 20  # parsed and extracted, untimed, before (a) and (b)
STARTUP_ARTICLES = 4  # the short feed that measures `timeline ingest`'s start-up


def office_holders(lexicon: Lexicon) -> list[tuple[str, str, str]]:
    """(title and name, country name, capital) for the current holders of the top offices."""
    out = []
    for role in lexicon.people():
        if role.role not in OFFICES or role.end is not None:
            continue
        name = lexicon.country_name(role.country)
        capital = next((c.text for c in lexicon.countries_in(name) if c.kind == "capital"), None)
        out.append((f"{role.title or role.role} {role.name}", name, capital or name))
    return out


def article_texts(count: int, seed: int) -> list[tuple[date, str]]:
    rng = random.Random(seed)
    cast = office_holders(Lexicon.default())
    start = date(2023, 1, 1)
    texts = []
    for _ in range(count):
        (a, na, ca), (b, nb, cb) = rng.sample(cast, 2)
        while nb == na:
            b, nb, cb = rng.choice(cast)
        s1, s2 = rng.sample(SECTORS, 2)
        fields = {"a": a, "b": b, "A": na, "B": nb, "ca": ca, "cb": cb, "s1": s1, "s2": s2}
        published = start + timedelta(days=rng.randrange(730))
        body: list[str] = []
        while sum(len(s) + 1 for s in body) < TARGET_CHARS - 100:
            body.append(rng.choice(SENTENCES).format(day=rng.choice(WEEKDAYS), **fields))
        body.insert(rng.randrange(1, len(body)), rng.choice(COMMENTARY))
        paragraphs = "\n\n".join(" ".join(body[i : i + 3]) for i in range(0, len(body), 3))
        texts.append((published, f" date {published.isoformat()} ({rng.choice(OUTLETS)}) {paragraphs}\n"))
    return texts


# --- (a), (b): in this process --------------------------------------------------------------------


def parse_only(extractor: Extractor, texts: list[tuple[date, str]]) -> tuple[float, float]:
    """Seconds (wall, CPU) for spaCy's nlp.pipe over the bodies alone (headers read beforehand)."""
    bodies = [parse_header(text).body for _, text in texts]
    began, cpu = time.perf_counter(), time.process_time()
    for _ in extractor.parser.nlp.pipe(bodies):
        pass
    return time.perf_counter() - began, time.process_time() - cpu


def extraction(extractor: Extractor, texts: list[tuple[date, str]]) -> tuple[float, float, int]:
    """Seconds (wall, CPU) for Extractor.extract on every article, and the events it gave."""
    articles = [Article(article_id_for(text), published, text) for published, text in texts]
    events = 0
    began, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        events += len(extractor.extract(article))
    return time.perf_counter() - began, time.process_time() - cpu, events


# --- (c), (d): `timeline ingest` in a process of its own ------------------------------------------


class TreeMemory(threading.Thread):
    """Samples the peak resident memory (VmHWM) of a process and all its descendants until stopped."""

    def __init__(self, root: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (what it is, peak kB)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in self._tree():
                sample = _high_water_kb(pid)
                if sample is not None:
                    self.peaks[pid] = (self._kind(pid), max(sample, self.peaks.get(pid, ("", 0))[1]))
            self.done.wait(self.every)

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = [self.root], [self.root]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            tree.extend(frontier)
        return tree

    def _kind(self, pid: int) -> str:
        if pid in self.peaks:
            return self.peaks[pid][0]
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            command = b""
        if pid == self.root:
            return "main"
        if b"resource_tracker" in command:
            return "resource tracker"
        return "worker" if b"spawn_main" in command else "other"


def _high_water_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def ingest(feed: Path, db: Path, jobs: int) -> tuple[float, float, int, dict[int, tuple[str, int]], int]:
    """`timeline ingest --jobs N` of the feed into a fresh SQLite database.

    Seconds (wall, and CPU of the whole tree), events stored, the sampled peaks of its processes,
    and the largest process of its tree by wait4 (kB; Linux counts there the child's copy of this
    process before its exec too, which is why these runs come before this process loads spaCy).
    """
    command = [sys.executable, "-c", "from timeline.cli import main; main()"]
    command += ["--db", f"sqlite:///{db}", "ingest", "--quiet", "--jobs", str(jobs), str(feed)]
    with tempfile.TemporaryFile("w+") as errors:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        memory = TreeMemory(process.pid)
        if Path("/proc/self/status").exists():
            memory.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        memory.done.set()
        if memory.is_alive():
            memory.join()
        if process.returncode != 0:
            errors.seek(0)
            reason = errors.read().strip()[:500]
            raise SystemExit(f"timeline ingest --jobs {jobs} failed ({process.returncode}): {reason}")
    from timeline.query import EventQuery
    from timeline.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        events = store.count(EventQuery())
    return elapsed, usage.ru_utime + usage.ru_stime, events, memory.peaks, usage.ru_maxrss


def write_feed(path: Path, texts: list[tuple[date, str]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for _, text in texts:
            out.write(json.dumps({"text": text}) + "\n")
    return path


def mb(kb: int) -> float:
    return kb / 1024


def verdict(name: str, value: float) -> str:
    goal = GOALS[name]
    met = value <= goal if name.startswith("peak") else value >= goal
    sign = "<=" if name.startswith("peak") else ">="
    return f"{name}: {value:.2f} (goal {sign} {goal}: {'met' if met else 'NOT met'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts = article_texts(args.articles, args.seed)
    n = len(texts)
    mean_len = sum(len(t) for _, t in texts) / n
    print(
        f"{n} generated articles, mean length {mean_len:,.0f} characters; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    # The ingest runs first, while this process is small (see `ingest` on wait4).
    rates: dict[int, float] = {}
    worker_peaks: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        feed = write_feed(folder / "feed.jsonl", texts)
        short = write_feed(folder / "short.jsonl", texts[:STARTUP_ARTICLES])
        for label, jobs in (("(c)", 1), ("(d)", 2)):
            elapsed, cpu, stored, peaks, tree_peak = ingest(feed, folder / f"jobs{jobs}.db", jobs)
            startup = ingest(short, folder / f"short{jobs}.db", jobs)[0]
            rates[jobs] = n / elapsed
            steady = (n - STARTUP_ARTICLES) / max(elapsed - startup, 1e-9)
            print(
                f"{label} timeline ingest --jobs {jobs}: {rates[jobs]:,.1f} articles/s ({elapsed:.1f} s, "
                f"{stored} events, {cpu:.1f} CPU-s); start-up and {STARTUP_ARTICLES} articles "
                f"{startup:.1f} s, {steady:,.1f} articles/s without them"
            )
            for pid, (kind, kb) in sorted(peaks.items(), key=lambda item: (item[1][0], item[0])):
                print(f"    peak RSS {kind} (pid {pid}): {mb(kb):,.0f} MB")
            print(f"    largest process of the run (wait4): {mb(tree_peak):,.0f} MB")
            # the process that extracts: the command's own with --jobs 1, its workers with more
            extracting_kinds = ("main",) if jobs == 1 else ("worker",)
            worker_peaks += [kb for kind, kb in peaks.values() if kind in extracting_kinds]

    extractor = Extractor.default()
    began = time.perf_counter()
    extractor.parser  # noqa: B018 (loads spaCy)
    print(f"spaCy pipeline {extractor.parser.nlp.pipe_names} loaded in {time.perf_counter() - began:.1f} s")
    # Warm-up on other articles, untimed, so that neither measure pays for the first documents.
    warm = article_texts(WARM_UP_ARTICLES, args.seed + 1)
    parse_only(extractor, warm)
    extraction(extractor, warm)
    parsing, parsing_cpu = parse_only(extractor, texts)
    print(
        f"(a) parse (nlp.pipe, bodies only): {n / parsing:,.1f} articles/s "
        f"({parsing:.1f} s, {parsing_cpu:.1f} CPU-s)"
    )
    extracting, extracting_cpu, events = extraction(extractor, texts)
    print(
        f"(b) extraction (Extractor.extract): {n / extracting:,.1f} articles/s "
        f"({extracting:.1f} s, {extracting_cpu:.1f} CPU-s, {events} events)"
    )
    print(f"load average {os.getloadavg()[0]:.2f} (other work on this machine skews the wall times)")

    print(verdict("extraction/parse", parsing / extracting))
    print(f"    by CPU time: {parsing_cpu / extracting_cpu:.2f}")
    print(verdict("jobs 2/jobs 1", rates[2] / rates[1]))
    if worker_peaks:
        print(verdict("peak RSS per worker (MB)", mb(max(worker_peaks))))


if __name__ == "__main__":
    main()
