"""The case page and its deciding form, as reviewers, QA analysts and leads see and use them."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.repository import latest_scoring
from roca.auth.roles import Role
from roca.config import Settings
from roca.models import CaseScoring, Decision, ReviewTask
from tests.console import console_user, sign_in
from tests.console_cases import ALERT_EMAIL, scored_case_with_task

TOR_IP = "185.220.101.7"  # the sim-swap login, quoted by the "new IP" signal too
NEW_ADDRESS = "TQ9x...f3"


def _scoring(factory: sessionmaker[Session], case_id: int) -> CaseScoring:
    with factory() as session:
        scoring = latest_scoring(session, case_id)
        assert scoring is not None
        session.expunge(scoring)
        return scoring


def _decisions(factory: sessionmaker[Session], case_id: int) -> list[Decision]:
    with factory() as session:
        found = list(session.scalars(select(Decision).where(Decision.case_id == case_id)))
        session.expunge_all()
        return found


def _text(html: str) -> str:
    return unescape(html)


def test_the_case_page_shows_rocas_recommendation_in_english_and_chinese(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    case_id, _ = scored_case_with_task(session_factory, settings, events=40, claimed_by="ana")
    scoring = _scoring(session_factory, case_id)
    sign_in(client, "ana")

    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    shown = _text(page.text)
    assert "ROCA's recommendation" in shown and "Confirm account takeover" in shown
    assert f"{scoring.confidence * 100:.1f}%" in shown
    assert scoring.narrative_en in shown and scoring.route_reason_en in shown
    assert "ato-sim-swap-no-auto-clear" in shown  # the guardrail that fired
    assert 'class="bar-row up"' in page.text  # contributions toward risk, drawn as bars
    assert "ATO-3.2" in shown and "SOP clauses cited" in shown
    assert 'class="ev ev-security"' in page.text and 'class="ev ev-withdrawal"' in page.text
    assert "Security change" in shown and "Money out" in shown  # not colour alone
    assert 'href="/accounts/' in page.text

    chinese = _text(client.get(f"/cases/{case_id}?lang=zh").text)
    assert scoring.narrative_zh in chinese and scoring.route_reason_zh in chinese
    assert "确认账户被盗" in chinese and f"{scoring.confidence * 100:.1f}%" in chinese
    assert scoring.narrative_en not in chinese


def test_a_qa_audit_is_blind_for_everyone_but_policy_approvers(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "quinn", Role.QA)
    console_user(session_factory, "lee", Role.RISK_LEAD)
    case_id, _ = scored_case_with_task(session_factory, settings, kind="qa", claimed_by="quinn")
    scoring = _scoring(session_factory, case_id)
    answer = [
        scoring.narrative_en,
        scoring.narrative_zh,
        scoring.route_reason_en,
        "ato-sim-swap-no-auto-clear",
        f"{scoring.confidence * 100:.1f}%",
        "ROCA's recommendation",
        "by ROCA automatically",
    ]
    sign_in(client, "quinn")

    audit = client.get(f"/cases/{case_id}")
    assert audit.status_code == 200
    shown = _text(audit.text)
    assert "Blind review" in shown and 'id="decision-form"' in audit.text
    assert not [leak for leak in answer if leak in shown]
    assert "data-recommended" not in audit.text and "bar-row" not in audit.text
    assert "ato.new_device" in audit.text  # the signals themselves stay, without their weights

    sign_in(client, "lee")
    lead = _text(client.get(f"/cases/{case_id}").text)
    assert scoring.narrative_en in lead and "by ROCA automatically" in lead


def test_a_shadow_review_is_blind_to_the_reviewer(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    case_id, _ = scored_case_with_task(session_factory, settings, kind="shadow", claimed_by="ana")
    scoring = _scoring(session_factory, case_id)
    sign_in(client, "ana")
    shown = _text(client.get(f"/cases/{case_id}").text)
    assert "Blind review" in shown and scoring.narrative_en not in shown
    assert f"{scoring.confidence * 100:.1f}%" not in shown


def test_personal_data_is_masked_for_reviewers_and_shown_to_senior_reviewers(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    console_user(session_factory, "sam", Role.SENIOR_REVIEWER)
    ato_id, _ = scored_case_with_task(session_factory, settings, events=20, linked_accounts=1)
    kyc_id, _ = scored_case_with_task(session_factory, settings, case_type="kyc")
    raw = [TOR_IP, "116.86.4.20", NEW_ADDRESS, ALERT_EMAIL, "JOAO P SILVA", "1994-02-11"]

    sign_in(client, "ana")
    reviewer = _text(client.get(f"/cases/{ato_id}").text + client.get(f"/cases/{kyc_id}").text)
    assert not [value for value in raw if value in reviewer]
    assert "185.220.101.•" in reviewer and "a•••@example.com" in reviewer and "J• P• S•" in reviewer
    assert "1994-••-••" in reviewer and "TQ•••" in reviewer

    sign_in(client, "sam")
    senior = _text(client.get(f"/cases/{ato_id}").text + client.get(f"/cases/{kyc_id}").text)
    assert all(value in senior for value in raw)
    assert "linked-acct-0-" in senior  # shares the Tor IP, the new device and the address


def test_annotations_are_escaped(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "sam", Role.SENIOR_REVIEWER)
    case_id, _ = scored_case_with_task(session_factory, settings, claimed_by="sam")
    csrf = sign_in(client, "sam")
    posted = client.post(
        f"/cases/{case_id}/decision",
        data={"csrf_token": csrf, "decision": "confirm_ato", "annotation": "<script>alert(1)</script>"},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text[:500]
    page = client.get(f"/cases/{case_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_an_overturn_needs_a_root_cause_and_keeps_what_was_typed(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    case_id, _ = scored_case_with_task(session_factory, settings, claimed_by="ana")
    csrf = sign_in(client, "ana")
    refused = client.post(
        f"/cases/{case_id}/decision",
        data={"csrf_token": csrf, "decision": "not_ato", "annotation": "客户已报备换号。",
              "misleading": "ato.new_device", "missing_signal": "support ticket history"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert 'id="root_cause-error"' in refused.text and "annotation-error" not in refused.text
    assert "your decision differs from ROCA" in _text(refused.text)
    assert 'value="not_ato" data-key="1" required checked' in refused.text
    assert ">客户已报备换号。</textarea>" in refused.text
    assert (
        'value="ato.new_device" checked' in refused.text and 'value="support ticket history"' in refused.text
    )
    assert _decisions(session_factory, case_id) == []

    too_long = client.post(
        f"/cases/{case_id}/decision",
        data={"csrf_token": csrf, "decision": "not_ato", "root_cause": "misweighted_signal",
              "annotation": "一。二。三。四。"},
    )  # fmt: skip
    assert too_long.status_code == 422 and 'id="annotation-error"' in too_long.text
    assert "at most 3 sentences" in too_long.text and 'class="counter over"' in too_long.text


def test_a_valid_overturn_is_stored_and_the_next_case_follows(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    case_id, task_id = scored_case_with_task(session_factory, settings, claimed_by="ana")
    waiting_id, _ = scored_case_with_task(session_factory, settings)
    csrf = sign_in(client, "ana")
    note = "用户提前通过客服报备了换号。设备和地址均为本人所有。"
    decided = client.post(
        f"/cases/{case_id}/decision",
        data={"csrf_token": csrf, "decision": "not_ato", "root_cause": "misweighted_signal",
              "annotation": note, "misleading": ["ato.phone_change_via_support", "not.a_signal"],
              "missing_signal": "support ticket"},
        follow_redirects=False,
    )  # fmt: skip
    assert decided.status_code == 303 and decided.headers["location"] == f"/cases/{waiting_id}"
    (made,) = _decisions(session_factory, case_id)
    assert (made.decision, made.root_cause, made.annotation) == ("not_ato", "misweighted_signal", note)
    assert made.agrees_with_roca is False and made.actor == "ana" and made.task_id == task_id
    assert made.signal_marks == [
        {"kind": "misleading", "signal": "ato.phone_change_via_support", "note": ""},
        {"kind": "missing", "signal": "support ticket", "note": ""},
    ]
    assert "Overturns ROCA" in client.get(f"/cases/{case_id}").text

    following = client.get(f"/cases/{waiting_id}")
    assert 'id="decision-form"' in following.text  # claimed for ana on the way
    last = client.post(
        f"/cases/{waiting_id}/decision",
        data={"csrf_token": csrf, "decision": "confirm_ato"},
        follow_redirects=False,
    )
    assert last.status_code == 303 and last.headers["location"] == "/?empty=1"


def test_a_blind_overturn_is_recorded_then_explained_and_the_next_audit_follows(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "quinn", Role.QA)
    case_id, _ = scored_case_with_task(session_factory, settings, kind="qa", claimed_by="quinn")
    csrf = sign_in(client, "quinn")
    # Asking for a root cause before the blind decision is recorded would reveal ROCA's answer.
    audited = client.post(
        f"/cases/{case_id}/decision",
        data={"csrf_token": csrf, "decision": "not_ato"},
        follow_redirects=False,
    )
    assert audited.status_code == 303 and audited.headers["location"] == f"/cases/{case_id}#explain"
    made = [d for d in _decisions(session_factory, case_id) if not d.automatic]
    assert [(d.decision, d.agrees_with_roca, d.root_cause) for d in made] == [("not_ato", False, None)]
    page = client.get(f"/cases/{case_id}").text
    assert "Why was ROCA wrong?" in page and "Confirm account takeover" in unescape(page)
    refused = client.post(f"/cases/{case_id}/explanation", data={"csrf_token": csrf, "annotation": ""})
    assert refused.status_code == 422 and "Choose a root cause" in refused.text
    explained = client.post(
        f"/cases/{case_id}/explanation",
        data={"csrf_token": csrf, "root_cause": "data_quality", "annotation": "设备记录有误。用户本人操作。"},
        follow_redirects=False,
    )
    assert explained.status_code == 303 and explained.headers["location"] == "/qa?empty=1"
    made = [d for d in _decisions(session_factory, case_id) if not d.automatic]
    assert [(d.root_cause, d.annotation) for d in made] == [("data_quality", "设备记录有误。用户本人操作。")]
    again = client.post(
        f"/cases/{case_id}/explanation", data={"csrf_token": csrf, "root_cause": "other", "annotation": "x."}
    )
    assert again.status_code == 403  # explained once; nothing left to explain


def test_only_the_holder_of_the_task_may_decide_or_release(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    console_user(session_factory, "bob", Role.REVIEWER)
    held_id, held_task = scored_case_with_task(session_factory, settings, claimed_by="ana")
    open_id, _ = scored_case_with_task(session_factory, settings)
    csrf = sign_in(client, "bob")
    assert 'id="decision-form"' not in client.get(f"/cases/{held_id}").text
    for case_id in (held_id, open_id):
        refused = client.post(f"/cases/{case_id}/decision", data={"csrf_token": csrf, "decision": "not_ato"})
        assert refused.status_code == 403 and "Request refused" in refused.text
        assert client.post(f"/cases/{case_id}/release", data={"csrf_token": csrf}).status_code == 403
    assert _decisions(session_factory, held_id) == [] and _decisions(session_factory, open_id) == []
    assert (
        client.post(f"/cases/{held_id}/decision", data={"decision": "not_ato"}).status_code == 403
    )  # no CSRF

    csrf = sign_in(client, "ana")
    released = client.post(f"/cases/{held_id}/release", data={"csrf_token": csrf}, follow_redirects=False)
    assert released.status_code == 303 and released.headers["location"] == "/"
    with session_factory() as session:
        task = session.get(ReviewTask, held_task)
        assert task is not None and (task.status, task.claimed_by) == ("open", None)


def test_roles_that_do_not_review_cannot_decide_even_holding_a_task(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    for username, role in (("mel", Role.ML_ENGINEER), ("ivy", Role.INTAKE)):
        console_user(session_factory, username, role)
        case_id, _ = scored_case_with_task(session_factory, settings, claimed_by=username)
        csrf = sign_in(client, username)
        page = client.get(f"/cases/{case_id}")
        assert page.status_code == 200 and 'id="decision-form"' not in page.text
        refused = client.post(f"/cases/{case_id}/decision", data={"csrf_token": csrf, "decision": "not_ato"})
        assert refused.status_code == 403 and "Request refused" in refused.text
        assert _decisions(session_factory, case_id) == []


def test_an_unknown_case_is_a_not_found_page(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    sign_in(client, "ana")
    missing = client.get("/cases/987654")
    assert missing.status_code == 404 and "There is nothing here" in missing.text
