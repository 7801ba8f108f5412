"""Four-eyes: a high-impact decision waits for a second, different person."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.service import Scorer
from roca.agent.worker import score_until_idle
from roca.auth.roles import Role
from roca.models import ActionOutbox
from tests.conftest import SHARED, TokenFor


def _vip_sim_swap(client: TestClient, headers: dict[str, str], factory: sessionmaker[Session]) -> None:
    case = json.loads((SHARED / "contract" / "examples" / "ato-sim-swap.json").read_text())
    case["subject"]["vip_tier"] = 3  # freezing a VIP account needs a second approver (GEN-3.3)
    assert client.post("/api/v1/cases", json=case, headers=headers).status_code == 201
    score_until_idle(factory, Scorer())


def test_a_vip_freeze_waits_for_a_second_person(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    _vip_sim_swap(client, auth_headers(Role.ADMIN), session_factory)
    senior = auth_headers(Role.SENIOR_REVIEWER)
    task = client.get("/api/v1/review/next", headers=senior).json()
    made = client.post(
        f"/api/v1/review/{task['task_id']}/decision", json={"decision": "confirm_ato"}, headers=senior
    )
    assert made.status_code == 200 and made.json()["status"] == "awaiting_second_approval"
    case = client.get(f"/api/v1/cases/{task['case_id']}", headers=senior).json()
    assert case["status"] == "awaiting_second_approval"

    with session_factory() as session:  # nothing goes out before the second approval
        assert session.scalar(select(func.count()).select_from(ActionOutbox)) == 0
    waiting = client.get("/api/v1/approvals", headers=auth_headers(Role.RISK_LEAD)).json()
    assert [d["id"] for d in waiting] == [made.json()["id"]]
    same_person = client.post(
        f"/api/v1/approvals/{made.json()['id']}", json={"approve": True}, headers=senior
    )
    assert same_person.status_code == 403 and "different person" in same_person.json()["error"]["message"]
    reviewer = client.post(
        f"/api/v1/approvals/{made.json()['id']}", json={"approve": True}, headers=auth_headers(Role.REVIEWER)
    )
    assert reviewer.status_code == 403

    approved = client.post(
        f"/api/v1/approvals/{made.json()['id']}", json={"approve": True}, headers=auth_headers(Role.RISK_LEAD)
    )
    assert approved.status_code == 200 and approved.json()["status"] == "final"
    assert approved.json()["second_approver"] == "risk_lead-user"
    assert client.get(f"/api/v1/cases/{task['case_id']}", headers=senior).json()["status"] == "decided"
    with session_factory() as session:
        queued = list(session.scalars(select(ActionOutbox)))
        assert [(a.action, a.status) for a in queued] == [("ato.confirm_ato", "pending")]


def test_a_refused_action_goes_back_to_the_queue(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    _vip_sim_swap(client, auth_headers(Role.ADMIN), session_factory)
    senior = auth_headers(Role.SENIOR_REVIEWER)
    task = client.get("/api/v1/review/next", headers=senior).json()
    made = client.post(
        f"/api/v1/review/{task['task_id']}/decision", json={"decision": "confirm_ato"}, headers=senior
    ).json()
    refusal = {"approve": False, "note": "call the user first"}
    refused = client.post(
        f"/api/v1/approvals/{made['id']}", json=refusal, headers=auth_headers(Role.RISK_LEAD)
    )
    assert refused.json()["status"] == "rejected"
    again = client.get("/api/v1/review/next", headers=auth_headers(Role.REVIEWER)).json()
    assert again["case_id"] == task["case_id"]
