"""model registry and case scorings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:41:39.956355
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import roca.storage.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "model_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("case_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=False),
        sa.Column("feature_names", sa.JSON(), nullable=False),
        sa.Column("feature_hash", sa.String(length=64), nullable=False),
        sa.Column("trained_from", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("trained_to", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("training_rows", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("promoted_at", roca.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("promoted_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_model_versions_version")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index("ix_model_versions_type_status", ["case_type", "status"], unique=False)

    op.create_table(
        "case_scorings",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scored_at", roca.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("risk_probability", sa.Float(), nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("sop_clauses", sa.JSON(), nullable=False),
        sa.Column("guardrails", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("narrative_en", sa.Text(), nullable=False),
        sa.Column("narrative_zh", sa.Text(), nullable=False),
        sa.Column("narrative_source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_scorings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_scorings")),
    )
    with op.batch_alter_table("case_scorings", schema=None) as batch_op:
        batch_op.create_index("ix_case_scorings_case", ["case_id", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("case_scorings", schema=None) as batch_op:
        batch_op.drop_index("ix_case_scorings_case")

    op.drop_table("case_scorings")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_model_versions_type_status")

    op.drop_table("model_versions")
