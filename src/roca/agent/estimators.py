"""The signal model: gradient-boosted trees over one case type's signal matrix.

Conventions (scikit-learn / river, see ARCHITECTURE.md anchor 9): ``__init__`` only stores the
hyper-parameters, everything learned ends in ``_`` and exists only after ``fit``, ``fit`` returns
``self``.  Calibration is not a flag here: wrap the model in ``calibration.CalibratedModel``.

Labels.  ``classes_`` is always the full decision tuple of the case type
(``decisions.DECISIONS[case_type]``, benign first for binary types), whatever the training labels
hold.  ``y`` may be given either as decision strings (``"confirm_ato"``) or as integer indices
into that tuple (``1``; for binary types ``True`` means the risky decision).  Every decision must
occur in the training labels, so that ``predict_proba`` always has one column per decision.
"""

# ruff: noqa: N803 -- ``X`` for the feature matrix, as in scikit-learn's estimator API

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.cases.schemas import CaseType

FloatMatrix = NDArray[np.float64]


def class_indices(classes: NDArray[Any], y: ArrayLike) -> NDArray[np.intp]:
    """Labels as indices into ``classes``: integer/bool labels are taken as indices when the classes
    are not integers themselves, anything else is looked up by value."""
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {labels.shape}")
    if labels.dtype.kind in "biu" and classes.dtype.kind not in "biu":
        indices = labels.astype(np.intp)
        if indices.size and (indices.min() < 0 or indices.max() >= len(classes)):
            raise ValueError(f"label indices must lie in [0, {len(classes)}), got {sorted(set(indices))}")
        return indices
    position = {label: i for i, label in enumerate(classes.tolist())}
    unknown = sorted({str(label) for label in labels.tolist() if label not in position})
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected one of {classes.tolist()}")
    return np.fromiter((position[label] for label in labels.tolist()), dtype=np.intp, count=len(labels))


def as_matrix(X: ArrayLike, n_features: int | None = None) -> FloatMatrix:
    """A 2-D float64 view of ``X`` (no copy when it already is one; never modified)."""
    matrix = np.asarray(X, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D signal matrix, got shape {matrix.shape}")
    if n_features is not None and matrix.shape[1] != n_features:
        raise ValueError(f"the model reads {n_features} signals, got {matrix.shape[1]}")
    return matrix


def as_weights(sample_weight: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(f"sample_weight must be {n} finite non-negative numbers")
    return weights


class SignalModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """LightGBM over the signal matrix of one case type; deterministic for a given ``random_state``.

    Binary for ``ato`` and ``fraud`` (column 1 of ``predict_proba`` is the risky decision),
    multi-class (softmax) for ``kyc`` and ``kyb``.  NaN marks a signal that could not be computed;
    LightGBM routes it to the side of each split that suits it.
    """

    def __init__(
        self,
        case_type: CaseType = "ato",
        *,
        n_estimators: int = 200,
        learning_rate: float = 0.08,
        num_leaves: int = 31,
        max_depth: int = 6,
        min_child_samples: int = 20,
        reg_lambda: float = 1.0,
        colsample_bytree: float = 1.0,
        random_state: int = 7,
        n_jobs: int = 1,
    ) -> None:
        self.case_type = case_type
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.reg_lambda = reg_lambda
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _booster_model(self) -> lgb.LGBMClassifier:
        return lgb.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            # Shallow trees: TreeSHAP costs grow with depth squared and every scoring explains itself.
            max_depth=self.max_depth,
            min_child_samples=self.min_child_samples,
            reg_lambda=self.reg_lambda,
            colsample_bytree=self.colsample_bytree,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> SignalModel:
        classes = np.array(DECISIONS[self.case_type])
        matrix = as_matrix(X)
        target = class_indices(classes, y)
        if len(target) != len(matrix):
            raise ValueError(f"{len(matrix)} rows but {len(target)} labels")
        missing = [str(c) for i, c in enumerate(classes) if not np.any(target == i)]
        if missing:
            raise ValueError(f"{self.case_type} training labels lack the decisions {missing}")
        model = self._booster_model()
        model.fit(matrix, target, sample_weight=as_weights(sample_weight, len(matrix)))
        self.model_ = model
        self.classes_ = classes
        self.n_features_in_ = matrix.shape[1]
        return self

    def predict_proba(self, X: ArrayLike) -> FloatMatrix:
        """(n, k) probabilities in the order of ``classes_`` (uncalibrated)."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(as_matrix(X, self.n_features_in_)), dtype=np.float64)

    def predict(self, X: ArrayLike) -> NDArray[np.str_]:
        """The most probable decision of each row."""
        labels: NDArray[np.str_] = self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return labels

    def _class_index(self, class_index: int | None) -> int:
        k = len(self.classes_)
        risky = self.classes_.tolist().index(RISKY_DECISION[self.case_type])
        index = risky if class_index is None else class_index
        if not 0 <= index < k:
            raise ValueError(f"class_index must lie in [0, {k}), got {index}")
        return index

    def raw_score(self, X: ArrayLike, class_index: int | None = None) -> NDArray[np.float64]:
        """(n,) margin of ``class_index`` (default: the risky decision): the log-odds of it against
        the other decision for binary types, the class's softmax score for multi-class ones."""
        check_is_fitted(self, "model_")
        index = self._class_index(class_index)
        margin = np.asarray(self.model_.predict(as_matrix(X, self.n_features_in_), raw_score=True))
        if margin.ndim == 1:
            return margin if index == 1 else -margin
        column: NDArray[np.float64] = margin[:, index]
        return column

    def explain(self, X: ArrayLike, class_index: int | None = None) -> FloatMatrix:
        """(n, n_features + 1) TreeSHAP contributions towards ``class_index`` (default: the risky
        decision), in the units of :meth:`raw_score`; the last column is the bias (expected value).
        Each row sums to ``raw_score(X, class_index)``."""
        check_is_fitted(self, "model_")
        index = self._class_index(class_index)
        matrix = as_matrix(X, self.n_features_in_)
        contrib = np.asarray(self.model_.booster_.predict(matrix, pred_contrib=True), dtype=np.float64)
        width = self.n_features_in_ + 1
        if contrib.shape[1] == width:  # binary: contributions towards class 1
            return contrib if index == 1 else -contrib
        per_class: FloatMatrix = contrib.reshape(len(matrix), len(self.classes_), width)[:, index, :]
        return per_class
