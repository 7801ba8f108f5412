"""What the closed loop records each simulated day, and the figures computed from it (pure).

The TRUE error of automatic decisions comes from the ground truth; the QA estimate is what ROCA
itself can know: the blind audits' errors weighted by 1/pi (Hajek), with an upper bound from the
same banded Clopper-Pearson arithmetic the policy uses (one band per audit probability pi).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from roca.policy.thresholds import LabelBand, banded_upper_bound

QA_WINDOW_DAYS = 5  # the QA estimate pools this many days: one day holds only a handful of audits
ERROR_WINDOW_DAYS = 5  # the acceptance criterion's windows
RECOVERED = 0.8  # automation is back once it reaches this share of its level before the campaign


@dataclass(slots=True)
class DayRecord:
    day: int
    cases_in: int = 0
    automated: int = 0
    auto_act: int = 0
    auto_clear: int = 0
    auto_errors: int = 0  # automatic decisions whose decision differs from the ground truth
    reviews: int = 0  # human review decisions (workload)
    audits: int = 0  # blind QA audits decided
    settlements: int = 0  # four-eyes approvals or refusals
    human_errors: int = 0  # human decisions (reviews and audits) that differ from the ground truth
    audit_errors: int = 0  # audits that overturned ROCA's automatic decision
    # pi -> [audits, of which overturned]: the bands of the QA estimate
    audit_bands: dict[str, list[int]] = field(default_factory=dict)
    backlog: int = 0  # open review tasks at the end of the day
    qa_backlog: int = 0
    awaiting_approval: int = 0
    labels: int = 0  # human decisions so far (cumulative)
    policy_version: str | None = None  # in force when the day started
    auto_clear_threshold: float | None = None
    auto_act_threshold: float | None = None
    champion: str | None = None  # after the night's learning
    promoted: bool = False
    learning_note: str = ""
    new_policy: str | None = None  # the version in force after the night, when it changed
    contractions: list[str] = field(default_factory=list)  # policy versions the monitor activated
    novel_in: int = 0
    novel_automated: int = 0
    novel_auto_errors: int = 0
    novel_audit_errors: int = 0
    seconds: float = 0.0
    learning_seconds: float = 0.0

    @property
    def automation_rate(self) -> float:
        return self.automated / self.cases_in if self.cases_in else 0.0

    @property
    def true_error(self) -> float | None:
        return self.auto_errors / self.automated if self.automated else None

    def add_audit(self, pi: float, overturned: bool) -> None:
        band = self.audit_bands.setdefault(f"{pi:.6g}", [0, 0])
        band[0] += 1
        band[1] += int(overturned)
        self.audits += 1
        self.audit_errors += int(overturned)

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["automation_rate"] = self.automation_rate
        row["true_error"] = self.true_error
        return row


@dataclass(frozen=True, slots=True)
class QaEstimate:
    audits: int
    errors: int
    estimate: float | None  # Hajek: weighted errors / weighted audits
    upper: float | None  # banded Clopper-Pearson bound at 1 - delta


def qa_estimate(records: Sequence[DayRecord], delta: float) -> QaEstimate:
    """The QA-estimated error of the automatic decisions audited on ``records``' days."""
    bands: dict[str, list[int]] = {}
    for record in records:
        for pi, (audits, errors) in record.audit_bands.items():
            pooled = bands.setdefault(pi, [0, 0])
            pooled[0] += audits
            pooled[1] += errors
    audits = sum(n for n, _ in bands.values())
    errors = sum(k for _, k in bands.values())
    if not audits:
        return QaEstimate(0, 0, None, None)
    weight = sum(n / float(pi) for pi, (n, _) in bands.items())
    weighted_errors = sum(k / float(pi) for pi, (_, k) in bands.items())
    label_bands = [LabelBand(n, k, n / float(pi)) for pi, (n, k) in bands.items()]
    return QaEstimate(audits, errors, weighted_errors / weight, banded_upper_bound(label_bands, 1 - delta))


def trailing_qa(records: Sequence[DayRecord], delta: float, days: int = QA_WINDOW_DAYS) -> list[QaEstimate]:
    """Each day's QA estimate over the trailing ``days`` days (that day included)."""
    return [qa_estimate(records[max(0, i - days + 1) : i + 1], delta) for i in range(len(records))]


@dataclass(frozen=True, slots=True)
class Window:
    first: int
    last: int
    automated: int
    errors: int

    @property
    def error(self) -> float | None:
        return self.errors / self.automated if self.automated else None


def error_windows(records: Sequence[DayRecord], days: int = ERROR_WINDOW_DAYS) -> list[Window]:
    """True error of the automatic decisions in consecutive windows of ``days`` days."""
    windows = []
    for start in range(0, len(records), days):
        chunk = records[start : start + days]
        windows.append(
            Window(
                chunk[0].day,
                chunk[-1].day,
                sum(r.automated for r in chunk),
                sum(r.auto_errors for r in chunk),
            )
        )
    return windows


@dataclass(frozen=True, slots=True)
class NovelFigures:
    """How the loop met the novel campaign: when its errors first showed in QA, when the segment
    was contracted (by the drift monitor during a day, or by the night's recertification taking its
    thresholds away), and when automation came back."""

    start_day: int
    first_audit_error_day: int | None
    contraction_days: list[int]
    detection_delay_days: int | None  # contraction day - first audited error day
    recovery_day: int | None  # first day after the contraction back to RECOVERED of the level before
    automation_before: float
    automation_last: float


def novel_figures(records: Sequence[DayRecord], start_day: int) -> NovelFigures:
    after = [r for r in records if r.day >= start_day]
    first_error = next((r.day for r in after if r.novel_audit_errors), None)
    withdrawn = withdrawal_nights(records)
    contracted = {r.day for r in records if r.contractions or r.day in withdrawn}
    contractions = sorted(day for day in contracted if day >= start_day)
    first_contraction = contractions[0] if contractions else None
    delay = None
    if first_error is not None and first_contraction is not None:
        delay = first_contraction - first_error
    before = [r.automation_rate for r in records if start_day - 3 <= r.day < start_day]
    level = sum(before) / len(before) if before else 0.0
    recovery = None
    if first_contraction is not None and level > 0:
        recovery = next(
            (r.day for r in records if r.day > first_contraction and r.automation_rate >= RECOVERED * level),
            None,
        )
    return NovelFigures(
        start_day,
        first_error,
        contractions,
        delay,
        recovery,
        level,
        records[-1].automation_rate if records else 0.0,
    )


def withdrawal_nights(records: Sequence[DayRecord]) -> set[int]:
    """Days whose night's recertification took every threshold in force away (the labels said the
    band no longer held), without the drift monitor having contracted the segment that day."""
    nights = set()
    for today, tomorrow in itertools.pairwise(records):
        automated = today.auto_clear_threshold is not None or today.auto_act_threshold is not None
        none_left = tomorrow.auto_clear_threshold is None and tomorrow.auto_act_threshold is None
        if automated and none_left and not today.contractions:
            nights.add(today.day)
    return nights


def overall_true_error(records: Sequence[DayRecord]) -> float | None:
    automated = sum(r.automated for r in records)
    return sum(r.auto_errors for r in records) / automated if automated else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)
