"""The champion's thresholds, certified every night on its growing certification pool
(``certification.out_of_sample``) and scored by the champion itself, so the boundary expands as
labels accumulate and contracts when they say so, without waiting for a new model.  Functions
flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from roca.agent import registry
from roca.agent.decisions import RISKY_DECISION
from roca.agent.rules import rule_scorer
from roca.cases.schemas import CaseType
from roca.config import Settings
from roca.learning import dataset, repository
from roca.learning.certification import (
    Cutoff,
    PolicyPeriod,
    largest_weight,
    last_contraction,
    out_of_sample,
    policy_periods,
)
from roca.learning.dataset import LabelledCase
from roca.models import ModelVersion, PolicyVersion
from roca.policy import service as policy
from roca.policy.thresholds import PoolSample
from roca.review.service import QA_RATE
from roca.signals import catalog

TRAIN_LAST_DECISION = "train_last_decision_id"  # in a learned model's metrics: its cutoff's tie-break


@dataclass(frozen=True, slots=True)
class Certification:
    """One segment's pool, scored by its champion."""

    model: str  # the champion's version, or "rules"
    sample: PoolSample
    audits: int
    since: str | None
    fresh_from: str | None  # the last contraction: older cases no longer certify

    def summary(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "labels": int(self.sample.labelled.sum()),
            "unlabelled_automatic": int((~self.sample.labelled).sum()),
            "audits": self.audits,
            "since": self.since,
            "fresh_from": self.fresh_from,
        }


def champion_pool(session: Session, case_type: str, qa_rate: float = QA_RATE) -> Certification | None:
    """The champion's out-of-sample labels with its own probabilities; None when the champion reads
    other signals than the catalog computes today (then the stored probabilities are used)."""
    row = registry.champion(session, case_type)
    if row is not None and not reads_catalog(row, case_type):
        return None
    return pool_of(session, case_type, row, qa_rate)


def pool_of(
    session: Session, case_type: str, row: ModelVersion | None, qa_rate: float = QA_RATE
) -> Certification:
    """``row``'s certification pool (the cold-start rules' when None), scored by it: its
    out-of-sample labels and every automatic decision since its cutoff that nobody labelled, in
    arrival order, from the last contraction of the segment on."""
    ct: CaseType = case_type  # type: ignore[assignment]
    routed = repository.routed_cases(session, case_type)
    decisions = repository.decisions_of_labelled_cases(session, case_type)
    rows = [r for r in dataset.labelled_cases(decisions) if r.case_id in routed]
    cutoff = cutoff_of(row)
    periods = policy_periods(repository.approved_policies(session), case_type, qa_rate)
    fresh_from = last_contraction(periods)
    pool = out_of_sample(rows, decisions, cutoff)
    labels = {r.case_id: r for r in pool.rows if fresh_from is None or routed[r.case_id][1] >= fresh_from}
    unlabelled = [
        case_id
        for case_id, decided_at in repository.automated_without_label(session, case_type)
        if case_id in routed
        and (cutoff is None or decided_at > cutoff.decided_at)
        and (fresh_from is None or routed[case_id][1] >= fresh_from)
    ]
    estimator = rule_scorer(ct) if row is None else registry.load(row)
    sample = _sample(ct, estimator, routed, labels, unlabelled, periods)
    kept = sorted(labels.values(), key=lambda r: (r.decided_at, r.decision_id))
    return Certification(
        model="rules" if row is None else row.version,
        sample=sample,
        audits=sum(r.source == "audit" for r in kept),
        since=kept[0].decided_at.isoformat() if kept else None,
        fresh_from=fresh_from.isoformat() if fresh_from else None,
    )


def cutoff_of(row: ModelVersion | None) -> Cutoff | None:
    """The newest label ``row`` trained on; None for models that learned from no label here (the
    rules, or a model trained on simulated data)."""
    if row is None or row.trained_to is None:
        return None
    last = (row.metrics or {}).get(TRAIN_LAST_DECISION)
    return Cutoff(row.trained_to, int(last) if isinstance(last, int) else None)


def reads_catalog(row: ModelVersion, case_type: str) -> bool:
    return row.feature_hash == registry.feature_hash(catalog.feature_names(case_type))  # type: ignore[arg-type]


def recertified(
    session: Session,
    settings: Settings,
    pools: Mapping[str, policy.Evidence],
    actor: str,
    notes: str,
    *,
    always: bool = False,
) -> PolicyVersion | None:
    """A policy version certified on ``pools`` when its thresholds differ from those in force (or
    ``always``, after a promotion or rollback); active at once where approval is automatic,
    otherwise proposed for a risk lead.  None when nothing changed: no version for a lead to
    approve every night."""
    proposed: PolicyVersion | None
    if always:
        proposed = policy.recompute(session, actor, settings, labelled=pools, notes=notes)
    else:
        proposed = policy.recompute_if_changed(session, actor, settings, labelled=pools, notes=notes)
    if proposed is not None and settings.policy_auto_approve:
        policy.approve(session, proposed.version, None, settings)
    return proposed


def _sample(
    case_type: CaseType,
    estimator: Any,
    routed: Mapping[int, tuple[Any, datetime]],
    labels: Mapping[int, LabelledCase],
    unlabelled: list[int],
    periods: list[PolicyPeriod],
) -> PoolSample:
    """Every pool case in arrival order (case ids grow with intake), scored by ``estimator``."""
    case_ids = sorted({*labels, *unlabelled})
    if not case_ids:
        empty = np.zeros(0)
        return PoolSample.of(empty, empty.astype(bool), empty.astype(bool), empty, empty)
    signals = {case_id: routed[case_id][0] for case_id in case_ids}
    x = dataset.signal_matrix(case_type, signals, case_ids)
    p = np.asarray(estimator.predict_proba(x), dtype=np.float64)[:, dataset.risky_column(case_type)]
    risky_label = RISKY_DECISION[case_type]
    labelled = np.array([case_id in labels for case_id in case_ids])
    risky = np.array([case_id in labels and labels[case_id].label == risky_label for case_id in case_ids])
    weight = np.array([labels[case_id].weight if case_id in labels else 1.0 for case_id in case_ids])
    # A case scored in the same instant the policy changed can carry the newer policy's audit weight.
    ceiling = np.maximum([largest_weight(periods, routed[case_id][1]) for case_id in case_ids], weight)
    return PoolSample.of(p, labelled, risky, weight, ceiling)
