"""What the learning API takes and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from roca.cases.schemas import CaseType


class LearningRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    promote: bool = Field(default=False, description="promote each challenger that beats its champion")
    case_types: list[CaseType] | None = Field(default=None, description="default: every case type")


class LearningRunAccepted(BaseModel):
    id: int
    status: Literal["queued", "running", "done", "failed"]


class LearningRunOut(BaseModel):
    """A run and, per case type, the challenger against the champion on the newest labels: rows,
    noisy labels, AUC / Brier / ECE and certified coverage of both, promoted or not and why."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: Literal["queued", "running", "done", "failed"]
    actor: str
    promote_requested: bool
    case_types: list[str] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    policy_version: str | None
    results: dict[str, Any]
    error: str | None
