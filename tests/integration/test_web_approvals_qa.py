"""Four-eyes approvals and blind QA audits in the console."""

from __future__ import annotations

import re

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.repository import latest_scoring
from roca.auth.repository import user_by_username
from roca.auth.roles import Role
from roca.auth.schemas import Principal
from roca.config import Settings
from roca.models import ActionOutbox, Case, Decision, ReviewTask
from roca.review import service as review
from roca.storage import session_scope
from tests.console import console_user, csrf_from, sign_in
from tests.console_cases import scored_case_with_task

ANNOTATION = "SIM swap via support, then <script>alert(1)</script> a rushed withdrawal."


def _waiting_for_approval(factory: sessionmaker[Session], settings: Settings) -> tuple[int, int]:
    """A VIP freeze decided by senior reviewer "sam": (case id, decision id) awaiting a second person."""
    console_user(factory, "sam", Role.SENIOR_REVIEWER)
    case_id, task_id = scored_case_with_task(factory, settings, vip_tier=3, claimed_by="sam")
    with session_scope(factory) as session:
        sam = user_by_username(session, "sam")
        assert sam is not None
        who = Principal(user_id=sam.id, username="sam", role=Role.SENIOR_REVIEWER)
        made = review.decide(session, task_id, who, "confirm_ato", annotation=ANNOTATION)
        assert made.status == "awaiting_second_approval"
        return case_id, made.id


def _settle(client: TestClient, decision_id: int, approve: str, note: str = "") -> httpx2.Response:
    token = csrf_from(client, "/")
    data = {"csrf_token": token, "approve": approve, "note": note}
    return client.post(f"/approvals/{decision_id}", data=data, follow_redirects=False)


def test_a_senior_reviewer_approves_a_pending_four_eyes_decision(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    case_id, decision_id = _waiting_for_approval(session_factory, settings)
    console_user(session_factory, "lee", Role.SENIOR_REVIEWER)
    sign_in(client, "lee")
    page = client.get("/approvals")
    assert page.status_code == 200
    assert f'href="/cases/{case_id}"' in page.text and "Confirm account takeover" in page.text
    assert "sam" in page.text and "$18,250.00" in page.text  # first reviewer, amount at risk
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
    assert f'action="/approvals/{decision_id}"' in page.text

    response = _settle(client, decision_id, "1", "called the customer")
    assert response.status_code == 303
    done = client.get(response.headers["location"])
    assert f"Approved: the action on case #{case_id}" in done.text
    assert "No decision is waiting for a second approval." in done.text
    with session_factory() as session:
        made = session.get(Decision, decision_id)
        assert made is not None and made.status == "final" and made.second_approver == "lee"
        assert session.get(Case, case_id).status == "decided"  # type: ignore[union-attr]
        sent = list(session.scalars(select(ActionOutbox)))
        assert [(a.action, a.status) for a in sent] == [("ato.confirm_ato", "pending")]


def test_the_first_reviewer_cannot_approve_their_own_decision(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _, decision_id = _waiting_for_approval(session_factory, settings)
    sign_in(client, "sam")
    page = client.get("/approvals")
    assert "You made this decision: another approver must settle it." in page.text
    assert f'action="/approvals/{decision_id}"' not in page.text  # no buttons on one's own
    refused = _settle(client, decision_id, "1", "mine, but urgent")
    assert refused.status_code == 409
    assert "Four-eyes rule: a different person must approve or refuse it." in refused.text
    with session_factory() as session:
        made = session.get(Decision, decision_id)
        assert made is not None and made.status == "awaiting_second_approval"
        assert not list(session.scalars(select(ActionOutbox)))


def test_a_reject_sends_the_case_back_to_review(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    case_id, decision_id = _waiting_for_approval(session_factory, settings)
    console_user(session_factory, "lead", Role.RISK_LEAD)
    sign_in(client, "lead")
    response = _settle(client, decision_id, "0", "call the user first")
    assert response.status_code == 303
    assert (
        f"Refused: case #{case_id} is back in the review queue."
        in client.get(response.headers["location"]).text
    )
    again = _settle(client, decision_id, "1")  # a second click on a stale page
    assert again.status_code == 409 and "already been approved or refused" in again.text
    with session_factory() as session:
        assert session.get(Decision, decision_id).status == "rejected"  # type: ignore[union-attr]
        reopened = session.scalar(select(ReviewTask).where(ReviewTask.case_id == case_id,
                                                           ReviewTask.status == "open"))  # fmt: skip
        assert reopened is not None and reopened.kind == "review"
        assert not list(session.scalars(select(ActionOutbox)))


def test_an_approval_without_a_choice_keeps_the_note(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _, decision_id = _waiting_for_approval(session_factory, settings)
    console_user(session_factory, "lee", Role.SENIOR_REVIEWER)
    sign_in(client, "lee")
    response = _settle(client, decision_id, "", "checked the <b>device</b> history")
    assert response.status_code == 422
    assert "Choose Approve or Refuse." in response.text
    assert "checked the &lt;b&gt;device&lt;/b&gt; history</textarea>" in response.text


def test_a_reviewer_may_not_open_or_post_approvals(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _, decision_id = _waiting_for_approval(session_factory, settings)
    console_user(session_factory, "rita", Role.REVIEWER)
    sign_in(client, "rita")
    page = client.get("/approvals")
    assert page.status_code == 403 and "Your role does not allow" in page.text
    assert _settle(client, decision_id, "1").status_code == 403
    assert 'href="/approvals"' not in client.get("/").text
    with session_factory() as session:
        assert session.get(Decision, decision_id).status == "awaiting_second_approval"  # type: ignore[union-attr]


# -- QA ----------------------------------------------------------------------------------------------


def test_qa_analyst_sees_the_count_and_claims_the_next_audit(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "quinn", Role.QA)
    case_id, task_id = scored_case_with_task(session_factory, settings, kind="qa")
    scored_case_with_task(session_factory, settings, kind="qa", case_type="kyc")
    scored_case_with_task(session_factory, settings, kind="review")  # not an audit: not counted
    sign_in(client, "quinn")
    page = client.get("/qa")
    assert page.status_code == 200
    assert re.search(r"Account takeover</td><td class=\"num\">1<", page.text)
    assert re.search(r"KYC</td><td class=\"num\">1<", page.text)
    assert '<td class="num" id="qa-total">2</td>' in page.text
    _assert_blind(page.text, session_factory, case_id)

    claimed = client.post("/qa/next", data={"csrf_token": csrf_from(client, "/qa")}, follow_redirects=False)
    assert claimed.status_code == 303
    claimed_case = int(claimed.headers["location"].removeprefix("/cases/"))
    with session_factory() as session:
        task = session.scalar(select(ReviewTask).where(ReviewTask.case_id == claimed_case))
        assert task is not None and task.kind == "qa" and task.status == "claimed"
    after = client.get("/qa")
    assert '<td class="num" id="qa-total">1</td>' in after.text
    assert f'href="/cases/{claimed_case}"' in after.text  # my claimed audits
    _assert_blind(after.text, session_factory, case_id)
    assert task_id


def test_next_audit_with_nothing_waiting(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    console_user(session_factory, "quinn", Role.QA)
    sign_in(client, "quinn")
    response = client.post("/qa/next", data={"csrf_token": csrf_from(client, "/qa")}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/qa?empty=1"
    assert "No audit is waiting. Well done." in client.get("/qa?empty=1").text


def test_a_reviewer_may_not_open_qa_or_claim_an_audit(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    scored_case_with_task(session_factory, settings, kind="qa")
    console_user(session_factory, "rita", Role.REVIEWER)
    sign_in(client, "rita")
    assert client.get("/qa").status_code == 403
    posted = client.post("/qa/next", data={"csrf_token": csrf_from(client, "/")}, follow_redirects=False)
    assert posted.status_code == 403
    with session_factory() as session:
        assert session.scalar(select(ReviewTask.status).where(ReviewTask.kind == "qa")) == "open"


def test_qa_page_in_chinese(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "qiao", Role.QA, language="zh")
    scored_case_with_task(session_factory, settings, kind="qa")
    sign_in(client, "qiao")
    page = client.get("/qa")
    assert "质检抽查" in page.text and "下一个质检任务" in page.text and "账户盗用" in page.text


def _assert_blind(html: str, factory: sessionmaker[Session], case_id: int) -> None:
    """Neither ROCA's decision nor its confidence appears on the QA page."""
    with factory() as session:
        scoring = latest_scoring(session, case_id)
        assert scoring is not None
        automatic = session.scalar(select(Decision.decision).where(Decision.case_id == case_id))
    for label in ("Confirm account takeover", "Not account takeover", "confirm_ato", "not_ato"):
        assert label not in html
    assert automatic in ("confirm_ato", "not_ato")
    assert f"{round(scoring.confidence * 100)}%" not in html and "confidence" not in html.lower()
