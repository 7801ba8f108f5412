"""Four-eyes: a high-impact decision waits until a different person with the right role approves
or refuses it.  Nothing is dispatched before approval."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal
from roca.cases.service import move_case
from roca.cases.status import CaseStatus
from roca.errors import Conflict, Forbidden, NotFound
from roca.models import Case, Decision
from roca.storage.base import utcnow

AWAITING = "awaiting_second_approval"


def pending(session: Session) -> list[Decision]:
    query = select(Decision).where(Decision.status == AWAITING).order_by(Decision.id)
    return list(session.scalars(query))


def settle(session: Session, decision_id: int, who: Principal, approve: bool, note: str = "") -> Decision:
    made = session.get(Decision, decision_id, with_for_update=True)
    if made is None:
        raise NotFound(f"no decision {decision_id}", decision_id=decision_id)
    if made.status != AWAITING:
        raise Conflict(f"decision {decision_id} is {made.status}, not awaiting a second approval")
    if not has_permission(who.role, Permission.APPROVALS_DECIDE):
        raise Forbidden(
            f"role {who.role.value} may not approve actions", permission=Permission.APPROVALS_DECIDE.value
        )
    if who.username == made.actor:
        raise Forbidden("four-eyes: the second approver must be a different person")
    case = session.get(Case, made.case_id)
    assert case is not None
    made.second_approver, made.second_approved_at = who.username, utcnow()
    made.status = "final" if approve else "rejected"
    move_case(case, CaseStatus.DECIDED if approve else CaseStatus.QUEUED)
    session.flush()
    if approve:
        from roca.actions import outbox

        outbox.enqueue(session, made, case)  # only now may the high-impact action go out
    else:
        from roca.review.service import open_task

        open_task(session, case, None)
    record(session, actor=who.username, action="decision.approved" if approve else "decision.refused",
           entity_type="decision", entity_id=made.id, payload={"case_id": case.id, "note": note})  # fmt: skip
    return made
