"""action outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roca.storage.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "action_outbox",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("decision_id", _BIGINT, nullable=False),
        sa.Column("case_id", _BIGINT, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_action_outbox_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_action_outbox_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_action_outbox_idempotency_key")),
    )
    with op.batch_alter_table("action_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_outbox_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index("ix_action_outbox_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_action_outbox_due")
        batch_op.drop_index(batch_op.f("ix_action_outbox_decision_id"))

    op.drop_table("action_outbox")
