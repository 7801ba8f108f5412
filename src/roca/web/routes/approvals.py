"""Four-eyes approvals: decisions waiting for a second person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from roca.api.deps import SessionDep
from roca.auth.roles import Permission
from roca.cases.repository import cases_by_id
from roca.errors import Conflict, Forbidden, NotFound
from roca.models import Case, Decision
from roca.review import approvals
from roca.web.masking import mask_email
from roca.web.routes import SignedInPage, can, render, require
from roca.web.security import Page, require_csrf

router = APIRouter(include_in_schema=False)

NOTE_LIMIT = 500  # as the API's ApprovalIn


@dataclass(frozen=True)
class Waiting:
    decision: Decision
    case: Case | None
    annotation: str | None  # masked for roles without pii:read


def waiting(session: Session, pii: bool) -> list[Waiting]:
    pending = approvals.pending(session)
    found = cases_by_id(session, {made.case_id for made in pending})
    return [
        Waiting(made, found.get(made.case_id), made.annotation if pii else mask_email(made.annotation))
        for made in pending
    ]


def _page(
    page: Page,
    session: Session,
    status_code: int = 200,
    problem: tuple[int, str] | None = None,
    draft: tuple[int, str] | None = None,
) -> HTMLResponse:
    query = page.request.query_params
    return render(
        page, "approvals.html", status_code=status_code,
        waiting=waiting(session, can(page, Permission.PII_READ)),
        problem=problem, draft=draft,
        settled=query.get("settled") if query.get("settled") in ("approved", "refused") else None,
        settled_case=query.get("case", "") if query.get("case", "").isdigit() else "",
    )  # fmt: skip


@router.get("/approvals")
def approvals_page(page: SignedInPage, session: SessionDep) -> HTMLResponse:
    require(page, Permission.APPROVALS_DECIDE)
    return _page(page, session)


@router.post("/approvals/{decision_id}", dependencies=[Depends(require_csrf)], response_model=None)
def settle(
    decision_id: int,
    page: SignedInPage,
    session: SessionDep,
    approve: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    require(page, Permission.APPROVALS_DECIDE)
    draft = (decision_id, note)
    if approve not in ("1", "0"):
        return _page(page, session, 422, (decision_id, "choose"), draft)
    if len(note) > NOTE_LIMIT:
        return _page(page, session, 422, (decision_id, "note_too_long"), draft)
    try:
        made = approvals.settle(session, decision_id, page.principal, approve == "1", note.strip())
    except Forbidden:  # the role was checked above: what is left is the four-eyes rule
        return _page(page, session, 409, (decision_id, "four_eyes"), draft)
    except Conflict:
        return _page(page, session, 409, (decision_id, "settled"), draft)
    except NotFound:
        return _page(page, session, 404, (decision_id, "not_found"), draft)
    outcome = "approved" if made.status == "final" else "refused"
    return RedirectResponse(f"/approvals?settled={outcome}&case={made.case_id}", status_code=303)
