"""Users, tokens and the audit chain: administration over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field

from roca.api.deps import PrincipalDep, SessionDep, require
from roca.audit.service import verify_chain
from roca.auth import repository, service
from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal, TokenCreated, TokenOut, UserCreate, UserOut
from roca.errors import Forbidden

router = APIRouter(tags=["administration"])
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)


class AuditVerification(BaseModel):
    ok: bool
    rows_checked: int
    first_broken_row: int | None
    reason: str | None


@router.get("/me", response_model=UserOut, summary="The calling user")
def me(session: SessionDep, who: PrincipalDep) -> UserOut:
    return UserOut.model_validate(service.get_user(session, who.username), from_attributes=True)


@router.get("/users", response_model=list[UserOut], summary="All users (admin)")
def list_users(session: SessionDep, _who: Admin) -> list[UserOut]:
    return [UserOut.model_validate(u, from_attributes=True) for u in repository.list_users(session)]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="Create a user")
def create_user(data: UserCreate, session: SessionDep, who: Admin) -> UserOut:
    return UserOut.model_validate(service.create_user(session, data, who.username), from_attributes=True)


@router.get("/tokens", response_model=list[TokenOut], summary="The caller's API tokens")
def my_tokens(session: SessionDep, who: PrincipalDep) -> list[TokenOut]:
    return [
        TokenOut.model_validate(t, from_attributes=True) for t in repository.tokens_of(session, who.user_id)
    ]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="New token (shown once)",
)
def create_token(data: TokenRequest, session: SessionDep, who: PrincipalDep) -> TokenCreated:
    user = service.get_user(session, who.username)
    return service.create_token(session, user, data.name, who.username)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a token")
def revoke_token(token_id: int, session: SessionDep, who: PrincipalDep) -> None:
    owned = {t.id for t in repository.tokens_of(session, who.user_id)}
    if token_id not in owned and not has_permission(who.role, Permission.USERS_MANAGE):
        raise Forbidden("only the token's owner or an admin may revoke it")
    service.revoke_token(session, token_id, who.username)


@router.get("/audit/verify", response_model=AuditVerification, summary="Check the audit hash chain")
def audit_verify(session: SessionDep, _who: Auditor) -> AuditVerification:
    report = verify_chain(session)
    broken = report.first_break
    return AuditVerification(
        ok=report.ok,
        rows_checked=report.rows_checked,
        first_broken_row=broken.seq if broken else None,
        reason=broken.reason if broken else None,
    )
