"""The review queue: most urgent first, leases that expire, each task decided exactly once even
with many reviewers at once, and feedback that an ML engineer can act on."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.errors import Forbidden, ValidationFailed
from roca.models import Case, Decision, ReviewTask
from roca.review import service as review
from roca.storage import session_scope
from tests.factories import ato_case


def _reviewers(factory: sessionmaker[Session], count: int) -> list[Principal]:
    people = []
    with session_scope(factory) as session:
        for i in range(count):
            user = create_user(
                session, UserCreate(username=f"rev-{i}", password="pa55word!", role=Role.REVIEWER), "t"
            )
            people.append(Principal(user_id=user.id, username=user.username, role=Role.REVIEWER))
    return people


def _queue(factory: sessionmaker[Session], count: int) -> None:
    """``count`` queued ATO cases with one open review task each; amounts set the priority."""
    with session_scope(factory) as session:
        raws = [
            ato_case(f"q-{i:05d}", account_id=f"a-{i % 50}", events=2, amount_at_risk_usd=float(i + 1))
            for i in range(count)
        ]
        cases.ingest(session, [submission(raw) for raw in raws], "t")
        for case in session.scalars(select(Case)):
            case.status = "queued"
            review.open_task(session, case, None)


def test_most_urgent_first_and_feedback_rules(session_factory: sessionmaker[Session]) -> None:
    _queue(session_factory, 5)
    (reviewer,) = _reviewers(session_factory, 1)
    with session_scope(session_factory) as session:
        task = review.claim_next(session, reviewer)
        assert task is not None
        case = session.get(Case, task.case_id)
        assert case is not None and case.external_id == "q-00004" and case.status == "in_review"
        with pytest.raises(ValidationFailed) as refused:
            review.decide(session, task.id, reviewer, "phishing")
        assert refused.value.errors[0].path == "decision"
        made = review.decide(session, task.id, reviewer, "confirm_ato", annotation="Clear SIM swap pattern.")
        assert made.agrees_with_roca is None and case.status == "decided"


def test_an_expired_lease_comes_back(session_factory: sessionmaker[Session]) -> None:
    _queue(session_factory, 1)
    first, second = _reviewers(session_factory, 2)
    with session_scope(session_factory) as session:
        task = review.claim_next(session, first, lease=timedelta(seconds=-1))
        assert task is not None
        taken_id = task.id
    with session_scope(session_factory) as session:
        again = review.claim_next(session, second)
        assert again is not None and again.id == taken_id and again.claimed_by == second.user_id
    with session_scope(session_factory) as session, pytest.raises(Forbidden):
        review.decide(session, taken_id, first, "not_ato")  # the claim passed to someone else


@pytest.mark.slow
def test_sixteen_reviewers_decide_each_task_exactly_once(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    tasks = 2000 if database_url.startswith("postgresql") else 400
    _queue(session_factory, tasks)
    reviewers = _reviewers(session_factory, 16)
    errors: list[BaseException] = []

    def work(who: Principal) -> None:
        try:
            while True:
                with session_scope(session_factory) as session:
                    task = review.claim_next(session, who)
                    if task is None:
                        return
                    review.decide(session, task.id, who, "not_ato")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(who,)) for who in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == tasks
        assert session.scalar(select(func.count(func.distinct(Decision.task_id)))) == tasks
        assert (
            session.scalar(select(func.count()).select_from(ReviewTask).where(ReviewTask.status != "done"))
            == 0
        )
        deciders = session.scalar(select(func.count(func.distinct(Decision.user_id))))
    assert deciders is not None and deciders > 1
