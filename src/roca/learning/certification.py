"""Which labels may certify a champion's thresholds (pure).

A threshold holds only for the scores it was certified on, and only when the labels that certify it
did not teach the model its answers.  The **certification pool** of a champion is every labelled
case that is out of sample for it: the held-out window of its training run, and every case a person
labelled after its training cutoff (its own routing chose them: the review band labelled in full,
weight 1, its automatic decisions through blind audits drawn with known pi, weight 1/pi).  A case
any person decided at or before the cutoff is never in the pool, even when its label moved later
(a refused four-eyes decision decided again), so no training label can certify the model it trained.
Noisy labels (people disagreeing) stay in: they are the hard cases, and leaving them out would make
the band look cleaner than it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from roca.learning.dataset import CaseDecision, LabelledCase


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The newest label a model trained on: its decision time and, for ties, its decision id
    (None when unknown: then every label at that instant counts as a training label)."""

    decided_at: datetime
    decision_id: int | None = None

    def covers(self, decided_at: datetime, decision_id: int) -> bool:
        """True when a decision at (decided_at, decision_id) is at or before the cutoff."""
        if decided_at != self.decided_at:
            return decided_at < self.decided_at
        return self.decision_id is None or decision_id <= self.decision_id


@dataclass(frozen=True, slots=True)
class Pool:
    rows: list[LabelledCase]
    audits: int
    since: datetime | None  # the oldest label in the pool


def out_of_sample(
    rows: Sequence[LabelledCase], decisions: Iterable[CaseDecision], cutoff: Cutoff | None
) -> Pool:
    """The labelled cases no person had decided by ``cutoff`` (all of them without a cutoff: a
    model that learned from none of these labels, such as the cold-start rules), oldest first."""
    if cutoff is None:
        kept = list(rows)
    else:
        seen_before = {
            d.case_id for d in decisions if not d.automatic and cutoff.covers(d.decided_at, d.decision_id)
        }
        kept = [row for row in rows if row.case_id not in seen_before]
    kept.sort(key=lambda row: (row.decided_at, row.decision_id))
    return Pool(
        rows=kept,
        audits=sum(row.source == "audit" for row in kept),
        since=kept[0].decided_at if kept else None,
    )


@dataclass(frozen=True, slots=True)
class PolicyPeriod:
    """From ``starts`` on (until the next period), what one segment's policy in force did."""

    starts: datetime
    auto_act: float | None  # None: that side was not automated (or the segment ran in shadow)
    auto_clear: float | None
    contracted: bool  # the drift monitor took the segment's automation away

    @property
    def automated(self) -> bool:
        return self.auto_act is not None or self.auto_clear is not None


def policy_periods(
    versions: Iterable[tuple[datetime, Mapping[str, Any]]], case_type: str
) -> list[PolicyPeriod]:
    """One period per approved policy version, oldest first, for ``case_type``."""
    periods = []
    for approved_at, segments in sorted(versions, key=lambda version: version[0]):
        segment = segments.get(case_type) or {}
        shadow = bool(segment.get("shadow"))
        act, clear = (None, None) if shadow else (segment.get("auto_act"), segment.get("auto_clear"))
        periods.append(PolicyPeriod(approved_at, act, clear, "contracted" in segment))
    return periods


def in_force(periods: Sequence[PolicyPeriod], at: datetime) -> PolicyPeriod | None:
    """The period in force at ``at`` (None before the first policy)."""
    current = None
    for period in periods:
        if period.starts > at:
            break
        current = period
    return current


def routing_boundaries(periods: Sequence[PolicyPeriod], since: datetime | None, near: float) -> list[float]:
    """Every score at which a case's labelling probability changed from ``since`` on: each
    threshold in force, and the edges of its QA near-band (audited twice as often within ``near``)."""
    ends: list[datetime | None] = [period.starts for period in periods[1:]]
    ends.append(None)  # the last period is still in force
    still_in_force = [
        p for p, end in zip(periods, ends, strict=False) if since is None or end is None or end > since
    ]
    edges: set[float] = set()
    for period in still_in_force:
        for threshold in (period.auto_act, period.auto_clear):
            if threshold is not None:
                edges.update(round(edge, 10) for edge in (threshold, threshold - near, threshold + near))
    return sorted(edge for edge in edges if 0.0 < edge < 1.0)


def last_contraction(periods: Sequence[PolicyPeriod]) -> datetime | None:
    """When the drift monitor last took the segment's automation away: the cases routed before
    came from a world the audits say has changed, so they no longer certify."""
    contracted = [period.starts for period in periods if period.contracted]
    return contracted[-1] if contracted else None
