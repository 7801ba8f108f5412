"""Verification of the stored chain."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.audit.chain import GENESIS_HASH, ChainBreak, ChainEntry, check_link
from roca.models import AuditRecord


@dataclass(frozen=True)
class VerifyReport:
    rows_checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(session: Session, batch_size: int = 5000) -> VerifyReport:
    """Walk the chain from the first row; stop at (and name) the first broken row."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    result = session.execute(
        select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=batch_size)
    )
    try:
        for row in result.scalars():
            problem = check_link(expected_seq, expected_prev, _entry(row), row.prev_hash, row.hash)
            if problem is not None:
                return VerifyReport(checked, problem)
            checked += 1
            expected_seq, expected_prev = row.seq + 1, row.hash
    finally:
        result.close()  # a server-side cursor left open would outlive the check on PostgreSQL
    return VerifyReport(checked, None)


def _entry(row: AuditRecord) -> ChainEntry:
    return ChainEntry(
        seq=row.seq,
        recorded_at=row.recorded_at,
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        payload=row.payload,
    )
