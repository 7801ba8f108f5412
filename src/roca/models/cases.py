from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String
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
    # The events this case carried, in its order: ids into account_events (one row per case rather
    # than one per link keeps intake of re-sent timelines cheap).
    event_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class AccountEvent(Base):
    """One event of an account's timeline, stored once whichever cases carried it.  The primary
    key is a content hash of (account, event), so the same event arriving again is the same row."""

    __tablename__ = "account_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    type: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(256))
    ip: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(256))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_account_events_account_ts", "account_id", "ts"),)


class AccountIdentifier(Base):
    """Which account used which device, IP or withdrawal address, first seen when: the index behind
    cross-account links.  One row per (kind, value, account), so it grows with distinct identifiers,
    not with events."""

    __tablename__ = "account_identifiers"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it as is)

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(256), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
