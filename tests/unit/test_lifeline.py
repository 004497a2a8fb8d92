"""Each tie of timeline.extract.lifeline on its own ends a process whose parent was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from timeline.extract.lifeline import ORPHANED_EXIT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

#: The grandchild: tied to its parent with one tie only (the other disabled), then idle.
CHILD = """
import os, sys, time
from timeline.extract import lifeline
if sys.argv[1] == "thread-only":
    lifeline._ask_the_kernel = lambda: False
else:
    lifeline._watch = lambda parent_pid: None
lifeline.die_with_parent(os.getppid())
print("ready", flush=True)
time.sleep(120)
"""
#: The parent: starts the grandchild, says its pid, then waits to be killed.
PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
print(child.pid, flush=True)
time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZXx"  # a zombie has ended


@pytest.mark.parametrize("tie", ["thread-only", "kernel-only"])
def test_a_worker_ends_when_its_parent_is_killed(tie: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD, tie], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert parent.stdout.readline().strip() == "ready"  # the grandchild shares this pipe
        assert _running(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(child), f"{tie}: the worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if _running(child):
            os.kill(child, signal.SIGKILL)


def test_a_worker_started_after_its_parent_died_ends_at_once() -> None:
    # The parent pid it was given is not its parent any more: it must not wait for a signal
    # the kernel will never send.
    result = subprocess.run(
        [sys.executable, "-c", "from timeline.extract import lifeline; lifeline.die_with_parent(1 << 30)"],
        timeout=30,
    )
    assert result.returncode == ORPHANED_EXIT
