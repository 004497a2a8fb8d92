"""A wall-clock budget for one article's extraction, enforced from outside the extractor.

Whatever extractor is in place (the shipped coder, a user's frames, another spaCy model), one
article must finish within a few seconds or fail on its own. A POSIX interval timer interrupts the
work when the budget is spent; it works in a process's main thread, which is where ingest extracts
(in the command's process, or in each worker's). Elsewhere (a thread, Windows) the budget is not
enforced and the text and event bounds alone hold the work.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class BudgetExceeded(Exception):
    """The article's extraction ran past its time budget."""


def _enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise BudgetExceeded in the block once ``seconds`` of wall-clock time have passed."""
    if not seconds or not _enforceable():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise BudgetExceeded(f"took longer than {seconds:g} s (raise it with --max-seconds)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
