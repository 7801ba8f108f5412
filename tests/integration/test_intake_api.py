"""Case intake over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.auth.roles import Role
from roca.config import Settings
from roca.models import AccountEvent, AccountIdentifier, Case
from tests.conftest import SHARED, TokenFor
from tests.factories import ato_case

URL = "/api/v1/cases"


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_submit_read_and_resubmit(client: TestClient, auth_headers: TokenFor) -> None:
    headers = auth_headers(Role.ADMIN)
    case = ato_case(extra_upstream_field={"kept": True})
    created = client.post(URL, content=orjson.dumps(case), headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["outcome"] == "created"
    assert created.headers["location"].endswith(f"/{body['case_id']}")

    again = client.post(URL, content=orjson.dumps(case), headers=headers)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert again.json()["case_id"] == body["case_id"]

    stored = client.get(f"{URL}/{body['case_id']}", headers=headers).json()
    assert stored["status"] == "received"
    assert stored["case"]["extra_upstream_field"] == {"kept": True}
    assert stored["case"]["events"] == case["events"]
    assert stored["content_hash"] == body["content_hash"]


def test_same_external_id_with_other_content_is_a_409_naming_both_hashes(
    client: TestClient, auth_headers: TokenFor
) -> None:
    headers = auth_headers(Role.ADMIN)
    first = client.post(URL, json=ato_case(), headers=headers).json()
    changed = client.post(URL, json=ato_case(amount_at_risk_usd=99.0), headers=headers)
    assert changed.status_code == 409
    error = changed.json()["error"]
    assert error["code"] == "conflict"
    assert error["existing_content_hash"] == first["content_hash"]
    assert error["submitted_content_hash"] not in (None, first["content_hash"])


def test_invalid_case_is_a_422_naming_field_and_reason(client: TestClient, auth_headers: TokenFor) -> None:
    case = ato_case()
    case["events"][2]["amount_usd"] = -5
    response = client.post(URL, json=case, headers=auth_headers(Role.ADMIN))
    assert response.status_code == 422
    errors = response.json()["error"]["errors"]
    assert errors == [
        {"field": "events.2.amount_usd", "reason": "input should be greater than or equal to 0"}
    ]


def test_malformed_json_is_a_422_not_a_500(client: TestClient, auth_headers: TokenFor) -> None:
    response = client.post(URL, content=b'{"external_id": ', headers=auth_headers(Role.ADMIN))
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"] == "body"


def test_batch_answers_per_item_and_keeps_the_good_ones(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    headers = auth_headers(Role.ADMIN)
    client.post(URL, json=ato_case("existing"), headers=headers)
    bad = ato_case("bad")
    bad["case_type"] = "phishing"
    batch = [
        ato_case("new-1"),
        bad,
        ato_case("existing"),
        ato_case("existing", amount_at_risk_usd=1.0),
        ato_case("new-2"),
    ]
    response = client.post(f"{URL}/batch", json=batch, headers=headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [i["outcome"] for i in result["items"]] == [
        "created",
        "invalid",
        "duplicate",
        "conflict",
        "created",
    ]
    assert result["summary"] == {"created": 2, "duplicate": 1, "conflict": 1, "invalid": 1}
    assert result["items"][1]["errors"][0]["field"] == "case_type"
    assert _count(session_factory, Case) == 3


def test_ndjson_batch_reports_the_unreadable_line(client: TestClient, auth_headers: TokenFor) -> None:
    body = b"\n".join([orjson.dumps(ato_case("n-1")), b"{not json", orjson.dumps(ato_case("n-2"))])
    response = client.post(
        f"{URL}/batch",
        content=body,
        headers={**auth_headers(Role.ADMIN), "Content-Type": "application/x-ndjson"},
    )
    outcomes = [i["outcome"] for i in response.json()["items"]]
    assert outcomes == ["created", "invalid", "created"]
    assert "line 2" in response.json()["items"][1]["errors"][0]["reason"]


def test_events_are_stored_once_per_account(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    headers = auth_headers(Role.ADMIN)
    first = ato_case("a-1", events=5)
    later = ato_case("a-2", events=8)  # carries the first case's 5 events again, plus 3 new ones
    other_account = ato_case("b-1", account_id="acct-2", events=5)
    client.post(f"{URL}/batch", json=[first, later, other_account], headers=headers)
    assert _count(session_factory, AccountEvent) == 8 + 5
    with session_factory() as session:
        carried = {c.external_id: c.event_ids for c in session.scalars(select(Case))}
        devices = {(i.value, i.account_id) for i in session.scalars(select(AccountIdentifier))}
    assert [len(carried[k]) for k in ("a-1", "a-2", "b-1")] == [5, 8, 5]
    assert carried["a-2"][:5] == carried["a-1"]  # the same events, stored once, linked from both
    assert ("dev-0", "acct-1") in devices and ("dev-0", "acct-2") in devices


def test_oversized_body_is_a_413(client: TestClient, auth_headers: TokenFor) -> None:
    client.app.state.settings.max_request_bytes  # noqa: B018  (the limit is applied by middleware)
    huge = b"[" + b" " * (33 * 1024 * 1024) + b"]"
    response = client.post(f"{URL}/batch", content=huge, headers=auth_headers(Role.ADMIN))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_too_many_items_is_refused(client: TestClient, auth_headers: TokenFor) -> None:
    client.app.state.settings.max_batch_items = 3
    response = client.post(
        f"{URL}/batch", json=[ato_case(f"c-{i}") for i in range(4)], headers=auth_headers(Role.ADMIN)
    )
    assert response.status_code == 413
    assert "limit is 3" in response.json()["error"]["message"]


def test_list_filters_and_cursor_pages(client: TestClient, auth_headers: TokenFor) -> None:
    headers = auth_headers(Role.ADMIN)
    examples = [json.loads(p.read_text()) for p in sorted((SHARED / "contract" / "examples").glob("*.json"))]
    cases = [ato_case(f"p-{i}", created_at=f"2026-11-0{1 + i % 5}T00:00:00Z") for i in range(7)]
    client.post(f"{URL}/batch", json=cases + examples, headers=headers)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"case_type": "ato", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, params=params, headers=headers).json()
        seen += [item["external_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 9  # 7 built here + 2 ATO examples
    ranged = client.get(
        URL,
        params={"created_from": "2026-11-02T00:00:00Z", "created_to": "2026-11-03T00:00:00Z"},
        headers=headers,
    ).json()
    assert {i["external_id"] for i in ranged["items"]} == {"p-1", "p-6", "alrt-20261102-000917"}
    by_id = client.get(URL, params={"external_id": "kyb-20261105-0042"}, headers=headers).json()
    assert [i["case_type"] for i in by_id["items"]] == ["kyb"]
    bad = client.get(URL, params={"cursor": "garbage"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["errors"][0]["field"] == "cursor"


def test_unknown_case_is_404(client: TestClient, auth_headers: TokenFor) -> None:
    response = client.get(f"{URL}/999999", headers=auth_headers(Role.REVIEWER))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_is_published_with_the_case_schema(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert "CaseIn" in document["components"]["schemas"]
    body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/CaseIn"}
    assert client.get("/healthz").json()["status"] == "ok"


def test_shared_examples_are_accepted(client: TestClient, auth_headers: TokenFor, tmp_path: Path) -> None:
    for path in sorted((SHARED / "contract" / "examples").glob("*.json")):
        response = client.post(URL, content=path.read_bytes(), headers=auth_headers(Role.ADMIN))
        assert response.status_code == 201, (path.name, response.text)


def test_a_case_whose_commit_fails_is_never_acknowledged(
    settings: Settings, engine: Engine, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    headers = auth_headers(Role.INTAKE)
    app = create_app(settings, engine)

    def refuse_case_commits(session: Session) -> None:
        if session.scalar(select(func.count()).select_from(Case)):
            raise OperationalError("COMMIT", {}, Exception("disk full"))

    event.listen(app.state.session_factory, "before_commit", refuse_case_commits)
    with TestClient(app, raise_server_exceptions=False) as failing:
        answer = failing.post(URL, content=orjson.dumps(ato_case("never-acked")), headers=headers)
    # The commit runs before the answer leaves: the client hears of the failure, not a 201.
    assert answer.status_code == 500
    assert _count(session_factory, Case) == 0
