"""Retraining from reviewers' labels: per case type a challenger trained on the older labels, measured
against the champion on the newest window, registered, and promoted when it pays (more certified
coverage than a learned champion by the promotion margin; at least as much as the cold-start rules)
and someone allowed to asked for it (or the deployment promotes by itself).  Then, every run, each
segment's thresholds are certified again on its champion's certification pool (every label out of
sample for it, scored by it: ``recertify``), as a new policy version when they change.  Functions
flush, never commit."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from roca.agent import registry
from roca.agent.decisions import DECISIONS
from roca.agent.registry import CHAMPION
from roca.agent.rules import rule_scorer
from roca.audit.writer import record
from roca.cases.schemas import CaseType
from roca.config import Settings
from roca.errors import FieldError, NotFound, ValidationFailed
from roca.learning import dataset, recertify, repository
from roca.learning.evaluate import (
    RULES,
    Figures,
    PolicyMaths,
    Verdict,
    deployed_coverage,
    measure,
    promotion_verdict,
    surely_worse_by,
)
from roca.learning.recertify import TRAIN_LAST_DECISION, reads_catalog
from roca.learning.train import MODEL_KIND, fit_challenger, training_problem
from roca.models import LearningRun, ModelVersion, PolicyVersion
from roca.policy import service as policy
from roca.signals import catalog
from roca.storage.base import utcnow


@dataclass(frozen=True, slots=True)
class _Data:
    """One case type's labelled cases, split by time, as matrices."""

    split: dataset.Split
    x_train: NDArray[np.float64]
    y_train: NDArray[np.intp]
    w_train: NDArray[np.float64]
    x_eval: NDArray[np.float64]
    y_eval: NDArray[np.intp]
    w_eval: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Outcome:
    result: dict[str, Any]
    promoted: bool = False


def run_learning(
    session: Session,
    settings: Settings,
    *,
    actor: str,
    promote: bool = False,
    case_types: Sequence[str] | None = None,
    now: datetime | None = None,
) -> LearningRun:
    """Retrain, measure, register and (when asked or automatic) promote; returns the finished run."""
    run = queue_run(session, actor=actor, promote=promote, case_types=case_types, now=now)
    run.status, run.started_at = "running", now or utcnow()
    return execute(session, settings, run, now=now)


def queue_run(
    session: Session,
    *,
    actor: str,
    promote: bool = False,
    case_types: Sequence[str] | None = None,
    now: datetime | None = None,
) -> LearningRun:
    unknown = sorted(set(case_types or ()) - set(DECISIONS))
    if unknown:
        known = ", ".join(DECISIONS)
        raise ValidationFailed("unknown case types", [FieldError("case_types", f"{unknown}: one of {known}")])
    run = LearningRun(
        status="queued", actor=actor, promote_requested=promote, results={},
        case_types=list(dict.fromkeys(case_types)) if case_types else None, created_at=now or utcnow(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def execute(
    session: Session, settings: Settings, run: LearningRun, now: datetime | None = None
) -> LearningRun:
    """Do a queued or running run: every case type it names, then each one's thresholds certified
    on its champion's pool: a policy version when a model was promoted or a threshold moved."""
    repository.one_run_at_a_time(session)
    outcomes = {ct: _learn(session, settings, ct, run) for ct in run.case_types or list(DECISIONS)}
    pools = {ct: pool for ct in outcomes if (pool := recertify.champion_pool(session, ct)) is not None}
    promoted = [o.result["challenger"]["model"] for o in outcomes.values() if o.promoted]
    notes = f"promoted {', '.join(promoted)}" if promoted else "recertified on the champions' pools"
    samples: dict[str, policy.Evidence] = {ct: pool.sample for ct, pool in pools.items()}
    version = recertify.recertified(
        session, settings, samples, run.actor, notes, model_changed=bool(promoted)
    )
    run.policy_version = version.version if version is not None else None
    for ct, pool in pools.items():
        outcomes[ct].result["certification"] = pool.summary()
    run.results = {ct: o.result for ct, o in outcomes.items()}
    run.status, run.finished_at = "done", now or utcnow()
    session.flush()
    summary = {ct: {k: r.get(k) for k in ("status", "promoted", "reason")} for ct, r in run.results.items()}
    record(session, actor=run.actor, action="learning.run", entity_type="learning_run", entity_id=run.id,
           payload={"results": summary, "policy_version": run.policy_version})  # fmt: skip
    return run


def mark_failed(session: Session, run_id: int, error: str) -> None:
    run = repository.get_run(session, run_id)
    if run is not None:
        run.status, run.error, run.finished_at = "failed", error[:4000], utcnow()
        session.flush()


def get_run(session: Session, run_id: int) -> LearningRun:
    run = repository.get_run(session, run_id)
    if run is None:
        raise NotFound(f"no learning run {run_id}", run_id=run_id)
    return run


def recent_runs(session: Session, limit: int = 20) -> list[LearningRun]:
    return repository.recent_runs(session, limit)


def rollback(
    session: Session, settings: Settings, case_type: str, actor: str
) -> tuple[ModelVersion, PolicyVersion]:
    """The previous champion again, and thresholds certified on its probabilities for its own
    certification pool (none certified when there are too few labels: automation waits for them)."""
    repository.one_run_at_a_time(session)
    restored = registry.rollback(session, case_type, actor)
    evidence: policy.Evidence = ([], [], [])
    if reads_catalog(restored, case_type):
        evidence = recertify.pool_of(session, case_type, restored).sample
    notes = f"rollback of {case_type} to {restored.version}"
    version = recertify.recertified(session, settings, {case_type: evidence}, actor, notes, always=True)
    assert version is not None  # always: a version is proposed
    return restored, version


def _learn(session: Session, settings: Settings, case_type: str, run: LearningRun) -> _Outcome:
    ct: CaseType = case_type  # type: ignore[assignment]
    try:
        data = _labelled_data(session, settings, ct)
    except dataset.TooFewLabels as exc:
        return _Outcome(
            {"status": "skipped", "reason": f"skipped: {exc}", "promoted": False, "labels": exc.labels}
        )
    problem = training_problem(ct, data.y_train)
    if problem is not None:
        return _Outcome(_skipped(data, f"skipped: {problem}"))
    try:
        challenger = fit_challenger(ct, data.x_train, data.y_train, data.w_train)
    except ValueError as exc:  # the estimator's own refusal, with its reason
        return _Outcome(_skipped(data, f"skipped: {exc}"))
    return _compare(session, settings, ct, run, challenger, data)


def _compare(
    session: Session, settings: Settings, case_type: CaseType, run: LearningRun, challenger: Any, data: _Data
) -> _Outcome:
    maths = _maths(settings, case_type)
    risky = dataset.risky_column(case_type)
    proba = challenger.predict_proba(data.x_eval)
    figures = measure("challenger", proba, data.y_eval, data.w_eval, risky, maths)
    champion, gaps = None, None
    measured = _champion_scores(session, case_type, data)
    if measured is not None:
        name, old = measured
        champion = measure(name, old, data.y_eval, data.w_eval, risky, maths)
        gaps = surely_worse_by(proba, old, data.y_eval, data.w_eval, risky)
        if name != RULES:
            champion = _as_deployed(session, case_type, champion, old[:, risky], data.w_eval)
    verdict = promotion_verdict(
        figures, champion, gaps=gaps, coverage_margin=settings.learning_promotion_margin,
        auc_margin=settings.learning_auc_margin, ece_margin=settings.learning_ece_margin,
    )  # fmt: skip
    version = _registered(session, case_type, run, challenger, data, figures, champion, verdict.reason)
    figures = replace(figures, model=version.version)
    if version.status == CHAMPION:
        verdict = Verdict(False, "the challenger is the champion itself (retrained on the same labels)")
    promoted = verdict.eligible and (run.promote_requested or settings.learning_auto_promote)
    if promoted:
        registry.promote(session, version.version, run.actor)
    reason = verdict.reason if promoted or not verdict.eligible else _unasked(verdict.reason)
    result = {
        "status": "done", "reason": reason, "eligible": verdict.eligible, "promoted": promoted,
        **_counts(data), "challenger": figures.as_dict(),
        "champion": champion.as_dict() if champion else None,
    }  # fmt: skip
    return _Outcome(result, promoted)


def _as_deployed(
    session: Session,
    case_type: str,
    champion: Figures,
    risk: NDArray[np.float64],
    weight: NDArray[np.float64],
) -> Figures:
    """A learned champion's figures with what its policy in force does: the share of the window its
    thresholds decide alone, and whether it has automated anything since its promotion."""
    deployed = policy.thresholds_in_force(session).get(case_type)
    if deployed is not None:
        share = deployed_coverage(risk, weight, deployed.auto_act, deployed.auto_clear)
        champion = replace(champion, deployed_coverage=share)
    return replace(champion, idle=not recertify.automated_since_promotion(session, case_type))


def _registered(
    session: Session,
    case_type: CaseType,
    run: LearningRun,
    challenger: Any,
    data: _Data,
    figures: Figures,
    champion: Figures | None,
    verdict: str,
) -> ModelVersion:
    """The challenger as a registered candidate; the same bytes registered before are that version."""
    digest = hashlib.sha256(pickle.dumps(challenger, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    known = repository.version_with_artifact(session, case_type, digest)
    if known is not None:
        return known
    return registry.register(
        session, case_type=case_type, estimator=challenger, feature_names=catalog.feature_names(case_type),
        kind=MODEL_KIND, actor=run.actor, metrics=_metrics(run, data, figures, champion, verdict),
        trained_from=data.split.train[0].decided_at, trained_to=data.split.train[-1].decided_at,
        training_rows=len(data.split.train), notes=f"learning run {run.id}: {verdict}",
    )  # fmt: skip


def _unasked(reason: str) -> str:
    return f"eligible ({reason}) but promotion was not requested"


def _skipped(data: _Data, reason: str) -> dict[str, Any]:
    return {"status": "skipped", "reason": reason, "promoted": False, **_counts(data)}


def _counts(data: _Data) -> dict[str, Any]:
    split = data.split
    first, last = (split.evaluation[0], split.evaluation[-1]) if split.evaluation else (None, None)
    return {
        "labels": split.labels, "noisy": split.noisy, "noisy_left_out": split.noisy_left_out,
        "audits": split.audits, "train_rows": len(split.train), "eval_rows": len(split.evaluation),
        "train_from": split.train[0].decided_at.isoformat(),
        "train_to": split.train[-1].decided_at.isoformat(),
        "eval_from": first.decided_at.isoformat() if first else None,
        "eval_to": last.decided_at.isoformat() if last else None,
    }  # fmt: skip


def _metrics(
    run: LearningRun, data: _Data, figures: Figures, champion: Figures | None, verdict: str
) -> dict[str, Any]:
    """What ``roca model list/show`` shows of a challenger: its figures on the window and the
    champion's beside them."""
    return {
        "source": "labels", "learning_run": run.id, "auc": figures.auc, "brier": figures.brier,
        "ece": figures.ece, "certified_coverage": figures.coverage, "auto_act": figures.auto_act,
        "auto_clear": figures.auto_clear, "eval_rows": len(data.split.evaluation),
        "train_rows": len(data.split.train), "champion": champion.as_dict() if champion else None,
        "verdict": verdict, TRAIN_LAST_DECISION: data.split.train[-1].decision_id,
    }  # fmt: skip


def _champion_scores(
    session: Session, case_type: CaseType, data: _Data
) -> tuple[str, NDArray[np.float64]] | None:
    """The champion's probabilities on the window: the registered one, or the cold-start rules
    before any; None when the champion reads other signals than the catalog computes today."""
    row = registry.champion(session, case_type)
    if row is not None and not reads_catalog(row, case_type):
        return None
    if row is None:
        name, estimator = RULES, rule_scorer(case_type)
    else:
        name, estimator = row.version, registry.load(row)
    return name, np.asarray(estimator.predict_proba(data.x_eval), dtype=np.float64)


def _labelled_data(session: Session, settings: Settings, case_type: CaseType) -> _Data:
    signals = repository.latest_signals(session, case_type)
    decisions = repository.decisions_of_labelled_cases(session, case_type)
    rows = [row for row in dataset.labelled_cases(decisions) if row.case_id in signals]
    split = dataset.time_split(rows, _rules(settings))
    y_train, w_train = dataset.targets(case_type, split.train)
    y_eval, w_eval = dataset.targets(case_type, split.evaluation)
    return _Data(
        split=split,
        x_train=dataset.feature_matrix(case_type, signals, split.train), y_train=y_train, w_train=w_train,
        x_eval=dataset.feature_matrix(case_type, signals, split.evaluation), y_eval=y_eval, w_eval=w_eval,
    )  # fmt: skip


def _rules(settings: Settings) -> dataset.SplitRules:
    return dataset.SplitRules(
        eval_share=settings.learning_eval_share, min_eval_rows=settings.learning_min_eval_rows,
        min_train_rows=settings.learning_min_train_rows, max_rows=settings.learning_max_labels,
        include_noisy=settings.learning_include_noisy,
    )  # fmt: skip


def _maths(settings: Settings, case_type: str) -> PolicyMaths:
    """The segment's alpha and delta as ``policy.recompute`` reads them."""
    targets = settings.automation_segments.get(case_type, {})
    return PolicyMaths(
        alpha=float(targets.get("alpha", settings.automation_alpha)),
        delta=float(targets.get("delta", settings.automation_delta)),
        segments=1,  # the guarantee is per segment: delta over this segment's two sides
        min_labelled=settings.automation_min_labelled,
    )
