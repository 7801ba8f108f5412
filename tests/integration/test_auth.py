"""Permissions are enforced server-side on every /api/v1 route."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from roca.auth.roles import Role
from tests.conftest import TokenFor
from tests.factories import ato_case


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in response.json()["error"]["message"]


def test_wrong_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer roca_nope"})
    assert response.status_code == 401


def test_every_api_route_refuses_anonymous_callers(client: TestClient) -> None:
    for route in client.app.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1"):
            continue
        path = route.path
        for name in ("{case_id}", "{token_id}", "{task_id}", "{decision_id}"):
            path = path.replace(name, "1")
        for method in route.methods:
            response = client.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)


def test_reviewer_on_admin_route_is_403(client: TestClient, auth_headers: TokenFor) -> None:
    reviewer = auth_headers(Role.REVIEWER)
    response = client.get("/api/v1/users", headers=reviewer)
    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "users:manage"
    create = client.post(
        "/api/v1/users", json={"username": "eve", "password": "12345678x", "role": "admin"}, headers=reviewer
    )
    assert create.status_code == 403


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.QA, Role.ML_ENGINEER])
def test_only_intake_roles_submit_cases(client: TestClient, auth_headers: TokenFor, role: Role) -> None:
    assert client.post("/api/v1/cases", json=ato_case(), headers=auth_headers(role)).status_code == 403
    assert client.get("/api/v1/cases", headers=auth_headers(role)).status_code == 200


def test_intake_role_submits(client: TestClient, auth_headers: TokenFor) -> None:
    assert client.post("/api/v1/cases", json=ato_case(), headers=auth_headers(Role.INTAKE)).status_code == 201


def test_admin_creates_user_and_new_user_manages_own_tokens(
    client: TestClient, auth_headers: TokenFor
) -> None:
    created = client.post(
        "/api/v1/users",
        json={"username": "mei", "password": "pa55word!", "role": "reviewer", "language": "zh"},
        headers=auth_headers(Role.ADMIN),
    )
    assert created.status_code == 201
    assert created.json()["language"] == "zh"
    again = client.post(
        "/api/v1/users",
        json={"username": "mei", "password": "pa55word!", "role": "reviewer"},
        headers=auth_headers(Role.ADMIN),
    )
    assert again.status_code == 409
    reviewer = auth_headers(Role.REVIEWER)
    token = client.post("/api/v1/tokens", json={"name": "script"}, headers=reviewer).json()
    own = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/me", headers=own).json()["username"] == "reviewer-user"
    listed = client.get("/api/v1/tokens", headers=own).json()
    assert all("token" not in t for t in listed)
    assert token["token"][:12] in {t["prefix"] for t in listed}
    assert client.delete(f"/api/v1/tokens/{token['id']}", headers=own).status_code == 204
    assert client.get("/api/v1/me", headers=own).status_code == 401


def test_user_cannot_revoke_someone_elses_token(client: TestClient, auth_headers: TokenFor) -> None:
    lead_token = client.post(
        "/api/v1/tokens", json={"name": "x"}, headers=auth_headers(Role.RISK_LEAD)
    ).json()
    response = client.delete(f"/api/v1/tokens/{lead_token['id']}", headers=auth_headers(Role.REVIEWER))
    assert response.status_code == 403
