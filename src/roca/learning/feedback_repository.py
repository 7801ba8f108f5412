"""Queries that load reviewer feedback for the blind-spot report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from roca.learning.blindspots import LEANED_ON, Feedback, SignalMark
from roca.models import Case, CaseScoring, Decision, ReviewTask
from roca.review.repository import SECOND_REVIEW

CHUNK = 500  # case ids per IN list: far below every driver's parameter limit
_COLUMNS = (
    Decision.id, Decision.case_id, Decision.created_at, Decision.agrees_with_roca, Decision.root_cause,
    Decision.annotation, Decision.signal_marks,
)  # fmt: skip


def human_feedback(session: Session, since: datetime, until: datetime) -> list[Feedback]:
    """Every human decision made in [since, until), with its feedback and its case's context.  Blind
    second reviews are left out: their reviewer never saw ROCA's answer, so they say nothing about it."""
    query = (
        select(*_COLUMNS, Case.case_type, Case.external_id, ReviewTask.kind)
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(Decision.automatic.is_(False), Decision.created_at >= since, Decision.created_at < until)
        .where(or_(ReviewTask.kind.is_(None), ReviewTask.kind != SECOND_REVIEW))
        .order_by(Decision.id)
    )
    rows = session.execute(query).all()
    said = {row.case_id for row in rows if row.root_cause or row.annotation or row.signal_marks}
    leaned = leaned_on(session, sorted(said))
    return [
        Feedback(
            decision_id=row.id,
            case_id=row.case_id,
            external_id=row.external_id,
            case_type=row.case_type,
            task_kind=row.kind,
            created_at=row.created_at,
            agrees_with_roca=row.agrees_with_roca,
            root_cause=row.root_cause,
            annotation=row.annotation,
            marks=_marks(row.signal_marks),
            leaned_on=leaned.get(row.case_id, ()),
        )
        for row in rows
    ]


def latest_human_decision_at(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Decision.created_at)).where(Decision.automatic.is_(False)))


def leaned_on(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Per case, the signals of its latest scoring that pushed towards ROCA's recommendation."""
    found: dict[int, tuple[str, ...]] = {}
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        latest = (
            select(func.max(CaseScoring.id))
            .where(CaseScoring.case_id.in_(chunk))
            .group_by(CaseScoring.case_id)
        )
        query = select(CaseScoring.case_id, CaseScoring.contributions).where(CaseScoring.id.in_(latest))
        for case_id, contributions in session.execute(query):
            found[case_id] = _pushing(contributions)
    return found


def _pushing(contributions: list[dict[str, Any]]) -> tuple[str, ...]:
    """Contributions are stored strongest first; positive ones argue for the recommendation."""
    towards = [c["signal_id"] for c in contributions if float(c.get("contribution", 0.0)) > 0]
    return tuple(towards[:LEANED_ON])


def _marks(raw: list[dict[str, Any]] | None) -> tuple[SignalMark, ...]:
    marks = []
    for mark in raw or []:
        kind, signal = mark.get("kind"), str(mark.get("signal") or "").strip()
        if kind in ("misleading", "missing") and signal:
            marks.append(SignalMark(kind, signal, str(mark.get("note") or "")))
    return tuple(marks)
