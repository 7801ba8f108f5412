"""review tasks and decisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:02:46.713901
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roca.storage.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "review_tasks",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_type", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("due_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("lease_expires_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("qa_probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_review_tasks_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["claimed_by"], ["users.id"], name=op.f("fk_review_tasks_claimed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_tasks")),
    )
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_tasks_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_review_tasks_queue", ["status", "kind", "case_type", "priority"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("risk_probability", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("rules_version", sa.String(length=64), nullable=True),
        sa.Column("policy_version", sa.String(length=64), nullable=True),
        sa.Column("roca_recommendation", sa.String(length=32), nullable=True),
        sa.Column("agrees_with_roca", sa.Boolean(), nullable=True),
        sa.Column("root_cause", sa.String(length=32), nullable=True),
        sa.Column("annotation", sa.Text(), nullable=True),
        sa.Column("signal_marks", sa.JSON(), nullable=False),
        sa.Column("created_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["review_tasks.id"], name=op.f("fk_decisions_task_id_review_tasks")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_decisions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_case", ["case_id", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_case")

    op.drop_table("decisions")
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_review_tasks_queue")
        batch_op.drop_index(batch_op.f("ix_review_tasks_case_id"))

    op.drop_table("review_tasks")
