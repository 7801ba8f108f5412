"""Errors reach clients as one JSON shape with the right status, never as a stack trace."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from roca.api.errors import install_error_handlers
from roca.errors import Conflict, FieldError, NotFound, ValidationFailed


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    @app.get("/missing")
    def missing() -> None:
        raise NotFound("no case with id 7", case_id=7)

    @app.get("/conflict")
    def conflict() -> None:
        raise Conflict("already stored")

    @app.get("/invalid")
    def invalid() -> None:
        raise ValidationFailed("bad", [FieldError("events.0.ts", "not a time")])

    @app.get("/typed")
    def typed(limit: int) -> int:
        return limit

    return app


def test_unexpected_errors_are_a_500_without_internals() -> None:
    client = TestClient(_app(), raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.json()["error"]
    assert body["code"] == "internal_error" and len(body["incident"]) == 12
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_domain_errors_map_to_their_status() -> None:
    client = TestClient(_app())
    assert client.get("/missing").status_code == 404
    assert client.get("/missing").json()["error"] == {
        "code": "not_found",
        "message": "no case with id 7",
        "case_id": 7,
    }
    assert client.get("/conflict").status_code == 409
    invalid = client.get("/invalid")
    assert invalid.status_code == 422
    assert invalid.json()["error"]["errors"] == [{"field": "events.0.ts", "reason": "not a time"}]


def test_request_validation_names_the_field() -> None:
    response = TestClient(_app()).get("/typed", params={"limit": "many"})
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"] == "query.limit"
