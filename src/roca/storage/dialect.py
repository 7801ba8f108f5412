"""Dialect-specific statements that both backends spell differently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from roca.storage.base import Base


def insert_ignoring_conflicts(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT ... ON CONFLICT DO NOTHING; returns the ``returning`` columns of the rows inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    if returning:
        result = session.execute(
            statement.returning(*(getattr(model, name) for name in returning)), list(rows)
        )
        return [tuple(row) for row in result]
    session.execute(statement, list(rows))
    return []
