"""Signing in to the console from a TestClient, as a browser would (form, cookie, CSRF token)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.service import create_user
from roca.storage import session_scope

PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_user(
    factory: sessionmaker[Session], username: str, role: Role = Role.REVIEWER, language: str = "en"
) -> None:
    with session_scope(factory) as session:
        create_user(
            session,
            UserCreate(username=username, password=PASSWORD, role=role, display_name=username.title(),
                       language=language),
            "test",
        )  # fmt: skip


def csrf_from(client: TestClient, path: str = "/login") -> str:
    match = _CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Signs ``username`` in on ``client``; returns the session's CSRF token for later forms."""
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 200 and response.url.path == "/", response.text[:300]
    return csrf_from(client, "/")
