from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roca.storage.base import Base, BigIntPK, UTCDateTime, utcnow


class ReviewTask(Base):
    """A case waiting for a person: a review (ROCA was not confident enough or a guardrail held it)
    or a blind QA audit of an automatic decision.  Claimed with a lease that expires."""

    __tablename__ = "review_tasks"
    __table_args__ = (Index("ix_review_tasks_queue", "status", "kind", "case_type", "priority"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # review | qa
    status: Mapped[str] = mapped_column(String(16))  # open | claimed | done | cancelled
    case_type: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    priority: Mapped[float] = mapped_column(Float)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    qa_probability: Mapped[float | None] = mapped_column(Float)  # the known sampling probability pi


class Decision(Base):
    """A decision on a case, by ROCA (automatic) or by a person, with what it rested on."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"))
    decision: Mapped[str] = mapped_column(String(32))
    automatic: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(128))  # "roca" or the username
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str | None] = mapped_column(String(32))
    risk_probability: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))
    rules_version: Mapped[str | None] = mapped_column(String(64))
    policy_version: Mapped[str | None] = mapped_column(String(64))
    roca_recommendation: Mapped[str | None] = mapped_column(String(32))
    agrees_with_roca: Mapped[bool | None] = mapped_column(Boolean)
    root_cause: Mapped[str | None] = mapped_column(String(32))
    annotation: Mapped[str | None] = mapped_column(Text)
    signal_marks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Four-eyes: a high-impact action waits for a second person before it takes effect.
    status: Mapped[str] = mapped_column(String(32), default="final", server_default="final")
    second_approver: Mapped[str | None] = mapped_column(String(128))
    second_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
