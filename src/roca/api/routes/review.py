"""The review loop over HTTP: claim the next task, decide it, or release it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from roca.agent.repository import latest_scoring
from roca.api.deps import PrincipalDep, SessionDep
from roca.auth.roles import Permission, Role, has_permission
from roca.auth.schemas import Principal
from roca.auth.service import get_user
from roca.cases import service as cases
from roca.errors import Forbidden
from roca.models import ReviewTask
from roca.review import service
from roca.review.repository import BLIND_KINDS
from roca.review.schemas import DecisionIn, DecisionOut, ReviewTaskOut

router = APIRouter(prefix="/review", tags=["review"])
PERMISSION = {"review": Permission.REVIEW_WORK, "shadow": Permission.REVIEW_WORK, "qa": Permission.QA_WORK,
              "second_review": Permission.REVIEW_WORK}  # fmt: skip


def _allowed(who: Principal, kind: str) -> None:
    if not has_permission(who.role, PERMISSION[kind]):
        raise Forbidden(f"role {who.role.value} may not work {kind} tasks", permission=PERMISSION[kind].value)


@router.get(
    "/next",
    response_model=ReviewTaskOut,
    summary="Claim the most urgent task (204 when the queue is empty)",
    responses={204: {"description": "nothing to review"}},
)
def next_task(
    request: Request,
    session: SessionDep,
    who: PrincipalDep,
    case_type: Annotated[str | None, Query()] = None,
    kind: Annotated[Literal["review", "qa"], Query()] = "review",
) -> ReviewTaskOut | Response:
    _allowed(who, kind)
    chinese = request.app.state.settings.route_chinese_to_readers
    task = service.claim_next(session, who, case_type=case_type, kind=kind, chinese_to_readers=chinese)
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return task_view(session, task)


def task_view(session: SessionDep, task: ReviewTask) -> ReviewTaskOut:
    case_out = cases.case_out(session, cases.get_case(session, task.case_id))
    scoring = latest_scoring(session, task.case_id)
    blind = task.kind in BLIND_KINDS  # audits, shadow mode and second reviews must not see ROCA's answer
    signals = [] if scoring is None else [dict(s) for s in scoring.signals]
    recommendation = None
    if scoring is not None and not blind:
        recommendation = {
            "decision": scoring.decision,
            "confidence": scoring.confidence,
            "probabilities": scoring.probabilities,
            "contributions": scoring.contributions,
            "sop_clauses": scoring.sop_clauses,
            "guardrails": scoring.guardrails,
            "narrative_en": scoring.narrative_en,
            "narrative_zh": scoring.narrative_zh,
            "route_reason_en": scoring.route_reason_en,
            "route_reason_zh": scoring.route_reason_zh,
            "model_version": scoring.model_version,
        }
    return ReviewTaskOut(
        task_id=task.id,
        kind=task.kind,
        lease_expires_at=task.lease_expires_at,
        due_at=task.due_at,
        case=case_out.case,
        case_id=task.case_id,
        signals=signals,
        recommendation=recommendation,
    )


@router.post("/{task_id}/decision", response_model=DecisionOut, summary="Decide a claimed task")
def decide(task_id: int, body: DecisionIn, session: SessionDep, who: PrincipalDep) -> DecisionOut:
    task = session.get(ReviewTask, task_id)
    _allowed(who, task.kind if task is not None else "review")
    made = service.decide(
        session, task_id, who, body.decision, body.root_cause, body.annotation,
        [mark.model_dump() for mark in body.signal_marks],
    )  # fmt: skip
    return DecisionOut.model_validate(made, from_attributes=True)


@router.post("/{task_id}/release", status_code=status.HTTP_204_NO_CONTENT, summary="Give a task back")
def release(task_id: int, session: SessionDep, who: PrincipalDep) -> None:
    service.release(session, task_id, who)


class ReassignIn(BaseModel):
    username: str


@router.post(
    "/{task_id}/reassign", status_code=status.HTTP_204_NO_CONTENT, summary="Hand a task to a reviewer"
)
def reassign(task_id: int, body: ReassignIn, session: SessionDep, who: PrincipalDep) -> None:
    if not has_permission(who.role, Permission.APPROVALS_DECIDE):
        raise Forbidden(
            "only senior reviewers and leads reassign tasks", permission=Permission.APPROVALS_DECIDE.value
        )
    user = get_user(session, body.username)
    target = Principal(user_id=user.id, username=user.username, role=Role(user.role), language=user.language)
    service.reassign(session, task_id, target, who)
