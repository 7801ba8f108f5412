"""The account page: every case, device, network, address and event of one account."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from roca.api.deps import SessionDep
from roca.auth.roles import Permission
from roca.web.account_view import account_known, account_view, timeline
from roca.web.routes import SignedInPage, can, render, require
from roca.web.timeline import EVENT_GROUPS, parse_query

router = APIRouter(include_in_schema=False)


@router.get("/accounts/{account_id}")
def account_page(account_id: str, page: SignedInPage, session: SessionDep) -> HTMLResponse:
    require(page, Permission.CASES_READ)
    query = parse_query(page.request.query_params)
    view = account_view(session, account_id, query, pii=can(page, Permission.PII_READ),
                        sees_blind=can(page, Permission.POLICY_APPROVE))  # fmt: skip
    if view is None:
        return render(page, "error.html", status_code=404, reason="not_found")
    return render(page, "account.html", view=view, timeline=view.timeline, **_shared(account_id))


@router.get("/accounts/{account_id}/timeline")
def account_timeline(account_id: str, page: SignedInPage, session: SessionDep) -> HTMLResponse:
    """The timeline alone, for the filter's htmx swap; the address bar gets the full page's URL."""
    require(page, Permission.CASES_READ)
    if not account_known(session, account_id):
        return render(page, "error.html", status_code=404, reason="not_found")
    query = parse_query(page.request.query_params)
    shown = timeline(session, account_id, query, pii=can(page, Permission.PII_READ))
    response = render(page, "_account_timeline.html", timeline=shown, **_shared(account_id))
    response.headers["HX-Push-Url"] = _page_url(account_id, query.query_string(query.offset))
    return response


def _shared(account_id: str) -> dict[str, Any]:
    return {"account_id": account_id, "account_url": f"/accounts/{quote(account_id, safe='')}",
            "groups": list(EVENT_GROUPS)}  # fmt: skip


def _page_url(account_id: str, query_string: str) -> str:
    base = f"/accounts/{quote(account_id, safe='')}"
    return f"{base}?{query_string}" if query_string else base
