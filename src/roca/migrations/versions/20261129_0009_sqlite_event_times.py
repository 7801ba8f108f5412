"""SQLite: event and identifier times in the dialect's text format

Bulk intake used to store ``2026-06-06 21:02:11+00:00`` where queries bind
``2026-06-06 21:02:11.000000``; text comparison then put an event one second early at
exact-second boundaries.  Rewrites the stored values; PostgreSQL stores real timestamps
and has nothing to do.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column).  Values were UTC: "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00".
_COLUMNS = (("account_events", "ts"), ("account_identifiers", "first_seen"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, column in _COLUMNS:
        table = sa.table(name, sa.column(column, sa.String))
        stored = table.c[column]
        rewritten = sa.case(
            (sa.func.length(stored) == 25, sa.func.substr(stored, 1, 19).concat(".000000")),
            else_=sa.func.substr(stored, 1, 26),
        )
        op.execute(table.update().where(stored.like("%+00:00")).values({column: rewritten}))


def downgrade() -> None:
    """The new format is what every other column already uses: nothing to undo."""
