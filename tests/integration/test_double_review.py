"""Reviewer-vs-reviewer agreement needs a double-review sample: a known share of people's decisions
get a blind second review by someone else, which labels the case without deciding it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.errors import Conflict
from roca.models import ActionOutbox, Case, CaseScoring, Decision, ReviewTask
from roca.oversight import service as oversight
from roca.policy import service as policy
from roca.review import service as review
from roca.storage import session_scope
from tests.conftest import TokenFor
from tests.factories import ato_case

CASES = 400


def _person(factory: sessionmaker[Session], name: str, role: Role = Role.REVIEWER) -> Principal:
    with session_scope(factory) as session:
        user = create_user(session, UserCreate(username=name, password="pa55word!", role=role), "t")
        return Principal(user_id=user.id, username=user.username, role=role)


def _scored_queue(factory: sessionmaker[Session], count: int) -> None:
    """``count`` ATO cases ROCA scored (it recommends confirm_ato), each with an open review task."""
    with session_scope(factory) as session:
        raws = [ato_case(f"d-{i:04d}", account_id=f"acct-{i}", events=1) for i in range(count)]
        cases.ingest(session, [submission(raw) for raw in raws], "t")
        for case in session.scalars(select(Case).order_by(Case.id)):
            scoring = CaseScoring(
                case_id=case.id, source="rules", rules_version="test", decision="confirm_ato", confidence=0.8,
                risk_probability=0.8, probabilities={"confirm_ato": 0.8, "not_ato": 0.2}, contributions=[],
                sop_clauses=[], guardrails=[], signals=[], narrative_en="", narrative_zh="",
                narrative_source="template", route="review",
            )  # fmt: skip
            session.add(scoring)
            case.status = "queued"
            review.open_task(session, case, scoring)


def _decide_everything(factory: sessionmaker[Session], who: Principal) -> int:
    """``who`` takes the next case until none is left for them; the number decided."""
    decided = 0
    while True:
        with session_scope(factory) as session:
            task = review.claim_next(session, who)
            if task is None:
                return decided
            assert task.kind == "review"  # never a second review of their own decision
            if decided % 4 == 0:
                review.decide(session, task.id, who, "not_ato", root_cause="misweighted_signal",
                              annotation="Known device and a call-back confirmed the user.")  # fmt: skip
            else:
                review.decide(session, task.id, who, "confirm_ato")
            decided += 1


def _second_reviews(factory: sessionmaker[Session]) -> list[ReviewTask]:
    with factory() as session:
        query = select(ReviewTask).where(ReviewTask.kind == review.SECOND_REVIEW).order_by(ReviewTask.id)
        return list(session.scalars(query))


def test_second_reviews_are_sampled_at_the_known_rate_and_never_go_to_the_first_reviewer(
    client: TestClient, session_factory: sessionmaker[Session], auth_headers: TokenFor
) -> None:
    _scored_queue(session_factory, CASES)
    ana = _person(session_factory, "ana")
    assert _decide_everything(session_factory, ana) == CASES

    opened = _second_reviews(session_factory)
    with session_factory() as session:
        case_ids = list(session.scalars(select(Case.id)))
    assert len(opened) == sum(review.sampled_for_double_review(case_id) for case_id in case_ids)
    # Binomial(400, 5 %): 20 expected, 6..34 holds with probability > 99.9 %.
    assert 6 <= len(opened) <= 34
    assert all(task.status == "open" and task.claimed_by is None for task in opened)
    assert all(task.qa_probability == review.DOUBLE_REVIEW_RATE for task in opened)
    with session_scope(session_factory) as session:
        assert review.claim_next(session, ana) is None  # they are waiting, but not for ana

    second, claimed = auth_headers(Role.REVIEWER), set()
    for n in range(len(opened)):
        task = client.get("/api/v1/review/next", headers=second).json()
        assert task["kind"] == "second_review" and task["recommendation"] is None
        case = client.get(f"/api/v1/cases/{task['case_id']}", headers=second).json()
        assert case["decision"] is None and case["recommendation"] is None  # ana's answer stays hidden
        verdict = "not_ato" if n % 2 else "confirm_ato"  # no reason needed: they never saw ROCA's answer
        made = client.post(
            f"/api/v1/review/{task['task_id']}/decision", json={"decision": verdict}, headers=second
        )
        assert made.status_code == 200, made.text
        assert made.json()["status"] == "label"
        claimed.add(task["task_id"])
    assert client.get("/api/v1/review/next", headers=second).status_code == 204
    assert claimed == {task.id for task in opened}

    with session_factory() as session:
        for task in opened:
            stored = session.get(Case, task.case_id)
            assert stored is not None and stored.status == "decided"  # the label changed nothing
            kept = review.latest_decision(session, task.case_id)
            assert kept is not None and kept.actor == "ana"
        labels = select(Decision.id).where(Decision.status == review.LABEL_ONLY)
        assert session.scalar(select(func.count()).select_from(ActionOutbox).where(
            ActionOutbox.decision_id.in_(labels))) == 0  # fmt: skip
        assert len(policy.labelled_cases(session, "ato")[0]) == CASES  # each case counted once
        figures = next(s for s in oversight.dashboard(session).segments if s.case_type == "ato")
    assert figures.reviewer_agreement.pairs == len(opened)
    assert figures.overturns.total == CASES  # second opinions are not overturns


def test_a_second_review_cannot_be_handed_to_the_first_reviewer(
    session_factory: sessionmaker[Session],
) -> None:
    _scored_queue(session_factory, 40)
    ana, ben = _person(session_factory, "ana"), _person(session_factory, "ben")
    lead = _person(session_factory, "lena", Role.RISK_LEAD)
    _decide_everything(session_factory, ana)
    opened = _second_reviews(session_factory)
    assert opened, "40 decisions sample at least one second review with these case ids"
    with session_scope(session_factory) as session, pytest.raises(Conflict, match="second review"):
        review.reassign(session, opened[0].id, ana, lead)
    with session_scope(session_factory) as session:
        assert review.reassign(session, opened[0].id, ben, lead).claimed_by == ben.user_id
