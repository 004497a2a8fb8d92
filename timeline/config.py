"""Defaults of the command line: the ingest limits and when progress is shown.

(Which database to use is the store's rule: `timeline.store.database.resolve_url`.)
"""

from __future__ import annotations

DATABASE_ENV = "TIMELINE_DATABASE_URL"

#: An article larger than this is refused (bytes of UTF-8 text).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: An article yielding more events than this is refused: a runaway extraction, not news.
DEFAULT_MAX_EVENTS = 500
#: An article whose extraction takes longer than this many seconds is refused (a hostile text).
DEFAULT_MAX_SECONDS = 20.0
#: Show a progress bar from this many articles on.
PROGRESS_THRESHOLD = 5
# From this many articles on, `ingest` extracts in one process per core (starting them costs ~1 s).
PARALLEL_THRESHOLD = 200
