"""Ingest speed: generated articles of the seed's length into SQLite, end to end and split by stage.

Usage: python benchmarks/bench_ingest.py [--articles N] [--seed S]

Articles are templated from the lexicon's known people (varied countries, names and roles), a
set of trigger sentences written for this benchmark, and dates spread over two years, so the
extractor meets varied actors, phrasings and date expressions. Two runs on fresh databases:

1. end to end: a JSONL feed through `ingest_paths` (reading, header, extraction, storage);
   once with extraction in this process and once with one extraction process per core;
2. by stage: the same articles in one process, timing extraction and the store's append apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from timeline.domain.articles import Article, article_id_for
from timeline.extract.lexicon import Lexicon
from timeline.extract.pipeline import Extractor
from timeline.ingest import IngestOptions, ingest_paths
from timeline.store import open_store

OUTLETS = ("PTI", "AFP", "KUNA", "MENAFN", "Xinhua", "AAP")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# {a}/{b}: "Title Name" of two leaders; {A}/{B}: their countries; {ca}/{cb}: capitals; {day}: a weekday.
SENTENCES = (
    "{a} held talks with {b} in {cb} on {day}, officials said.",
    "{a} extended an invitation to {b} to visit {A} at a mutually convenient time.",
    "{b} accepted the invitation and said the visit would take place next month.",
    "The two leaders expressed their eagerness to deepen cooperation in energy, trade and investment.",
    "{a} conveyed condolences to the people of {B} over the deadly attack in {cb} on {day}.",
    "{a} reaffirmed {A}'s solidarity with {B} during these difficult times.",
    "{b} will travel to {ca} next week for a two-day official visit, the foreign ministry said.",
    "The two sides signed a memorandum of understanding on agriculture and technology.",
    "{A} did not sign the proposed defence pact with {B}, according to a statement.",
    "{a} described relations between the two countries as cordial and historic.",
    "Critics in {ca} accused {B} of interference in its internal affairs.",
    "{a} telephoned {b} on {day} to congratulate him on his election victory.",
)
COMMENTARY = (
    "Analysts say the meeting reflects a broader effort to strengthen regional ties.",
    "The visit comes at a time of shifting alliances across the region.",
    "Observers see the talks as a sign that both capitals want closer economic links.",
)


def leaders(lexicon: Lexicon) -> list[tuple[str, str, str, str]]:
    """(title and name, country, country name, capital) for heads of state and government."""
    out = []
    for role in lexicon.people():
        if role.role not in ("President", "Prime Minister") or role.end is not None:
            continue
        name = lexicon.country_name(role.country)
        capital = next((c.text for c in lexicon.countries_in(name) if c.kind == "capital"), None)
        out.append((f"{role.role} {role.name}", role.country, name, capital or name))
    return out


def article_texts(count: int, seed: int) -> list[tuple[date, str]]:
    rng = random.Random(seed)
    lexicon = Lexicon.default()
    cast = leaders(lexicon)
    capitals = {iso3: next((c.text for c in _capitals(lexicon, iso3)), None) for _, iso3, _, _ in cast}
    start = date(2023, 1, 1)
    texts = []
    for _ in range(count):
        (a, ia, na, _), (b, ib, nb, _) = rng.sample(cast, 2)
        fields = {
            "a": a,
            "b": b,
            "A": na,
            "B": nb,
            "ca": capitals.get(ia) or na,
            "cb": capitals.get(ib) or nb,
            "day": rng.choice(WEEKDAYS),
        }
        published = start + timedelta(days=rng.randrange(730))
        body = [s.format(**fields) for s in rng.choices(SENTENCES, k=22)] + [rng.choice(COMMENTARY)]
        paragraphs = "\n\n".join(" ".join(body[i : i + 3]) for i in range(0, len(body), 3))
        texts.append((published, f" date {published.isoformat()} ({rng.choice(OUTLETS)}) {paragraphs}\n"))
    return texts


def _capitals(lexicon: Lexicon, iso3: str) -> list:
    return [c for c in lexicon.countries_in(lexicon.country_name(iso3)) if c.kind == "capital"]


def end_to_end(texts: list[tuple[date, str]], folder: Path, jobs: int) -> tuple[float, int]:
    feed = folder / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        for _, text in texts:
            out.write(json.dumps({"text": text}) + "\n")
    with open_store(f"sqlite:///{folder / f'e2e-{jobs}.db'}") as store:
        began = time.perf_counter()
        report = ingest_paths(store, [str(feed)], IngestOptions(jobs=jobs))
        elapsed = time.perf_counter() - began
    assert report.failed == 0, [f.line() for f in report.failures][:3]
    return elapsed, report.events


def by_stage(texts: list[tuple[date, str]], folder: Path) -> tuple[float, float, int]:
    extractor = Extractor.default()
    extracting = storing = 0.0
    events = 0
    with open_store(f"sqlite:///{folder / 'stages.db'}") as store:
        for published, text in texts:
            article = Article(article_id_for(text), published, text)
            t0 = time.perf_counter()
            coded = extractor.extract(article)
            t1 = time.perf_counter()
            store.append(coded, article=article)
            storing += time.perf_counter() - t1
            extracting += t1 - t0
            events += len(coded)
    return extracting, storing, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts = article_texts(args.articles, args.seed)
    mean_len = sum(len(t) for _, t in texts) / len(texts)
    print(f"{len(texts)} generated articles, mean length {mean_len:.0f} characters")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for jobs in sorted({1, os.cpu_count() or 1}):
            elapsed, events = end_to_end(texts, folder, jobs)
            print(
                f"end to end (JSONL feed -> SQLite), {jobs} extraction process(es): "
                f"{len(texts) / elapsed:,.0f} articles/s, {events / elapsed:,.0f} events/s "
                f"({elapsed:.1f} s, {events} events)"
            )
        extracting, storing, events = by_stage(texts, folder)
        total = extracting + storing
        print(
            f"by stage: extraction {extracting:.1f} s ({extracting / total:.0%}), "
            f"storage {storing:.1f} s ({storing / total:.0%}); "
            f"extraction alone {len(texts) / extracting:,.0f} articles/s, "
            f"storage alone {events / storing:,.0f} events/s"
        )


if __name__ == "__main__":
    main()
