"""The case lifecycle as a pure transition table."""

from __future__ import annotations

from enum import StrEnum

from roca.errors import InvalidTransition


class CaseStatus(StrEnum):
    RECEIVED = "received"
    SCORED = "scored"
    AUTO_DECIDED = "auto_decided"
    QUEUED = "queued"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
    QA_PENDING = "qa_pending"
    QA_DONE = "qa_done"


S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.SCORED}),
    S.SCORED: frozenset({S.AUTO_DECIDED, S.QUEUED}),
    S.QUEUED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.DECIDED, S.QUEUED}),
    S.DECIDED: frozenset({S.AWAITING_SECOND_APPROVAL}),
    # Approved -> decided; refused -> back to the queue for another look.
    S.AWAITING_SECOND_APPROVAL: frozenset({S.DECIDED, S.QUEUED}),
    S.AUTO_DECIDED: frozenset({S.QA_PENDING, S.AWAITING_SECOND_APPROVAL}),
    S.QA_PENDING: frozenset({S.QA_DONE}),
    S.QA_DONE: frozenset(),
}


def can_transition(current: CaseStatus, target: CaseStatus) -> bool:
    return target in TRANSITIONS[current]


def ensure_transition(current: CaseStatus, target: CaseStatus) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(
            f"a case cannot move from {current.value} to {target.value}",
            current=current.value,
            target=target.value,
        )
