"""Blind QA audits of automatic decisions.  Nothing here may show ROCA's answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from roca.api.deps import SessionDep
from roca.auth.roles import Permission
from roca.review import repository
from roca.review import service as review
from roca.storage.base import utcnow
from roca.web.routes import SignedInPage, render, require
from roca.web.security import require_csrf

router = APIRouter(include_in_schema=False)


@router.get("/qa")
def qa_page(page: SignedInPage, session: SessionDep) -> HTMLResponse:
    require(page, Permission.QA_WORK)
    assert page.user is not None
    waiting = repository.open_counts_by_type(session, "qa")
    mine = [task for task in repository.open_tasks_of(session, page.user.id) if task.kind == "qa"]
    return render(
        page, "qa.html", waiting=waiting, total=sum(waiting.values()), mine=mine, now=utcnow(),
        empty=page.request.query_params.get("empty") == "1",
    )  # fmt: skip


@router.post("/qa/next", dependencies=[Depends(require_csrf)])
def next_audit(request: Request, page: SignedInPage, session: SessionDep) -> RedirectResponse:
    require(page, Permission.QA_WORK)
    chinese = request.app.state.settings.route_chinese_to_readers
    task = review.claim_next(session, page.principal, kind="qa", chinese_to_readers=chinese)
    if task is None:
        return RedirectResponse("/qa?empty=1", status_code=303)
    return RedirectResponse(f"/cases/{task.case_id}", status_code=303)
