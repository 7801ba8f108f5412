from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class SignalMark(BaseModel):
    kind: Literal["misleading", "missing"]
    signal: str = Field(min_length=1, max_length=128, description="a signal id, or a free name when missing")
    note: str = Field(default="", max_length=300)


class DecisionIn(BaseModel):
    decision: str = Field(examples=["confirm_ato"])
    root_cause: str | None = Field(
        default=None, description="taxonomy code; required when you disagree with ROCA"
    )
    annotation: str | None = Field(
        default=None, description="at most three sentences, English or Chinese; required when you disagree"
    )
    signal_marks: list[SignalMark] = Field(default_factory=list)

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "decision": "not_ato",
                    "root_cause": "misweighted_signal",
                    "annotation": "Travel to JP was announced in a support chat the day before; "
                    "the new-country signal should weigh less when the device is known.",
                    "signal_marks": [{"kind": "misleading", "signal": "ato.new_country"}],
                }
            ]
        }
    }


class DecisionOut(BaseModel):
    id: int
    case_id: int
    decision: str
    automatic: bool
    actor: str
    role: str | None
    risk_probability: float | None
    model_version: str | None
    rules_version: str | None
    policy_version: str | None
    agrees_with_roca: bool | None
    root_cause: str | None
    annotation: str | None
    created_at: datetime
    status: str = "final"
    second_approver: str | None = None


class ReviewTaskOut(BaseModel):
    """A claimed task: everything a reviewer needs.  For a blind QA audit ``recommendation`` is null
    and the signals carry no contributions: the auditor must not see ROCA's answer."""

    task_id: int
    kind: Literal["review", "qa", "shadow", "second_review"]
    lease_expires_at: datetime | None
    due_at: datetime
    case: dict[str, Any]
    case_id: int
    signals: list[dict[str, Any]]
    recommendation: dict[str, Any] | None
