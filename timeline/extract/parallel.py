"""Extraction on several cores: articles in, events out, in the order the articles came.

Extraction is pure CPU work and the store wants one writer, so a batch ingest extracts in worker
processes while the caller stores. Workers are spawned (not forked): a forked child would share
the parent's open database connections. The window of articles in flight is bounded, so a feed of
any size streams through in constant memory. Workers end with the parent, even when it is killed
(:mod:`timeline.extract.lifeline`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from timeline.domain.articles import Article
from timeline.domain.events import Event
from timeline.extract.lifeline import die_with_parent
from timeline.extract.pipeline import Extractor, NoSentencesError

_worker_extractor: Extractor | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """One article's events, or why there are none (``error``; ``empty`` for a text with no sentences)."""

    article: Article
    events: list[Event] | None = None
    error: str | None = None
    empty: bool = False


def extract_one(extractor: Extractor, article: Article) -> Extracted:
    """Extract one article, turning its failure into a reason (one article's failure stops no other)."""
    try:
        events = extractor.extract(article)
    except NoSentencesError:
        return Extracted(article, empty=True)
    except Exception as exc:
        text = " ".join(str(exc).split())
        return Extracted(article, error=f"{type(exc).__name__}: {text}" if text else type(exc).__name__)
    return Extracted(article, events=events) if events else Extracted(article, empty=True)


def extract_many(
    articles: Iterable[Article], lexicons: Sequence[Path] = (), jobs: int = 2, window: int = 64
) -> Iterator[Extracted]:
    """Extract in ``jobs`` worker processes; results come back in input order."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), tuple(lexicons)),
    )
    pending: deque[Future[Extracted]] = deque()
    try:
        for article in articles:
            pending.append(pool.submit(_extract_in_worker, article))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent_pid: int, lexicons: tuple[Path, ...]) -> None:
    global _worker_extractor
    die_with_parent(parent_pid)  # first: loading the model takes seconds the parent may not live
    _worker_extractor = Extractor.load(lexicons)


def _extract_in_worker(article: Article) -> Extracted:
    assert _worker_extractor is not None, "worker started without its extractor"
    return extract_one(_worker_extractor, article)
