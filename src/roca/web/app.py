"""Mounting the console on the API application."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from roca.web.i18n import WEB_DIR
from roca.web.routes import (
    accounts,
    approvals,
    auth,
    cases,
    dashboard,
    public_page,
    qa,
    queue,
    refusal_page,
    render,
)
from roca.web.security import (
    COOKIE_NAME,
    IDLE_TIMEOUT_SECONDS,
    CsrfRejected,
    LoginRequired,
    PermissionDenied,
)


def install_web(app: FastAPI) -> None:
    settings = app.state.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=COOKIE_NAME,
        max_age=IDLE_TIMEOUT_SECONDS,  # re-issued on every response: an idle timeout
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(auth.router)
    for area in (queue, cases, accounts, approvals, qa, dashboard):
        app.include_router(area.router)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.add_exception_handler(PermissionDenied, _forbidden)


async def _to_login(request: Request, exc: Exception) -> Response:
    if request.headers.get("HX-Request"):
        # An HTMX swap would paste the login page into a fragment: make the browser navigate.
        return Response(status_code=204, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login", status_code=303)


async def _csrf_rejected(request: Request, exc: Exception) -> HTMLResponse:
    return render(public_page(request), "error.html", status_code=403, reason="csrf")


async def _forbidden(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, PermissionDenied)
    return render(refusal_page(request, exc), "error.html", status_code=403, reason="forbidden")
