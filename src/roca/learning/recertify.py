"""The champion's thresholds, certified every night on its growing certification pool
(``certification.out_of_sample``) and scored by the champion itself, so the boundary expands as
labels accumulate and contracts when they say so, without waiting for a new model.  Functions
flush, never commit."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
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
    in_force,
    last_contraction,
    out_of_sample,
    policy_periods,
    routing_boundaries,
)
from roca.learning.dataset import LabelledCase
from roca.models import ModelVersion, PolicyVersion
from roca.policy import service as policy
from roca.policy.thresholds import PoolSample
from roca.review.service import QA_NEAR_THRESHOLD
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


def champion_pool(session: Session, case_type: str) -> Certification | None:
    """The champion's out-of-sample labels with its own probabilities; None when the champion reads
    other signals than the catalog computes today (then the stored probabilities are used)."""
    row = registry.champion(session, case_type)
    if row is not None and not reads_catalog(row, case_type):
        return None
    return pool_of(session, case_type, row)


def pool_of(session: Session, case_type: str, row: ModelVersion | None) -> Certification:
    """``row``'s certification pool (the cold-start rules' when None), scored by it: its
    out-of-sample labels and every automatic decision since its cutoff that nobody labelled, from
    the segment's last contraction on, leaving out the cases another model routed while the segment
    decided alone (their labelling followed that model's scores, not this one's)."""
    ct: CaseType = case_type  # type: ignore[assignment]
    cutoff = cutoff_of(row)
    # Every pool case has a decision after the cutoff: its label, or ROCA's automatic decision.
    routed = repository.routed_cases(session, case_type, cutoff.decided_at if cutoff else None)
    decisions = repository.decisions_of_labelled_cases(session, case_type)
    rows = [r for r in dataset.labelled_cases(decisions) if r.case_id in routed]
    periods = policy_periods(repository.approved_policies(session), case_type)
    fresh_from = last_contraction(periods)
    model = None if row is None else row.version
    pool = out_of_sample(rows, decisions, cutoff)

    def counts(case_id: int) -> bool:
        case = routed[case_id]
        if fresh_from is not None and case.scored_at < fresh_from:
            return False
        period = in_force(periods, case.scored_at)
        return period is None or not period.automated or case.router == model

    labels = {r.case_id: r for r in pool.rows if counts(r.case_id)}
    unlabelled = [
        case_id
        for case_id, decided_at in repository.automated_without_label(session, case_type)
        if case_id in routed and (cutoff is None or decided_at > cutoff.decided_at) and counts(case_id)
    ]
    estimator = rule_scorer(ct) if row is None else registry.load(row)
    since = min((routed[c].scored_at for c in (*labels, *unlabelled)), default=None)
    boundaries = routing_boundaries(periods, since, QA_NEAR_THRESHOLD)
    kept = sorted(labels.values(), key=lambda r: (r.decided_at, r.decision_id))
    return Certification(
        model="rules" if row is None else row.version,
        sample=_sample(ct, estimator, routed, labels, unlabelled, boundaries),
        audits=sum(r.source == "audit" for r in kept),
        since=kept[0].decided_at.isoformat() if kept else None,
        fresh_from=fresh_from.isoformat() if fresh_from else None,
    )


def automated_since_promotion(session: Session, case_type: str) -> bool:
    """Whether a policy certified for the segment's champion has decided anything alone: its
    certification pool has then earned the promotion margin's protection."""
    row = registry.champion(session, case_type)
    if row is None:
        return False
    since = row.promoted_at or row.created_at
    periods = policy_periods(repository.approved_policies(session), case_type)
    return any(period.automated for period in periods if period.starts >= since)


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
    model_changed: bool = False,
) -> PolicyVersion | None:
    """A policy version certified on ``pools`` when its thresholds differ from those in force, or
    ``always`` (a rollback), or when the ``model_changed`` (a promotion) while thresholds certified
    for the replaced model are in force; active at once where approval is automatic, otherwise
    proposed for a risk lead.  None when nothing changed: no version for a lead to approve every
    night, nor after a promotion that leaves a segment automating nothing as before."""
    proposed: PolicyVersion | None
    deployed = policy.thresholds_in_force(session).values()
    automating = any(t.auto_act is not None or t.auto_clear is not None for t in deployed)
    if always or (model_changed and automating):
        proposed = policy.recompute(session, actor, settings, labelled=pools, notes=notes)
    else:
        proposed = policy.recompute_if_changed(session, actor, settings, labelled=pools, notes=notes)
    if proposed is not None and settings.policy_auto_approve:
        policy.approve(session, proposed.version, None, settings)
    return proposed


def _sample(
    case_type: CaseType,
    estimator: Any,
    routed: Mapping[int, repository.Routed],
    labels: Mapping[int, LabelledCase],
    unlabelled: list[int],
    boundaries: list[float],
) -> PoolSample:
    """Every pool case scored by ``estimator``; a guardrail that held a case is its own stratum."""
    case_ids = sorted({*labels, *unlabelled})
    if not case_ids:
        return PoolSample.of([], [], [], boundaries=boundaries, draw=[])
    signals = {case_id: routed[case_id].signals for case_id in case_ids}
    x = dataset.signal_matrix(case_type, signals, case_ids)
    p = np.asarray(estimator.predict_proba(x), dtype=np.float64)[:, dataset.risky_column(case_type)]
    risky_label = RISKY_DECISION[case_type]
    return PoolSample.of(
        p,
        [case_id in labels for case_id in case_ids],
        [case_id in labels and labels[case_id].label == risky_label for case_id in case_ids],
        stratum=[int(routed[case_id].held) for case_id in case_ids],
        boundaries=boundaries,
        draw=[_draw(case_id) for case_id in case_ids],
    )


def _draw(case_id: int) -> float:
    """Fixed per case and blind to its label: which of a cell's labels the subsample keeps."""
    digest = hashlib.blake2b(f"certify:{case_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
