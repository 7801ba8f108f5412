"""learning runs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roca.storage.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "learning_runs",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("promote_requested", sa.Boolean(), nullable=False),
        sa.Column("case_types", sa.JSON(), nullable=True),
        sa.Column("created_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_runs")),
    )
    with op.batch_alter_table("learning_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_runs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learning_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_runs_status"))
    op.drop_table("learning_runs")
