"""Challenger against champion on the newest labels (pure): how well each ranks and how honest its
probabilities are (AUC, Brier, ECE, weighted 1/pi like the labels), and its **certified coverage**:
the share of cases it would decide alone under the policy's maths (Learn-then-Test thresholds at the
segment's alpha and delta, certified on these labels).  Then the promotion rule."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from roca.agent.quality import brier, ece_quantile, top_class
from roca.policy.thresholds import choose_segment_thresholds

FloatArray = NDArray[np.float64]
RULES = "rules"  # the cold-start champion's name in Figures


@dataclass(frozen=True, slots=True)
class PolicyMaths:
    """What certification takes from the settings: the same numbers ``policy recompute`` uses."""

    alpha: float
    delta: float
    segments: int
    min_labelled: int


@dataclass(frozen=True, slots=True)
class Coverage:
    share: float  # weighted share of the cases past either certified threshold
    auto_act: float | None
    auto_clear: float | None


@dataclass(frozen=True, slots=True)
class Figures:
    """One model measured on one labelled window."""

    model: str  # version, or "rules" for the cold-start scorer
    rows: int
    auc: float | None
    brier: float | None
    ece: float | None
    coverage: float
    auto_act: float | None
    auto_clear: float | None
    # A champion's thresholds in force (certified on its whole pool) applied to the window: what
    # replacing it would give up, since a new champion restarts from its held-out window.
    deployed_coverage: float | None = None
    # A learned champion whose policy has automated nothing since it became champion.
    idle: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def coverage_to_beat(self) -> float:
        return max(self.coverage, self.deployed_coverage or 0.0)


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool
    reason: str


def certified_coverage(
    risk_probability: FloatArray, is_risky: NDArray[np.bool_], weight: FloatArray, maths: PolicyMaths
) -> Coverage:
    """Thresholds certified on these labels, and the weighted share of the cases they automate."""
    if len(risk_probability) == 0:
        return Coverage(0.0, None, None)
    choice = choose_segment_thresholds(
        risk_probability, is_risky, weight, alpha=maths.alpha, delta=maths.delta,
        segments=maths.segments, min_labelled=maths.min_labelled,
    )  # fmt: skip
    act, clear = choice.auto_act_threshold, choice.auto_clear_threshold
    return Coverage(deployed_coverage(risk_probability, weight, act, clear), act, clear)


def measure(
    model: str, proba: FloatArray, y: NDArray[np.intp], weight: FloatArray, risky: int, maths: PolicyMaths
) -> Figures:
    """Figures of (n, k) probabilities against class indices ``y``; binary metrics read the risky
    column, multi-class ones the macro AUC, the multi-class Brier and the top class's calibration."""
    ranked, calibrated = _ranking_and_calibration(proba, y, weight, risky)
    binary = proba.shape[1] == 2
    accurate = brier(y == risky, proba[:, risky], weight) if binary else brier(y, proba, weight)
    coverage = certified_coverage(proba[:, risky], y == risky, weight, maths)
    return Figures(
        model=model, rows=len(y), auc=_finite(ranked), brier=_finite(accurate), ece=_finite(calibrated),
        coverage=coverage.share, auto_act=coverage.auto_act, auto_clear=coverage.auto_clear,
    )  # fmt: skip


def _ranking_and_calibration(
    proba: FloatArray, y: NDArray[np.intp], weight: FloatArray, risky: int
) -> tuple[float, float]:
    """(AUC, ECE over 10 equal-mass bins), NaN where undefined."""
    if proba.shape[1] == 2:
        hit, p = y == risky, proba[:, risky]
        return weighted_auc(hit, p, weight), ece_quantile(hit, p, 10, weight)
    correct, confidence = top_class(y, proba)
    per_class = [weighted_auc(y == c, proba[:, c], weight) for c in range(proba.shape[1])]
    defined = [value for value in per_class if math.isfinite(value)]
    return float(np.mean(defined)) if defined else math.nan, ece_quantile(correct, confidence, 10, weight)


def weighted_auc(hit: NDArray[np.bool_], score: FloatArray, weight: FloatArray) -> float:
    """ROC AUC with case weights (ties count half), as scikit-learn's ``roc_auc_score`` computes it,
    without its input checks: the bootstrap below calls it hundreds of times."""
    order = np.argsort(score, kind="stable")
    score, hit, weight = score[order], hit[order], weight[order]
    _, starts = np.unique(score, return_index=True)
    negatives = np.add.reduceat(np.where(hit, 0.0, weight), starts) if len(score) else np.zeros(0)
    positives = np.add.reduceat(np.where(hit, weight, 0.0), starts) if len(score) else np.zeros(0)
    pairs = positives.sum() * negatives.sum()
    if pairs <= 0:
        return math.nan
    below = np.cumsum(negatives) - negatives
    return float((positives * (below + 0.5 * negatives)).sum() / pairs)


@dataclass(frozen=True, slots=True)
class Gaps:
    """By how much the challenger is surely worse than the champion on the window: the lower 95 %
    bound, over paired bootstrap resamples, of (challenger ECE - champion ECE) and of (champion AUC -
    challenger AUC).  At most 0 means "not surely worse"; None when it could not be measured."""

    ece: float | None
    auc: float | None


def surely_worse_by(
    challenger: FloatArray,
    champion: FloatArray,
    y: NDArray[np.intp],
    weight: FloatArray,
    risky: int,
    *,
    resamples: int = 100,
    confidence: float = 0.95,
    seed: int = 0,
) -> Gaps:
    """Paired bootstrap of the two models' (n, k) probabilities on the same labelled rows: on a few
    hundred cases ECE and AUC move by a few hundredths between resamples, far more than any margin
    worth setting, so a point difference alone would refuse good challengers at random."""
    rng = np.random.default_rng(seed)
    ece_gaps, auc_gaps = [], []
    for _ in range(resamples):
        rows = rng.integers(0, len(y), len(y))
        auc_new, ece_new = _ranking_and_calibration(challenger[rows], y[rows], weight[rows], risky)
        auc_old, ece_old = _ranking_and_calibration(champion[rows], y[rows], weight[rows], risky)
        ece_gaps.append(ece_new - ece_old)
        auc_gaps.append(auc_old - auc_new)
    return Gaps(_lower_bound(ece_gaps, confidence), _lower_bound(auc_gaps, confidence))


def _lower_bound(values: list[float], confidence: float) -> float | None:
    finite = np.asarray([v for v in values if math.isfinite(v)])
    if finite.size < len(values) / 2:  # e.g. AUC on resamples holding one class only
        return None
    return float(np.quantile(finite, 1.0 - confidence))


def promotion_verdict(
    challenger: Figures,
    champion: Figures | None,
    *,
    auc_margin: float,
    ece_margin: float,
    gaps: Gaps | None = None,
    coverage_margin: float = 0.0,
) -> Verdict:
    """Promote iff the challenger automates at least as much under the same guarantee, and more by
    ``coverage_margin`` when the champion is a learned model (its certification pool grows every
    night; a new champion restarts from its held-out window, so a small gain does not pay), and is
    not worse by more than the margins on calibration (ECE) and ranking (AUC): surely worse when
    ``gaps`` (sampling noise) are given, by the point figures otherwise.  A learned champion's
    coverage to beat is the larger of its certified coverage on the window and the share of the
    window its thresholds in force automate (certified on its whole pool).  The cold-start rules, and
    a learned champion that has automated nothing since it became champion, are replaced by any
    challenger at least as good."""
    if champion is None:
        return Verdict(True, "no champion model to measure against")
    if challenger.coverage < champion.coverage:
        return Verdict(
            False,
            f"certified coverage {challenger.coverage:.1%} is below the champion's {champion.coverage:.1%}",
        )
    # The margin protects a pool that has certified something; a champion that never did has none.
    protected = champion.model != RULES and not champion.idle
    if protected and challenger.coverage < champion.coverage_to_beat + coverage_margin:
        to_beat = f"{champion.coverage_to_beat:.1%}"
        if champion.coverage_to_beat > champion.coverage:
            to_beat = f"the {to_beat} the champion's thresholds in force decide alone"
        else:
            to_beat = f"the champion's {to_beat}"
        return Verdict(
            False,
            f"certified coverage {challenger.coverage:.1%} does not beat {to_beat} "
            f"by the promotion margin {coverage_margin:.1%}",
        )
    noise = " beyond sampling noise" if gaps is not None else ""
    ece_gap = gaps.ece if gaps is not None else _gap(challenger.ece, champion.ece)
    if ece_gap is not None and ece_gap > ece_margin:
        return Verdict(False, f"ECE {_f(challenger.ece)} is worse than the champion's {_f(champion.ece)} "
                              f"by more than {ece_margin:.4f}{noise}")  # fmt: skip
    auc_gap = gaps.auc if gaps is not None else _gap(champion.auc, challenger.auc)
    if auc_gap is not None and auc_gap > auc_margin:
        return Verdict(False, f"AUC {_f(challenger.auc)} is worse than the champion's {_f(champion.auc)} "
                              f"by more than {auc_margin:.4f}{noise}")  # fmt: skip
    return Verdict(
        True,
        f"certified coverage {challenger.coverage:.1%} against the champion's {champion.coverage:.1%}; "
        f"ECE and AUC within the margins",
    )


def _gap(worse_when_higher: float | None, other: float | None) -> float | None:
    """A point difference; a figure that could not be computed (AUC of one class) decides nothing."""
    if worse_when_higher is None or other is None:
        return None
    return worse_when_higher - other


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def deployed_coverage(
    risk_probability: FloatArray, weight: FloatArray, auto_act: float | None, auto_clear: float | None
) -> float:
    """The weighted share of the cases that these thresholds (certified, or in force) decide alone."""
    total = float(weight.sum())
    if total <= 0:
        return 0.0
    automated = np.zeros(risk_probability.shape, dtype=bool)
    if auto_act is not None:
        automated |= risk_probability >= auto_act
    if auto_clear is not None:
        automated |= risk_probability <= auto_clear
    return float(weight[automated].sum()) / total
