"""Calibration that composes with any fitted probabilistic model, and the model that composes it.

A calibrator maps a model's ``predict_proba`` output (n, k) to calibrated probabilities (n, k).  It
is fitted on held-out probabilities and the true class *indices* (0..k-1, the order of the model's
``classes_``).  Binary models (k = 2): only the risky column 1 is calibrated, column 0 is its
complement.  Multi-class: each column one-vs-rest, then the rows are renormalised to sum to 1.

- :class:`VennAbersCalibrator`: inductive Venn-Abers (Vovk et al. 2015), the default: two isotonic
  fits per score, with the case added as label 0 and as label 1; never outputs exactly 0 or 1.
- :class:`IsotonicCalibrator`: isotonic regression; needs thousands of calibration cases.
- :class:`PlattCalibrator`: a logistic curve on the score's logit; for small calibration sets.

:class:`CalibratedModel` fits the base model on the earlier rows and the calibrator on the later
ones (a time-ordered hold-out: rows are taken to be in time order and never shuffled).
"""

# ruff: noqa: N803 -- ``X`` for the feature matrix, as in scikit-learn's estimator API

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.isotonic import IsotonicRegression, isotonic_regression
from sklearn.utils.validation import check_is_fitted

from roca.agent.estimators import as_matrix, as_weights, class_indices

FloatArray = NDArray[np.float64]
_LOGIT_CLIP = 1e-12


def _as_proba(proba: ArrayLike) -> FloatArray:
    matrix = as_matrix(proba)
    if matrix.shape[1] < 2:
        raise ValueError("calibrators read (n, k) class probabilities with k >= 2")
    return matrix


def _unit_weights(sample_weight: ArrayLike | None, n: int) -> FloatArray:
    """Weights scaled to mean 1 (so a new case counts like an average calibration case)."""
    weights = as_weights(sample_weight, n)
    if weights is None or n == 0 or weights.sum() <= 0:
        return np.ones(n)
    scaled: FloatArray = weights * (n / weights.sum())
    return scaled


class _OneVsRestCalibrator(BaseEstimator):  # type: ignore[misc]
    """Shared shape: one monotone map per calibrated column, learned in ``maps_``."""

    def _fit_column(self, score: FloatArray, target: FloatArray, weight: FloatArray) -> Any:
        raise NotImplementedError

    def _apply(self, fitted: Any, score: FloatArray) -> FloatArray:
        raise NotImplementedError

    def fit(self, proba: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """``proba``: held-out (n, k) probabilities; ``y``: their true class indices."""
        scores = _as_proba(proba)
        k = scores.shape[1]
        target = class_indices(np.arange(k), y)
        if len(target) != len(scores):
            raise ValueError(f"{len(scores)} probability rows but {len(target)} labels")
        weight = _unit_weights(sample_weight, len(scores))
        columns = [1] if k == 2 else list(range(k))
        self.maps_ = [self._fit_column(scores[:, c], (target == c) * 1.0, weight) for c in columns]
        self.n_classes_ = k
        return self

    def predict_proba(self, proba: ArrayLike) -> FloatArray:
        check_is_fitted(self, "maps_")
        scores = _as_proba(proba)
        if scores.shape[1] != self.n_classes_:
            raise ValueError(f"fitted on {self.n_classes_} classes, got {scores.shape[1]} columns")
        if self.n_classes_ == 2:
            risky = np.clip(self._apply(self.maps_[0], scores[:, 1]), 0.0, 1.0)
            return np.column_stack([1.0 - risky, risky])
        per_class = np.column_stack([self._apply(m, scores[:, c]) for c, m in enumerate(self.maps_)])
        return _renormalise(np.clip(per_class, 0.0, 1.0), scores)


def _renormalise(per_class: FloatArray, fallback: FloatArray) -> FloatArray:
    """Rows scaled to sum to 1; a row whose every column was mapped to 0 keeps the model's row."""
    totals = per_class.sum(axis=1, keepdims=True)
    empty = totals[:, 0] <= 0
    result: FloatArray = np.where(empty[:, None], fallback, per_class / np.where(totals > 0, totals, 1.0))
    return result


class IsotonicCalibrator(_OneVsRestCalibrator):
    """Isotonic regression of the outcome on the score (clipped outside the seen range)."""

    def _fit_column(self, score: FloatArray, target: FloatArray, weight: FloatArray) -> IsotonicRegression:
        return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            score, target, sample_weight=weight
        )

    def _apply(self, fitted: IsotonicRegression, score: FloatArray) -> FloatArray:
        mapped: FloatArray = fitted.predict(score)
        return mapped


def _sigmoid(z: FloatArray) -> FloatArray:
    result: FloatArray = np.exp(-np.logaddexp(0.0, -z))
    return result


def _logit(p: FloatArray) -> FloatArray:
    clipped = np.clip(p, _LOGIT_CLIP, 1.0 - _LOGIT_CLIP)
    result: FloatArray = np.log(clipped) - np.log1p(-clipped)
    return result


def _platt_loss(a: float, b: float, z: FloatArray, t: FloatArray, w: FloatArray) -> float:
    margin = a * z + b
    return float(np.sum(w * (np.logaddexp(0.0, margin) - t * margin)))


def _platt_fit(z: FloatArray, t: FloatArray, w: FloatArray, max_iter: int = 100) -> tuple[float, float]:
    """Weighted logistic fit of the targets ``t`` on ``z``: Newton steps, halved until the loss falls."""
    a, b = 1.0, 0.0
    loss = _platt_loss(a, b, z, t, w)
    for _ in range(max_iter):
        p = _sigmoid(a * z + b)
        residual, curvature = w * (p - t), w * p * (1.0 - p) + 1e-12
        gradient = np.array([residual @ z, residual.sum()])
        hessian = np.array([[curvature @ (z * z), curvature @ z], [curvature @ z, curvature.sum()]])
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
        scale = 1.0
        while scale > 1e-6 and _platt_loss(a - scale * step[0], b - scale * step[1], z, t, w) > loss:
            scale /= 2.0
        a, b = a - scale * float(step[0]), b - scale * float(step[1])
        new_loss = _platt_loss(a, b, z, t, w)
        if loss - new_loss < 1e-12 * max(1.0, abs(loss)):
            break
        loss = new_loss
    return a, b


class PlattCalibrator(_OneVsRestCalibrator):
    """Platt scaling: ``sigmoid(a * logit(p) + b)``, with Platt's smoothed targets
    ((N+ + 1) / (N+ + 2) for positives, 1 / (N- + 2) for negatives) so it never diverges."""

    def _fit_column(self, score: FloatArray, target: FloatArray, weight: FloatArray) -> tuple[float, float]:
        positives = float(weight @ target)
        negatives = float(weight.sum()) - positives
        smoothed = np.where(target > 0.5, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))
        return _platt_fit(_logit(score), smoothed, weight)

    def _apply(self, fitted: tuple[float, float], score: FloatArray) -> FloatArray:
        a, b = fitted
        mapped: FloatArray = _sigmoid(a * _logit(score) + b)
        return mapped


@dataclass(frozen=True, slots=True)
class VennAbersTable:
    """One column's inductive Venn-Abers predictor, tabulated over the sorted distinct calibration
    scores ``scores`` (m of them).  ``p1[j]``: the isotonic fit at a new score in
    ``(scores[j-1], scores[j]]`` with the new case labelled 1 (``p1[m]`` = 1 above every score);
    ``p0[j + 1]``: the fit at a new score in ``[scores[j], scores[j+1])`` labelled 0 (``p0[0]`` = 0
    below every score).  A new case always pools with that neighbour, so the tables are exact."""

    scores: FloatArray
    p0: FloatArray
    p1: FloatArray

    def bounds(self, score: FloatArray) -> tuple[FloatArray, FloatArray]:
        above = np.searchsorted(self.scores, score, side="left")
        below = np.searchsorted(self.scores, score, side="right")
        return self.p0[below], self.p1[above]

    def probability(self, score: FloatArray) -> FloatArray:
        p0, p1 = self.bounds(score)
        merged: FloatArray = p1 / (1.0 - p0 + p1)
        return merged


def venn_abers_table(score: FloatArray, target: FloatArray, weight: FloatArray) -> VennAbersTable:
    """Tabulate the two isotonic fits for every place a new score can fall: O(m^2) in the number m
    of distinct calibration scores (about a second for m = 4,000), O(log m) per prediction."""
    scores, inverse = np.unique(score, return_inverse=True)
    block_weight = np.bincount(inverse, weights=weight, minlength=len(scores)).astype(np.float64)
    block_sum = np.bincount(inverse, weights=weight * target, minlength=len(scores)).astype(np.float64)
    p0 = np.zeros(len(scores) + 1)
    p1 = np.ones(len(scores) + 1)
    for j in range(len(scores)):
        p0[j + 1] = _fit_with_new_case(block_sum, block_weight, j, label=0.0)
        p1[j] = _fit_with_new_case(block_sum, block_weight, j, label=1.0)
    return VennAbersTable(scores, p0, p1)


def _fit_with_new_case(block_sum: FloatArray, block_weight: FloatArray, j: int, label: float) -> float:
    """The isotonic fit at block ``j`` once a new case (weight 1, ``label``) joins it."""
    sums, weights = block_sum.copy(), block_weight.copy()
    sums[j] += label
    weights[j] += 1.0
    fitted = isotonic_regression(sums / weights, sample_weight=weights, increasing=True)
    return float(fitted[j])


class VennAbersCalibrator(_OneVsRestCalibrator):
    """Inductive Venn-Abers: for a new score, p0 and p1 are the isotonic fits with the new case added
    as 0 and as 1; the calibrated probability is ``p1 / (1 - p0 + p1)``.  ``[p0, p1]`` is a
    multi-probability whose width shows how little calibration data backs that score."""

    def _fit_column(self, score: FloatArray, target: FloatArray, weight: FloatArray) -> VennAbersTable:
        return venn_abers_table(score, target, weight)

    def _apply(self, fitted: VennAbersTable, score: FloatArray) -> FloatArray:
        return fitted.probability(score)

    def predict_interval(self, proba: ArrayLike, class_index: int = 1) -> tuple[FloatArray, FloatArray]:
        """(p0, p1) for ``class_index`` (default: column 1, the risky decision of binary types)."""
        check_is_fitted(self, "maps_")
        scores = _as_proba(proba)
        if self.n_classes_ > 2:
            table: VennAbersTable = self.maps_[class_index]
            return table.bounds(scores[:, class_index])
        p0, p1 = self.maps_[0].bounds(scores[:, 1])
        return (p0, p1) if class_index == 1 else (1.0 - p1, 1.0 - p0)


def default_calibrator() -> VennAbersCalibrator:
    """ROCA's default calibrator: Venn-Abers.  On simulated ATO (``benchmarks/calibration.py``,
    seeds 11-14) its ECE does not differ from isotonic's beyond noise (0.006-0.012 against
    0.004-0.013), but isotonic gives about half the test cases a probability of exactly 0 or 1,
    a few of them wrong, so its log loss is the worst; Venn-Abers never claims certainty."""
    return VennAbersCalibrator()


def _split_point(n: int, calibration_size: float) -> int:
    if not 0.0 < calibration_size < 1.0:
        raise ValueError(f"calibration_size must lie in (0, 1), got {calibration_size}")
    cut = n - math.ceil(n * calibration_size)
    if cut <= 0 or cut >= n:
        raise ValueError(f"{n} rows cannot be split into a training and a calibration part")
    return cut


class CalibratedModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A base model whose probabilities go through a calibrator.

    ``fit`` trains a clone of ``base`` on the earlier ``1 - calibration_size`` of the rows and a
    clone of ``calibrator`` (default: :func:`default_calibrator`) on the base's probabilities for
    the later rows.  ``explain`` and ``raw_score`` delegate to the fitted base: contributions are
    of the *uncalibrated* score (log-odds), which the calibrator maps monotonically (per class) to
    the probability, so their signs and ranking hold for the calibrated one too.
    """

    def __init__(self, base: Any, calibrator: Any = None) -> None:
        self.base = base
        self.calibrator = calibrator

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        calibration_size: float = 0.2,
    ) -> CalibratedModel:
        matrix, labels = as_matrix(X), np.asarray(y)
        if len(labels) != len(matrix):
            raise ValueError(f"{len(matrix)} rows but {len(labels)} labels")
        weights = as_weights(sample_weight, len(matrix))
        cut = _split_point(len(matrix), calibration_size)
        early = None if weights is None else weights[:cut]
        late = None if weights is None else weights[cut:]
        base = clone(self.base).fit(matrix[:cut], labels[:cut], sample_weight=early)
        calibrator = clone(self.calibrator if self.calibrator is not None else default_calibrator())
        calibrator.fit(base.predict_proba(matrix[cut:]), class_indices(base.classes_, labels[cut:]), late)
        self.base_ = base
        self.calibrator_ = calibrator
        self.classes_ = base.classes_
        self.n_features_in_ = matrix.shape[1]
        return self

    def predict_proba(self, X: ArrayLike) -> FloatArray:
        """(n, k) calibrated probabilities in the order of ``classes_``."""
        check_is_fitted(self, "calibrator_")
        calibrated: FloatArray = self.calibrator_.predict_proba(self.base_.predict_proba(X))
        return calibrated

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        labels: NDArray[Any] = self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return labels

    def raw_score(self, X: ArrayLike, class_index: int | None = None) -> FloatArray:
        check_is_fitted(self, "base_")
        score: FloatArray = self.base_.raw_score(X, class_index)
        return score

    def explain(self, X: ArrayLike, class_index: int | None = None) -> FloatArray:
        """The base model's contributions (uncalibrated score units; see the class docstring)."""
        check_is_fitted(self, "base_")
        contributions: FloatArray = self.base_.explain(X, class_index)
        return contributions
