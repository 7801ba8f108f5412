"""The champion's thresholds, certified every night on its growing certification pool
(``certification.out_of_sample``) and scored by the champion itself, so the boundary expands as
labels accumulate and contracts when they say so, without waiting for a new model.  Functions
flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from roca.agent import registry
from roca.agent.rules import rule_scorer
from roca.cases.schemas import CaseType
from roca.config import Settings
from roca.learning import dataset, repository
from roca.learning.certification import Cutoff, Pool, out_of_sample
from roca.models import ModelVersion, PolicyVersion
from roca.policy import service as policy
from roca.signals import catalog

Scores = tuple[list[float], list[bool], list[float]]  # what policy.recompute reads per segment
TRAIN_LAST_DECISION = "train_last_decision_id"  # in a learned model's metrics: its cutoff's tie-break


@dataclass(frozen=True, slots=True)
class Certification:
    """One segment's pool, scored by its champion."""

    model: str  # the champion's version, or "rules"
    scores: Scores
    audits: int
    since: str | None

    def summary(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "labels": len(self.scores[0]),
            "audits": self.audits,
            "since": self.since,
        }


def champion_pool(session: Session, case_type: str) -> Certification | None:
    """The champion's out-of-sample labels with its own probabilities; None when the champion reads
    other signals than the catalog computes today (then the stored probabilities are used)."""
    row = registry.champion(session, case_type)
    if row is not None and not reads_catalog(row, case_type):
        return None
    return pool_of(session, case_type, row)


def pool_of(session: Session, case_type: str, row: ModelVersion | None) -> Certification:
    """``row``'s certification pool (the cold-start rules' when None), scored by it."""
    ct: CaseType = case_type  # type: ignore[assignment]
    signals = repository.latest_signals(session, case_type)
    decisions = repository.decisions_of_labelled_cases(session, case_type)
    rows = [r for r in dataset.labelled_cases(decisions) if r.case_id in signals]
    pool = out_of_sample(rows, decisions, cutoff_of(row))
    estimator = rule_scorer(ct) if row is None else registry.load(row)
    return Certification(
        model="rules" if row is None else row.version,
        scores=_scored(ct, estimator, signals, pool),
        audits=pool.audits,
        since=pool.since.isoformat() if pool.since else None,
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
    pools: Mapping[str, Scores],
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


def _scored(case_type: CaseType, estimator: Any, signals: Mapping[int, Any], pool: Pool) -> Scores:
    if not pool.rows:
        return [], [], []
    x = dataset.feature_matrix(case_type, signals, pool.rows)
    y, weight = dataset.targets(case_type, pool.rows)
    risky = dataset.risky_column(case_type)
    p = np.asarray(estimator.predict_proba(x), dtype=np.float64)[:, risky]
    return [float(v) for v in p], [bool(v) for v in y == risky], [float(v) for v in weight]
