"""Progress of a long run (`ingest`, `reextract`) on stderr, for a person or for a log.

On a terminal: one line redrawn in place, with a bar, the counts, the rate and what was done
("[#####-----] 120/2000 articles, 8.1/s, 1432 events"). Elsewhere (cron, a log file) a bar
would print nothing until the end, so a plain line is printed every few seconds instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

from timeline.wording import plural

#: Seconds between two progress lines when stderr is not a terminal ($TIMELINE_PROGRESS_SECONDS).
INTERVAL_ENV = "TIMELINE_PROGRESS_SECONDS"
DEFAULT_INTERVAL = 5.0
#: Seconds between two redraws of the terminal bar (more would only flicker).
REDRAW_SECONDS = 0.2
BAR_WIDTH = 24


def interval_from_env() -> float:
    """The log interval: $TIMELINE_PROGRESS_SECONDS when it is a number >= 0, else 5 seconds."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL
    return value if value >= 0 else DEFAULT_INTERVAL


class Progress:
    """Counts articles done out of ``total`` and reports them on ``out`` as it goes."""

    def __init__(
        self,
        label: str,
        total: int,
        out: TextIO,
        *,
        terminal: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.out = out
        self.terminal = out.isatty() if terminal is None else terminal
        self.interval = (
            (REDRAW_SECONDS if self.terminal else interval_from_env()) if interval is None else interval
        )
        self.clock = clock
        self.started = clock()
        self.last_shown = self.started
        self.done = 0
        self.detail = ""
        self._drawn = 0  # characters of the terminal line drawn last, to blank it

    def advance(self, detail: str = "") -> None:
        """One more article done; ``detail`` says what the run has done so far ("12 events")."""
        self.done += 1
        self.detail = detail
        moment = self.clock()
        if moment - self.last_shown >= self.interval:
            self.last_shown = moment
            self._show(moment)

    def line(self, moment: float | None = None) -> str:
        """``120/2000 articles, 8.1 articles/s, 1432 events`` (the rate once time has passed)."""
        elapsed = (self.clock() if moment is None else moment) - self.started
        parts = [f"{self.done}/{self.total} {plural(self.total, 'article')}"]
        if elapsed > 0:
            parts.append(f"{self.done / elapsed:.1f} articles/s")
        if self.detail:
            parts.append(self.detail)
        return ", ".join(parts)

    def _show(self, moment: float) -> None:
        if not self.terminal:
            self.out.write(f"{self.label}: {self.line(moment)}\n")
        else:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"{self.label} [{bar}] {self.line(moment)}"
            self.out.write("\r" + text.ljust(self._drawn))
            self._drawn = len(text)
        self.out.flush()

    def finish(self) -> None:
        """Blank the terminal line, so that the summary and failure lines start clean."""
        if self.terminal and self._drawn:
            self.out.write("\r" + " " * self._drawn + "\r")
            self.out.flush()
            self._drawn = 0
