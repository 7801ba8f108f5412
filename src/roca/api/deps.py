"""Request-scoped dependencies: one session per request, committed at the edge; the caller;
permission checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal
from roca.auth.service import authenticate_token
from roca.config import Settings
from roca.errors import Forbidden, Unauthenticated
from roca.storage import session_scope

_bearer = HTTPBearer(auto_error=False, description="an API token from `roca token create`")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with session_scope(factory) as session:
        yield session


# "function" scope commits before the response leaves: a client never holds an acknowledgement
# (a 201, or a redirect to a page that reads what was just written) for work not yet committed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("missing bearer token: send 'Authorization: Bearer <token>'")
    # Its own short unit of work: the request's session then opens its (on SQLite, write-locking)
    # transaction only when the route first touches the database, after parsing its input.
    with session_scope(request.app.state.session_factory) as session:
        return authenticate_token(session, credentials.credentials)


def require(permission: Permission) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not has_permission(principal.role, permission):
            raise Forbidden(
                f"role {principal.role.value} may not do this (needs {permission.value})",
                permission=permission.value,
            )
        return principal

    return check


PrincipalDep = Annotated[Principal, Depends(get_principal)]
