from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from roca.storage.base import Base, BigIntPK, UTCDateTime, utcnow


class LearningRun(Base):
    """One retraining from reviewers' labels: per case type the challenger, the champion it was
    measured against on the newest labels, and whether it was promoted and why."""

    __tablename__ = "learning_runs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | running | done | failed
    actor: Mapped[str] = mapped_column(String(128))
    promote_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    case_types: Mapped[list[str] | None] = mapped_column(JSON)  # None: every case type
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    policy_version: Mapped[str | None] = mapped_column(String(64))  # proposed after a promotion
    error: Mapped[str | None] = mapped_column(Text)
