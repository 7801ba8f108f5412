from __future__ import annotations

import pytest

from roca.cases.status import TRANSITIONS, CaseStatus, can_transition, ensure_transition
from roca.errors import InvalidTransition

S = CaseStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.RECEIVED, S.SCORED),
        (S.SCORED, S.AUTO_DECIDED),
        (S.SCORED, S.QUEUED),
        (S.QUEUED, S.IN_REVIEW),
        (S.IN_REVIEW, S.DECIDED),
        (S.IN_REVIEW, S.QUEUED),
        (S.DECIDED, S.AWAITING_SECOND_APPROVAL),
        (S.AWAITING_SECOND_APPROVAL, S.DECIDED),
        (S.AUTO_DECIDED, S.QA_PENDING),
        (S.QA_PENDING, S.QA_DONE),
    ],
)
def test_lifecycle_moves_allowed(current: CaseStatus, target: CaseStatus) -> None:
    assert can_transition(current, target)
    ensure_transition(current, target)


def test_every_other_move_is_an_invalid_transition() -> None:
    allowed = sum(len(targets) for targets in TRANSITIONS.values())
    refused = 0
    for current in CaseStatus:
        for target in CaseStatus:
            if not can_transition(current, target):
                refused += 1
                with pytest.raises(InvalidTransition, match=f"from {current.value} to {target.value}"):
                    ensure_transition(current, target)
    assert allowed + refused == len(CaseStatus) ** 2
    assert not can_transition(S.RECEIVED, S.DECIDED)
    assert not can_transition(S.QA_DONE, S.QUEUED)
