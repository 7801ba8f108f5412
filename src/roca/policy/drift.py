"""Contraction on drift: blind QA audits of a segment's automatic decisions feed a CUSUM; when it
says the error is above alpha, the segment stops deciding alone at once (a new policy version with
no thresholds for it, which needs no approval because it only removes automation), the alert is
audited and shown with the policy, and the segment's audit rate doubles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.models import Case, Decision, PolicyVersion, ReviewTask
from roca.policy.monitor import ErrorDriftMonitor
from roca.policy.service import active
from roca.storage.base import utcnow

MONITOR = "roca:drift-monitor"


def audited_errors(session: Session, case_type: str, since: Any) -> list[tuple[bool, float]]:
    """(ROCA was wrong, weight) for each blind audit of the segment since the policy took effect."""
    query = (
        select(Decision.agrees_with_roca, ReviewTask.qa_probability)
        .join(ReviewTask, ReviewTask.id == Decision.task_id)
        .join(Case, Case.id == Decision.case_id)
        .where(ReviewTask.kind == "qa", Case.case_type == case_type, Decision.created_at >= since)
        .order_by(Decision.id)
    )
    return [(agrees is False, 1.0) for agrees, _pi in session.execute(query)]


def check_drift(session: Session, case_type: str) -> PolicyVersion | None:
    """Contract the segment if its audits show drift; the new version, or None."""
    policy = active(session)
    if policy is None or policy.approved_at is None:
        return None
    segment = policy.segments.get(case_type) or {}
    if segment.get("auto_act") is None and segment.get("auto_clear") is None:
        return None  # nothing automated, nothing to contract
    monitor = ErrorDriftMonitor(alpha=float(segment.get("alpha", 0.01)))
    audits = audited_errors(session, case_type, policy.approved_at)
    for error, weight in audits:
        monitor.update(error, weight)
    if not monitor.alarm:
        return None
    errors = sum(error for error, _ in audits)
    return contract(session, policy, case_type, f"{errors} errors in {len(audits)} blind audits exceed alpha")


def contract(session: Session, policy: PolicyVersion, case_type: str, reason: str) -> PolicyVersion:
    segments = {name: dict(values) for name, values in policy.segments.items()}
    old = segments[case_type]
    segments[case_type] = {
        **old,
        "auto_act": None,
        "auto_clear": None,
        "qa_rate": min(1.0, 2 * float(old.get("qa_rate", 0.03))),
        "contracted": {"reason": reason, "at": utcnow().isoformat(), "from": policy.version},
    }
    policy.status = "superseded"
    now = utcnow()
    contracted = PolicyVersion(
        version=f"{policy.version}-c{now:%Y%m%d%H%M%S}", status="active", segments=segments,
        proposed_by=MONITOR, approved_by=MONITOR, approved_at=now,
        notes=f"{case_type} automation contracted: {reason}",
    )  # fmt: skip
    session.add(contracted)
    session.flush()
    record(
        session,
        actor=MONITOR,
        action="policy.contracted",
        entity_type="policy",
        entity_id=contracted.version,
        payload={"segment": case_type, "reason": reason, "replaced": policy.version},
    )
    return contracted
