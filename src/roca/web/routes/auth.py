"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from roca.api.deps import SessionDep
from roca.web.routes import PublicPage, render
from roca.web.security import attempt_login, require_csrf, start_session

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_form(page: PublicPage) -> HTMLResponse:
    return render(page, "login.html", error=None, username="")


@router.post("/login", dependencies=[Depends(require_csrf)], response_model=None)
def login(
    request: Request,
    page: PublicPage,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse | RedirectResponse:
    outcome = attempt_login(session, username.strip(), password)
    if outcome.user is None:
        return render(page, "login.html", status_code=401, error=outcome.error, username=username)
    start_session(request, outcome.user)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
