"""Queue queries.  Claiming is one row lock: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so reviewers
never wait on each other; on SQLite the transaction already holds the write lock (BEGIN IMMEDIATE)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from roca.models import Decision, ReviewTask
from roca.storage.engine import is_postgres

SECOND_REVIEW = "second_review"  # a blind second opinion on a decided case, for agreement only
REVIEW_KINDS = {"review": ("review", "shadow", SECOND_REVIEW), "qa": ("qa",)}


def claimable(
    session: Session,
    kind: str,
    now: datetime,
    case_type: str | None,
    language: str | None,
    exclude_language: str | None = None,
    reviewer_id: int | None = None,
) -> int | None:
    """The highest-priority open task (or one whose lease ran out), locked for this transaction.
    Shadow-mode tasks and second reviews are reviews too: they only hide ROCA's answer (and the
    first decision).  A second review is never offered to ``reviewer_id`` if they decided the case."""
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
    if reviewer_id is not None:
        theirs = exists().where(Decision.case_id == ReviewTask.case_id, Decision.user_id == reviewer_id)
        query = query.where(or_(ReviewTask.kind != SECOND_REVIEW, ~theirs))
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


def decided_by(session: Session, case_id: int, user_id: int) -> bool:
    query = select(Decision.id).where(Decision.case_id == case_id, Decision.user_id == user_id).limit(1)
    return session.scalar(query) is not None


def has_second_review(session: Session, case_id: int) -> bool:
    query = select(ReviewTask.id).where(ReviewTask.case_id == case_id, ReviewTask.kind == SECOND_REVIEW)
    return session.scalar(query.limit(1)) is not None


BLIND_KINDS = ("qa", "shadow", SECOND_REVIEW)  # tasks whose person must not see ROCA's answer


def blind_case_ids(session: Session, case_ids: Collection[int]) -> set[int]:
    """The cases among ``case_ids`` with an unfinished blind task (QA audit, shadow or second review)."""
    if not case_ids:
        return set()
    query = select(ReviewTask.case_id).where(
        ReviewTask.case_id.in_(list(case_ids)),
        ReviewTask.kind.in_(BLIND_KINDS),
        ReviewTask.status.in_(("open", "claimed")),
    )
    return set(session.scalars(query))


def open_counts_by_type(session: Session, kind: str) -> dict[str, int]:
    """Unclaimed tasks of ``kind`` ("review" | "qa") per case type."""
    query = (
        select(ReviewTask.case_type, func.count())
        .where(ReviewTask.status == "open", ReviewTask.kind.in_(REVIEW_KINDS[kind]))
        .group_by(ReviewTask.case_type)
    )
    return {case_type: int(count) for case_type, count in session.execute(query)}


def unfinished_tasks_of_case(session: Session, case_id: int) -> list[ReviewTask]:
    """The case's open or claimed tasks (normally at most one), the oldest first."""
    unfinished = ReviewTask.status.in_(("open", "claimed"))
    query = select(ReviewTask).where(ReviewTask.case_id == case_id, unfinished).order_by(ReviewTask.id)
    return list(session.scalars(query))


def decisions_of_case(session: Session, case_id: int) -> list[Decision]:
    """Every decision on the case, ROCA's and people's, oldest first."""
    query = select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)
    return list(session.scalars(query))
