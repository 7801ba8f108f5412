"""Alembic environment: the URL comes from ROCA settings (or a connection handed in by roca.storage)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import roca.models  # noqa: F401  (registers every table on Base.metadata)
from roca.config import get_settings
from roca.storage import Base, make_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(get_settings())
    with engine.connect() as fresh:
        _run(fresh)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("ROCA migrations run online only: use `roca db upgrade`")
run_migrations_online()
