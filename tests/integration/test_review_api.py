"""The whole loop over HTTP, as a scripted reviewer would run it; QA audits are blind."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.service import Scorer
from roca.agent.worker import score_until_idle
from roca.auth.roles import Role
from roca.models import Case, ReviewTask
from roca.policy.router import SegmentThresholds
from roca.storage import session_scope
from tests.conftest import SHARED, TokenFor

SIM_SWAP = json.loads((SHARED / "contract" / "examples" / "ato-sim-swap.json").read_text())
TRAVEL = json.loads((SHARED / "contract" / "examples" / "ato-travel-false-alarm.json").read_text())


def _ingest_and_score(
    client: TestClient, headers: dict[str, str], factory: sessionmaker[Session], scorer: Scorer
) -> None:
    assert client.post("/api/v1/cases/batch", json=[SIM_SWAP, TRAVEL], headers=headers).status_code == 200
    score_until_idle(factory, scorer)


def test_reviewer_overturns_roca_with_chinese_feedback(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    _ingest_and_score(client, auth_headers(Role.ADMIN), session_factory, Scorer())
    reviewer = auth_headers(Role.REVIEWER)
    task = client.get("/api/v1/review/next", params={"case_type": "ato"}, headers=reviewer)
    assert task.status_code == 200, task.text
    body = task.json()
    assert body["kind"] == "review" and body["recommendation"]["decision"] == "confirm_ato"
    assert body["signals"] and body["case"]["external_id"] == "alrt-20261102-000917"  # the riskier first

    missing = client.post(
        f"/api/v1/review/{body['task_id']}/decision", json={"decision": "not_ato"}, headers=reviewer
    )
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["error"]["errors"]} == {"root_cause", "annotation"}
    too_long = {"decision": "not_ato", "root_cause": "misweighted_signal", "annotation": "一。二。三。四。"}
    assert (
        client.post(f"/api/v1/review/{body['task_id']}/decision", json=too_long, headers=reviewer).status_code
        == 422
    )

    overturn = {
        "decision": "not_ato",
        "root_cause": "misweighted_signal",
        "annotation": "用户提前通过客服报备了换号。设备和地址均为本人所有。",
        "signal_marks": [{"kind": "misleading", "signal": "ato.phone_change_via_support"}],
    }
    made = client.post(f"/api/v1/review/{body['task_id']}/decision", json=overturn, headers=reviewer)
    assert made.status_code == 200, made.text
    assert made.json()["agrees_with_roca"] is False and made.json()["actor"] == "reviewer-user"
    shown = client.get(f"/api/v1/cases/{body['case_id']}", headers=reviewer).json()
    assert shown["status"] == "decided" and shown["decision"]["decision"] == "not_ato"
    assert shown["decision"]["automatic"] is False
    listed = client.get(
        "/api/v1/cases", params={"external_id": "alrt-20261102-000917"}, headers=reviewer
    ).json()
    assert (
        listed["items"][0]["decision"]["decision"] == "not_ato" and listed["items"][0]["status"] == "decided"
    )


def test_release_and_permissions(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    _ingest_and_score(client, auth_headers(Role.ADMIN), session_factory, Scorer())
    reviewer = auth_headers(Role.REVIEWER)
    first = client.get("/api/v1/review/next", headers=reviewer).json()
    assert client.post(f"/api/v1/review/{first['task_id']}/release", headers=reviewer).status_code == 204
    again = client.get("/api/v1/review/next", headers=reviewer).json()
    assert again["task_id"] == first["task_id"]
    assert client.get("/api/v1/review/next", headers=auth_headers(Role.ML_ENGINEER)).status_code == 403
    assert client.get("/api/v1/review/next", params={"kind": "qa"}, headers=reviewer).status_code == 403
    assert client.get("/api/v1/review/next", headers=auth_headers(Role.SENIOR_REVIEWER)).status_code == 200
    assert client.get("/api/v1/review/next", headers=auth_headers(Role.SENIOR_REVIEWER)).status_code == 204


def test_qa_audits_never_show_rocas_answer(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    automate_all = {"ato": SegmentThresholds(auto_act=0.5, auto_clear=0.49, policy_version="test")}
    _ingest_and_score(client, auth_headers(Role.ADMIN), session_factory, Scorer(thresholds=automate_all))
    with session_scope(session_factory) as session:
        statuses = {c.external_id: c.status for c in session.scalars(select(Case))}
        assert (
            statuses["alrt-20261102-000917"] == "auto_decided"
            or statuses["alrt-20261102-000917"] == "qa_pending"
        )
        # Force an audit of the automatic decision, as the sampler would with probability pi.
        case = session.scalar(select(Case).where(Case.external_id == "alrt-20261102-000917"))
        assert case is not None
        if case.status == "auto_decided":
            from roca.review.service import open_task

            case.status = "qa_pending"
            open_task(session, case, None, kind="qa", qa_probability=0.03)
        case_id = case.id
    qa = auth_headers(Role.QA)
    task = client.get("/api/v1/review/next", params={"kind": "qa"}, headers=qa).json()
    assert task["kind"] == "qa" and task["recommendation"] is None
    assert all("contribution" not in s for s in task["signals"])
    peek = client.get(f"/api/v1/cases/{case_id}", headers=qa).json()
    assert peek["recommendation"] is None and peek["decision"] is None
    lead_view = client.get(f"/api/v1/cases/{case_id}", headers=auth_headers(Role.RISK_LEAD)).json()
    assert lead_view["decision"]["automatic"] is True and lead_view["decision"]["actor"] == "roca"
    audit = {"decision": "confirm_ato"}
    assert (
        client.post(f"/api/v1/review/{task['task_id']}/decision", json=audit, headers=qa).status_code == 200
    )
    with session_factory() as session:
        done = session.scalar(select(ReviewTask).where(ReviewTask.id == task["task_id"]))
        assert done is not None and done.status == "done"
        assert session.get(Case, case_id).status == "qa_done"  # type: ignore[union-attr]


def test_shadow_mode_hides_rocas_answer_from_reviewers(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    from roca.policy.service import set_shadow

    with session_scope(session_factory) as session:
        set_shadow(session, "ato", True, "lead")
    _ingest_and_score(client, auth_headers(Role.ADMIN), session_factory, Scorer())
    task = client.get("/api/v1/review/next", headers=auth_headers(Role.REVIEWER)).json()
    assert task["kind"] == "shadow" and task["recommendation"] is None and task["signals"]
    decided = client.post(
        f"/api/v1/review/{task['task_id']}/decision",
        json={"decision": "confirm_ato"},
        headers=auth_headers(Role.REVIEWER),
    )
    assert decided.status_code == 200
    shown = client.get(f"/api/v1/cases/{task['case_id']}", headers=auth_headers(Role.REVIEWER)).json()
    assert shown["status"] == "decided"


def test_chinese_cases_go_to_chinese_readers_and_leads_reassign(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    client.app.state.settings.route_chinese_to_readers = True
    zh_case = json.loads(json.dumps(TRAVEL))
    zh_case["external_id"], zh_case["subject"]["language"] = "zh-1", "zh"
    assert (
        client.post(
            "/api/v1/cases/batch", json=[SIM_SWAP, zh_case], headers=auth_headers(Role.ADMIN)
        ).status_code
        == 200
    )
    score_until_idle(session_factory, Scorer())
    admin = auth_headers(Role.ADMIN)
    client.post(
        "/api/v1/users",
        json={"username": "mei", "password": "pa55word!", "role": "reviewer", "language": "zh"},
        headers=admin,
    )
    mei_token = client.post("/api/v1/tokens", json={"name": "t"}, headers=_login(client, "mei")).json()[
        "token"
    ]
    mei = {"Authorization": f"Bearer {mei_token}"}
    english = auth_headers(Role.REVIEWER)
    first_en = client.get("/api/v1/review/next", headers=english).json()
    assert first_en["case"]["external_id"] == "alrt-20261102-000917"
    assert client.get("/api/v1/review/next", headers=english).status_code == 204  # the zh case is not theirs
    zh_task = client.get("/api/v1/review/next", headers=mei).json()
    assert zh_task["case"]["external_id"] == "zh-1"
    lead = auth_headers(Role.RISK_LEAD)
    moved = client.post(
        f"/api/v1/review/{first_en['task_id']}/reassign", json={"username": "mei"}, headers=lead
    )
    assert moved.status_code == 204
    assert client.post(f"/api/v1/review/{first_en['task_id']}/release", headers=english).status_code == 403
    assert (
        client.post(
            f"/api/v1/review/{first_en['task_id']}/reassign", json={"username": "mei"}, headers=english
        ).status_code
        == 403
    )


def _login(client: TestClient, username: str) -> dict[str, str]:
    from roca.auth.service import create_token, get_user

    with session_scope(client.app.state.session_factory) as session:
        token = create_token(session, get_user(session, username), "login", "test").token
    return {"Authorization": f"Bearer {token}"}
