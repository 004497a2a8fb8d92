"""Benchmark: persisted projections on SQLite at 10k, 100k and 1M generated events.

    python benchmarks/bench_projections.py [--sizes 10000,100000,1000000] [--repeat 5]
        [--baseline PATH]

For each size, in a throwaway SQLite file: events are generated (many dyads, a few hot ones,
articles mostly in date order with some late ones) and appended through EventStore.append in
big batches. Then, in the same run:

* raw scan: the events table read with the sqlite3 driver in valid-time order, payloads
  json-decoded (the floor any replay must read through);
* replay: runner.replay() (every projection, tables emptied and rewritten), events/s;
  goal >= 50% of the raw scan's rate; and its peak RSS, each replay alone in a process of its
  own. With --baseline PATH (a checkout of another commit, e.g. a `git worktree`), that
  checkout's replay runs on the same database, alternating with this one's, best of each;
* reads, in-process through the service layer (catch-up check included), best of --repeat:
  relations --as-of D --dyad and invitations --as-of D --dyad for a typical and the hottest
  dyad (goal < 50 ms at 1M), history A B for the same two (best of 3 at most), and
  relations --as-of D for every dyad;
* catch-up after one more article (incremental) and after a late article on the hottest
  dyad (a refold from a snapshot), the median of three: dated at the middle of the span, a
  quarter into it and three quarters into it; with the member events each refolded.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import os
import pickle
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from timeline import service
from timeline.domain.events import Event, Party, event_id_for
from timeline.projections import runner
from timeline.projections.catalog import is_dyad_partition
from timeline.store import EventStore, create_engine, migrate
from timeline.store.projection_store import ProjectionStore

ROOT = Path(__file__).resolve().parent.parent  # this checkout, whose `timeline` replays by default
SEED = 20240331
SPAN_START = date(2015, 1, 1)
SPAN_DAYS = 3650
COUNTRIES = 150
DYADS = 4000
HOT = 5  # dyads that take HOT_SHARE of the articles between them
HOT_SHARE = 0.15
BATCH = 20_000
AS_OF = date(2024, 6, 30)

TYPES = {
    "MeetingHeld": 20, "VisitMade": 8, "PhoneCallHeld": 6, "InvitationExtended": 4,
    "InvitationAccepted": 2, "InvitationDeclined": 0.5, "CondolencesExpressed": 2,
    "CongratulationsExpressed": 2, "SolidarityExpressed": 2, "CooperationIntentExpressed": 8,
    "RelationsCharacterized": 4, "AgreementSigned": 5, "AidProvided": 2, "CriticismVoiced": 6,
    "ThreatIssued": 1.5, "SanctionsImposed": 1, "DiplomatExpelled": 0.5, "RelationsDowngraded": 0.3,
    "AttackOccurred": 0.5, "StatementRecorded": 15,
}  # fmt: skip
SECTORS = ("trade", "energy", "defence", "education", "health", "fisheries")
TONES = ("hostile", "strained", "neutral", "cooperative", "close")
ROLES = ("president", "prime minister", "foreign minister", "ambassador", None)


class World:
    """Made-up countries, people and dyads, and articles about them (deterministic)."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        codes = sorted({"".join(self.rng.choice(letters) for _ in range(3)) for _ in range(COUNTRIES * 2)})
        self.countries = codes[:COUNTRIES]
        self.people = {c: [f"Person {c} {i}" for i in range(6)] for c in self.countries}
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < DYADS:
            a, b = self.rng.sample(self.countries, 2)
            pairs.add((min(a, b), max(a, b)))
        self.dyads = sorted(pairs)
        self.rng.shuffle(self.dyads)
        self.hot = self.dyads[:HOT]
        # Zipf-like weights for the rest: a long tail of rarely reported relationships.
        self.cum = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(DYADS - HOT)))
        self.types = list(TYPES)
        self.type_cum = list(itertools.accumulate(TYPES.values()))

    def dyad(self) -> tuple[str, str]:
        if self.rng.random() < HOT_SHARE:
            return self.rng.choice(self.hot)
        i = bisect.bisect(self.cum, self.rng.random() * self.cum[-1])
        return self.dyads[HOT + min(i, DYADS - HOT - 1)]

    def party(self, country: str) -> Party:
        if self.rng.random() < 0.4:
            return Party(country)
        return Party(country, self.rng.choice(self.people[country]), self.rng.choice(ROLES))

    def article(self, index: int, published: date, dyad: tuple[str, str] | None = None) -> list[Event]:
        rng = self.rng
        stream = f"article-bench-{index}"
        dyad = dyad or self.dyad()
        out = []
        for version in range(1, rng.randint(2, 10) + 1):
            kind = self.types[bisect.bisect(self.type_cum, rng.random() * self.type_cum[-1])]
            a, b = dyad if rng.random() < 0.5 else dyad[::-1]
            payload: dict[str, Any] = {"published": published.isoformat()}
            if kind == "RelationsCharacterized":
                payload["tone"] = rng.choice(TONES)
            if (
                kind in ("AgreementSigned", "CooperationIntentExpressed", "AidProvided")
                and rng.random() < 0.7
            ):
                payload["sectors"] = rng.sample(SECTORS, rng.randint(1, 2))
            roll = rng.random()
            out.append(
                Event(
                    event_id=event_id_for(stream, version),
                    stream_id=stream,
                    stream_version=version,
                    type=kind,
                    occurred_on=published - timedelta(days=rng.randint(0, 3)),
                    modality="reported" if roll < 0.9 else ("planned" if roll < 0.97 else "negated"),
                    actor=self.party(a),
                    target=self.party(b),
                    payload=payload,
                )
            )
        return out

    def stream(self, n: int) -> Iterator[Event]:
        """About ``n`` events: articles in date order over ten years, 5% of them about years before."""
        made = 0
        for index in itertools.count():
            if made >= n:
                return
            day = int(SPAN_DAYS * made / n)
            if self.rng.random() < 0.05:
                day = self.rng.randint(0, max(day, 1))  # a late article
            for event in self.article(index, SPAN_START + timedelta(days=day)):
                made += 1
                yield event


def fill(store: EventStore, n: int, world: World) -> int:
    batch: list[Event] = []
    count = 0
    for event in world.stream(n):
        batch.append(event)
        if len(batch) >= BATCH and event.stream_version == 1:
            store.append(batch[:-1])
            count += len(batch) - 1
            batch = batch[-1:]
    # Events of one stream go in one append (versions are consecutive within a stream).
    store.append(batch)
    return count + len(batch)


SCAN = (
    "SELECT position, event_id, stream_id, stream_version, type, schema_version, occurred_on, "
    "date_precision, date_basis, modality, recorded_at, actor_country, actor_name, actor_role, "
    "target_country, target_name, target_role, cameo, goldstein, article_id, sentence_index, "
    "char_start, char_end, sentence, extractor_version, payload FROM events ORDER BY occurred_on, position"
)


def raw_scan(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        loads = json.loads
        count = 0
        for row in conn.execute(SCAN):
            loads(row[-1])
            count += 1
        return count
    finally:
        conn.close()


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (seconds), and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_size(
    n: int, repeat: int, folder: Path, baseline: str | None = None, cache: Path | None = None
) -> dict[str, Any]:
    path = folder / f"bench-{n}.db"
    url = f"sqlite:///{path}"
    world = World()
    kept = cache / f"events-{n}-{SEED}.db" if cache else None
    if kept and kept.exists():
        # The generated events only (no projections), and the generator's state after them, so
        # the articles appended below are the same as in an uncached run.
        shutil.copyfile(kept, path)
        world.rng.setstate(pickle.loads(kept.with_suffix(".rng").read_bytes()))
        total = _event_count(path)
        print(f"\n{total:,} events copied from {kept}", flush=True)
    else:
        engine = create_engine(url)
        migrate(engine)
        start = time.perf_counter()
        total = fill(EventStore(engine), n, world)
        fill_s = time.perf_counter() - start
        engine.dispose()
        print(f"\n{total:,} events appended in {fill_s:.1f} s ({total / fill_s:,.0f} events/s)", flush=True)
        if kept:
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept)
            kept.with_suffix(".rng").write_bytes(pickle.dumps(world.rng.getstate()))
    engine = create_engine(url)
    migrate(engine)
    store = EventStore(engine)

    scan_s, scanned = best(lambda: raw_scan(str(path)), max(1, min(repeat, 3)))
    ps = ProjectionStore(store)
    runner.replay(ps)  # untimed: every timed replay then starts from full tables, as in use
    rounds = 1 if n >= 1_000_000 else 2
    replays: dict[str | None, list[tuple[float, float]]] = {None: []}
    if baseline:
        replays[baseline] = []
    for _ in range(rounds):  # alternating, so both see the same load on a shared machine
        for tree, runs in replays.items():
            runs.append(replay_alone(url, tree))
    if baseline:
        # The baseline's replay ran last: its tables are of its fold version when that differs from
        # this checkout's, which would fold every read below in memory and rebuild at the first catch-up.
        runner.replay(ps)
    scan_rate = scanned / scan_s
    print(f"  raw ordered scan + json.loads    {scan_rate:>10,.0f} events/s ({scan_s:.2f} s)")
    for tree, runs in replays.items():
        took, rss = min(t for t, _ in runs), max(r for _, r in runs)
        label = "replay (every projection)" if tree is None else "  baseline's replay"
        print(
            f"  {label:<32} {total / took:>10,.0f} events/s ({took:.2f} s) "
            f"= {total / took / scan_rate:.0%} of the scan, peak RSS {rss:,.0f} MiB (own process)"
            + ("" if tree is None else f" [{tree}]")
        )
    replay_s, replay_rss = min(t for t, _ in replays[None]), max(r for _, r in replays[None])
    replay_rate = total / replay_s

    sizes = {key: count for key, count in _member_counts(ps) if is_dyad_partition(key)}
    ordered = sorted(sizes.items(), key=lambda kv: kv[1])
    typical = ordered[len(ordered) // 2][0].split("|")
    hottest = ordered[-1][0].split("|")
    result: dict[str, Any] = {
        "events": total, "scan_eps": scan_rate, "replay_eps": replay_rate, "replay_s": replay_s,
        "replay_rss_mib": replay_rss,
        "baseline_replay_eps": total / min(t for t, _ in replays[baseline]) if baseline else None,
        "typical_members": ordered[len(ordered) // 2][1], "hot_members": ordered[-1][1],
    }  # fmt: skip
    for label, dyad in (("typical", typical), ("hot", hottest)):
        pair = (dyad[0], dyad[1])
        rel_s, rels = best(lambda pair=pair: service.relations(store, AS_OF, dyad=pair).items, repeat)
        inv_s, invs = best(lambda pair=pair: service.invitations(store, AS_OF, dyad=pair).items, repeat)
        hist_s, steps = best(lambda pair=pair: _history(store, pair), max(1, min(repeat, 3)))
        result[f"{label}_relations_ms"] = rel_s * 1000
        result[f"{label}_invitations_ms"] = inv_s * 1000
        result[f"{label}_history_ms"] = hist_s * 1000
        print(
            f"  {label:<8} dyad {'-'.join(pair)} ({sizes['|'.join(pair)]:>6} events): "
            f"relations --as-of --dyad {rel_s * 1000:7.1f} ms ({len(rels)} row), "
            f"invitations --as-of --dyad {inv_s * 1000:7.1f} ms ({len(invs)} rows), "
            f"history {hist_s * 1000:7.1f} ms ({len(steps)} steps)"
        )
    all_s, rels = best(lambda: service.relations(store, AS_OF).items, max(1, min(repeat, 3)))
    result["all_relations_ms"] = all_s * 1000
    print(f"  relations --as-of, every dyad    {all_s * 1000:9.1f} ms ({len(rels)} dyads)")

    # The reads' results (60,000 history steps of the busiest dyad at 1M) would stay alive through
    # the catch-ups timed below, and a collection of the oldest generation would walk them in one
    # of them: the baseline's catch-ups run in a fresh process, so this one's start clean too.
    del steps, rels, invs
    gc.collect()
    index = 10_000_000
    fresh = world.article(index, SPAN_START + timedelta(days=SPAN_DAYS + 1), tuple(typical))
    store.append(fresh)
    one_s = _timed(lambda: runner.catch_up(ps))
    articles = []
    for offset, fraction in enumerate((0.5, 0.25, 0.75), start=1):
        day = SPAN_START + timedelta(days=int(SPAN_DAYS * fraction))
        articles.append((day, world.article(index + offset, day, tuple(hottest))))
    if baseline:  # the same late articles caught up by the baseline's code, on a copy of the tables
        copy = folder / f"baseline-{n}.db"
        engine.dispose()
        _copy_sqlite(path, copy)
        took = late_alone(f"sqlite:///{copy}", [events for _, events in articles], baseline)
        copy.unlink()
        result["baseline_late_ms"] = sorted(took)[1] * 1000
    lates = []
    for day, events in articles:
        store.append(events)
        start = time.perf_counter()
        refold = runner.catch_up(ps)
        lates.append((time.perf_counter() - start, day, refold))
    late_s = sorted(t for t, _, _ in lates)[1]
    result["catch_up_ms"], result["late_ms"] = one_s * 1000, late_s * 1000
    print(f"  catch-up, one new article        {one_s * 1000:9.1f} ms")
    print(f"  catch-up, late article, hot dyad {late_s * 1000:9.1f} ms (median of 3)")
    if baseline:
        print(
            f"    baseline's late article        {result['baseline_late_ms']:9.1f} ms (median of 3, "
            f"the same articles on a copy of the same tables, own process) [{baseline}]"
        )
    for took, day, refold in lates:
        again = getattr(refold, "refolded_events", None)  # None: a runner that does not count them
        print(
            f"      dated {day}: {took * 1000:7.1f} ms, refolded {', '.join(refold.refolded)}"
            + ("" if again is None else f" ({again:,} member events)")
        )
    result["snapshot_mib"] = _snapshot_bytes(ps) / (1 << 20)
    print(f"  snapshots stored                 {result['snapshot_mib']:9.1f} MiB of JSON")
    engine.dispose()
    return result


REPLAY_ALONE = """
import resource, sys, time
from pathlib import Path
import timeline
assert Path(timeline.__file__).resolve().is_relative_to(Path(sys.argv[2]).resolve()), timeline.__file__
from timeline.projections import runner
from timeline.store import EventStore, create_engine
from timeline.store.projection_store import ProjectionStore
engine = create_engine(sys.argv[1])
start = time.perf_counter()
runner.replay(ProjectionStore(EventStore(engine)))
took = time.perf_counter() - start
engine.dispose()
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def replay_alone(url: str, tree: str | None = None) -> tuple[float, float]:
    """One replay in a process of its own: its time (s) and the process's peak resident memory
    (MiB). ``tree``: the checkout whose ``timeline`` package replays (None: this one)."""
    env = dict(os.environ)
    here = tree or str(ROOT)
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    # Run from the checkout too: `python -c` puts the working directory first on sys.path.
    command = [sys.executable, "-c", REPLAY_ALONE, url, here]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=here)
    took, rss = done.stdout.split()[-2:]
    return float(took), int(rss) / 1024  # Linux reports KiB


LATE_ALONE = """
import pickle, sys, time
from pathlib import Path
import timeline
assert Path(timeline.__file__).resolve().is_relative_to(Path(sys.argv[2]).resolve()), timeline.__file__
from timeline.projections import runner
from timeline.store import EventStore, create_engine
from timeline.store.projection_store import ProjectionStore
engine = create_engine(sys.argv[1])
store = EventStore(engine)
tables = ProjectionStore(store)
runner.catch_up(tables)  # untimed: tables of another fold version are rebuilt in this one's first
for events in pickle.loads(Path(sys.argv[3]).read_bytes()):
    store.append(events)
    start = time.perf_counter()
    runner.catch_up(tables)
    print(time.perf_counter() - start)
engine.dispose()
"""


def late_alone(url: str, articles: list[list[Event]], tree: str) -> list[float]:
    """Each article appended and caught up by ``tree``'s code in a process of its own: the times (s)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([tree, *filter(None, [env.get("PYTHONPATH")])])
    with tempfile.NamedTemporaryFile(suffix=".pickle") as kept:
        kept.write(pickle.dumps(articles))
        kept.flush()
        command = [sys.executable, "-c", LATE_ALONE, url, tree, kept.name]
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=tree)
    return [float(line) for line in done.stdout.split()]


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _history(store: EventStore, pair: tuple[str, str]) -> list[Any]:
    """`history A B` as the service reads it (one ordered read of the dyad, then the fold); the
    generated countries are no ISO codes, so the service's name check is left out."""
    from timeline.projections.relations import history

    return history(service.state_events(store, AS_OF, None, pair), pair)


def _event_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _member_counts(ps: ProjectionStore) -> list[tuple[str, int]]:
    import sqlalchemy as sa

    with ps.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT partition, members FROM projection_partitions WHERE projection = 'facts'")
        )
        return [(key, int(count)) for key, count in rows]


def _snapshot_bytes(ps: ProjectionStore) -> int:
    import sqlalchemy as sa

    with ps.engine.connect() as conn:
        total = conn.execute(sa.text("SELECT coalesce(sum(length(state)), 0) FROM projection_snapshots"))
        return int(total.scalar_one())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", help="a checkout of another commit whose replay runs beside this one's")
    parser.add_argument(
        "--cache", type=Path, help="a folder keeping the generated events per size, reused by later runs"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="timeline-bench-proj-") as folder:
        for n in sizes:
            results.append(run_size(n, args.repeat, Path(folder), args.baseline, args.cache))
    print("\nsummary (SQLite):")
    print(
        f"{'events':>10} {'scan ev/s':>10} {'replay ev/s':>12} {'ratio':>6} {'base ev/s':>10} "
        f"{'rel typ ms':>10} {'inv typ ms':>10} {'rel hot ms':>10} {'inv hot ms':>10} "
        f"{'all rel ms':>10} {'late ms':>8} {'base late':>9} {'snap MiB':>8}"
    )
    for r in results:
        print(
            f"{r['events']:>10,} {r['scan_eps']:>10,.0f} {r['replay_eps']:>12,.0f} "
            f"{r['replay_eps'] / r['scan_eps']:>6.0%} "
            f"{'-' if r['baseline_replay_eps'] is None else format(r['baseline_replay_eps'], ',.0f'):>10} "
            f"{r['typical_relations_ms']:>10.1f} "
            f"{r['typical_invitations_ms']:>10.1f} {r['hot_relations_ms']:>10.1f} "
            f"{r['hot_invitations_ms']:>10.1f} {r['all_relations_ms']:>10.1f} {r['late_ms']:>8.1f} "
            f"{'-' if r.get('baseline_late_ms') is None else format(r['baseline_late_ms'], '.1f'):>9} "
            f"{r['snapshot_mib']:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
