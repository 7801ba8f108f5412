from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from roca.storage.base import Base, BigIntPK, UTCDateTime, utcnow


class ModelVersion(Base):
    """A trained model of one case type.  The artifact is kept in the database, so every worker of
    a deployment scores with exactly the bytes that were evaluated and approved."""

    __tablename__ = "model_versions"
    __table_args__ = (Index("ix_model_versions_type_status", "case_type", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    case_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # candidate | champion | retired
    kind: Mapped[str] = mapped_column(String(64))
    artifact: Mapped[bytes] = mapped_column(LargeBinary)
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    feature_names: Mapped[list[str]] = mapped_column(JSON)
    feature_hash: Mapped[str] = mapped_column(String(64))
    trained_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trained_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    training_rows: Mapped[int] = mapped_column(default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_by: Mapped[str | None] = mapped_column(String(128))


class CaseScoring(Base):
    """One scoring of one case: what ROCA recommended and why, with the versions that produced it.
    Rescoring adds a row; history is never overwritten."""

    __tablename__ = "case_scorings"
    __table_args__ = (Index("ix_case_scorings_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # model | rules
    model_version: Mapped[str | None] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    risk_probability: Mapped[float] = mapped_column(Float)  # of the type's risky decision
    probabilities: Mapped[dict[str, float]] = mapped_column(JSON)
    contributions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sop_clauses: Mapped[list[str]] = mapped_column(JSON)
    guardrails: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    narrative_en: Mapped[str] = mapped_column(Text)
    narrative_zh: Mapped[str] = mapped_column(Text)
    narrative_source: Mapped[str] = mapped_column(String(16))
    # Routing at this scoring: guardrails, then the segment's certified thresholds.
    route: Mapped[str | None] = mapped_column(String(8))  # auto | review; None on a rescoring
    auto_decision: Mapped[str | None] = mapped_column(String(32))
    needs_second_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    route_reason_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    route_reason_zh: Mapped[str] = mapped_column(Text, default="", server_default="")
