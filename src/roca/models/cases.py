from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from roca.storage.base import Base, BigIntPK, UTCDateTime, utcnow


class Case(Base):
    """One risk case as upstream sent it.  ``payload`` is the case without its events (kept once
    per account in ``account_events``), unknown fields included."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_type_status_id", "case_type", "status", "id"),
        Index("ix_cases_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    case_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), index=True)
    account_id: Mapped[str] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    amount_at_risk_usd: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(8))
    vip_tier: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class AccountEvent(Base):
    """One event of an account's timeline, stored once whichever cases carried it.  The primary
    key is a content hash of (account, event), so the same event arriving again is the same row."""

    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_account_ts", "account_id", "ts"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    type: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(256), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(256), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaseEvent(Base):
    """Which events a case carried, in the order it carried them."""

    __tablename__ = "case_events"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("account_events.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
