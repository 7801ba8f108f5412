"""The risk lead's dashboard: the figures for a seeded history, both languages, who may see it and
who may act on the automation policy from it, and drift alerts."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.models import Case, Decision, PolicyVersion, ReviewTask
from roca.policy import drift
from roca.policy import service as policy
from roca.storage import session_scope
from roca.storage.base import utcnow
from tests.console import console_user, sign_in
from tests.factories import ato_case

POLICY_POSTS = [
    ("/dashboard/policy/approve", {"version": "v1"}),
    ("/dashboard/policy/recompute", {}),
    ("/dashboard/policy/shadow", {"case_type": "ato", "on": "true"}),
]


def _cell(html: str, testid: str) -> str:
    """The text inside the element carrying ``data-testid``."""
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no {testid} on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _ato_cases(factory: sessionmaker[Session], count: int, prefix: str) -> list[int]:
    with session_scope(factory) as session:
        raws = [ato_case(f"{prefix}-{i}", account_id=f"{prefix}-acct-{i}", events=1) for i in range(count)]
        cases.ingest(session, [submission(raw) for raw in raws], "test")
        query = select(Case.id).where(Case.external_id.like(f"{prefix}-%")).order_by(Case.id)
        return list(session.scalars(query))


def _task(session: Session, case_id: int, kind: str, status: str = "done", **extra: object) -> ReviewTask:
    task = ReviewTask(case_id=case_id, kind=kind, status=status, case_type="ato", priority=1.0,
                      due_at=utcnow() + timedelta(hours=2), **extra)  # fmt: skip
    session.add(task)
    session.flush()
    return task


def _history(factory: sessionmaker[Session]) -> None:
    """10 people's reviews (3 overturn ROCA), 5 automatic decisions and 20 blind audits of automatic
    decisions (2 find ROCA wrong), and 2 open tasks of which one is past due."""
    reviewed, automatic = _ato_cases(factory, 10, "rev"), _ato_cases(factory, 5, "auto")
    audited, waiting = _ato_cases(factory, 20, "qa"), _ato_cases(factory, 2, "open")
    with session_scope(factory) as session:
        for i, case_id in enumerate(reviewed):
            task = _task(session, case_id, "review")
            made = "not_ato" if i < 3 else "confirm_ato"
            session.add(Decision(case_id=case_id, task_id=task.id, decision=made, automatic=False,
                                 actor="rev-a", roca_recommendation="confirm_ato", agrees_with_roca=i >= 3,
                                 risk_probability=0.6))  # fmt: skip
        for case_id in automatic:
            session.add(Decision(case_id=case_id, decision="confirm_ato", automatic=True, actor="roca",
                                 roca_recommendation="confirm_ato", agrees_with_roca=True))  # fmt: skip
        for i, case_id in enumerate(audited):
            roca = "confirm_ato" if i < 10 else "not_ato"
            auditor = roca if i not in (0, 10) else ("not_ato" if roca == "confirm_ato" else "confirm_ato")
            session.add(Decision(case_id=case_id, decision=roca, automatic=True, actor="roca"))
            task = _task(session, case_id, "qa", qa_probability=0.03)
            session.add(Decision(case_id=case_id, task_id=task.id, decision=auditor, automatic=False,
                                 actor="qa-a", roca_recommendation=roca,
                                 agrees_with_roca=auditor == roca))  # fmt: skip
        _task(session, waiting[0], "review", status="open")
        late = _task(session, waiting[1], "review", status="open")
        late.due_at = utcnow() - timedelta(minutes=5)


def test_a_lead_sees_the_figures_of_each_segment(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    _history(session_factory)
    console_user(session_factory, "lena", Role.RISK_LEAD)
    sign_in(client, "lena")
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert _cell(html, "overturn-count-ato") == "3" and _cell(html, "overturn-rate-ato") == "30.0%"
    assert _cell(html, "automation-all-ato") == "71.4%"  # 5 + 20 audited automatic, of 35 decided
    assert _cell(html, "audits-ato") == "20" and _cell(html, "observed-error-ato") == "10.00%"
    upper = float(_cell(html, "observed-upper-ato").rstrip("%"))
    assert 10.0 < upper < 40.0
    assert _cell(html, "kappa-roca-ato") == "0.8"  # agreement 0.9 against 0.5 by chance
    assert _cell(html, "kappa-reviewers-ato") == "not enough data"
    assert _cell(html, "queue-open-ato") == "2" and _cell(html, "queue-breached-ato") == "1"
    assert _cell(html, "overturn-count-kyc") == "0" and _cell(html, "automation-all-kyc") == "no decisions"
    assert html.count("<svg") == 2
    assert "No drift alerts" in html and "No automation policy is in force" in html


def test_the_dashboard_in_chinese(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    _history(session_factory)
    console_user(session_factory, "wei", Role.RISK_LEAD, language="zh")
    sign_in(client, "wei")
    html = client.get("/dashboard?lang=zh").text
    assert '<html lang="zh-CN">' in html
    assert "风险看板" in html and "推翻 ROCA" in html and "队列健康" in html
    assert _cell(html, "overturn-rate-ato") == "30.0%"
    assert _cell(html, "kappa-reviewers-ato") == "数据不足"
    assert "Overturn rate" not in html and "Queue health" not in html


def test_reviewers_are_refused_everything(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    token = sign_in(client, "ana")
    refused = client.get("/dashboard")
    assert refused.status_code == 403 and "Request refused" in refused.text
    assert 'href="/dashboard"' not in client.get("/").text
    for path, form in POLICY_POSTS:
        response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, path
        assert "Request refused" in response.text
    with session_factory() as session:
        assert session.scalar(select(PolicyVersion)) is None  # nothing was recomputed or switched


def test_ml_engineers_read_but_do_not_act(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    console_user(session_factory, "milo", Role.ML_ENGINEER)
    token = sign_in(client, "milo")
    page = client.get("/dashboard")
    assert page.status_code == 200 and "Automation and error" in page.text
    assert 'data-testid="policy-actions"' not in page.text and "/dashboard/policy/" not in page.text
    for path, form in POLICY_POSTS:
        response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, path
    with session_factory() as session:
        assert session.scalar(select(PolicyVersion)) is None


def test_leads_recompute_and_approve_under_four_eyes(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    console_user(session_factory, "lena", Role.RISK_LEAD)
    console_user(session_factory, "omar", Role.RISK_LEAD)
    token = sign_in(client, "lena")
    recomputed = client.post("/dashboard/policy/recompute", data={"csrf_token": token})
    assert recomputed.status_code == 200 and recomputed.url.path == "/dashboard"
    assert _cell(recomputed.text, "dashboard-done").startswith(
        "Thresholds recomputed: version v1 is proposed"
    )
    assert 'data-testid="approve-v1"' in recomputed.text
    own = client.post("/dashboard/policy/approve", data={"version": "v1", "csrf_token": token})
    assert "Four-eyes rule: you proposed version v1" in _cell(own.text, "dashboard-error")
    assert "dashboard-error" not in client.get("/dashboard").text  # shown once, not on every visit

    client.cookies.clear()
    token = sign_in(client, "omar")
    approved = client.post("/dashboard/policy/approve", data={"version": "v1", "csrf_token": token})
    assert _cell(approved.text, "dashboard-done") == "Policy version v1 is now in force."
    assert "Policy in force: v1." in approved.text
    again = client.post("/dashboard/policy/approve", data={"version": "v1", "csrf_token": token})
    assert "no longer waiting for approval" in _cell(again.text, "dashboard-error")
    with session_factory() as session:
        in_force = policy.active(session)
        assert in_force is not None and in_force.version == "v1" and in_force.approved_by == "omar"


def test_shadow_mode_from_the_dashboard(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    console_user(session_factory, "lena", Role.RISK_LEAD)
    token = sign_in(client, "lena")
    on = client.post("/dashboard/policy/shadow", data={"case_type": "ato", "on": "true", "csrf_token": token})
    assert "now runs in shadow mode" in _cell(on.text, "dashboard-done")
    assert "Leave shadow mode" in on.text
    with session_factory() as session:
        assert policy.thresholds_in_force(session)["ato"].shadow is True
    off = client.post(
        "/dashboard/policy/shadow", data={"case_type": "ato", "on": "false", "csrf_token": token}
    )
    assert "recompute the thresholds" in _cell(off.text, "dashboard-error")


def test_a_contraction_shows_as_a_drift_alert(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    justification = {
        "auto_act": {"upper_bound": 0.008, "labelled": 412},
        "auto_clear": {"upper_bound": 0.009},
    }
    with session_scope(session_factory) as session:
        active = PolicyVersion(
            version="v1", status="active", proposed_by="lena", approved_by="omar", approved_at=utcnow(),
            segments={"ato": {"auto_act": 0.95, "auto_clear": None, "alpha": 0.01, "delta": 0.05,
                              "qa_rate": 0.03, "justification": justification}},
        )  # fmt: skip
        session.add(active)
        session.flush()
    console_user(session_factory, "wei", Role.RISK_LEAD, language="zh")
    sign_in(client, "wei")
    before = client.get("/dashboard?lang=en").text
    assert _cell(before, "alpha-ato") == "1.0%"
    assert _cell(before, "certified-auto_act-ato") == "auto-act at 0.95: at most 0.80% (412 labelled)"
    with session_scope(session_factory) as session:
        in_force = policy.active(session)
        assert in_force is not None
        drift.contract(session, in_force, "ato", "7 errors in 9 blind audits exceed alpha")
    after = client.get("/dashboard?lang=en").text
    alerts = after.split('data-testid="drift-alerts"')[1]
    assert "7 errors in 9 blind audits exceeded the guaranteed error" in alerts
    assert "contracted by the drift monitor" in after
    chinese = client.get("/dashboard?lang=zh").text
    assert "9 次盲审中有 7 次错误" in chinese
