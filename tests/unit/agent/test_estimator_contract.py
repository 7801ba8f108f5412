"""One contract over every estimator the agent can deploy (river's ``check_estimator`` idea), and the
input contract they all read: the signal matrix built by ``roca.agent.features``."""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, clone

from roca.agent.calibration import (
    CalibratedModel,
    IsotonicCalibrator,
    PlattCalibrator,
    VennAbersCalibrator,
)
from roca.agent.decisions import DECISIONS
from roca.agent.estimators import SignalModel
from roca.agent.features import FeatureMismatch, FeatureSpec, names_digest, to_matrix
from roca.signals import catalog

N_ROWS, N_FEATURES = 500, 6
FAST = {"n_estimators": 15, "num_leaves": 7, "min_child_samples": 5}


def signals(seed: int, k: int) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    """Synthetic signal matrix with missing values (NaN) and k classes driven by two signals."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_ROWS, N_FEATURES))
    x[:, 2] = rng.integers(0, 2, N_ROWS)  # a flag
    x[rng.random((N_ROWS, N_FEATURES)) < 0.1] = math.nan
    logits = np.column_stack([np.zeros(N_ROWS)] + [np.nan_to_num(x[:, c - 1]) * 2 * c for c in range(1, k)])
    noisy = logits + rng.gumbel(size=logits.shape)
    return x, np.argmax(noisy, axis=1)


def base(case_type: Any) -> SignalModel:
    return SignalModel(case_type, **FAST)


ESTIMATORS = {
    "signal-binary": base("ato"),
    "signal-multiclass": base("kyc"),
    **{
        f"calibrated-{kind}-{type(cal).__name__}": CalibratedModel(base(kind), cal)
        for kind in ("ato", "kyc")
        for cal in (IsotonicCalibrator(), PlattCalibrator(), VennAbersCalibrator())
    },
}


@pytest.fixture(params=list(ESTIMATORS), name="estimator")
def _estimator(request: pytest.FixtureRequest) -> Any:
    return clone(ESTIMATORS[request.param])


def data_for(estimator: Any) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    case_type = estimator.case_type if isinstance(estimator, SignalModel) else estimator.base.case_type
    return signals(3, len(DECISIONS[case_type]))


def fitted(estimator: Any) -> Any:
    x, y = data_for(estimator)
    return estimator.fit(x, y)


def signal_model_of(estimator: Any) -> SignalModel:
    return estimator if isinstance(estimator, SignalModel) else estimator.base_


def test_fit_returns_self(estimator: Any) -> None:
    x, y = data_for(estimator)
    assert estimator.fit(x, y) is estimator


def test_learned_state_ends_in_underscore_and_exists_only_after_fit(estimator: Any) -> None:
    params = estimator.get_params(deep=False)
    assert set(vars(estimator)) == set(params)
    assert not hasattr(estimator, "classes_")
    fitted(estimator)
    learned = set(vars(estimator)) - set(params)
    assert learned
    assert all(name.endswith("_") and not name.startswith("_") for name in learned)
    assert estimator.get_params(deep=False).keys() == params.keys()


def test_predict_proba_rows_are_distributions_over_classes(estimator: Any) -> None:
    x, _ = data_for(estimator)
    proba = fitted(estimator).predict_proba(x)
    assert proba.shape == (N_ROWS, len(estimator.classes_))
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert set(estimator.predict(x)) <= set(estimator.classes_)


def test_classes_are_the_case_type_decisions(estimator: Any) -> None:
    case_type = signal_model_of(fitted(estimator)).case_type
    assert tuple(estimator.classes_) == DECISIONS[case_type]


def test_clone_round_trips_hyper_parameters_and_forgets_learning(estimator: Any) -> None:
    twin = clone(fitted(estimator))
    assert not hasattr(twin, "classes_")
    for name, value in estimator.get_params(deep=True).items():
        other = twin.get_params(deep=True)[name]
        if isinstance(value, BaseEstimator):
            assert type(other) is type(value) and other.get_params() == value.get_params()
        else:
            assert other == value
    assert twin.set_params(**twin.get_params(deep=False)) is twin


def test_pickle_round_trip_gives_identical_predictions(estimator: Any) -> None:
    x, _ = data_for(estimator)
    restored = pickle.loads(pickle.dumps(fitted(estimator)))
    np.testing.assert_array_equal(restored.predict_proba(x), estimator.predict_proba(x))


def test_same_seed_gives_the_same_model(estimator: Any) -> None:
    x, _ = data_for(estimator)
    first = clone(estimator)
    np.testing.assert_array_equal(fitted(first).predict_proba(x), fitted(estimator).predict_proba(x))


def test_inputs_are_not_modified(estimator: Any) -> None:
    x, y = data_for(estimator)
    weights = np.linspace(0.5, 2.0, len(y))
    originals = [a.copy() for a in (x, y, weights)]
    for array in (x, y, weights):
        array.flags.writeable = False  # any write raises
    estimator.fit(x, y, sample_weight=weights).predict_proba(x)
    signal_model_of(estimator).explain(x)
    for after, before in zip((x, y, weights), originals, strict=True):
        np.testing.assert_array_equal(after, before)


def test_missing_signals_are_scored(estimator: Any) -> None:
    x, _ = data_for(estimator)
    assert np.isnan(x).any()
    blank = np.full((3, N_FEATURES), math.nan)
    proba = fitted(estimator).predict_proba(blank)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)


def test_explanations_sum_to_the_base_models_raw_margin(estimator: Any) -> None:
    x, _ = data_for(estimator)
    model = signal_model_of(fitted(estimator))
    margin = np.asarray(model.model_.predict(x, raw_score=True))
    for index in range(len(estimator.classes_)):
        contributions = estimator.explain(x, index)
        assert contributions.shape == (N_ROWS, N_FEATURES + 1)
        expected = margin[:, index] if margin.ndim == 2 else (margin if index == 1 else -margin)
        np.testing.assert_allclose(contributions.sum(axis=1), expected, atol=1e-9)
        np.testing.assert_allclose(estimator.raw_score(x, index), expected, atol=1e-9)


def test_wrong_number_of_signals_is_refused(estimator: Any) -> None:
    x, _ = data_for(estimator)
    with pytest.raises(ValueError, match="signals"):
        fitted(estimator).predict_proba(x[:, :-1])


# SignalModel specifics ------------------------------------------------------------------------


def test_labels_may_be_decision_names_or_indices() -> None:
    x, y = signals(3, 2)
    by_index = base("ato").fit(x, y).predict_proba(x)
    by_name = base("ato").fit(x, np.array(DECISIONS["ato"])[y]).predict_proba(x)
    by_flag = base("ato").fit(x, y == 1).predict_proba(x)
    np.testing.assert_array_equal(by_index, by_name)
    np.testing.assert_array_equal(by_index, by_flag)


def test_unknown_or_missing_decisions_are_refused() -> None:
    x, y = signals(3, 2)
    with pytest.raises(ValueError, match="unknown labels"):
        base("ato").fit(x, np.where(y == 1, "confirm_ato", "maybe"))
    with pytest.raises(ValueError, match="lack the decisions"):
        base("kyc").fit(x, y)  # no request_info


def test_explain_defaults_to_the_risky_decision() -> None:
    x, y = signals(3, 3)
    model = base("kyc").fit(x, y)
    reject = DECISIONS["kyc"].index("reject")
    np.testing.assert_array_equal(model.explain(x), model.explain(x, reject))


# The feature matrix --------------------------------------------------------------------------


def test_to_matrix_reads_flags_numbers_and_missing_values() -> None:
    matrix = to_matrix([[True, 2, 0.5, None], [False, -1, 1e-3, 4]])
    assert matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, [[1.0, 2.0, 0.5, math.nan], [0.0, -1.0, 1e-3, 4.0]])
    assert to_matrix([]).shape == (0, 0)


def test_to_matrix_refuses_text_and_ragged_rows() -> None:
    with pytest.raises(TypeError, match="text"):
        to_matrix([["high"]])
    with pytest.raises(ValueError, match="lengths"):
        to_matrix([[1.0], [1.0, 2.0]])


def test_feature_spec_follows_the_catalog_and_refuses_another_feature_list() -> None:
    spec = FeatureSpec.for_case_type("ato")
    assert spec.names == tuple(catalog.feature_names("ato"))
    assert spec.digest == FeatureSpec.for_case_type("ato").digest == names_digest(list(spec.names))
    spec.check("ato", spec.digest)
    reordered = names_digest([*spec.names[1:], spec.names[0]])
    with pytest.raises(FeatureMismatch):
        spec.check("ato", reordered)
    with pytest.raises(FeatureMismatch):
        spec.check("kyc", spec.digest)
    with pytest.raises(FeatureMismatch):
        spec.matrix([[1.0] * (spec.width - 1)])
    assert spec.matrix([[None] * spec.width]).shape == (1, spec.width)
