"""four-eyes on decisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 00:12:45.985574
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roca.storage.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=32), server_default="final", nullable=False))
        batch_op.add_column(sa.Column("second_approver", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("second_approved_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("second_approved_at")
        batch_op.drop_column("second_approver")
        batch_op.drop_column("status")
