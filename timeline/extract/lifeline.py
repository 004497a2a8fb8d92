"""Tie a worker process's life to its parent's: when the parent dies, even by SIGKILL, so does it.

A killed parent cannot shut its pool down, and its workers, re-parented to PID 1, would wait for
work forever. Two ties, so that either is enough:

* on Linux the kernel sends the worker SIGKILL when its parent goes (``PR_SET_PDEATHSIG``); it
  fires when the parent *thread* that started the worker ends, which for a process pool is the
  thread that submits to it and shuts it down;
* everywhere, a daemon thread checks the parent pid twice a second and ends the worker once it
  has changed (the worker was orphaned).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

#: prctl option: the signal the kernel sends this process when its parent dies.
PR_SET_PDEATHSIG = 1
#: How often the watching thread looks at the parent pid, in seconds.
WATCH_EVERY_S = 0.5
#: Exit status of a worker that ended because its parent was gone.
ORPHANED_EXIT = 70


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` (its parent when started) ends."""
    _ask_the_kernel()
    # The parent may have died before the kernel was asked (the signal is then never sent), or
    # between fork and now: the first check comes after the request.
    _end_if_orphaned(parent_pid)
    threading.Thread(target=_watch, args=(parent_pid,), name="timeline-lifeline", daemon=True).start()


def _ask_the_kernel() -> bool:
    """Linux: SIGKILL when the parent dies. False where it is not available (the thread remains)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # no libc to load, or one without prctl
        return False


def _end_if_orphaned(parent_pid: int) -> None:
    if os.getppid() != parent_pid:
        # os._exit, not sys.exit: no cleanup that could wait on the dead parent's pipes.
        os._exit(ORPHANED_EXIT)


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(WATCH_EVERY_S)
        _end_if_orphaned(parent_pid)
