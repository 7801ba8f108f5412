"""Queries of the learning loop: people's decisions, the signals stored with each case's latest
scoring, and the runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from roca.learning.dataset import CaseDecision
from roca.models import Case, CaseScoring, Decision, LearningRun, ModelVersion, PolicyVersion, ReviewTask
from roca.storage.engine import is_postgres

_LEARNING_LOCK_KEY = 7_311_042  # names "one learning run at a time" for pg_advisory_xact_lock


def one_run_at_a_time(session: Session) -> None:
    """Two runs promoting at once could both retire the same champion and crown two; the second
    waits for the first to commit (SQLite's write lock, taken when the transaction begins, already
    serialises them)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LEARNING_LOCK_KEY})


def decisions_of_labelled_cases(session: Session, case_type: str) -> list[CaseDecision]:
    """Every decision, ROCA's and people's, on the cases of ``case_type`` a person decided, with the
    task each answered."""
    decided = select(Decision.case_id).where(Decision.automatic.is_(False))
    query = (
        select(
            Decision.id, Decision.case_id, Decision.decision, Decision.automatic, Decision.status,
            ReviewTask.kind, ReviewTask.qa_probability, Decision.created_at,
        )
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(Case.case_type == case_type, Decision.case_id.in_(decided))
        .order_by(Decision.id)
    )  # fmt: skip
    return [CaseDecision(*row) for row in session.execute(query)]


def latest_signals(session: Session, case_type: str) -> dict[int, list[dict[str, Any]]]:
    """The signals of the latest scoring of every case of ``case_type`` a person decided."""
    decided = select(Decision.case_id).where(Decision.automatic.is_(False))
    latest = (
        select(func.max(CaseScoring.id))
        .join(Case, Case.id == CaseScoring.case_id)
        .where(Case.case_type == case_type, CaseScoring.case_id.in_(decided))
        .group_by(CaseScoring.case_id)
    )
    query = select(CaseScoring.case_id, CaseScoring.signals).where(CaseScoring.id.in_(latest))
    return {case_id: signals for case_id, signals in session.execute(query)}


def get_run(session: Session, run_id: int) -> LearningRun | None:
    return session.get(LearningRun, run_id)


def recent_runs(session: Session, limit: int) -> list[LearningRun]:
    return list(session.scalars(select(LearningRun).order_by(LearningRun.id.desc()).limit(limit)))


def version_with_artifact(session: Session, case_type: str, sha256: str) -> ModelVersion | None:
    """A registered model with exactly these bytes (retraining on unchanged labels gives the same)."""
    query = select(ModelVersion).where(
        ModelVersion.case_type == case_type, ModelVersion.artifact_sha256 == sha256
    )
    return session.scalars(query.order_by(ModelVersion.id.desc())).first()


class Routed(NamedTuple):
    """How ROCA routed one case: the signals it read, when, by which model, and whether a
    guardrail kept it from deciding alone whatever the score."""

    signals: list[dict[str, Any]]
    scored_at: datetime
    router: str | None  # the model version, None for the cold-start rules
    held: bool


HOLDING = frozenset({"force_review", "forbid_auto", "four_eyes"})  # never audited at the QA rate


def routed_cases(
    session: Session, case_type: str, decided_after: datetime | None = None
) -> dict[int, Routed]:
    """Every case of ``case_type`` ROCA scored (with a decision at or after ``decided_after``: a pool
    reads only those), as its latest scoring saw it."""
    latest = (
        select(func.max(CaseScoring.id))
        .join(Case, Case.id == CaseScoring.case_id)
        .where(Case.case_type == case_type)
        .group_by(CaseScoring.case_id)
    )
    if decided_after is not None:
        recent = select(Decision.case_id).where(Decision.created_at >= decided_after)
        latest = latest.where(CaseScoring.case_id.in_(recent))
    query = select(
        CaseScoring.case_id, CaseScoring.signals, CaseScoring.scored_at, CaseScoring.model_version,
        CaseScoring.guardrails,
    ).where(CaseScoring.id.in_(latest))  # fmt: skip
    return {
        case_id: Routed(signals, scored_at, model, any(g.get("effect") in HOLDING for g in guardrails or ()))
        for case_id, signals, scored_at, model, guardrails in session.execute(query)
    }


def automated_without_label(session: Session, case_type: str) -> list[tuple[int, datetime]]:
    """(case, decided at) for every automatic decision no person has labelled and QA did not draw:
    the cases of an automated band the blind audit left alone."""
    people = select(Decision.case_id).where(Decision.automatic.is_(False))
    drawn = select(ReviewTask.case_id).where(ReviewTask.kind == "qa")
    query = (
        select(Decision.case_id, Decision.created_at)
        .join(Case, Case.id == Decision.case_id)
        .where(
            Case.case_type == case_type,
            Decision.automatic.is_(True),
            Decision.status == "final",
            Decision.case_id.not_in(people),
            Decision.case_id.not_in(drawn),
        )
        .order_by(Decision.case_id)
    )
    return [(case_id, decided_at) for case_id, decided_at in session.execute(query)]


def approved_policies(session: Session) -> list[tuple[datetime, dict[str, Any]]]:
    """(approved at, segments) of every policy version that was ever in force, oldest first."""
    query = (
        select(PolicyVersion.approved_at, PolicyVersion.segments)
        .where(PolicyVersion.approved_at.is_not(None))
        .order_by(PolicyVersion.approved_at, PolicyVersion.id)
    )
    return [(approved_at, segments) for approved_at, segments in session.execute(query)]
