"""Queue queries.  Claiming is one row lock: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so reviewers
never wait on each other; on SQLite the transaction already holds the write lock (BEGIN IMMEDIATE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from roca.models import ReviewTask
from roca.storage.engine import is_postgres

REVIEW_KINDS = {"review": ("review", "shadow"), "qa": ("qa",)}


def claimable(
    session: Session,
    kind: str,
    now: datetime,
    case_type: str | None,
    language: str | None,
    exclude_language: str | None = None,
) -> int | None:
    """The highest-priority open task (or one whose lease ran out), locked for this transaction.
    Shadow-mode tasks are reviews too: they only hide ROCA's answer."""
    query = select(ReviewTask.id).where(
        ReviewTask.kind.in_(REVIEW_KINDS[kind]),
        or_(
            ReviewTask.status == "open",
            and_(ReviewTask.status == "claimed", ReviewTask.lease_expires_at < now),
        ),
    )
    if case_type:
        query = query.where(ReviewTask.case_type == case_type)
    if language:
        query = query.where(ReviewTask.language == language)
    if exclude_language:
        query = query.where(or_(ReviewTask.language.is_(None), ReviewTask.language != exclude_language))
    query = query.order_by(ReviewTask.priority.desc(), ReviewTask.id).limit(1)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


def mark_claimed(session: Session, task_id: int, user_id: int, lease_until: datetime) -> None:
    session.execute(
        update(ReviewTask)
        .where(ReviewTask.id == task_id)
        .values(status="claimed", claimed_by=user_id, lease_expires_at=lease_until)
    )


def open_tasks_of(session: Session, user_id: int) -> list[ReviewTask]:
    """The tasks a reviewer holds, most urgent first."""
    query = select(ReviewTask).where(ReviewTask.claimed_by == user_id, ReviewTask.status == "claimed")
    return list(session.scalars(query.order_by(ReviewTask.due_at)))


def open_review_windows(session: Session) -> list[tuple[str, datetime, datetime]]:
    """(case type, created, due) of every open review task: what the queue counts are made of."""
    query = select(ReviewTask.case_type, ReviewTask.created_at, ReviewTask.due_at).where(
        ReviewTask.status == "open", ReviewTask.kind.in_(REVIEW_KINDS["review"])
    )
    return [(case_type, created, due) for case_type, created, due in session.execute(query)]
