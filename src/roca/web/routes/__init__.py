"""Console pages.  Each module owns one area and stays thin; what every page shares is here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from roca.api.deps import SessionDep
from roca.auth.roles import Permission, has_permission
from roca.models import User
from roca.web.i18n import environment
from roca.web.security import Page, PermissionDenied, csrf_token, page_for, signed_in_user


def public_page(request: Request) -> Page:
    return page_for(request, None)


def signed_in_page(request: Request, session: SessionDep) -> Page:
    """Every page but sign-in depends on this: no session, no page (a redirect to /login)."""
    return page_for(request, signed_in_user(request, session))


PublicPage = Annotated[Page, Depends(public_page)]
SignedInPage = Annotated[Page, Depends(signed_in_page)]


def require(page: Page, permission: Permission) -> None:
    """The server-side check behind every page and form; hiding a link is only a courtesy."""
    user = page.user
    if user is None or not has_permission(user.role, permission):
        shown = SimpleNamespace(
            id=getattr(user, "id", None), username=getattr(user, "username", ""),
            display_name=getattr(user, "display_name", None), role=getattr(user, "role", ""),
        )  # fmt: skip
        raise PermissionDenied(permission.value, shown, page.locale)


def can(page: Page, permission: Permission | str) -> bool:
    return page.user is not None and has_permission(page.user.role, Permission(permission))


def refusal_page(request: Request, exc: PermissionDenied) -> Page:
    return Page(request, cast("User", exc.user), exc.locale)


def render(page: Page, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = (
        environment(page.locale)
        .get_template(template)
        .render(
            user=page.user,
            can=lambda permission: can(page, permission),
            csrf_token=csrf_token(page.request),
            path=page.request.url.path,
            **context,
        )
    )
    # Pages carry a CSRF token and personal data: never cache them anywhere.
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
