"""Queries over scorings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.models import CaseScoring


def latest_scoring(session: Session, case_id: int) -> CaseScoring | None:
    query = select(CaseScoring).where(CaseScoring.case_id == case_id).order_by(CaseScoring.id.desc()).limit(1)
    return session.scalar(query)
