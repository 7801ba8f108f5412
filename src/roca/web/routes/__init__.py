"""Console pages.  Each module owns one area and stays thin; what every page shares is here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from roca.api.deps import SessionDep
from roca.web.i18n import environment
from roca.web.security import Page, csrf_token, page_for, signed_in_user


def public_page(request: Request) -> Page:
    return page_for(request, None)


def signed_in_page(request: Request, session: SessionDep) -> Page:
    """Every page but sign-in depends on this: no session, no page (a redirect to /login)."""
    return page_for(request, signed_in_user(request, session))


PublicPage = Annotated[Page, Depends(public_page)]
SignedInPage = Annotated[Page, Depends(signed_in_page)]


def render(page: Page, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = (
        environment(page.locale)
        .get_template(template)
        .render(
            user=page.user,
            csrf_token=csrf_token(page.request),
            path=page.request.url.path,
            **context,
        )
    )
    # Pages carry a CSRF token and personal data: never cache them anywhere.
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
