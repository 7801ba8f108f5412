"""Assembling the dashboard from one session: every figure of every segment, the drift alerts and
the policy versions waiting for approval.  Reads only."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from roca.agent.decisions import DECISIONS
from roca.models import PolicyVersion
from roca.oversight import agreement, repository
from roca.oversight.coverage import CoverageCurves, coverage_curves
from roca.oversight.schemas import (
    Automation,
    Certified,
    CertifiedSide,
    DailyAutomation,
    Dashboard,
    DriftAlert,
    Proposal,
    QueueHealth,
    SegmentFigures,
)
from roca.policy import service as policy
from roca.review.service import QA_RATE
from roca.storage.base import utcnow

SEGMENTS: tuple[str, ...] = tuple(DECISIONS)
CHART_DAYS = 30
MAX_ALERTS = 20
_MONITOR_REASON = re.compile(r"^(\d+) errors in (\d+) blind audits exceed alpha$")


@dataclass(frozen=True)
class _Rows:
    """What the segment figures are computed from, read once for all segments."""

    automation: dict[str, Automation]
    verdicts: dict[tuple[str, bool], int]
    audits: list[tuple[str, str | None, str, bool | None, float | None]]
    opinions: list[tuple[str, str, str]]
    queue: dict[str, QueueHealth]


def dashboard(session: Session, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    active = policy.active(session)
    rows = _Rows(
        automation=_automation(session, now),
        verdicts=repository.human_verdicts(session),
        audits=repository.qa_audits(session),
        opinions=repository.second_opinions(session),
        queue=_queue(session, now),
    )
    return Dashboard(
        generated_at=now,
        active_version=active.version if active else None,
        segments=[_segment(session, active, rows, case_type) for case_type in SEGMENTS],
        alerts=drift_alerts(session),
        proposals=[_proposal(version) for version in repository.proposed_versions(session)],
        daily=daily_automation(session, now),
    )


def _segment(session: Session, active: PolicyVersion | None, rows: _Rows, case_type: str) -> SegmentFigures:
    audits = [(roca, made, agrees, pi) for ct, roca, made, agrees, pi in rows.audits if ct == case_type]
    return SegmentFigures(
        case_type=case_type,
        automation=rows.automation[case_type],
        certified=_certified(active, case_type),
        # An audit without a recorded pi predates stratified sampling: it was drawn at the base rate.
        observed=agreement.observed_error(
            [(agrees is False, pi or QA_RATE) for _r, _m, agrees, pi in audits]
        ),
        overturns=agreement.overturn_rate(
            rows.verdicts.get((case_type, True), 0), rows.verdicts.get((case_type, False), 0)
        ),
        roca_agreement=agreement.agreement([(roca, made) for roca, made, _a, _p in audits if roca]),
        reviewer_agreement=agreement.agreement([(a, b) for ct, a, b in rows.opinions if ct == case_type]),
        queue=rows.queue[case_type],
        coverage=_coverage(session, active, case_type),
    )


def _automation(session: Session, now: datetime) -> dict[str, Automation]:
    since = (now - timedelta(days=1), now - timedelta(days=7), None)
    windows = [repository.decided_case_counts(session, start) for start in since]
    return {
        case_type: Automation(*(_share(counts, case_type) for counts in windows)) for case_type in SEGMENTS
    }


def _share(counts: dict[tuple[str, bool], int], case_type: str) -> agreement.Share:
    auto, human = counts.get((case_type, True), 0), counts.get((case_type, False), 0)
    return agreement.Share(auto, auto + human)


def daily_automation(session: Session, now: datetime) -> DailyAutomation:
    """Per UTC day of the last CHART_DAYS, the share of decided cases decided automatically."""
    first = (now - timedelta(days=CHART_DAYS - 1)).date()
    days = tuple(first + timedelta(days=i) for i in range(CHART_DAYS))
    counts = repository.daily_decided_counts(
        session, datetime.combine(first, datetime.min.time(), now.tzinfo)
    )
    rates: dict[str, tuple[float | None, ...]] = {}
    for case_type in SEGMENTS:
        shares = [_day_share(counts, case_type, day) for day in days]
        if any(share.total for share in shares):
            rates[case_type] = tuple(share.rate for share in shares)
    return DailyAutomation(days, rates)


def _day_share(counts: dict[tuple[str, date, bool], int], case_type: str, day: date) -> agreement.Share:
    auto, human = counts.get((case_type, day, True), 0), counts.get((case_type, day, False), 0)
    return agreement.Share(auto, auto + human)


def _certified(active: PolicyVersion | None, case_type: str) -> Certified:
    segment: dict[str, Any] = (active.segments.get(case_type) or {}) if active else {}
    version = active.version if active else None
    if not segment:
        return Certified(version, None, None, shadow=False, contracted=False)
    evidence = segment.get("justification") or {}
    sides = tuple(
        CertifiedSide(
            side=side,
            threshold=segment.get(side),
            upper_bound=(evidence.get(side) or {}).get("upper_bound")
            if segment.get(side) is not None
            else None,
            labelled=int((evidence.get(side) or {}).get("labelled") or 0),
        )
        for side in ("auto_clear", "auto_act")
    )
    return Certified(
        policy_version=version,
        alpha=segment.get("alpha"),
        delta=segment.get("delta"),
        shadow=bool(segment.get("shadow")),
        contracted="contracted" in segment,
        sides=sides,
    )


def _coverage(session: Session, active: PolicyVersion | None, case_type: str) -> CoverageCurves:
    segment: dict[str, Any] = (active.segments.get(case_type) or {}) if active else {}
    probabilities, risky, weights = policy.labelled_cases(session, case_type)
    return coverage_curves(
        probabilities,
        risky,
        weights,
        auto_act=segment.get("auto_act"),
        auto_clear=segment.get("auto_clear"),
        alpha=segment.get("alpha"),
    )


def _queue(session: Session, now: datetime) -> dict[str, QueueHealth]:
    ages: dict[str, list[float]] = {case_type: [] for case_type in SEGMENTS}
    breached = dict.fromkeys(SEGMENTS, 0)
    for case_type, created, due in repository.unfinished_tasks(session):
        ages.setdefault(case_type, []).append((now - created).total_seconds() / 3600)
        breached[case_type] = breached.get(case_type, 0) + (due < now)
    late = repository.late_task_counts(session, now - timedelta(days=7))
    return {
        case_type: QueueHealth(
            open=len(ages[case_type]),
            oldest_hours=max(ages[case_type], default=None),
            median_hours=statistics.median(ages[case_type]) if ages[case_type] else None,
            breached_open=breached[case_type],
            late_last_week=late.get(case_type, 0),
        )
        for case_type in SEGMENTS
    }


def drift_alerts(session: Session) -> list[DriftAlert]:
    """Contractions by the QA drift monitor, newest first, with the counts behind each when the
    monitor's reason has its usual form (so the page can say it in the reader's language)."""
    alerts = []
    for row in repository.contractions(session, MAX_ALERTS):
        reason = str(row.payload.get("reason", ""))
        counts = _MONITOR_REASON.match(reason)
        errors, audits = (int(counts.group(1)), int(counts.group(2))) if counts else (None, None)
        segment = str(row.payload.get("segment", ""))
        alerts.append(DriftAlert(row.recorded_at, segment, row.entity_id, errors, audits, reason))
    return alerts


def _proposal(version: PolicyVersion) -> Proposal:
    thresholds = {
        case_type: (segment.get("auto_clear"), segment.get("auto_act"), int(segment.get("labelled") or 0))
        for case_type, segment in version.segments.items()
    }
    return Proposal(version.version, version.proposed_by, version.proposed_at, thresholds)
