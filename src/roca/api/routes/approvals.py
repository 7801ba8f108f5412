"""Four-eyes approvals over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from roca.api.deps import PrincipalDep, SessionDep, require
from roca.auth.roles import Permission
from roca.auth.schemas import Principal
from roca.review import approvals
from roca.review.schemas import DecisionOut

router = APIRouter(prefix="/approvals", tags=["approvals"])
Approver = Annotated[Principal, Depends(require(Permission.APPROVALS_DECIDE))]


class ApprovalIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


@router.get("", response_model=list[DecisionOut], summary="Decisions waiting for a second approval")
def waiting(session: SessionDep, _who: Approver) -> list[DecisionOut]:
    return [DecisionOut.model_validate(d, from_attributes=True) for d in approvals.pending(session)]


@router.post("/{decision_id}", response_model=DecisionOut, summary="Approve or refuse a high-impact decision")
def settle(decision_id: int, body: ApprovalIn, session: SessionDep, who: PrincipalDep) -> DecisionOut:
    made = approvals.settle(session, decision_id, who, body.approve, body.note)
    return DecisionOut.model_validate(made, from_attributes=True)
