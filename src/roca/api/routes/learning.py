"""Retraining from reviewers' labels over HTTP: start a run (it works in the background), follow it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, status

from roca.api.deps import PrincipalDep, SessionDep
from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal
from roca.errors import Forbidden
from roca.learning import jobs, service
from roca.learning.schemas import LearningRunAccepted, LearningRunIn, LearningRunOut
from roca.storage import session_scope

router = APIRouter(prefix="/learning", tags=["learning"])
ALLOWED = (Permission.MODELS_MANAGE, Permission.POLICY_APPROVE)  # ML engineers, risk leads, admins


def _learner(who: PrincipalDep) -> Principal:
    if not any(has_permission(who.role, permission) for permission in ALLOWED):
        raise Forbidden(
            f"role {who.role.value} may not run or promote models (needs models:manage or policy:approve)",
            permission=Permission.MODELS_MANAGE.value,
        )
    return who


Learner = Annotated[Principal, Depends(_learner)]


@router.post(
    "/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=LearningRunAccepted,
    summary="Retrain from the labels in the background; follow the run at its Location",
)
def start_run(
    body: LearningRunIn, request: Request, response: Response, background: BackgroundTasks, who: Learner
) -> LearningRunAccepted:
    factory = request.app.state.session_factory
    # Committed before the background job starts, which reads it from a session of its own.
    with session_scope(factory) as session:
        run_id = service.queue_run(
            session, actor=who.username, promote=body.promote, case_types=body.case_types
        ).id
    background.add_task(jobs.run_queued, factory, request.app.state.settings, run_id)
    response.headers["Location"] = f"{request.url.path}/{run_id}"
    return LearningRunAccepted(id=run_id, status="queued")


@router.get(
    "/runs/{run_id}", response_model=LearningRunOut, summary="A run: status and per-case-type results"
)
def get_run(run_id: int, session: SessionDep, _who: Learner) -> LearningRunOut:
    return LearningRunOut.model_validate(service.get_run(session, run_id))


@router.get("/runs", response_model=list[LearningRunOut], summary="The most recent runs, newest first")
def list_runs(
    session: SessionDep, _who: Learner, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[LearningRunOut]:
    return [LearningRunOut.model_validate(run) for run in service.recent_runs(session, limit)]
