"""The reviewer console's sign-in: sessions, CSRF, lock-out, and the first page in both languages."""

from __future__ import annotations

import re

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.service import create_user
from roca.storage import session_scope
from roca.web.security import COOKIE_NAME

PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _user(factory: sessionmaker[Session], name: str = "ana", language: str = "en") -> None:
    with session_scope(factory) as session:
        create_user(
            session,
            UserCreate(username=name, password=PASSWORD, role=Role.REVIEWER, display_name="Ana Li",
                       language=language),
            "test",
        )  # fmt: skip


def _csrf(client: TestClient, path: str = "/login") -> str:
    match = _CSRF.search(client.get(path).text)
    assert match, path
    return match.group(1)


def _login(client: TestClient, username: str = "ana", password: str = PASSWORD) -> httpx2.Response:
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": _csrf(client)},
        follow_redirects=False,
    )


def test_signed_out_pages_redirect_to_login(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get("/", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/login"
    assert client.post("/queue/next", follow_redirects=False).status_code in (303, 403)


def test_login_shows_the_queue_in_english(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    response = client.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": _csrf(client)}
    )
    assert response.status_code == 200
    assert response.url.path == "/"
    assert "My queue" in response.text
    assert "Ana Li" in response.text and "Reviewer" in response.text
    cookie = next(h for h in response.history[0].headers.get_list("set-cookie") if h.startswith(COOKIE_NAME))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_chinese_user_sees_chinese_and_can_switch(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _user(session_factory, "wei", language="zh")
    client.post("/login", data={"username": "wei", "password": PASSWORD, "csrf_token": _csrf(client)})
    page = client.get("/")
    assert "我的队列" in page.text and "下一个案件" in page.text
    assert '<html lang="zh-CN">' in page.text
    assert "My queue" in client.get("/?lang=en").text
    assert "My queue" in client.get("/").text  # the switch is remembered in the session
    assert "我的队列" in client.get("/?lang=zh").text


def test_login_page_switches_language(client: TestClient) -> None:
    assert "用户名" in client.get("/login?lang=zh").text
    assert "用户名" in client.get("/login").text


def test_wrong_password_is_refused(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    response = _login(client, password="wrong-password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    unknown = _login(client, username="nobody")
    assert "Wrong username or password." in unknown.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_five_failures_lock_the_account(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    for _ in range(4):
        assert "Wrong username" in _login(client, password="wrong-password").text
    assert "locked" in _login(client, password="wrong-password").text
    locked = _login(client)
    assert locked.status_code == 401
    assert "locked for 15 minutes" in locked.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_success_resets_the_failure_count(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    for _ in range(4):
        _login(client, password="wrong-password")
    assert _login(client).status_code == 303
    client.cookies.clear()
    for _ in range(4):
        _login(client, password="wrong-password")
    assert _login(client).status_code == 303


def test_post_without_csrf_token_is_forbidden(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _user(session_factory)
    client.get("/login")
    assert client.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 403
    bad = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"})
    assert bad.status_code == 403
    assert _login(client).status_code == 303
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.post("/queue/next", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in


def test_logout_clears_the_session(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    assert _login(client).status_code == 303
    token = _csrf(client, "/")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_tampered_cookie_is_ignored(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    _login(client)
    body, *signed = client.cookies[COOKIE_NAME].split(".")
    forged = body[:-2] + ("AA" if not body.endswith("AA") else "BB")
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, ".".join([forged, *signed]))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_next_case_with_an_empty_queue(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _user(session_factory)
    _login(client)
    response = client.post("/queue/next", data={"csrf_token": _csrf(client, "/")}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?empty=1"
    assert "No case is waiting for review." in client.get("/?empty=1").text
