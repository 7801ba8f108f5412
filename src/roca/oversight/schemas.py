"""What the dashboard shows, per segment (case type) and overall.  Plain values: the web layer
formats and translates them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from roca.oversight.agreement import Agreement, ObservedError, Share
from roca.oversight.coverage import CoverageCurves


@dataclass(frozen=True, slots=True)
class Automation:
    """Share of decided cases that ROCA decided alone, over three windows."""

    last_day: Share
    last_week: Share
    all_time: Share


@dataclass(frozen=True, slots=True)
class CertifiedSide:
    side: str  # auto_act | auto_clear
    threshold: float | None  # None: this side is not automated
    upper_bound: float | None  # the error bound the policy certified at this threshold
    labelled: int


@dataclass(frozen=True, slots=True)
class Certified:
    """The policy in force for one segment: its guarantee and the evidence behind it."""

    policy_version: str | None
    alpha: float | None
    delta: float | None
    shadow: bool
    contracted: bool
    sides: tuple[CertifiedSide, ...] = ()

    @property
    def automated(self) -> bool:
        return any(side.threshold is not None for side in self.sides)


@dataclass(frozen=True, slots=True)
class QueueHealth:
    open: int
    oldest_hours: float | None
    median_hours: float | None
    breached_open: int  # open tasks already past due
    late_last_week: int  # tasks decided after their due time in the last 7 days


@dataclass(frozen=True, slots=True)
class SegmentFigures:
    case_type: str
    automation: Automation
    certified: Certified
    observed: ObservedError
    overturns: Share
    roca_agreement: Agreement  # blind QA auditors vs ROCA's automatic decisions
    reviewer_agreement: Agreement  # second reviewers vs the first reviewer
    queue: QueueHealth
    coverage: CoverageCurves


@dataclass(frozen=True, slots=True)
class DriftAlert:
    at: datetime
    segment: str
    version: str
    errors: int | None  # parsed from the monitor's reason when it has the usual form
    audits: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Proposal:
    version: str
    proposed_by: str
    proposed_at: datetime
    thresholds: dict[str, tuple[float | None, float | None, int]]  # type -> (clear, act, labelled)


@dataclass(frozen=True, slots=True)
class DailyAutomation:
    days: tuple[date, ...]
    rates: dict[str, tuple[float | None, ...]]  # per segment, one rate per day (None: no decision)


@dataclass(frozen=True, slots=True)
class Dashboard:
    generated_at: datetime
    active_version: str | None
    segments: list[SegmentFigures]
    alerts: list[DriftAlert]
    proposals: list[Proposal]
    daily: DailyAutomation
