"""Dialect-specific statements that both backends spell differently."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
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


@lru_cache(maxsize=64)
def _insert_sql(
    dialect: str, table: str, columns: tuple[str, ...], conflict: tuple[str, ...], json_text: frozenset[str]
) -> str:
    if dialect == "postgresql":
        marks = ", ".join("%s::json" if c in json_text else "%s" for c in columns)
    else:
        marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (names are ours)
    if conflict:
        statement += f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    return statement


def bulk_insert(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    ignore_conflicts_on: Sequence[str] = (),
    json_text_columns: Sequence[str] = (),
) -> None:
    """executemany straight to the driver: the hot path of intake, where per-row ORM and Core work
    costs more than the database does.  ``json_text_columns`` arrive already serialised."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    table: Table = model.__table__  # type: ignore[assignment]
    json_text = frozenset(json_text_columns)
    # The dialect's own implementation: the generic DateTime has no SQLite processor, and the
    # driver's default text ("... 21:02:11+00:00") would not compare equal to what queries bind.
    converters = [
        None if name in json_text else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in columns
    ]
    if any(converters):
        rows = [
            tuple(
                value if convert is None else convert(value)
                for value, convert in zip(row, converters, strict=True)
            )
            for row in rows
        ]
    statement = _insert_sql(
        dialect.name,
        table.name,
        tuple(columns),
        tuple(ignore_conflicts_on),
        json_text,
    )
    connection.exec_driver_sql(statement, list(rows))
