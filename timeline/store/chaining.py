"""The event_chain and article_seals tables: links written with each append, rows to hash, backfills."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from timeline.domain.articles import Article

from . import chain
from .dialects import dialect_for
from .rows import INSERT_COLUMNS
from .tables import article_seals, event_chain

#: Event columns read to recompute a link, in this order: position, recorded_at, chained, sentence.
HASHED_COLUMNS: tuple[str, ...] = ("position", "recorded_at", *chain.CHAINED_COLUMNS, chain.SENTENCE)

#: Picks the chained values, and the sentence, out of a row in INSERT_COLUMNS order.
_chained = itemgetter(*(INSERT_COLUMNS.index(name) for name in chain.CHAINED_COLUMNS))
_SENTENCE = INSERT_COLUMNS.index(chain.SENTENCE)
_ARTICLE = INSERT_COLUMNS.index("article_id")

#: The columns of a format-2 link row, in the order of chain.Link.
LINK_COLUMNS = ("position", "sentence_sha256", "words_sha256", "article_seal", "prev_hash", "hash")
#: Format 1 (migration 0003's table).
LINK_COLUMNS_V1 = ("position", "sentence_sha256", "prev_hash", "hash")


def head(conn: Connection) -> str:
    """The hash of the last link (GENESIS for an empty chain)."""
    stmt = select(event_chain.c.hash).order_by(event_chain.c.position.desc()).limit(1)
    return conn.execute(stmt).scalar() or chain.GENESIS


def seal_row(
    article_id: str,
    published: Any,
    outlet: str | None,
    recorded_at: Any,
    body: str | None,
    title: str | None,
    url: str | None,
    text_sha256: str | None = None,
) -> dict[str, Any]:
    """The article_seals row of an article (``text_sha256`` given when the text is already gone)."""
    text_sha256 = text_sha256 or chain.digest(body) or ""
    title_sha256, url_sha256 = chain.digest(title), chain.digest(url)
    seal = chain.article_seal(
        article_id, published, outlet, recorded_at, text_sha256, title_sha256, url_sha256
    )
    return {
        "article_id": article_id, "text_sha256": text_sha256, "title_sha256": title_sha256,
        "url_sha256": url_sha256, "seal": seal,
    }  # fmt: skip


def seal_article(conn: Connection, article: Article, recorded_at: datetime) -> None:
    """Write the seal of an article just inserted (same transaction)."""
    row = seal_row(
        article.article_id,
        article.published,
        article.outlet,
        recorded_at,
        article.text,
        article.title,
        article.url,
    )
    conn.execute(insert(article_seals), [row])


def _seals(conn: Connection, article_ids: set[str]) -> dict[str, str]:
    if not article_ids:
        return {}
    stmt = select(article_seals.c.article_id, article_seals.c.seal).where(
        article_seals.c.article_id.in_(sorted(article_ids))
    )
    return dict(conn.execute(stmt).all())


def append_links(conn: Connection, placed: Sequence[tuple[int, Sequence[Any]]], stamp: str) -> None:
    """Write the links of events just inserted: (position, row in INSERT_COLUMNS order), by position.

    Runs inside the append's transaction, under its lock, so the chain's head is ours to extend.
    """
    if not placed:
        return
    seals = _seals(conn, {row[_ARTICLE] for _, row in placed if row[_ARTICLE] is not None})
    rows = []
    for position, row in placed:
        values, words = chain.chained(_chained(row))
        rows.append((position, stamp, values, chain.digest(row[_SENTENCE]), words, seals.get(row[_ARTICLE])))
    made = chain.links(head(conn), rows)
    dialect_for(conn.dialect.name).insert_links(conn, made, LINK_COLUMNS)


_PAGE = text(
    f"SELECT {', '.join(f'e.{name}' for name in HASHED_COLUMNS)} FROM events e "
    "WHERE e.position > :after ORDER BY e.position LIMIT :limit"
)


def hashed_row(row: Sequence[Any]) -> tuple[int, str, list[Any], Any]:
    """A row selected as HASHED_COLUMNS -> (position, record stamp, normalised values, sentence)."""
    return row[0], chain.record_stamp(row[1]), chain.normalised(row[2:-1]), row[-1]


def event_pages(
    conn: Connection, batch: int = 1000, after: int = 0
) -> Iterator[list[tuple[int, str, list[Any], Any]]]:
    """Events past ``after`` as (position, record stamp, normalised values, sentence), a page at a time."""
    while True:
        page = conn.execute(_PAGE, {"after": after, "limit": batch}).all()
        if not page:
            return
        yield [hashed_row(row) for row in page]
        after = page[-1][0]


def backfill(conn: Connection, batch: int = 1000, sentences: dict[int, str | None] | None = None) -> int:
    """Format 1 (migration 0003): link every event past the chain's last link, in position order
    (INSERTs only); returns how many.

    ``sentences``: digests to use where the sentence is already gone (0004's downgrade).
    """
    linked = 0
    previous = head(conn)
    # A chain that a downgrade kept and an upgrade restored already covers the events up to its end.
    last = conn.execute(select(func.max(event_chain.c.position))).scalar() or 0
    insert_links = dialect_for(conn.dialect.name).insert_links
    kept = sentences or {}
    for page in event_pages(conn, batch, after=last):
        rows = [(p, at, values, kept[p] if p in kept else chain.digest(s)) for p, at, values, s in page]
        made = chain.links_v1(previous, rows)
        insert_links(conn, made, LINK_COLUMNS_V1)
        previous = made[-1][3]
        linked += len(made)
    return linked


_V1_LINKS = text(
    "SELECT position, sentence_sha256, prev_hash, hash FROM event_chain "
    "WHERE position >= :lo AND position <= :hi"
)


def first_broken_v1(conn: Connection, erased: set[str], batch: int = 1000) -> int | None:
    """Check the format-1 links as migration 0003 wrote them; the first position that fails, or None.

    ``erased``: articles whose sentences were lawfully blanked (their stored digest stands).
    """
    previous = chain.GENESIS
    article_at = chain.CHAINED_COLUMNS.index("article_id")
    for page in event_pages(conn, batch):
        bounds = {"lo": page[0][0], "hi": page[-1][0]}
        stored = {r[0]: r for r in conn.execute(_V1_LINKS, bounds).all()}
        for position, stamp, values, sentence in page:
            found = stored.get(position)
            if found is None or found[2] != previous:
                return position
            lawful = sentence == "" and values[article_at] in erased
            sentence_sha256 = found[1] if lawful else chain.digest(sentence)
            if chain.link(previous, chain.canonical_v1(position, stamp, values, sentence_sha256)) != found[3]:
                return position
            previous = found[3]
    return None


def relink(
    conn: Connection, sentences: dict[int, str | None], words: dict[int, str | None], batch: int = 1000
) -> int:
    """Format 2 (migration 0004): link every event into an empty chain; returns how many.

    ``sentences``/``words``: digests to use where the text is already gone (erased events).
    """
    linked = 0
    previous = chain.GENESIS
    insert_links = dialect_for(conn.dialect.name).insert_links
    article_at = chain.CHAINED_COLUMNS.index("article_id")
    for page in event_pages(conn, batch):
        seals = _seals(conn, {v[article_at] for _, _, v, _ in page if v[article_at] is not None})
        rows = []
        for position, stamp, values, sentence in page:
            hashed, words_sha256 = chain.chained(values)
            sentence_sha256 = sentences[position] if position in sentences else chain.digest(sentence)
            words_sha256 = words.get(position, words_sha256)
            rows.append(
                (position, stamp, hashed, sentence_sha256, words_sha256, seals.get(values[article_at]))
            )
        made = chain.links(previous, rows)
        insert_links(conn, made, LINK_COLUMNS)
        previous = made[-1][5]
        linked += len(made)
    return linked
