"""Policy versions: certified thresholds from labels, four-eyes approval, and what scoring then does."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.config import Settings
from roca.errors import Forbidden
from roca.models import AuditRecord, Case, Decision, ReviewTask
from roca.policy import service as policy
from roca.storage import session_scope
from roca.storage.base import utcnow
from tests.conftest import TokenFor
from tests.factories import ato_case


def _labelled_history(factory: sessionmaker[Session], n: int = 3000) -> None:
    """Reviewed ATO cases whose outcome follows ROCA's probability (well calibrated, separable)."""
    rng = random.Random(4)
    with session_scope(factory) as session:
        cases.ingest(
            session, [submission(ato_case(f"h-{i}", account_id=f"a-{i}", events=1)) for i in range(n)], "t"
        )
        for case in session.scalars(select(Case)):
            p = rng.random() ** 3 if rng.random() < 0.5 else 1 - rng.random() ** 3
            risky = rng.random() < (0.0 if p < 0.3 else 1.0 if p > 0.7 else p)
            task = ReviewTask(
                case_id=case.id, kind="review", status="done", case_type="ato", priority=1.0, due_at=utcnow()
            )
            session.add(task)
            session.flush()
            decision = "confirm_ato" if risky else "not_ato"
            session.add(Decision(case_id=case.id, task_id=task.id, decision=decision,
                                 automatic=False, actor="rev", risk_probability=p))  # fmt: skip


def _person(factory: sessionmaker[Session], name: str, role: Role) -> Principal:
    with session_scope(factory) as session:
        user = create_user(session, UserCreate(username=name, password="pa55word!", role=role), "t")
        return Principal(user_id=user.id, username=user.username, role=role)


def test_recompute_certifies_and_four_eyes_approves(
    settings: Settings, session_factory: sessionmaker[Session], client: TestClient, auth_headers: TokenFor
) -> None:
    _labelled_history(session_factory)
    lead, other_lead = (
        _person(session_factory, "lead-a", Role.RISK_LEAD),
        _person(session_factory, "lead-b", Role.RISK_LEAD),
    )
    reviewer = _person(session_factory, "rev-a", Role.REVIEWER)
    with session_scope(session_factory) as session:
        proposed = policy.recompute(session, lead.username, settings)
        ato = proposed.segments["ato"]
        assert ato["auto_act"] is not None and ato["auto_clear"] is not None and ato["labelled"] == 3000
        assert ato["justification"]["auto_act"]["labelled"] >= 299
        assert proposed.segments["kyc"]["auto_act"] is None  # no labels, no automation
        version = proposed.version
    with session_scope(session_factory) as session, pytest.raises(Forbidden, match="four-eyes"):
        policy.approve(session, version, lead, settings)
    with session_scope(session_factory) as session, pytest.raises(Forbidden):
        policy.approve(session, version, reviewer, settings)
    with (
        session_scope(session_factory) as session,
        pytest.raises(Forbidden, match="automatic approval is off"),
    ):
        policy.approve(session, version, None, settings)
    with session_scope(session_factory) as session:
        assert policy.approve(session, version, other_lead, settings).status == "active"
        assert policy.thresholds_in_force(session)["ato"].auto_act == ato["auto_act"]
    shown = client.get("/api/v1/policy", headers=auth_headers(Role.REVIEWER)).json()
    assert shown["version"] == version and shown["approved_by"] == "lead-b"


def test_automatic_approval_is_a_setting_and_is_audited(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    _labelled_history(session_factory, 400)
    auto = settings.model_copy(update={"policy_auto_approve": True})
    with session_scope(session_factory) as session:
        version = policy.recompute(session, "roca", auto).version
        assert policy.approve(session, version, None, auto).approved_by == "roca:auto-approval"
    with session_factory() as session:
        approved = session.scalar(select(AuditRecord).where(AuditRecord.action == "policy.approved"))
        assert approved is not None and approved.payload["automatic"] is True


def test_audited_errors_contract_the_segment_at_once(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    from roca.review import service as review

    _labelled_history(session_factory)
    auto = settings.model_copy(update={"policy_auto_approve": True})
    with session_scope(session_factory) as session:
        version = policy.recompute(session, "roca", auto).version
        policy.approve(session, version, None, auto)
    qa = _person(session_factory, "qa-a", Role.QA)
    with session_scope(session_factory) as session:
        cases.ingest(
            session, [submission(ato_case(f"d-{i}", account_id=f"d-{i}", events=1)) for i in range(60)], "t"
        )
        for case in session.scalars(select(Case).where(Case.external_id.like("d-%"))):
            case.status = "qa_pending"
            session.add(
                Decision(
                    case_id=case.id,
                    decision="confirm_ato",
                    automatic=True,
                    actor="roca",
                    risk_probability=0.99,
                )
            )
            review.open_task(session, case, None, kind="qa", qa_probability=0.03)
    contracted_after = None
    for audit in range(60):  # a novel pattern: ROCA's automatic confirmations are now mostly wrong
        with session_scope(session_factory) as session:
            task = review.claim_next(session, qa, kind="qa")
            assert task is not None
            review.decide(
                session, task.id, qa, "not_ato", root_cause="novel_pattern", annotation="New pattern."
            )
            if policy.thresholds_in_force(session)["ato"].auto_act is None:
                contracted_after = audit + 1
                break
    assert contracted_after is not None and contracted_after <= 10
    with session_factory() as session:
        in_force = policy.active(session)
        assert in_force is not None and in_force.segments["ato"]["contracted"]["reason"].startswith(
            f"{contracted_after} errors"
        )
        assert in_force.segments["ato"]["qa_rate"] == 0.06
        assert (
            session.scalar(select(AuditRecord).where(AuditRecord.action == "policy.contracted")) is not None
        )
