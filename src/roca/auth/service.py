"""Users and tokens.  Functions take a Session, flush, and never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.auth import repository
from roca.auth.roles import Role
from roca.auth.schemas import Principal, TokenCreated, UserCreate
from roca.auth.secrets import hash_password, new_token, token_digest
from roca.errors import Conflict, Forbidden, NotFound, Unauthenticated
from roca.models import ApiToken, User
from roca.storage.base import utcnow


def create_user(session: Session, data: UserCreate, actor: str) -> User:
    if repository.user_by_username(session, data.username) is not None:
        raise Conflict(f"user {data.username!r} already exists", username=data.username)
    user = User(
        username=data.username,
        display_name=data.display_name or data.username,
        password_hash=hash_password(data.password),
        role=data.role.value,
        language=data.language,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        action="user.created",
        entity_type="user",
        entity_id=user.id,
        payload={"username": user.username, "role": user.role},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = repository.user_by_username(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}", username=username)
    return user


def create_token(
    session: Session, user: User, name: str, actor: str, ttl: timedelta | None = None
) -> TokenCreated:
    secret = new_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:12],
        token_hash=token_digest(secret),
        expires_at=utcnow() + ttl if ttl else None,
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor=actor,
        action="token.created",
        entity_type="api_token",
        entity_id=token.id,
        payload={"user": user.username, "name": name, "prefix": token.prefix},
    )
    return TokenCreated(id=token.id, name=name, token=secret, expires_at=token.expires_at)


def revoke_token(session: Session, token_id: int, actor: str) -> None:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token with id {token_id}", token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        record(session, actor=actor, action="token.revoked", entity_type="api_token", entity_id=token_id)


def authenticate_token(session: Session, secret: str, now: datetime | None = None) -> Principal:
    """Resolve a bearer token; every failure is the same 401 so tokens cannot be probed."""
    found = repository.token_by_digest(session, token_digest(secret))
    now = now or utcnow()
    if found is None:
        raise Unauthenticated("invalid API token")
    token, user = found
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        raise Unauthenticated("API token revoked or expired")
    if not user.is_active:
        raise Forbidden("this user is deactivated")
    # A write per request would serialise readers on SQLite; a minute's precision is plenty.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return Principal(user_id=user.id, username=user.username, role=Role(user.role), language=user.language)
