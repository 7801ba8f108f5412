"""The risk lead's dashboard: automation, measured error, agreement, queue health and drift; and the
policy actions (approve, recompute, shadow mode) for those allowed to take them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from roca.api.deps import SessionDep
from roca.auth.roles import Permission
from roca.errors import Conflict, Forbidden, NotFound
from roca.oversight import service as oversight
from roca.oversight.agreement import CONFIDENCE, MIN_AGREEMENT_PAIRS
from roca.policy import service as policy
from roca.web.dashboard_view import Formats, draw_charts, segment_names
from roca.web.routes import SignedInPage, render, require
from roca.web.security import Page, require_csrf

router = APIRouter(include_in_schema=False)
NOTICE = "dashboard_notice"  # one-shot message shown after a policy action (kept in the session)


@router.get("/dashboard")
def show(page: SignedInPage, session: SessionDep) -> HTMLResponse:
    require(page, Permission.DASHBOARD_READ)
    board = oversight.dashboard(session)
    return render(
        page,
        "dashboard.html",
        board=board,
        charts=draw_charts(board, page.locale),
        names=segment_names(page.locale),
        fmt=Formats(page.locale),
        notice=page.request.session.pop(NOTICE, None),
        min_pairs=MIN_AGREEMENT_PAIRS,
        confidence=CONFIDENCE,
    )


@router.post("/dashboard/policy/approve", dependencies=[Depends(require_csrf)])
def approve(page: SignedInPage, session: SessionDep, version: Annotated[str, Form()]) -> RedirectResponse:
    require(page, Permission.POLICY_APPROVE)
    try:
        policy.approve(session, version, page.principal, page.request.app.state.settings)
    except Forbidden:  # the role was checked above: what is left is four-eyes
        return _back(page, "four_eyes", version=version)
    except Conflict:
        return _back(page, "not_proposed", version=version)
    except NotFound:
        return _back(page, "no_version", version=version)
    return _back(page, "approved", version=version)


@router.post("/dashboard/policy/recompute", dependencies=[Depends(require_csrf)])
def recompute(page: SignedInPage, session: SessionDep) -> RedirectResponse:
    require(page, Permission.POLICY_APPROVE)
    proposed = policy.recompute(session, page.principal.username, page.request.app.state.settings)
    return _back(page, "recomputed", version=proposed.version)


@router.post("/dashboard/policy/shadow", dependencies=[Depends(require_csrf)])
def shadow(
    page: SignedInPage, session: SessionDep, case_type: Annotated[str, Form()], on: Annotated[bool, Form()]
) -> RedirectResponse:
    require(page, Permission.POLICY_APPROVE)
    if case_type not in oversight.SEGMENTS:
        return _back(page, "no_segment", segment=case_type)
    try:
        version = policy.set_shadow(session, case_type, on, page.principal.username)
    except Conflict:  # giving automation back goes through recompute and approval
        return _back(page, "shadow_needs_recompute", segment=case_type)
    return _back(page, "shadow_on" if on else "shadow_off", segment=case_type, version=version.version)


def _back(page: Page, code: str, **values: str) -> RedirectResponse:
    page.request.session[NOTICE] = {"code": code, **values}
    return RedirectResponse("/dashboard", status_code=303)
