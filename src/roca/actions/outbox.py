"""The action outbox: a decision's downstream action is a row written in the decision's own
transaction, so the action exists if and only if the decision committed.  Functions here flush,
never commit; the dispatcher gives each claim and each delivery its own short transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.config import Settings
from roca.errors import Conflict, NotFound
from roca.models import ActionOutbox, Case, Decision
from roca.storage.base import utcnow
from roca.storage.engine import is_postgres

PENDING, SENT, DEAD = "pending", "sent", "dead"
FINAL = "final"  # the decision status that may act (four-eyes holds the others)
STATUSES: Final = (PENDING, SENT, DEAD)

# The contract's "default action downstream" per (case type, decision), sent with every action so a
# receiver (or a person reading a dead letter) knows what the decision asks for.
DEFAULT_ACTIONS: Final[dict[tuple[str, str], str]] = {
    ("ato", "confirm_ato"): "freeze account, revoke sessions and API keys, hold withdrawals, "
    "force credential reset",
    ("ato", "not_ato"): "release the held withdrawal, no friction",
    ("kyc", "approve"): "set the KYC level",
    ("kyc", "reject"): "close the KYC application",
    ("kyc", "request_info"): "ask the user for documents",
    ("kyb", "approve"): "set the KYB level",
    ("kyb", "reject"): "close the KYB application",
    ("kyb", "request_info"): "ask the business for documents",
    ("kyb", "enhanced_due_diligence"): "open a senior enhanced-due-diligence task",
    ("fraud", "block"): "cancel the transaction",
    ("fraud", "release"): "release the transaction",
}


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; after ``max_attempts`` failures the action is dead-lettered."""

    max_attempts: int = 8
    backoff_seconds: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(settings.outbox_max_attempts, settings.outbox_backoff_seconds)

    def delay(self, failures: int, rng: random.Random) -> timedelta:
        # Jitter in [0.5, 1.5) spreads retries so receivers coming back are not hit by a thundering herd.
        factor = 2 ** max(failures - 1, 0) * (0.5 + rng.random())
        return timedelta(seconds=self.backoff_seconds * factor)


def action_name(case: Case, decision: Decision) -> str:
    return f"{case.case_type}.{decision.decision}"


def idempotency_key(decision: Decision) -> str:
    return f"roca-decision-{decision.id}"


def action_payload(decision: Decision, case: Case) -> dict[str, Any]:
    return {
        "case_external_id": case.external_id,
        "case_type": case.case_type,
        "account_id": case.account_id,
        "decision_id": decision.id,
        "decision": decision.decision,
        "automatic": decision.automatic,
        "decided_by": decision.actor,
        "user_id": decision.user_id,
        "role": decision.role,
        "decided_at": decision.created_at.isoformat() if decision.created_at else None,
        "risk_probability": decision.risk_probability,
        "model_version": decision.model_version,
        "rules_version": decision.rules_version,
        "policy_version": decision.policy_version,
        "default_action": DEFAULT_ACTIONS.get((case.case_type, decision.decision)),
    }


def enqueue(session: Session, decision: Decision, case: Case) -> ActionOutbox | None:
    """Add the decision's action to the outbox in the caller's transaction (flush, never commit).
    A decision that is not final (awaiting a second approval, or refused) acts on nothing: None;
    call this again once the second person approves."""
    if decision.id is None:
        session.flush()  # the idempotency key is the decision's id (and the flush sets the status)
    if decision.status != FINAL:
        return None
    row = ActionOutbox(
        decision_id=decision.id, case_id=case.id, action=action_name(case, decision),
        payload=action_payload(decision, case), idempotency_key=idempotency_key(decision),
        status=PENDING, attempts=0, next_attempt_at=utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def claim_due(session: Session, now: datetime, batch: int, lease: timedelta) -> list[ActionOutbox]:
    """Take up to ``batch`` due rows by pushing their next attempt past the lease: another dispatcher
    skips them, and if this one crashes mid-send they come due again when the lease ends."""
    query = (
        select(ActionOutbox)
        .where(ActionOutbox.status == PENDING, ActionOutbox.next_attempt_at <= now)
        .order_by(ActionOutbox.next_attempt_at, ActionOutbox.id)
        .limit(batch)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.next_attempt_at = now + lease
    session.flush()
    return rows


def mark_sent(session: Session, outbox_id: int, now: datetime) -> bool:
    row = _locked(session, outbox_id)
    if row is None or row.status != PENDING:
        return False  # already settled by a dispatcher that re-claimed it after a lease ran out
    row.status, row.sent_at, row.last_error = SENT, now, None
    session.flush()
    record(session, actor="roca", action="action.sent", entity_type="action_outbox", entity_id=row.id,
           payload={"action": row.action, "idempotency_key": row.idempotency_key,
                    "attempts": row.attempts + 1})  # fmt: skip
    return True


def mark_failed(
    session: Session, outbox_id: int, now: datetime, error: str, policy: RetryPolicy, rng: random.Random
) -> str | None:
    """Count the failure; schedule the next attempt or dead-letter the row.  Returns its new status."""
    row = _locked(session, outbox_id)
    if row is None or row.status != PENDING:
        return None
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= policy.max_attempts:
        row.status = DEAD
        record(session, actor="roca", action="action.dead", entity_type="action_outbox", entity_id=row.id,
               payload={"action": row.action, "idempotency_key": row.idempotency_key,
                        "attempts": row.attempts, "last_error": row.last_error})  # fmt: skip
    else:
        row.next_attempt_at = now + policy.delay(row.attempts, rng)
    session.flush()
    return row.status


def counts_by_status(session: Session) -> dict[str, int]:
    query = select(ActionOutbox.status, func.count()).group_by(ActionOutbox.status)
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: int(n) for status, n in session.execute(query)})
    return counts


def retry(
    session: Session,
    actor: str,
    outbox_id: int | None = None,
    all_dead: bool = False,
    now: datetime | None = None,
) -> list[ActionOutbox]:
    """Give dead letters a fresh set of attempts (after the receiver is fixed); audited."""
    if outbox_id is not None:
        row = _locked(session, outbox_id)
        if row is None:
            raise NotFound(f"no outbox row {outbox_id}", outbox_id=outbox_id)
        if row.status != DEAD:
            raise Conflict(f"outbox row {outbox_id} is {row.status}, not dead", outbox_id=outbox_id)
        rows = [row]
    elif all_dead:
        rows = list(session.scalars(select(ActionOutbox).where(ActionOutbox.status == DEAD)))
    else:
        rows = []
    due = now or utcnow()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, due
        record(session, actor=actor, action="action.retried", entity_type="action_outbox",
               entity_id=row.id, payload={"action": row.action, "idempotency_key": row.idempotency_key,
                                          "last_error": row.last_error})  # fmt: skip
    session.flush()
    return rows


def _locked(session: Session, outbox_id: int) -> ActionOutbox | None:
    return session.get(ActionOutbox, outbox_id, with_for_update=True, populate_existing=True)
