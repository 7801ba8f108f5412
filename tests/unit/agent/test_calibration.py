"""Calibrators: exactness of Venn-Abers, what each calibrator learns, and the time-ordered hold-out."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.base import clone
from sklearn.isotonic import IsotonicRegression

from roca.agent.calibration import (
    CalibratedModel,
    IsotonicCalibrator,
    PlattCalibrator,
    VennAbersCalibrator,
    default_calibrator,
    venn_abers_table,
)
from roca.agent.estimators import SignalModel
from roca.agent.quality import ece_quantile

CALIBRATORS = [IsotonicCalibrator(), PlattCalibrator(), VennAbersCalibrator()]


def sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-z))


def binary(p: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.column_stack([1.0 - p, p])


def underconfident(n: int, seed: int) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    """Scores squashed towards 0.5: the true probability is sigmoid(z), the model says sigmoid(z / 3)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 2.5, n)
    return binary(sigmoid(z / 3.0)), (rng.random(n) < sigmoid(z)).astype(int)


def brute_force_bounds(
    score: NDArray[np.float64], target: NDArray[np.float64], weight: NDArray[np.float64], new: float
) -> tuple[float, float]:
    """Venn-Abers by definition: refit isotonic regression with the new case labelled 0, then 1."""
    bounds = []
    for label in (0.0, 1.0):
        fit = IsotonicRegression().fit(
            np.append(score, new), np.append(target, label), sample_weight=np.append(weight, 1.0)
        )
        bounds.append(float(fit.predict([new])[0]))
    return bounds[0], bounds[1]


def test_venn_abers_table_matches_the_definition_with_ties_and_weights() -> None:
    rng = np.random.default_rng(0)
    score = rng.integers(0, 25, 120) / 25.0  # many ties
    target = (rng.random(120) < score).astype(np.float64)
    weight = rng.uniform(0.3, 2.0, 120)
    weight *= len(weight) / weight.sum()
    table = venn_abers_table(score, target, weight)
    distinct = np.unique(score)
    gaps = (distinct[1:] + distinct[:-1]) / 2  # away from ties: sklearn pools x within 1e-15
    news = np.concatenate([distinct, gaps, [-0.1, 1.1]])
    p0, p1 = table.bounds(news)
    for i, new in enumerate(news):
        assert (p0[i], p1[i]) == pytest.approx(brute_force_bounds(score, target, weight, new), abs=1e-12)


def test_venn_abers_probability_lies_between_its_bounds_and_never_at_0_or_1() -> None:
    proba, y = underconfident(400, 1)
    calibrator = VennAbersCalibrator().fit(proba, y)
    p0, p1 = calibrator.predict_interval(proba)
    risky = calibrator.predict_proba(proba)[:, 1]
    assert np.all(p0 <= p1)
    assert np.all((p0 - 1e-12 <= risky) & (risky <= p1 + 1e-12))
    assert np.all((risky > 0) & (risky < 1))
    q0, q1 = calibrator.predict_interval(proba, class_index=0)
    np.testing.assert_allclose(q0, 1 - p1)
    np.testing.assert_allclose(q1, 1 - p0)


def test_venn_abers_handles_thousands_of_calibration_cases() -> None:
    # Its speed is measured by benchmarks/calibration.py; here only that it works at that size.
    proba, y = underconfident(12_000, 2)
    calibrated = VennAbersCalibrator().fit(proba[:2000], y[:2000]).predict_proba(proba[2000:])
    assert calibrated.shape == (10_000, 2)
    assert np.all((calibrated > 0) & (calibrated < 1))


def test_venn_abers_reads_weights_relative_to_their_mean() -> None:
    proba, y = underconfident(300, 3)
    weights = np.random.default_rng(3).uniform(0.5, 1.5, 300)
    once = VennAbersCalibrator().fit(proba, y, sample_weight=weights).predict_proba(proba)
    scaled = VennAbersCalibrator().fit(proba, y, sample_weight=weights * 30).predict_proba(proba)
    np.testing.assert_allclose(once, scaled, atol=1e-12)


@pytest.mark.parametrize("calibrator", CALIBRATORS, ids=lambda c: type(c).__name__)
def test_calibrators_repair_underconfident_scores(calibrator: Any) -> None:
    proba, y = underconfident(3000, 4)
    fresh, fresh_y = underconfident(5000, 5)
    calibrated = clone(calibrator).fit(proba, y).predict_proba(fresh)
    before = ece_quantile(fresh_y, fresh[:, 1])
    after = ece_quantile(fresh_y, calibrated[:, 1])
    assert before > 0.05
    assert after < 0.02
    np.testing.assert_allclose(calibrated[:, 0], 1.0 - calibrated[:, 1])


@pytest.mark.parametrize("calibrator", CALIBRATORS, ids=lambda c: type(c).__name__)
def test_calibrated_probability_does_not_fall_as_the_score_rises(calibrator: Any) -> None:
    proba, y = underconfident(800, 6)
    grid = binary(np.linspace(0.0, 1.0, 501))
    risky = clone(calibrator).fit(proba, y).predict_proba(grid)[:, 1]
    assert np.all(np.diff(risky) >= -1e-12)


@pytest.mark.parametrize("calibrator", CALIBRATORS, ids=lambda c: type(c).__name__)
def test_multiclass_calibration_is_one_vs_rest_renormalised(calibrator: Any) -> None:
    rng = np.random.default_rng(7)
    logits = rng.normal(0.0, 2.0, (600, 3))
    truth = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in truth])
    squashed = np.exp(logits / 2) / np.exp(logits / 2).sum(axis=1, keepdims=True)
    calibrated = clone(calibrator).fit(squashed, y).predict_proba(squashed)
    assert calibrated.shape == (600, 3)
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="3 classes"):
        clone(calibrator).fit(squashed, y).predict_proba(squashed[:, :2])


def test_platt_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(8)
    z = rng.normal(0.0, 2.0, 40_000)
    y = (rng.random(len(z)) < sigmoid(2.0 * z - 1.0)).astype(int)
    (a, b) = PlattCalibrator().fit(binary(sigmoid(z)), y).maps_[0]
    assert a == pytest.approx(2.0, abs=0.1)
    assert b == pytest.approx(-1.0, abs=0.1)


def test_platt_stays_finite_on_separable_scores() -> None:
    proba = binary(np.array([0.1, 0.2, 0.8, 0.9]))
    risky = PlattCalibrator().fit(proba, [0, 0, 1, 1]).predict_proba(proba)[:, 1]
    assert np.all(np.isfinite(risky))
    assert risky[0] < 0.5 < risky[-1]


# CalibratedModel --------------------------------------------------------------------------------


def drifting(n: int = 600) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    rng = np.random.default_rng(9)
    x = rng.normal(size=(n, 4))
    x[rng.random(x.shape) < 0.05] = math.nan
    return x, (rng.random(n) < sigmoid(2 * np.nan_to_num(x[:, 0]) - 1)).astype(int)


def small_base() -> SignalModel:
    return SignalModel("ato", n_estimators=15, num_leaves=7, min_child_samples=5)


def test_calibrated_model_fits_base_on_earlier_rows_and_calibrator_on_later_ones() -> None:
    x, y = drifting()
    model = CalibratedModel(small_base(), PlattCalibrator()).fit(x, y, calibration_size=0.25)
    base = small_base().fit(x[:450], y[:450])
    np.testing.assert_array_equal(model.base_.predict_proba(x), base.predict_proba(x))
    calibrator = PlattCalibrator().fit(base.predict_proba(x[450:]), y[450:])
    np.testing.assert_array_equal(model.predict_proba(x), calibrator.predict_proba(base.predict_proba(x)))


def test_calibrated_model_defaults_to_venn_abers_and_explains_the_uncalibrated_score() -> None:
    x, y = drifting()
    model = CalibratedModel(small_base()).fit(x, y)
    assert isinstance(model.calibrator_, type(default_calibrator()))
    assert isinstance(model.calibrator_, VennAbersCalibrator)
    assert model.calibrator is None
    np.testing.assert_array_equal(model.explain(x), model.base_.explain(x))
    np.testing.assert_array_equal(model.raw_score(x), model.base_.raw_score(x))


def test_calibrated_model_accepts_decision_names_and_splits_weights() -> None:
    x, y = drifting()
    names = np.array(["not_ato", "confirm_ato"])[y]
    weights = np.ones(len(y))
    by_name = CalibratedModel(small_base(), IsotonicCalibrator()).fit(x, names, weights).predict_proba(x)
    by_index = CalibratedModel(small_base(), IsotonicCalibrator()).fit(x, y).predict_proba(x)
    np.testing.assert_allclose(by_name, by_index)


@pytest.mark.parametrize("size", [0.0, 1.0, -0.2, 1.5])
def test_calibration_size_must_leave_both_parts(size: float) -> None:
    x, y = drifting()
    with pytest.raises(ValueError, match="calibration_size"):
        CalibratedModel(small_base()).fit(x, y, calibration_size=size)
