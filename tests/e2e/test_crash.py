"""Crash safety: `timeline ingest` killed by SIGKILL at random moments loses nothing, half-writes nothing.

Each trial starts `timeline ingest FOLDER` in a subprocess on a fresh database and kills it:
at a random moment (from outside), inside the k-th article's transaction after its rows are
written but before COMMIT (the process kills itself), or right after the k-th COMMIT. The
state left behind must hold whole articles only; ingesting the folder again must end with
exactly the events of one clean run, in the same order, and `verify` must pass.

Run as a script, this file is the self-killing harness:
``python test_crash.py MODE K timeline-args...`` (MODE: in-transaction | after-commit).
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

TRIALS = 24  # per database
ARTICLES = 40

COUNTRIES = [
    ("France", "French"), ("Japan", "Japanese"), ("Kenya", "Kenyan"), ("Chile", "Chilean"),
    ("Norway", "Norwegian"), ("India", "Indian"), ("Brazil", "Brazilian"), ("Canada", "Canadian"),
    ("Ghana", "Ghanaian"), ("Peru", "Peruvian"),
]  # fmt: skip
SENTENCES = [
    "The {a} foreign minister held talks with the {b} ambassador on {day}.",
    "{A} and {B} signed an agreement on fisheries and port logistics.",
    "The {a} president invited the {b} prime minister to visit {A} next spring.",
    "{A} expressed condolences to {B} after the floods in the north.",
    "Officials in {A} described relations with {B} as warm and steady.",
    "The {b} trade envoy said {B} was keen to widen cooperation with {A} in education.",
    "A spokesperson for the {a} government criticised {B} over the fishing quota.",
    "Analysts expect further contacts between the two capitals before the winter.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article_text(n: int, rng: random.Random) -> str:
    """A short made-up dispatch between two countries, three to six statements long."""
    (big_a, a), (big_b, b) = rng.sample(COUNTRIES, 2)
    published = date(2024, 1, 8) + timedelta(days=3 * n)
    picks = rng.sample(SENTENCES, rng.randint(3, 6))
    body = " ".join(s.format(A=big_a, a=a, B=big_b, b=b, day=rng.choice(DAYS)) for s in picks)
    return f" date {published.isoformat()} (Test Wire) Dispatch {n}. {body}\n"


def write_articles(folder: Path, count: int, seed: int = 7, first: int = 0) -> list[Path]:
    """``count`` made-up articles as .txt files in ``folder`` (numbered from ``first``)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for n in range(first, first + count):
        path = folder / f"dispatch_{n:03d}.txt"
        path.write_text(article_text(n, rng), "utf-8")
        paths.append(path)
    return paths


def timeline_command() -> list[str]:
    """The installed console script (next to this interpreter), else the module's entry point."""
    script = Path(sys.executable).with_name("timeline")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from timeline.cli import main; main()"]


def snapshot(url: str) -> dict[str, Any]:
    """What the store holds: events (content, in position order), positions, articles."""
    from timeline import service
    from timeline.store import open_store

    with open_store(url) as store:
        events = list(store.read())
        articles = {a.article_id: a.text for a in store.articles()}
        report = service.verify(store)  # the projection tables checked too
    return {
        "ids": [e.event_id for e in events],
        "content": [e.content() for e in events],
        "positions": [e.position for e in events],
        "by_article": _by_article(events),
        "articles": articles,
        "verify": report,
    }


def _by_article(events: list[Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in events:
        found.setdefault(event.provenance.article_id, []).append(event.event_id)
    return found


def ingest_in_process(url: str, folder: Path) -> Any:
    from timeline.ingest import ingest_paths
    from timeline.store import open_store

    with open_store(url) as store:
        return ingest_paths(store, [str(folder)])


@pytest.fixture
def fresh_urls(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """A factory of fresh, empty databases of the parametrised kind (files, or PostgreSQL schemas)."""
    made: list[str] = []
    if db_url.startswith("sqlite"):

        def make() -> str:
            return f"sqlite:///{tmp_path / f'crash-{uuid.uuid4().hex[:8]}.db'}"

        yield make
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = os.environ["TIMELINE_TEST_PG_URL"]
    admin = sa.create_engine(base)

    def make_pg() -> str:
        schema = f"crash_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield make_pg
    finally:
        with admin.begin() as conn:
            for schema in made:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _start(url: str, folder: Path, mode: str, k: int) -> subprocess.Popen[bytes]:
    args = ["--db", url, "ingest", "--quiet", str(folder)]
    if mode == "random":
        command = [*timeline_command(), *args]
    else:
        command = [sys.executable, __file__, mode, str(k), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    db_url: str, fresh_urls: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, ARTICLES)
    reference_url = fresh_urls()
    clean_started = time.monotonic()
    clean = subprocess.run([*timeline_command(), "--db", reference_url, "ingest", "--quiet", str(folder)])
    clean_seconds = time.monotonic() - clean_started
    assert clean.returncode == 0
    reference = snapshot(reference_url)
    assert reference["verify"].ok and len(reference["articles"]) == ARTICLES

    rng = random.Random(2024)
    plans = (
        [("in-transaction", rng.randint(1, ARTICLES)) for _ in range(7)]
        + [("in-transaction", 1)]
        + [("after-commit", 1), ("after-commit", 2)]
        + [("after-commit", rng.randint(3, ARTICLES - 1)) for _ in range(2)]
        + [("random", 0)] * (TRIALS - 12)
    )
    kills = 0
    stored_at_kill: list[int] = []
    for mode, k in plans:
        url = fresh_urls()
        process = _start(url, folder, mode, k)
        if mode == "random":
            time.sleep(rng.uniform(0.05, 0.9 * clean_seconds))
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        if process.returncode == -signal.SIGKILL:
            kills += 1
        else:
            assert process.returncode == 0, stderr.decode()  # finished before the kill landed

        left = snapshot(url)
        stored_at_kill.append(len(left["articles"]))
        # Whole articles only: each stored article has all its events, as in the clean run.
        assert set(left["articles"]) <= set(reference["articles"])
        assert set(left["by_article"]) <= set(left["articles"])
        for article_id in left["articles"]:
            assert left["by_article"].get(article_id, []) == reference["by_article"][article_id]
        assert left["verify"].ok, (mode, k, left["verify"].problems)
        if mode == "in-transaction":
            assert len(left["articles"]) == k - 1  # the k-th article's transaction died uncommitted
        if mode == "after-commit":
            assert len(left["articles"]) == k

        report = ingest_in_process(url, folder)
        assert report.ok and report.new + report.present == ARTICLES
        final = snapshot(url)
        assert final["ids"] == reference["ids"]  # same events, same order, no duplicate
        assert final["content"] == reference["content"]
        assert final["articles"] == reference["articles"]
        positions = final["positions"]
        assert all(a < b for a, b in itertools.pairwise(positions))
        assert final["verify"].ok, final["verify"].problems
    assert len(plans) >= 20 and kills >= 12  # the in-transaction and after-commit kills always land
    print(f"crash trials: {len(plans)}, killed: {kills}, articles stored at each kill: {stored_at_kill}")


def _harness(mode: str, k: int, args: list[str]) -> None:
    """Run `timeline ARGS`, killing this process inside the k-th append's transaction or after its COMMIT."""
    from timeline.cli import main
    from timeline.store import chaining, eventstore

    appends = 0
    if mode == "in-transaction":
        write_links = chaining.append_links

        def links_then_die(*a: Any, **kw: Any) -> None:
            nonlocal appends
            write_links(*a, **kw)  # the events and their links are written, COMMIT not yet sent
            appends += 1
            if appends == k:
                os.kill(os.getpid(), signal.SIGKILL)

        chaining.append_links = links_then_die
    else:
        append = eventstore.EventStore.append

        def append_then_die(self: Any, *a: Any, **kw: Any) -> Any:
            nonlocal appends
            result = append(self, *a, **kw)
            appends += 1
            if appends == k:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        eventstore.EventStore.append = append_then_die  # type: ignore[method-assign]
    sys.argv = ["timeline", *args]
    main()


if __name__ == "__main__":
    _harness(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
