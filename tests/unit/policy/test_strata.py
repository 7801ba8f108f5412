"""The post-stratified exact test over a pool: valid at alpha with selective labels, equal to the
exact binomial test when every case is labelled, and it keeps an automated band certified where the
per-weight bound gives it up after one night of audits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from roca.policy import strata
from roca.policy.thresholds import (
    PoolSample,
    choose_auto_clear_threshold,
    choose_segment_thresholds_on_pool,
)

ALPHA, DELTA_SIDE, QA = 0.01, 0.025, 0.03


def _pool(rng: np.random.Generator, low: float, high: float, reviewed: int, automated: int) -> PoolSample:
    """Two score cells, [0, 0.01] wrong with probability ``low`` and (0.01, 0.02] with ``high``:
    ``reviewed`` cases reviewed in full, then ``automated`` cases with the low cell auto-cleared
    at p <= 0.01 and audited at 3 %, the high cell still reviewed."""
    cases = reviewed + automated
    score = np.where(rng.random(cases) < 0.8, 0.005, 0.015)
    risky = rng.random(cases) < np.where(score < 0.01, low, high)
    automated_cell = (np.arange(cases) >= reviewed) & (score < 0.01)
    labelled = ~automated_cell | (rng.random(cases) < QA)
    return PoolSample.of(score, labelled, risky, boundaries=[0.01], draw=rng.random(cases))


def _p_value(sample: PoolSample, cut: float = 0.02) -> float:
    cell = strata.cells(sample.risk_probability, sample.stratum, sample.boundaries)
    band = sample.risk_probability <= cut
    return strata.test_band(
        band, cell, sample.labelled, sample.risky, sample.draw, ALPHA, 1 - DELTA_SIDE
    ).p_value


@pytest.mark.parametrize(("reviewed", "automated"), [(1500, 0), (800, 3000), (300, 6000)])
def test_a_band_at_alpha_is_certified_at_most_delta_of_the_time(reviewed: int, automated: int) -> None:
    # The band's error is exactly alpha: 0.8 x 0.5 % + 0.2 x 3 %.
    rng = np.random.default_rng(20261128)
    runs = 600
    wrong = sum(_p_value(_pool(rng, 0.005, 0.03, reviewed, automated)) <= DELTA_SIDE for _ in range(runs))
    assert wrong / runs <= DELTA_SIDE + 2 * np.sqrt(DELTA_SIDE / runs)


def test_with_every_case_labelled_it_is_the_exact_binomial_test() -> None:
    rng = np.random.default_rng(5)
    sample = _pool(rng, 0.002, 0.01, 2000, 0)
    errors = int(sample.risky.sum())
    assert _p_value(sample) == pytest.approx(stats.binom.cdf(errors, 2000, ALPHA))


def test_a_clean_band_stays_certified_after_it_is_automated_and_audited() -> None:
    rng = np.random.default_rng(7)
    sample = _pool(rng, 0.001, 0.004, 1500, 2000)  # five days reviewed, then a week automated
    assert _p_value(sample) <= DELTA_SIDE
    labels = sample.labelled
    weight = np.where((sample.risk_probability < 0.01) & (np.arange(len(sample)) >= 1500), 1 / QA, 1.0)
    per_weight = choose_auto_clear_threshold(
        sample.risk_probability[labels],
        sample.risky[labels],
        weight[labels],
        alpha=ALPHA,
        delta_side=DELTA_SIDE,
    )
    assert per_weight.threshold is None  # the per-weight bound gives the band up


def test_audited_errors_in_the_automated_band_withdraw_the_certificate() -> None:
    rng = np.random.default_rng(3)
    sample = _pool(rng, 0.0, 0.0, 1000, 4000)
    assert _p_value(sample) <= DELTA_SIDE
    risky = sample.risky.copy()
    audited = np.flatnonzero(
        sample.labelled & (np.arange(len(sample)) >= 1000) & (sample.risk_probability < 0.01)
    )
    risky[audited[:12]] = True  # 12 of about 100 audits wrong: the automated cell errs at ~12 %
    broken = PoolSample.of(
        sample.risk_probability, sample.labelled, risky, boundaries=[0.01], draw=sample.draw
    )
    assert _p_value(broken) > DELTA_SIDE


def test_a_cell_nobody_labelled_makes_the_band_untestable() -> None:
    sample = PoolSample.of(
        [0.005, 0.005, 0.015], [False, False, True], [False, False, False], boundaries=[0.01]
    )
    test = strata.test_band(
        np.ones(3, dtype=bool),
        strata.cells(sample.risk_probability, sample.stratum, sample.boundaries),
        sample.labelled, sample.risky, sample.draw, ALPHA, 1 - DELTA_SIDE,
    )  # fmt: skip
    assert test.labelled_share == 0 and test.kept == 0 and test.p_value == 1.0


def test_the_walk_on_a_pool_names_the_subsample_and_its_evidence() -> None:
    rng = np.random.default_rng(11)
    sample = _pool(rng, 0.001, 0.004, 1500, 2000)
    choice = choose_segment_thresholds_on_pool(sample, alpha=ALPHA, delta=2 * DELTA_SIDE)
    assert choice.auto_clear_threshold is not None and choice.auto_act_threshold is None
    assert "labelled cases kept of" in choice.auto_clear.reason_en
    assert "post-stratified error rate" in choice.auto_clear.reason_en
    # The bound the lead's dashboard shows agrees with the test: at most alpha once certified.
    bound = choice.auto_clear.upper_bound
    assert bound is not None and choice.auto_clear.weighted_error_rate is not None
    assert choice.auto_clear.weighted_error_rate <= bound <= ALPHA


def test_a_pool_sample_refuses_arrays_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one entry per case"):
        PoolSample.of([0.1, 0.2], [True], [False, False])
