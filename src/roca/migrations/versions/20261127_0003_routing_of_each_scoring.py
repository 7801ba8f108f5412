"""routing of each scoring

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:58:44.584645
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("case_scorings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("auto_decision", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("needs_second_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("route_reason_en", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("route_reason_zh", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:

    with op.batch_alter_table("case_scorings", schema=None) as batch_op:
        batch_op.drop_column("route_reason_zh")
        batch_op.drop_column("route_reason_en")
        batch_op.drop_column("needs_second_approval")
        batch_op.drop_column("auto_decision")
        batch_op.drop_column("route")
