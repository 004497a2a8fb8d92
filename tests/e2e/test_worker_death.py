"""`timeline ingest --jobs 2` killed by SIGKILL takes its workers (and the resource tracker) with it.

SIGKILL gives the parent no chance to shut its pool down; the workers must notice by themselves.
The test starts a real ingest busy enough to last, waits until its workers have stored articles,
kills the parent and watches every process it had started: each must be gone within seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_crash import timeline_command, write_articles

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers"),
]

ARTICLES = 400  # about ten seconds of extraction on two workers: the kill lands mid-run
#: How long the workers may take to notice their parent is gone.
GRACE_S = 5.0


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a live process, or None once it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # the command name may hold spaces and brackets
    state, ppid, started = fields[0], int(fields[1]), int(fields[19])
    return None if state in "ZXx" else (ppid, state, started)


def _children(parent: int) -> dict[int, int]:
    """The live child processes of ``parent``: pid -> start time (which tells a reused pid apart)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] == parent:
                found[int(entry.name)] = stat[2]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(processes: dict[int, int]) -> list[str]:
    """Those of ``processes`` still running (same pid, same start time), with their command lines."""
    return [
        f"{pid}: {_cmdline(pid)}"
        for pid, started in processes.items()
        if (stat := _stat(pid)) is not None and stat[2] == started
    ]


def _stored_events(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    except sa.exc.DBAPIError:  # not created yet
        return 0
    finally:
        engine.dispose()


def _wait_for(what: str, ready: object, timeout_s: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():  # type: ignore[operator]
        assert process.poll() is None, f"ingest ended before {what}: {process.stderr.read()!r}"  # type: ignore[union-attr]
        assert time.monotonic() < deadline, f"no {what} after {timeout_s} s"
        time.sleep(0.2)


def test_sigkill_of_a_parallel_ingest_leaves_no_worker_behind(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, ARTICLES, seed=11)
    command = [*timeline_command(), "--db", db_url, "ingest", "--jobs", "2", "--quiet", str(folder)]
    ingest = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started: dict[int, int] = {}
    try:

        def workers() -> list[int]:
            return [pid for pid in _children(ingest.pid) if "multiprocessing" in _cmdline(pid)]

        _wait_for("two workers", lambda: len(workers()) >= 2, 120, ingest)
        # Busy, not merely started: the workers have parsed articles that the parent stored.
        _wait_for("stored events", lambda: _stored_events(db_url) > 0, 120, ingest)
        started = _children(ingest.pid)
        assert len([pid for pid in started if "spawn_main" in _cmdline(pid)]) == 2, started

        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait(10)
        assert ingest.returncode == -signal.SIGKILL, "the ingest ended before the kill"

        deadline = time.monotonic() + GRACE_S
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(started) == [], "processes outlived the killed ingest"
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
        for pid, when in started.items():  # leave nothing behind for the next test, even on failure
            stat = _stat(pid)
            if stat is not None and stat[2] == when:
                os.kill(pid, signal.SIGKILL)
