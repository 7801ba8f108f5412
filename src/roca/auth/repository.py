from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.models import ApiToken, User


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def token_by_digest(session: Session, digest: str) -> tuple[ApiToken, User] | None:
    row = session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(ApiToken.token_hash == digest)
    ).first()
    return (row[0], row[1]) if row else None


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))
