"""Console sessions, CSRF and password sign-in with lock-out.

Sessions are Starlette's ``SessionMiddleware`` (an itsdangerous-signed cookie: HttpOnly,
SameSite=Lax, ``Secure`` with ``ROCA_SESSION_COOKIE_SECURE`` on TLS deployments).  The cookie
carries only ids and tokens, never anything secret; being client-side, it cannot be revoked before it
expires (idle timeout below).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace

from fastapi import Request
from sqlalchemy import update
from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.auth import repository
from roca.auth.roles import Role
from roca.auth.schemas import Principal
from roca.auth.secrets import hash_password, verify_password
from roca.models import User
from roca.storage.base import utcnow
from roca.web.i18n import DEFAULT_LANGUAGE, LOCALES, locale_for

COOKIE_NAME = "roca_session"
IDLE_TIMEOUT_SECONDS = 8 * 3600  # re-issued on every response, so this is an idle timeout
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
CSRF_FIELD = "csrf_token"


# -- CSRF ----------------------------------------------------------------------------------------


class CsrfRejected(Exception):
    """A POST whose form token does not match the session's."""


class LoginRequired(Exception):
    """A page was asked for without a valid session."""


class PermissionDenied(Exception):
    """A signed-in user asked for a page or action their role does not allow.  Carries what the
    refusal page shows of the user: by the time it renders, the request's session has rolled back."""

    def __init__(self, permission: str, user: SimpleNamespace, locale: str) -> None:
        super().__init__(permission)
        self.permission = permission
        self.user = user
        self.locale = locale


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def require_csrf(request: Request) -> None:
    """Dependency of every console POST.  SameSite=Lax already stops most cross-site posts; the
    token also covers same-site attackers and browsers that ignore SameSite."""
    expected = request.session.get(CSRF_FIELD)
    sent = (await request.form()).get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(sent, str):
        raise CsrfRejected
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRejected


# -- sign-in -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: str | None  # "invalid" | "locked"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def attempt_login(
    session: Session, username: str, password: str, now: datetime | None = None
) -> LoginOutcome:
    """Check a password; count failures and lock the account for 15 minutes after five in a row.
    Unknown, inactive and wrong-password sign-ins look alike so usernames cannot be probed."""
    now = now or utcnow()
    user = repository.user_by_username(session, username)
    if user is None or not user.is_active:
        verify_password(_dummy_hash(), password)  # the same argon2 cost as a real check
        return LoginOutcome(None, "invalid")
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome(None, "locked")
    if not verify_password(user.password_hash, password):
        # Incremented in SQL: parallel guesses must not each read the same old count.
        failures = session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_login_count=User.failed_login_count + 1)
            .returning(User.failed_login_count)
        ).scalar_one()
        if failures >= MAX_FAILED_LOGINS:
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(locked_until=now + LOCKOUT, failed_login_count=0)
            )
            record(session, actor=username, action="user.locked_out", entity_type="user", entity_id=user.id,
                   payload={"until": (now + LOCKOUT).isoformat()})  # fmt: skip
            return LoginOutcome(None, "locked")
        return LoginOutcome(None, "invalid")
    user.failed_login_count = 0
    user.locked_until = None
    session.flush()
    return LoginOutcome(user, None)


def start_session(request: Request, user: User) -> None:
    """A fresh session on sign-in (no fixation); only the chosen language survives."""
    language = request.session.get("lang")
    request.session.clear()
    request.session["user_id"] = user.id
    if language in LOCALES:
        request.session["lang"] = language
    csrf_token(request)


# -- the page every route renders into ------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    request: Request
    user: User | None
    locale: str

    @property
    def principal(self) -> Principal:
        assert self.user is not None
        return Principal(
            user_id=self.user.id, username=self.user.username, role=Role(self.user.role),
            language=self.user.language,
        )  # fmt: skip


def page_for(request: Request, user: User | None) -> Page:
    """The page's locale: a ``?lang=`` switch (remembered in the session), else the user's own."""
    choice = request.query_params.get("lang")
    if choice in LOCALES:
        request.session["lang"] = choice
    language = request.session.get("lang") or (user.language if user else None) or DEFAULT_LANGUAGE
    return Page(request, user, locale_for(language))


def signed_in_user(request: Request, session: Session) -> User:
    """The session's user, re-read from the database on every request so a deactivated user is out
    at once."""
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        request.session.pop("user_id", None)
        raise LoginRequired
    return user
