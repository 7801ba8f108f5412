"""Training data from people's decisions (pure).

One row per labelled case.  The label is the case's own human decision (a review, or a review in
shadow mode), weight 1; for an automatic decision the blind QA auditor's decision, weight 1/pi (the
audit drew it with known probability pi, so it stands for 1/pi automatic decisions like it).
Automatic decisions that nobody audited are not labels: they would teach the model its own answers.

A case whose human decisions disagree (a blind second review, a QA audit of a person's decision, a
decision refused by the four-eyes approver) is *noisy*: counted and reported, left out of training
and evaluation unless asked.  Rows are ordered by decision time, and the split is by time: the model
trains on the older labels and is measured on the newest window, never the other way round.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.cases.schemas import CaseType
from roca.signals import catalog

CASE_KINDS = frozenset({"review", "shadow"})  # a person deciding the case itself
AUDIT_KIND = "qa"
REFUSED = "rejected"  # a decision the four-eyes approver turned down


@dataclass(frozen=True, slots=True)
class CaseDecision:
    """One decision on a case, ROCA's or a person's, with the task it answered."""

    decision_id: int
    case_id: int
    decision: str
    automatic: bool
    status: str  # final | awaiting_second_approval | rejected
    task_kind: str | None  # review | shadow | qa | a second-opinion kind; None without a task
    qa_probability: float | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class LabelledCase:
    case_id: int
    label: str
    weight: float
    decided_at: datetime
    decision_id: int  # orders decisions made in the same instant
    source: Literal["review", "audit"]
    noisy: bool


class TooFewLabels(ValueError):
    """Not enough labelled cases to train on the older ones and measure on the newest."""

    def __init__(self, message: str, labels: int) -> None:
        super().__init__(message)
        self.labels = labels


@dataclass(frozen=True, slots=True)
class SplitRules:
    eval_share: float = 0.2
    min_eval_rows: int = 100
    min_train_rows: int = 200
    max_rows: int | None = None  # the newest labels only
    include_noisy: bool = False


@dataclass(frozen=True, slots=True)
class Split:
    train: list[LabelledCase]
    evaluation: list[LabelledCase]
    labels: int  # labelled cases considered, noisy ones included
    noisy: int
    audits: int

    @property
    def noisy_left_out(self) -> int:
        return self.labels - len(self.train) - len(self.evaluation)


def label_of(decisions: Sequence[CaseDecision]) -> LabelledCase | None:
    """The label one case's decisions give, or None when no person decided it (yet)."""
    decisions = [d for d in decisions if not d.automatic]  # ROCA's own answers teach it nothing
    standing = [d for d in decisions if d.status != REFUSED]
    own = [d for d in standing if d.task_kind in CASE_KINDS or d.task_kind is None]
    audits = [d for d in standing if d.task_kind == AUDIT_KIND]
    candidates = own or audits  # a second opinion alone is not the case's label
    if not candidates:
        return None
    chosen = max(candidates, key=lambda d: (d.decided_at, d.decision_id))
    audited = chosen.task_kind == AUDIT_KIND
    pi = chosen.qa_probability
    weight = 1.0 / pi if audited and pi and 0 < pi <= 1 else 1.0
    refused = len(standing) < len(decisions)
    return LabelledCase(
        case_id=chosen.case_id,
        label=chosen.decision,
        weight=weight,
        decided_at=chosen.decided_at,
        decision_id=chosen.decision_id,
        source="audit" if audited else "review",
        noisy=refused or len({d.decision for d in standing}) > 1,
    )


def labelled_cases(decisions: Iterable[CaseDecision]) -> list[LabelledCase]:
    """Every labelled case, oldest decision first."""
    by_case: dict[int, list[CaseDecision]] = defaultdict(list)
    for decision in decisions:
        by_case[decision.case_id].append(decision)
    labels = [label for group in by_case.values() if (label := label_of(group)) is not None]
    return sorted(labels, key=lambda row: (row.decided_at, row.decision_id))


def time_split(rows: Sequence[LabelledCase], rules: SplitRules) -> Split:
    """Older labels to train on, the newest window to measure on (no row of it is older than a
    training row).  Raises :class:`TooFewLabels` when either side would be too small."""
    ordered = sorted(rows, key=lambda row: (row.decided_at, row.decision_id))
    if rules.max_rows is not None:
        ordered = ordered[-rules.max_rows :]
    held_out = max(rules.min_eval_rows, math.ceil(len(ordered) * rules.eval_share))
    if len(ordered) - held_out < rules.min_train_rows:
        raise TooFewLabels(
            f"{len(ordered)} labelled cases: need {rules.min_train_rows} to train on "
            f"and {held_out} newer ones to measure on",
            len(ordered),
        )
    cut = len(ordered) - held_out
    train = [row for row in ordered[:cut] if rules.include_noisy or not row.noisy]
    evaluation = [row for row in ordered[cut:] if rules.include_noisy or not row.noisy]
    if len(train) < rules.min_train_rows or not evaluation:
        raise TooFewLabels(
            f"{len(train)} clean labels to train on and {len(evaluation)} to measure on "
            f"(noisy ones left out)",
            len(ordered),
        )
    return Split(
        train=train,
        evaluation=evaluation,
        labels=len(ordered),
        noisy=sum(row.noisy for row in ordered),
        audits=sum(row.source == "audit" for row in ordered),
    )


def feature_matrix(
    case_type: CaseType, signals: Mapping[int, Sequence[Mapping[str, Any]]], rows: Sequence[LabelledCase]
) -> NDArray[np.float64]:
    """The signal values ROCA stored for each case, in the catalog's (the model's) column order;
    a signal missing from a stored scoring (added to the catalog since) is NaN, as LightGBM expects."""
    return signal_matrix(case_type, signals, [row.case_id for row in rows])


def signal_matrix(
    case_type: CaseType, signals: Mapping[int, Sequence[Mapping[str, Any]]], case_ids: Sequence[int]
) -> NDArray[np.float64]:
    """:func:`feature_matrix` for any cases, labelled or not."""
    position = {name: i for i, name in enumerate(catalog.feature_names(case_type))}
    matrix = np.full((len(case_ids), len(position)), np.nan)
    for i, case_id in enumerate(case_ids):
        for item in signals[case_id]:
            j = position.get(item["id"])
            value = item.get("value")
            if j is not None and isinstance(value, bool | int | float):
                matrix[i, j] = float(value)
    return matrix


def targets(
    case_type: CaseType, rows: Sequence[LabelledCase]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Class indices into the case type's decisions, and the rows' weights."""
    index = {decision: i for i, decision in enumerate(DECISIONS[case_type])}
    y = np.fromiter((index[row.label] for row in rows), dtype=np.intp, count=len(rows))
    return y, np.fromiter((row.weight for row in rows), dtype=np.float64, count=len(rows))


def risky_column(case_type: CaseType) -> int:
    return DECISIONS[case_type].index(RISKY_DECISION[case_type])
