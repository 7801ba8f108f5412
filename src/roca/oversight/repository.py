"""Dashboard queries: counts grouped in SQL where the volume can be large, rows where it cannot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from roca.models import AuditRecord, Case, Decision, PolicyVersion, ReviewTask
from roca.review.repository import SECOND_REVIEW
from roca.storage.engine import is_postgres

DECIDING_KINDS = ("review", "shadow")  # tasks whose decision is the case's decision
UNFINISHED = ("open", "claimed")
NOT_STANDING = ("rejected", "label")  # refused by four-eyes, or a second opinion


def _decided() -> ColumnElement[bool]:
    """Decisions that decide a case: ROCA's own, or a person's on a review (not audits, not labels)."""
    return or_(Decision.automatic.is_(True), ReviewTask.kind.in_(DECIDING_KINDS))


def decided_case_counts(session: Session, since: datetime | None) -> dict[tuple[str, bool], int]:
    """Distinct decided cases per (case type, decided automatically)."""
    query = (
        select(Case.case_type, Decision.automatic, func.count(func.distinct(Decision.case_id)))
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(_decided(), Decision.status.not_in(NOT_STANDING))
        .group_by(Case.case_type, Decision.automatic)
    )
    if since is not None:
        query = query.where(Decision.created_at >= since)
    return {(case_type, bool(auto)): int(n) for case_type, auto, n in session.execute(query)}


def daily_decided_counts(session: Session, since: datetime) -> dict[tuple[str, date, bool], int]:
    """Decided cases per (case type, UTC day, decided automatically) since ``since``."""
    day = _utc_day(session)
    query = (
        select(Case.case_type, day, Decision.automatic, func.count(func.distinct(Decision.case_id)))
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(_decided(), Decision.status.not_in(NOT_STANDING), Decision.created_at >= since)
        .group_by(Case.case_type, day, Decision.automatic)
    )
    return {(ct, _as_date(d), bool(auto)): int(n) for ct, d, auto, n in session.execute(query)}


def _utc_day(session: Session) -> ColumnElement[Any]:
    if is_postgres(session):
        return cast(func.timezone("UTC", Decision.created_at), Date)
    return func.date(Decision.created_at)  # SQLite keeps UTC text: its date part is the UTC day


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def human_verdicts(session: Session) -> dict[tuple[str, bool], int]:
    """People's standing decisions on cases ROCA recommended, per (case type, agreed with ROCA)."""
    query = (
        select(Case.case_type, Decision.agrees_with_roca, func.count())
        .join(Case, Case.id == Decision.case_id)
        .join(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(
            ReviewTask.kind.in_(DECIDING_KINDS),
            Decision.automatic.is_(False),
            Decision.agrees_with_roca.is_not(None),
            Decision.status.not_in(NOT_STANDING),
        )
        .group_by(Case.case_type, Decision.agrees_with_roca)
    )
    return {(case_type, bool(agrees)): int(n) for case_type, agrees, n in session.execute(query)}


def qa_audits(session: Session) -> list[tuple[str, str | None, str, bool | None, float | None]]:
    """(case type, ROCA's automatic decision, the auditor's, agreed, pi) of every blind audit."""
    query = (
        select(
            Case.case_type,
            Decision.roca_recommendation,
            Decision.decision,
            Decision.agrees_with_roca,
            ReviewTask.qa_probability,
        )
        .join(Case, Case.id == Decision.case_id)
        .join(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(ReviewTask.kind == "qa")
        .order_by(Decision.id)
    )
    return [(ct, roca, made, agrees, pi) for ct, roca, made, agrees, pi in session.execute(query)]


def second_opinions(session: Session) -> list[tuple[str, str, str]]:
    """(case type, first reviewer's decision, second reviewer's) for every finished second review;
    the first is the latest review decision on the case before the second opinion."""
    first, second = aliased(Decision), aliased(Decision)
    first_task, second_task = aliased(ReviewTask), aliased(ReviewTask)
    query = (
        select(Case.case_type, second.id, first.decision, second.decision)
        .select_from(second)
        .join(second_task, second_task.id == second.task_id)
        .join(first, first.case_id == second.case_id)
        .join(first_task, first_task.id == first.task_id)
        .join(Case, Case.id == second.case_id)
        .where(second_task.kind == SECOND_REVIEW, first_task.kind.in_(DECIDING_KINDS), first.id < second.id)
        .order_by(second.id, first.id)
    )
    latest: dict[int, tuple[str, str, str]] = {}
    for case_type, second_id, first_made, second_made in session.execute(query):
        latest[second_id] = (case_type, first_made, second_made)  # ordered: the last one wins
    return list(latest.values())


def unfinished_tasks(session: Session) -> list[tuple[str, datetime, datetime]]:
    """(case type, created, due) of every task waiting for a person, of any kind."""
    query = select(ReviewTask.case_type, ReviewTask.created_at, ReviewTask.due_at).where(
        ReviewTask.status.in_(UNFINISHED)
    )
    return [(case_type, created, due) for case_type, created, due in session.execute(query)]


def late_task_counts(session: Session, since: datetime) -> dict[str, int]:
    """Tasks finished after their due time since ``since``, per case type."""
    query = (
        select(ReviewTask.case_type, func.count())
        .where(
            ReviewTask.status == "done",
            ReviewTask.completed_at >= since,
            ReviewTask.completed_at > ReviewTask.due_at,
        )
        .group_by(ReviewTask.case_type)
    )
    return {case_type: int(n) for case_type, n in session.execute(query)}


def proposed_versions(session: Session) -> list[PolicyVersion]:
    query = select(PolicyVersion).where(PolicyVersion.status == "proposed").order_by(PolicyVersion.id)
    return list(session.scalars(query))


def contractions(session: Session, limit: int) -> list[AuditRecord]:
    """The drift monitor's contractions, newest first (the audit log is where each is recorded)."""
    query = select(AuditRecord).where(AuditRecord.action == "policy.contracted")
    return list(session.scalars(query.order_by(AuditRecord.seq.desc()).limit(limit)))
