"""The automation policy in force."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from roca.api.deps import SessionDep, require
from roca.auth.roles import Permission
from roca.auth.schemas import Principal
from roca.policy.service import active

router = APIRouter(tags=["policy"])


@router.get("/policy", summary="The active policy: certified thresholds per segment and their justification")
def current_policy(
    session: SessionDep, _who: Annotated[Principal, Depends(require(Permission.POLICY_READ))]
) -> dict[str, Any]:
    policy = active(session)
    if policy is None:
        return {"version": None, "segments": {}, "note": "no policy in force: every case goes to people"}
    return {
        "version": policy.version,
        "status": policy.status,
        "segments": policy.segments,
        "proposed_by": policy.proposed_by,
        "approved_by": policy.approved_by,
        "approved_at": policy.approved_at,
    }
