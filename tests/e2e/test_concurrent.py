"""Concurrent writers: four `timeline ingest` processes on overlapping folders, one database.

Every article lands exactly once (the processes' "new" counts add up to the distinct articles),
no "database is locked" or unique-violation reaches the user (a process that loses the race
for an article reports it as already present), the store holds exactly a clean run's events
with each article's events together, `verify` passes, and the projections equal a replay.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

from test_crash import snapshot, timeline_command, write_articles

WRITERS = 4
POOL = 32
PER_FOLDER = 16
AS_OF = "2024-12-31"
SUMMARY = re.compile(r"(\d+) new, (\d+) already present, (\d+) failed; (\d+) events? appended")
NOT_FOR_USERS = ("locked", "unique", "integrity", "duplicate", "traceback", "error")


def _folders(root: Path) -> list[Path]:
    """Four folders, each a window of 16 of the 32 articles, overlapping; two list them backwards."""
    pool = write_articles(root / "pool", POOL)
    folders = []
    for w in range(WRITERS):
        folder = root / f"writer-{w}"
        folder.mkdir()
        chosen = [pool[(w * 8 + i) % POOL] for i in range(PER_FOLDER)]
        if w % 2:
            chosen.reverse()
        for rank, path in enumerate(chosen):  # the name fixes the order in which ingest meets them
            shutil.copy(path, folder / f"{rank:03d}_{path.name}")
        folders.append(folder)
    return folders


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*timeline_command(), "--db", url, *args], capture_output=True, text=True, timeout=120
    )


def _projections(url: str) -> tuple[object, object]:
    relations = _run(url, "relations", "--as-of", AS_OF, "--format", "json")
    invitations = _run(url, "invitations", "--as-of", AS_OF, "--format", "json")
    assert relations.returncode == 0 and invitations.returncode == 0, (relations.stderr, invitations.stderr)
    # Each ingest caught the tables up after its appends: the reads find them current.
    assert "lag" not in relations.stderr + invitations.stderr
    return json.loads(relations.stdout), json.loads(invitations.stdout)


def test_four_ingest_processes_on_overlapping_folders(db_url: str, tmp_path: Path) -> None:
    folders = _folders(tmp_path)
    distinct = {p.read_text("utf-8") for f in folders for p in f.iterdir()}
    assert len(distinct) == POOL

    # One open first (as an operator would), so the four race on appends, not only on migration.
    assert _run(db_url, "db", "upgrade").returncode == 0
    processes = [
        subprocess.Popen(
            [*timeline_command(), "--db", db_url, "ingest", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    outputs = [p.communicate(timeout=180) for p in processes]

    new = present = appended = 0
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        for word in NOT_FOR_USERS:
            assert word not in stderr.lower(), stderr
        (counts,) = SUMMARY.findall(stderr)
        new, present, appended = new + int(counts[0]), present + int(counts[1]), appended + int(counts[3])
        assert counts[2] == "0"
    assert new == POOL  # every article landed exactly once
    assert new + present == WRITERS * PER_FOLDER

    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    assert _run(reference_url, "ingest", "--quiet", str(tmp_path / "pool")).returncode == 0
    reference = snapshot(reference_url)
    stored = snapshot(db_url)
    assert appended == len(stored["ids"]) == len(reference["ids"])
    assert sorted(stored["ids"]) == sorted(reference["ids"])  # same events; order depends on the race
    assert sorted(map(json.dumps, stored["content"])) == sorted(map(json.dumps, reference["content"]))
    assert stored["articles"] == reference["articles"]
    positions = stored["positions"]
    assert all(a < b for a, b in itertools.pairwise(positions))
    order = {event_id: i for i, event_id in enumerate(stored["ids"])}
    for ids in stored["by_article"].values():  # one transaction per article: its events stay together
        spots = [order[i] for i in ids]
        assert spots == list(range(spots[0], spots[0] + len(spots)))
    assert stored["verify"].ok, stored["verify"].problems

    before = _projections(db_url)
    replay = _run(db_url, "replay", "--as-of", AS_OF)
    assert replay.returncode == 0, replay.stderr
    assert _projections(db_url) == before
    assert before == _projections(reference_url)  # and equal to a single writer's
    assert before[0], "the articles should yield some relations"


def test_sqlite_append_retries_while_another_writer_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    import threading

    import sqlalchemy as sa

    from timeline.domain.events import Event
    from timeline.store import dialects, open_store

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    open_store(url).close()
    monkeypatch.setattr(dialects, "SQLITE_BUSY_TIMEOUT_S", 0)  # "database is locked" at once, no waiting
    holder = sa.create_engine(url)
    conn = holder.connect()
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # another writer, mid-transaction
    release = threading.Timer(0.1, conn.rollback)
    release.start()
    try:
        with open_store(url, migrate=False) as store:
            event = Event("00000000-0000-0000-0000-00000000000a", "busy", 1, "MeetingHeld", date(2024, 1, 2))
            assert store.append([event]).appended == 1  # retried after the lock was released
    finally:
        release.join()
        conn.close()
        holder.dispose()
