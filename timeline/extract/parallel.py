"""Extraction on several cores: articles in, events out, in the order the articles came.

Extraction is pure CPU work and the store wants one writer, so a batch ingest extracts in worker
processes while the caller stores. Workers are spawned (not forked): a forked child would share
the parent's open database connections. The window of articles in flight is bounded, so a feed of
any size streams through in constant memory. Workers end with the parent, even when it is killed
(:mod:`timeline.extract.lifeline`).
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from timeline.domain.articles import Article
from timeline.domain.events import Event
from timeline.extract.budget import BudgetExceeded, time_budget
from timeline.extract.lifeline import die_with_parent
from timeline.extract.pipeline import ArticleTooLongError, Extractor, NoSentencesError, TooManyEventsError

_worker_extractor: Extractor | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """What one article may cost: events it may yield, seconds its extraction may take."""

    max_events: int | None = None
    max_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """One article's events, or why there are none: ``refused`` when the article is over a bound or
    holds no sentence (the reason, as is), ``error`` when the extractor failed on it."""

    article: Article
    events: list[Event] | None = None
    error: str | None = None
    refused: str | None = None


def extract_one(extractor: Extractor, article: Article, limits: Limits = Limits()) -> Extracted:
    """Extract one article, turning its failure into a reason (one article's failure stops no other)."""
    if limits.max_seconds:
        extractor.parser  # noqa: B018 -- load the model first: loading is not the article's time
    try:
        with time_budget(limits.max_seconds):
            events = extractor.extract(article, limits.max_events)
    except (NoSentencesError, ArticleTooLongError, TooManyEventsError, BudgetExceeded) as exc:
        return Extracted(article, refused=str(exc))
    except Exception as exc:
        text = " ".join(str(exc).split())
        return Extracted(article, error=f"{type(exc).__name__}: {text}" if text else type(exc).__name__)
    if not events:
        return Extracted(article, refused="no sentences in the text")
    return Extracted(article, events=events)


def extract_many(
    articles: Iterable[Article],
    lexicons: Sequence[Path] = (),
    jobs: int = 2,
    window: int = 64,
    limits: Limits = Limits(),
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
            pending.append(pool.submit(_extract_in_worker, article, limits))
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
    # Ctrl-C reaches the whole process group: the parent stops the run and ends the pool, so a
    # worker has nothing to do with it (it would only print a traceback of its own).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_extractor = Extractor.load(lexicons)


def _extract_in_worker(article: Article, limits: Limits) -> Extracted:
    assert _worker_extractor is not None, "worker started without its extractor"
    return extract_one(_worker_extractor, article, limits)
