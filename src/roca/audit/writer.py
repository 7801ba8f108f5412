"""Appending to the chain.  Services call :func:`record`; the rows are chained and written when the
session commits, so the serialising lock is held only for the last instant of a transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from roca.audit.chain import GENESIS_HASH, ChainEntry, chain_hash
from roca.models import AuditRecord
from roca.storage.base import utcnow

_PENDING_KEY = "roca.audit.pending"
# Any constant works; it names "the audit chain" for pg_advisory_xact_lock.
_AUDIT_LOCK_KEY = 0x524F4341


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    payload: dict[str, Any] | None = None,
) -> None:
    """Queue one audit row for this unit of work; it is written if and only if the work commits."""
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING_KEY, [])
    pending.append(
        {
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "payload": payload or {},
        }
    )


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def write_pending(session: Session) -> None:
    """Chain and insert the queued rows (the ``before_commit`` hook of every ROCA session)."""
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
    last = session.execute(
        select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    now = utcnow()
    rows = []
    for item in pending:
        seq += 1
        entry = ChainEntry(seq=seq, recorded_at=now, **item)
        digest = chain_hash(prev_hash, entry)
        rows.append({**item, "seq": seq, "recorded_at": now, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    session.execute(insert(AuditRecord), rows)
