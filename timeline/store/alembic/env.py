"""Alembic environment: runs the store's migrations on a given connection or on the resolved URL."""

from __future__ import annotations

from alembic import context

from timeline.store.database import create_engine, resolve_url
from timeline.store.dialects import dialect_for

config = context.config

if config.config_file_name is not None and config.get_main_option("configure_logging", "true") == "true":
    from logging.config import fileConfig

    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return resolve_url(config.get_main_option("sqlalchemy.url") or None)


def run_offline() -> None:
    """Emit SQL without a database (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        # The caller (timeline.store.database) holds the transaction and the migration lock.
        context.configure(connection=given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    try:
        with engine.connect() as conn, conn.begin():
            dialect_for(engine.dialect.name).lock_for_migration(conn)
            context.configure(connection=conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
