"""The stored articles for `timeline articles`: each with counts of the events coded from it.

Read a page at a time (keyset on published date and id), so that a long listing runs in bounded
memory; each page's event counts come from one grouped query over the page's ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection

from timeline.domain.articles import ArticleSummary
from timeline.domain.vocabulary import types_of_family
from timeline.query import ArticleQuery

from . import filters
from .dialects import Dialect
from .tables import articles, erasures, events

#: Events about other events (retractions, tombstones) are not statements of an article.
HOUSEKEEPING_TYPES = tuple(sorted(types_of_family("housekeeping")))


def summaries(
    conn: Connection, dialect: Dialect, query: ArticleQuery, page_size: int
) -> Iterator[ArticleSummary]:
    """The articles ``query`` selects, by published date then id, at most ``query.limit``."""
    left = query.limit
    after: tuple[Any, str] | None = None
    while left is None or left > 0:
        size = page_size if left is None else min(page_size, left)
        page = conn.execute(_page(query, after, size)).all()
        if not page:
            return
        counts = _counts(conn, dialect, query, [row.article_id for row in page])
        for row in page:
            live, retracted, versions = counts.get(row.article_id, (0, 0, ()))
            yield ArticleSummary(
                article_id=row.article_id,
                published=row.published,
                outlet=row.outlet,
                title=row.title,
                url=row.url,
                recorded_at=row.recorded_at,
                live_events=live,
                retracted_events=retracted,
                extractor_versions=versions,
                erased_at=row.erased_at,
            )
        if left is not None:
            left -= len(page)
        if len(page) < size:
            return
        after = (page[-1].published, page[-1].article_id)


def _page(query: ArticleQuery, after: tuple[Any, str] | None, size: int) -> Any:
    a = articles.c
    erased = erasures.c.article_id == a.article_id
    if query.known_at is not None:  # an erase after the moment asked for had not happened then
        erased = and_(erased, erasures.c.erased_at <= query.known_at)
    stmt = select(
        a.article_id, a.published, a.outlet, a.title, a.url, a.recorded_at, erasures.c.erased_at
    ).select_from(articles.outerjoin(erasures, erased))
    if query.since is not None:
        stmt = stmt.where(a.published >= query.since)
    if query.until is not None:
        stmt = stmt.where(a.published <= query.until)
    if query.outlet is not None:
        stmt = stmt.where(func.lower(a.outlet) == query.outlet.lower())
    if query.known_at is not None:
        stmt = stmt.where(a.recorded_at <= query.known_at)
    if after is not None:
        published, article_id = after
        stmt = stmt.where(
            or_(a.published > published, and_(a.published == published, a.article_id > article_id))
        )
    return stmt.order_by(a.published, a.article_id).limit(size)


def _counts(
    conn: Connection, dialect: Dialect, query: ArticleQuery, ids: list[str]
) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """Per article: live events, retracted events, and the extractor versions of the live ones."""
    c = events.c
    retracted = c.event_id.in_(filters.retracted_ids(dialect, query.known_at))
    stmt = (
        select(c.article_id, c.extractor_version, func.count(), func.sum(case((retracted, 1), else_=0)))
        .where(dialect.one_of(c.article_id, ids), c.type.not_in(HOUSEKEEPING_TYPES))
        .group_by(c.article_id, c.extractor_version)
    )
    if query.known_at is not None:
        stmt = stmt.where(c.recorded_at <= query.known_at)
    live: dict[str, int] = {}
    gone: dict[str, int] = {}
    versions: dict[str, set[str]] = {}
    for article_id, version, count, withdrawn in conn.execute(stmt):
        withdrawn = int(withdrawn or 0)
        live[article_id] = live.get(article_id, 0) + int(count) - withdrawn
        gone[article_id] = gone.get(article_id, 0) + withdrawn
        if version is not None and int(count) > withdrawn:
            versions.setdefault(article_id, set()).add(version)
    return {key: (live[key], gone[key], tuple(sorted(versions.get(key, ())))) for key in live}
