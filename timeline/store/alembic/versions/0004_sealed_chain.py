"""Chain format 2: article seals, erasable payload words by digest; erase may redact the payload.

Relinks every event (format 1 -> 2) after checking the format-1 links, so that no tampering is
laundered by the relink: a store whose chain does not verify is refused, not upgraded.

Revision ID: 0004
Revises: 0003
Create Date: 2024-06-04 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store.chaining import backfill, first_broken_v1, relink, seal_row
from timeline.store.dialects import dialect_for
from timeline.store.errors import StoreError

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen here: the payload keys an erase removes at this revision (chain.ERASABLE_PAYLOAD_KEYS).
WORD_KEYS = ("trigger",)

EVENT_COLUMNS = (
    "position", "event_id", "stream_id", "stream_version", "type", "schema_version",
    "occurred_on", "date_precision", "date_basis", "modality", "recorded_at",
    "actor_country", "actor_name", "actor_role", "target_country", "target_name", "target_role",
    "cameo", "goldstein", "article_id", "sentence_index", "char_start", "char_end",
    "extractor_version",
)  # fmt: skip
#: Where a downgrade keeps the word digests of erased events (their words are gone, so the next
#: upgrade could not recompute them); 0001's downgrade drops it.
KEPT_WORDS = "kept_chain_words"
#: Where a downgrade keeps the article seals: an erased article's title and URL are gone, so its
#: seal could not be recomputed; and a seal kept is a seal that still shows later edits.
KEPT_SEALS = "kept_article_seals"
SEAL_COLUMNS = ("article_id", "text_sha256", "title_sha256", "url_sha256", "seal")
#: 0003's guard of events, restored on downgrade.
V1_EVENT_BLANKS: dict[str, str | None] = {"sentence": "''"}


def _guard_events(blanks: dict[str, str | None], kept: Sequence[str]) -> None:
    dialect = dialect_for(op.get_context().dialect.name)
    for statement in [
        *dialect.drop_erase_guard_ddl("events"),
        *dialect.erase_guard_ddl("events", blanks, kept),
    ]:
        op.execute(statement)


def _erased_sentences(conn: sa.Connection) -> dict[int, str | None]:
    """The stored sentence digests of erased events (their sentence is gone)."""
    rows = conn.execute(
        sa.text(
            "SELECT c.position, c.sentence_sha256 FROM event_chain c "
            "JOIN events e ON e.position = c.position "
            "WHERE e.sentence = '' AND e.article_id IN (SELECT article_id FROM erasures)"
        )
    )
    return dict(rows.all())


def _kept_words(conn: sa.Connection) -> dict[int, str | None]:
    """The word digests a downgrade kept, taken back (and their table dropped)."""
    if KEPT_WORDS not in sa.inspect(conn).get_table_names():
        return {}
    words = dict(conn.execute(sa.text(f"SELECT position, words_sha256 FROM {KEPT_WORDS}")).all())
    for statement in dialect_for(conn.dialect.name).drop_append_only_ddl(KEPT_WORDS):
        op.execute(statement)
    op.drop_table(KEPT_WORDS)
    return words


def _kept_seals(conn: sa.Connection) -> dict[str, dict[str, str | None]]:
    """The article seals a downgrade kept, by article id, taken back (and their table dropped)."""
    if KEPT_SEALS not in sa.inspect(conn).get_table_names():
        return {}
    rows = conn.execute(sa.text(f"SELECT {', '.join(SEAL_COLUMNS)} FROM {KEPT_SEALS}")).mappings().all()
    for statement in dialect_for(conn.dialect.name).drop_append_only_ddl(KEPT_SEALS):
        op.execute(statement)
    op.drop_table(KEPT_SEALS)
    return {row["article_id"]: dict(row) for row in rows}


def _keep_seals(conn: sa.Connection) -> None:
    op.execute(f"DROP TABLE IF EXISTS {KEPT_SEALS}")  # a stale copy an older upgrade left behind
    table = op.create_table(
        KEPT_SEALS,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("title_sha256", sa.String(64)),
        sa.Column("url_sha256", sa.String(64)),
        sa.Column("seal", sa.String(64), nullable=False),
    )
    rows = conn.execute(sa.text(f"SELECT {', '.join(SEAL_COLUMNS)} FROM article_seals")).mappings().all()
    if rows:
        op.bulk_insert(table, [dict(row) for row in rows])
    for statement in dialect_for(conn.dialect.name).append_only_ddl(KEPT_SEALS):
        op.execute(statement)


def _keep_words(conn: sa.Connection) -> None:
    """Set aside the word digests of erased events, append-only like the chain they came from."""
    rows = conn.execute(
        sa.text(
            "SELECT c.position, c.words_sha256 FROM event_chain c JOIN events e ON e.position = c.position "
            "WHERE e.article_id IN (SELECT article_id FROM erasures)"
        )
    ).all()
    op.execute(f"DROP TABLE IF EXISTS {KEPT_WORDS}")  # a stale copy an older upgrade left behind
    table = op.create_table(
        KEPT_WORDS,
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("words_sha256", sa.String(64)),
    )
    if rows:
        op.bulk_insert(table, [{"position": p, "words_sha256": w} for p, w in rows])
    for statement in dialect_for(conn.dialect.name).append_only_ddl(KEPT_WORDS):
        op.execute(statement)


def _replace_chain(conn: sa.Connection) -> None:
    """Empty event_chain (its own triggers lifted for the moment); the caller relinks."""
    dialect = dialect_for(conn.dialect.name)
    for statement in dialect.drop_append_only_ddl("event_chain"):
        op.execute(statement)
    op.execute("DELETE FROM event_chain")


def upgrade() -> None:
    conn = op.get_bind()
    dialect = dialect_for(conn.dialect.name)
    erased = {row[0] for row in conn.execute(sa.text("SELECT article_id FROM erasures"))}
    broken = first_broken_v1(conn, erased)
    if broken is not None:
        raise StoreError(
            f"cannot upgrade to chain format 2: the hash chain is broken at position {broken} "
            "(edited behind the store's back?); relinking would hide it. Restore a backup, or inspect "
            "it with `timeline verify` of the previous release"
        )
    sentences = _erased_sentences(conn)
    words = _kept_words(conn)
    kept_seals = _kept_seals(conn)
    op.add_column("event_chain", sa.Column("words_sha256", sa.String(64)))
    op.add_column("event_chain", sa.Column("article_seal", sa.String(64)))
    op.create_table(
        "article_seals",
        sa.Column(
            "article_id",
            sa.String(64),
            sa.ForeignKey("articles.article_id", name="fk_article_seals_article"),
            primary_key=True,
        ),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("title_sha256", sa.String(64)),
        sa.Column("url_sha256", sa.String(64)),
        sa.Column("seal", sa.String(64), nullable=False),
    )
    # Seals of the articles already stored (an erased one by the digest its erasure recorded).
    articles = conn.execute(
        sa.text(
            "SELECT a.article_id, a.published, a.outlet, a.recorded_at, a.text, a.title, a.url, "
            "x.text_sha256 "
            "FROM articles a LEFT JOIN erasures x ON x.article_id = a.article_id ORDER BY a.article_id"
        )
    )
    seals = [kept_seals.get(row[0]) or seal_row(*row) for row in articles]
    if seals:
        op.bulk_insert(sa.table("article_seals", *(sa.column(k) for k in seals[0])), seals)
    _replace_chain(conn)
    relink(conn, sentences, words)
    for table in ("event_chain", "article_seals"):
        for statement in dialect.append_only_ddl(table):
            op.execute(statement)
    _guard_events(
        {"sentence": "''", "payload": dialect.redacted_payload("OLD.payload", WORD_KEYS)}, EVENT_COLUMNS
    )
    # Articles erased before this revision lose their trigger words too (the links cover their digest).
    op.execute(
        f"UPDATE events SET payload = {dialect.redacted_payload('payload', WORD_KEYS)} "
        "WHERE article_id IN (SELECT article_id FROM erasures)"
    )


def downgrade() -> None:
    conn = op.get_bind()
    dialect = dialect_for(conn.dialect.name)
    sentences = _erased_sentences(conn)
    _keep_words(conn)
    _keep_seals(conn)
    _guard_events(V1_EVENT_BLANKS, (*EVENT_COLUMNS, "payload"))
    for statement in dialect.drop_append_only_ddl("article_seals"):
        op.execute(statement)
    op.drop_table("article_seals")
    _replace_chain(conn)
    op.execute("ALTER TABLE event_chain DROP COLUMN words_sha256")
    op.execute("ALTER TABLE event_chain DROP COLUMN article_seal")
    backfill(conn, sentences=sentences)  # format 1 over the events as they now stand
    for statement in dialect.append_only_ddl("event_chain"):
        op.execute(statement)
