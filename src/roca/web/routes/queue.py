"""My queue: what is waiting, how urgent it is, and the tasks I hold."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from roca.api.deps import SessionDep
from roca.auth.roles import Permission, has_permission
from roca.models import ReviewTask
from roca.review import repository
from roca.review import service as review
from roca.storage.base import utcnow
from roca.web.routes import SignedInPage, render
from roca.web.security import require_csrf

router = APIRouter(include_in_schema=False)

SLA_STATES = ("on_time", "due_soon", "breached")
DUE_SOON_SHARE = 0.25  # "due soon" once a quarter of the task's SLA window is left


@dataclass
class QueueSummary:
    by_type: Counter[str] = field(default_factory=Counter)
    by_sla: Counter[str] = field(default_factory=Counter)
    mine: list[ReviewTask] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def sla_state(created_at: datetime, due_at: datetime, now: datetime) -> str:
    # Relative to each task's own window: an hour left is alarming for KYB (72 h), not for ATO (2 h).
    left = (due_at - now).total_seconds()
    if left <= 0:
        return "breached"
    window = max((due_at - created_at).total_seconds(), 1.0)
    return "due_soon" if left <= DUE_SOON_SHARE * window else "on_time"


def queue_summary(session: Session, user_id: int, now: datetime) -> QueueSummary:
    summary = QueueSummary()
    for case_type, created_at, due_at in repository.open_review_windows(session):
        summary.by_type[case_type] += 1
        summary.by_sla[sla_state(created_at, due_at, now)] += 1
    summary.mine = repository.open_tasks_of(session, user_id)
    return summary


@router.get("/")
def my_queue(page: SignedInPage, session: SessionDep) -> HTMLResponse:
    assert page.user is not None
    now = utcnow()
    return render(
        page,
        "queue.html",
        summary=queue_summary(session, page.user.id, now),
        sla_states=SLA_STATES,
        can_review=has_permission(page.principal.role, Permission.REVIEW_WORK),
        empty=page.request.query_params.get("empty") == "1",
        now=now,
    )


@router.post("/queue/next", dependencies=[Depends(require_csrf)])
def next_case(request: Request, page: SignedInPage, session: SessionDep) -> RedirectResponse:
    who = page.principal
    if not has_permission(who.role, Permission.REVIEW_WORK):
        return RedirectResponse("/", status_code=303)
    chinese = request.app.state.settings.route_chinese_to_readers
    task = review.claim_next(session, who, chinese_to_readers=chinese)
    if task is None:
        return RedirectResponse("/?empty=1", status_code=303)
    return RedirectResponse(f"/cases/{task.case_id}", status_code=303)
