"""The betting test over a whole pool: valid under the null with selective labels, and it keeps an
automated band certified where the per-weight bound gives it up after one night of audits."""

from __future__ import annotations

import numpy as np
import pytest

from roca.policy import betting
from roca.policy.thresholds import (
    PoolSample,
    choose_auto_clear_threshold,
    choose_segment_thresholds_on_pool,
)

ALPHA, DELTA_SIDE, QA = 0.01, 0.025, 0.03


def _pool(rng: np.random.Generator, error_rate: float, reviewed: int, automated: int) -> PoolSample:
    """``reviewed`` cases reviewed in full, then ``automated`` cases of which QA audits 3 %: all in
    the auto-clear band (score 0.01), each wrong (risky) with probability ``error_rate``."""
    cases = reviewed + automated
    risky = rng.random(cases) < error_rate
    pi = np.r_[np.ones(reviewed), np.full(automated, QA)]
    labelled = rng.random(cases) < pi
    max_weight = np.r_[np.ones(reviewed), np.full(automated, 1 / QA)]
    return PoolSample.of(np.full(cases, 0.01), labelled, risky, 1 / pi, max_weight)


def _certified(sample: PoolSample) -> bool:
    in_band = sample.risk_probability <= 0.02
    weighted_error = np.where(sample.labelled & sample.risky, sample.weight, 0.0)
    return betting.p_value(in_band, weighted_error, sample.max_weight, ALPHA) <= DELTA_SIDE


@pytest.mark.parametrize(("reviewed", "automated"), [(600, 0), (300, 3000), (0, 4000)])
def test_a_band_whose_error_is_alpha_is_certified_at_most_delta_of_the_time(
    reviewed: int, automated: int
) -> None:
    rng = np.random.default_rng(20261128)
    runs = 800
    wrong = sum(_certified(_pool(rng, ALPHA, reviewed, automated)) for _ in range(runs))
    assert wrong / runs <= DELTA_SIDE + 2 * np.sqrt(DELTA_SIDE / runs)


def test_a_clean_band_stays_certified_after_it_is_automated_and_audited() -> None:
    rng = np.random.default_rng(7)
    before = _pool(rng, 0.001, 1500, 0)
    after = _pool(rng, 0.001, 1500, 800)  # the same reviews, then a few nights of automation
    assert _certified(before) and _certified(after)
    # The per-weight bound gives up as soon as the audits of weight 33 join the pool.
    per_weight = choose_auto_clear_threshold(
        after.risk_probability[after.labelled], after.risky[after.labelled], after.weight[after.labelled],
        alpha=ALPHA, delta_side=DELTA_SIDE,
    )  # fmt: skip
    assert per_weight.threshold is None


def test_audited_errors_in_the_automated_band_withdraw_the_certificate() -> None:
    rng = np.random.default_rng(3)
    sample = _pool(rng, 0.0, 500, 3000)
    assert _certified(sample)
    risky = sample.risky.copy()
    audited = np.flatnonzero(sample.labelled & (sample.weight > 1))
    risky[audited[:3]] = True  # three audited errors stand for about a hundred automated ones
    broken = PoolSample.of(sample.risk_probability, sample.labelled, risky, sample.weight, sample.max_weight)
    assert not _certified(broken)


def test_the_walk_on_a_pool_names_the_betting_test_and_its_evidence() -> None:
    rng = np.random.default_rng(11)
    scores = rng.uniform(0, 0.04, 3000)
    risky = rng.random(3000) < scores / 8
    sample = PoolSample.of(scores, np.ones(3000, bool), risky, np.ones(3000), np.ones(3000))
    choice = choose_segment_thresholds_on_pool(sample, alpha=ALPHA, delta=2 * DELTA_SIDE)
    assert choice.auto_clear_threshold is not None
    assert choice.auto_act_threshold is None
    assert "betting p-value" in choice.auto_clear.reason_en


def test_a_pool_sample_refuses_arrays_of_different_lengths_and_weights_above_the_ceiling() -> None:
    with pytest.raises(ValueError, match="one entry per case"):
        PoolSample.of([0.1, 0.2], [True], [False, False], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="max_weight"):
        PoolSample.of([0.1], [True], [False], [33.0], [1.0])
