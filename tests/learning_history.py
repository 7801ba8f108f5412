"""Builders of labelled history for learning tests: simulated ATO days with their ground truth.

``reviewed_through_the_product`` goes the way production does (intake, the scorer, reviewers
claiming and deciding through ``roca.review.service``); ``labelled_quickly`` stores the same kind
of history directly (cases, one scoring with the simulator's signal values, decisions), for tests
that need more labels than the real path makes in a few seconds.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent import registry
from roca.agent.repository import latest_scoring
from roca.agent.service import Scorer
from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.models import Case, CaseScoring, Decision, ReviewTask
from roca.review import service as review
from roca.signals import catalog
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import replay
from roca.storage import session_scope
from roca.storage.base import utcnow

Simulated = tuple[dict[str, Any], str, list[Any]]  # the case as sent, the truth, its signal values


@functools.cache
def simulated_days(days: int, per_day: int, seed: int = 5) -> tuple[tuple[Simulated, ...], ...]:
    """Per day, the ATO cases of a simulated exchange with their true label and signal values."""
    config = SimulationConfig(seed=seed, per_day=per_day, mix={"ato": 1.0})
    return tuple(
        tuple((c.simulated.case, c.simulated.truth.label, list(c.values)) for c in day_cases)
        for _, day_cases in replay(Exchange(config), range(days))
    )


def reviewer(factory: sessionmaker[Session], name: str = "rev-1") -> Principal:
    with session_scope(factory) as session:
        user = create_user(session, UserCreate(username=name, password="pa55word!", role=Role.REVIEWER), "t")
        return Principal(user_id=user.id, username=user.username, role=Role.REVIEWER)


def reviewed_through_the_product(factory: sessionmaker[Session], days: list[tuple[Simulated, ...]]) -> int:
    """Each day: intake, scoring and routing, then a reviewer decides every task with the truth.
    Returns how many decisions were made."""
    person, decided = reviewer(factory), 0
    for day in days:
        truth = {raw["external_id"]: label for raw, label, _ in day}
        with session_scope(factory) as session:
            cases.ingest(session, [submission(raw) for raw, _, _ in day], "upstream")
            Scorer().score_pending(session, limit=len(day))
        with session_scope(factory) as session:
            while (task := review.claim_next(session, person)) is not None:
                _decide(session, task, person, truth)
                decided += 1
    return decided


def _decide(session: Session, task: ReviewTask, who: Principal, truth: dict[str, str]) -> None:
    case = session.get(Case, task.case_id)
    assert case is not None
    label = truth[case.external_id]
    scoring = latest_scoring(session, case.id)
    agrees = scoring is not None and scoring.decision == label
    feedback = {} if agrees else {"root_cause": "misweighted_signal", "annotation": "Checked the timeline."}
    review.decide(session, task.id, who, label, **feedback)


def labelled_quickly(
    factory: sessionmaker[Session], days: list[tuple[Simulated, ...]], *, automated_every: int = 0
) -> dict[str, int]:
    """Stored history: every case reviewed with its true label, except (with ``automated_every``)
    one case in that many decided automatically and never audited, and the next one decided
    automatically and audited blind with pi = 0.5.  Returns the counts of each."""
    counts = {"reviewed": 0, "automated": 0, "audited": 0}
    names = catalog.feature_names("ato")
    with session_scope(factory) as session:
        latest = session.scalar(select(func.max(Decision.created_at)))
        start = (latest or utcnow()) + timedelta(seconds=1)  # after every earlier decision
        everything = [item for day in days for item in day]
        cases.ingest(session, [submission(raw) for raw, _, _ in everything], "upstream")
        stored = {c.external_id: c for c in session.scalars(select(Case))}
        champion = registry.champion(session, "ato")  # the model that routed these cases
        router = champion.version if champion is not None else None
        for i, (raw, label, values) in enumerate(everything):
            case = stored[raw["external_id"]]
            session.add(_scoring(case.id, names, values, router))
            kind = _kind(i, automated_every)
            counts[kind] += 1
            _decisions(session, case, label, kind, start + timedelta(seconds=i))
    return counts


def _kind(i: int, every: int) -> str:
    if every and i % every == 0:
        return "automated"
    if every and i % every == 1:
        return "audited"
    return "reviewed"


def _scoring(case_id: int, names: list[str], values: list[Any], router: str | None = None) -> CaseScoring:
    return CaseScoring(
        case_id=case_id, source="rules" if router is None else "model", model_version=router,
        rules_version="t", decision="not_ato", confidence=0.5,
        risk_probability=0.5, probabilities={"not_ato": 0.5, "confirm_ato": 0.5}, contributions=[],
        sop_clauses=[], guardrails=[], narrative_en="", narrative_zh="", narrative_source="deterministic",
        signals=[{"id": name, "value": value} for name, value in zip(names, values, strict=True)],
    )  # fmt: skip


STATUS = {"reviewed": "decided", "automated": "auto_decided", "audited": "qa_done"}


def _decisions(session: Session, case: Case, label: str, kind: str, when: Any) -> None:
    case.status = STATUS[kind]
    if kind != "reviewed":
        session.add(Decision(case_id=case.id, decision="not_ato", automatic=True, actor="roca",
                             risk_probability=0.01, created_at=when))  # fmt: skip
    if kind == "automated":
        return
    task = ReviewTask(
        case_id=case.id, kind="qa" if kind == "audited" else "review", status="done", case_type="ato",
        priority=1.0, due_at=when, qa_probability=0.5 if kind == "audited" else None,
    )  # fmt: skip
    session.add(task)
    session.flush()
    session.add(Decision(case_id=case.id, task_id=task.id, decision=label, automatic=False, actor="rev",
                         risk_probability=0.5, created_at=when))  # fmt: skip
