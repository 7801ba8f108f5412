"""A month of decisions for dashboard tests and screenshots: people's reviews with ROCA's probability
(some overturning it), automatic decisions and blind audits, a policy in force, one proposed
version and one drift contraction."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.models import Case, Decision, PolicyVersion, ReviewTask
from roca.policy import drift
from roca.storage import session_scope
from roca.storage.base import utcnow
from tests.factories import ato_case

EVIDENCE = {"auto_act": {"upper_bound": 0.0085, "labelled": 312},
            "auto_clear": {"upper_bound": 0.0091, "labelled": 355}}  # fmt: skip
SEGMENT = {"auto_act": 0.95, "auto_clear": 0.05, "alpha": 0.01, "delta": 0.05, "qa_rate": 0.03,
           "labelled": 400, "justification": EVIDENCE}  # fmt: skip


def seed_month(factory: sessionmaker[Session], reviewed: int = 400, automatic: int = 300) -> None:
    rng = random.Random(7)
    now = utcnow()
    with session_scope(factory) as session:
        raws = [ato_case(f"m-{i:04d}", account_id=f"m-{i}", events=1) for i in range(reviewed + automatic)]
        cases.ingest(session, [submission(raw) for raw in raws], "seed")
        ids = list(session.scalars(select(Case.id).where(Case.external_id.like("m-%")).order_by(Case.id)))
        for n, case_id in enumerate(ids[:reviewed]):
            _reviewed(session, case_id, rng, now - timedelta(days=n % 30, seconds=1))
        for n, case_id in enumerate(ids[reviewed:]):
            when = now - timedelta(days=(n * 7) % 30, seconds=2)
            session.add(Decision(case_id=case_id, decision="confirm_ato", automatic=True, actor="roca",
                                 risk_probability=0.97, created_at=when))  # fmt: skip
            if n % 10 == 0:  # a blind audit of one automatic decision in ten
                task = _done_task(session, case_id, "qa", when, qa_probability=0.03)
                made = "not_ato" if n % 50 == 0 else "confirm_ato"
                session.add(Decision(case_id=case_id, task_id=task.id, decision=made, automatic=False,
                                     actor="qa-a", risk_probability=0.97, roca_recommendation="confirm_ato",
                                     agrees_with_roca=made == "confirm_ato", created_at=when))  # fmt: skip
        _policies(session)


def _reviewed(session: Session, case_id: int, rng: random.Random, when: object) -> None:
    p = rng.random() ** 3 if rng.random() < 0.5 else 1 - rng.random() ** 3
    risky = rng.random() < (0.0 if p < 0.2 else 1.0 if p > 0.8 else p)
    roca = "confirm_ato" if p >= 0.5 else "not_ato"
    made = "confirm_ato" if risky else "not_ato"
    task = _done_task(session, case_id, "review", when)
    session.add(Decision(case_id=case_id, task_id=task.id, decision=made, automatic=False, actor="rev-a",
                         risk_probability=p, roca_recommendation=roca, agrees_with_roca=made == roca,
                         created_at=when))  # fmt: skip


def _done_task(session: Session, case_id: int, kind: str, when: object, **extra: object) -> ReviewTask:
    task = ReviewTask(case_id=case_id, kind=kind, status="done", case_type="ato", priority=1.0,
                      due_at=utcnow(), completed_at=when, **extra)  # fmt: skip
    session.add(task)
    session.flush()
    return task


def _policies(session: Session) -> None:
    now = utcnow()
    fraud = {**SEGMENT, "auto_act": 0.9, "auto_clear": None}
    segments = {"ato": dict(SEGMENT), "fraud": fraud}
    v1 = PolicyVersion(version="v1", status="active", proposed_by="lena", approved_by="omar",
                       approved_at=now - timedelta(days=30), segments=segments)  # fmt: skip
    v2 = PolicyVersion(version="v2", status="proposed", proposed_by="omar",
                       segments={"ato": dict(SEGMENT), "fraud": dict(fraud)})  # fmt: skip
    session.add_all([v1, v2])
    session.flush()
    drift.contract(session, v1, "fraud", "6 errors in 31 blind audits exceed alpha")
