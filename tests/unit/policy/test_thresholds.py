"""Learn-then-Test thresholds: the exact tests, the walk's invariants and the guarantee itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy import stats  # type: ignore[import-untyped]

from roca.policy.thresholds import (
    AUTO_ACT_GRID,
    AUTO_CLEAR_GRID,
    LabelBand,
    banded_upper_bound,
    binomial_p_value,
    certify_selective_labels,
    choose_auto_act_threshold,
    choose_auto_clear_threshold,
    choose_segment_thresholds,
    clopper_pearson_upper,
    effective_sample_size,
    selective_label_upper_bound,
    weighted_error_rate,
)

# Small-sample settings so hypothesis examples can certify: alpha 10 %, delta' 10 %, 22 clean cases.
LOOSE = {"alpha": 0.1, "delta_side": 0.1, "min_labelled": 10}
SMALL_GRID = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5)

probabilities = st.sampled_from([0.5, 0.6, 0.7, 0.8, 0.9, 0.97, 1.0, 0.3])
cases = st.lists(st.tuples(probabilities, st.booleans()), min_size=0, max_size=120)
# (p, error, weight): weight 4 = a QA-audited case sampled at pi = 1/4, so the walk uses the banded bound.
weighted_cases = st.lists(st.tuples(probabilities, st.booleans(), st.sampled_from([1.0, 4.0])), max_size=200)


def _looseness(threshold: float | None) -> float:
    """Auto-act looseness: lower thresholds automate more; None automates nothing."""
    return -math.inf if threshold is None else -threshold


def _act(data: list[tuple[float, bool]], **extra: object) -> float | None:
    p = np.array([case[0] for case in data], dtype=float)
    error = np.array([case[1] for case in data], dtype=bool)
    return choose_auto_act_threshold(p, error, grid=SMALL_GRID, **{**LOOSE, **extra}).threshold  # type: ignore[arg-type]


def _weighted_act(data: list[tuple[float, bool, float]]) -> float | None:
    p, error, weight = (np.array([case[i] for case in data], dtype=float) for i in range(3))
    return choose_auto_act_threshold(p, error.astype(bool), weight, grid=SMALL_GRID, **LOOSE).threshold  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(weighted_cases, st.data())
def test_more_errors_never_loosen_a_banded_threshold(
    data: list[tuple[float, bool, float]], draw: st.DataObject
) -> None:
    clean = [i for i, case in enumerate(data) if not case[1]]
    if not clean:
        return
    flipped = list(data)
    index = draw.draw(st.sampled_from(clean))
    flipped[index] = (data[index][0], True, data[index][2])
    assert _looseness(_weighted_act(flipped)) <= _looseness(_weighted_act(data))


def test_298_clean_cases_do_not_certify_and_299_do() -> None:
    for n, certified in ((298, False), (299, True)):
        decision = choose_auto_act_threshold(np.full(n, 0.99), np.zeros(n, bool), delta_side=0.05)
        assert (decision.threshold is not None) is certified
    assert binomial_p_value(0, 298, 0.01) > 0.05 >= binomial_p_value(0, 299, 0.01)


def test_the_p_value_and_the_clopper_pearson_bound_are_one_test() -> None:
    for errors, labelled in ((0, 299), (0, 298), (3, 800), (5, 800), (10, 2000)):
        by_p_value = binomial_p_value(errors, labelled, 0.01) <= 0.05
        by_bound = clopper_pearson_upper(errors, labelled, 0.95) <= 0.01
        assert by_p_value == by_bound
    assert clopper_pearson_upper(0, 0, 0.95) == 1.0
    assert clopper_pearson_upper(7, 7, 0.95) == 1.0


@given(st.integers(0, 400), st.integers(0, 400), st.floats(0.001, 0.5))
def test_p_values_lie_in_the_unit_interval(errors: int, labelled: int, alpha: float) -> None:
    assert 0.0 <= binomial_p_value(min(errors, labelled), labelled, alpha) <= 1.0


@settings(max_examples=60, deadline=None)
@given(cases, st.data())
def test_more_errors_never_loosen_the_threshold(data: list[tuple[float, bool]], draw: st.DataObject) -> None:
    clean = [i for i, case in enumerate(data) if not case[1]]
    if not clean:
        return
    flipped = list(data)
    index = draw.draw(st.sampled_from(clean))
    flipped[index] = (data[index][0], True)
    assert _looseness(_act(flipped)) <= _looseness(_act(data))


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(1, 60))
def test_clean_cases_at_the_certified_threshold_never_tighten_it(
    data: list[tuple[float, bool]], extra: int
) -> None:
    before = _act(data)
    at = SMALL_GRID[-1] if before is None else before  # selected there, not at any stricter candidate
    after = _act(data + [(at, False)] * extra)
    assert _looseness(after) >= _looseness(before)


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from(SMALL_GRID))
def test_never_looser_than_one_grid_step_beyond_the_deployed_threshold(
    data: list[tuple[float, bool]], deployed: float
) -> None:
    chosen = _act(data, deployed=deployed)
    step_looser = SMALL_GRID[min(SMALL_GRID.index(deployed) + 1, len(SMALL_GRID) - 1)]
    assert chosen is None or chosen >= step_looser


def test_tightening_is_not_limited() -> None:
    p, error = np.full(2000, 0.99), np.zeros(2000, bool)
    error[:100] = True  # 5 % errors everywhere: nothing certifies, whatever was deployed
    assert choose_auto_act_threshold(p, error, deployed=0.6).threshold is None


def test_loosening_moves_one_step_per_recalibration() -> None:
    p, error = np.full(3000, 0.97), np.zeros(3000, bool)
    assert choose_auto_act_threshold(p, error).threshold == AUTO_ACT_GRID[-1]
    capped = choose_auto_act_threshold(p, error, deployed=0.97)
    assert capped.threshold == 0.96
    assert "capped" in capped.reason_en


def test_no_labels_means_no_automation() -> None:
    choice = choose_segment_thresholds(np.array([]), np.array([], dtype=bool))
    assert choice.auto_act_threshold is None and choice.auto_clear_threshold is None
    assert "no labelled cases" in choice.auto_act.reason_en
    assert choice.auto_act.reason_zh


def test_too_few_labelled_cases_means_no_automation() -> None:
    p, error = np.full(99, 1.0), np.zeros(99, bool)
    assert choose_auto_act_threshold(p, error, alpha=0.2, min_labelled=100).threshold is None
    assert choose_auto_act_threshold(p, error, alpha=0.2, min_labelled=50).threshold is not None


def test_the_clear_side_walks_up_from_zero() -> None:
    p, risky = np.full(500, 0.02), np.zeros(500, bool)
    decision = choose_auto_clear_threshold(p, risky)
    assert decision.threshold == AUTO_CLEAR_GRID[-1]
    assert decision.labelled == 500 and decision.errors == 0
    assert "auto-clear at p <= " in decision.reason_en


def test_the_segment_splits_delta_and_assigns_errors_by_side() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(0.12, 0.12, 20_000)
    risky = rng.random(p.size) < p
    choice = choose_segment_thresholds(p, risky, segments=5)
    assert choice.auto_act.delta == choice.auto_clear.delta == pytest.approx(0.005)
    act, clear = choice.auto_act_threshold, choice.auto_clear_threshold
    assert act is not None and clear is not None and clear < act
    assert choice.auto_act.errors == int((~risky[p >= act]).sum())
    assert choice.auto_clear.errors == int(risky[p <= clear].sum())
    record = choice.to_record()
    assert record["auto_act"]["threshold"] == act  # type: ignore[index]


def test_a_grid_must_run_strictest_first() -> None:
    with pytest.raises(ValueError, match="strictest"):
        choose_auto_act_threshold([0.9], [False], grid=(0.5, 0.9))
    with pytest.raises(ValueError, match="weights"):
        choose_auto_act_threshold([0.9], [False], [0.5])


# --- inverse-probability weights and selective labels ---------------------------------------------


def test_weighted_helpers() -> None:
    assert weighted_error_rate([True, False, False], [1, 1, 2]) == pytest.approx(0.25)
    assert math.isnan(weighted_error_rate([], []))
    assert effective_sample_size([1, 1, 1, 1]) == pytest.approx(4)
    assert effective_sample_size([1, 1, 1, 25]) < 2


def test_one_audited_band_is_the_plain_test_on_its_labels() -> None:
    rng = np.random.default_rng(5)
    p = rng.uniform(0.9, 1.0, 5000)
    error = rng.random(p.size) < 0.001
    plain = choose_auto_act_threshold(p, error)
    audited = choose_auto_act_threshold(p, error, np.full(p.size, 25.0))
    assert plain.threshold == audited.threshold and plain.p_value == audited.p_value
    assert audited.threshold is not None
    assert audited.weighted_error_rate == pytest.approx(error[p >= audited.threshold].mean())


def test_the_two_band_bound_by_hand() -> None:
    half = 1 - 0.025 / 2
    expected = (
        1000 * clopper_pearson_upper(2, 1000, half) + 2500 * clopper_pearson_upper(0, 100, half)
    ) / 3500
    bound = selective_label_upper_bound(
        reviewed_cases=1000, reviewed_errors=2, audited_labelled=100, audited_errors=0,
        audited_cases=2500, confidence=0.975,
    )  # fmt: skip
    assert bound == pytest.approx(expected)
    assert banded_upper_bound([LabelBand(1000, 2, 1000), LabelBand(100, 0, 2500)], 0.975) == pytest.approx(
        bound
    )
    counts = {"reviewed_cases": 5000, "reviewed_errors": 5, "audited_labelled": 800, "audited_cases": 1000}
    assert certify_selective_labels(**counts, audited_errors=0, alpha=0.01)
    assert not certify_selective_labels(**counts, audited_errors=80, alpha=0.01)


def test_a_mixed_walk_certifies_with_the_banded_bound() -> None:
    rng = np.random.default_rng(9)
    p = rng.uniform(0.8, 1.0, 40_000)
    error = rng.random(p.size) < 0.0005
    audited = p >= 0.95  # the live threshold: above it only a 25 % QA sample is labelled
    kept = ~audited | (rng.random(p.size) < 0.25)
    weight = np.where(audited, 4.0, 1.0)
    decision = choose_auto_act_threshold(p[kept], error[kept], weight[kept])
    assert decision.threshold is not None and decision.p_value is None
    assert decision.upper_bound is not None and decision.upper_bound <= 0.01
    assert "banded upper bound" in decision.reason_en


def test_the_two_band_bound_covers_the_true_error() -> None:
    rng = np.random.default_rng(11)
    draws, delta_side, misses = 2000, 0.025, 0
    for _ in range(draws):
        reviewed_rate, audited_rate = rng.uniform(0.002, 0.03, 2)
        reviewed, audited_cases = int(rng.integers(200, 3000)), int(rng.integers(500, 5000))
        labelled = rng.binomial(audited_cases, 0.05)
        bound = selective_label_upper_bound(
            reviewed_cases=reviewed, reviewed_errors=int(rng.binomial(reviewed, reviewed_rate)),
            audited_labelled=labelled, audited_errors=int(rng.binomial(labelled, audited_rate)),
            audited_cases=audited_cases, confidence=1 - delta_side,
        )  # fmt: skip
        true_rate = (reviewed * reviewed_rate + audited_cases * audited_rate) / (reviewed + audited_cases)
        misses += bound < true_rate
    print(f"two-band bound misses the true error in {misses / draws:.4f} of draws (delta' {delta_side})")
    assert misses / draws <= delta_side


# --- the guarantee, by simulation -------------------------------------------------------------------

SHAPE = 0.12  # risk probabilities ~ Beta(0.12, 0.12): most cases near 0 or 1, as for a good model


def _true_auto_act_error(threshold: float, miss: float) -> float:
    # P(risky | p) = 1 - miss * (1 - p) above 0.5, so E[1 - P(risky) | p >= t] has a closed form.
    return float(
        miss * 0.5 * stats.beta.sf(threshold, SHAPE, SHAPE + 1) / stats.beta.sf(threshold, SHAPE, SHAPE)
    )


def _true_auto_clear_error(threshold: float, excess: float) -> float:
    # P(risky | p) = excess * p below 0.5.
    return float(
        excess * 0.5 * stats.beta.cdf(threshold, SHAPE + 1, SHAPE) / stats.beta.cdf(threshold, SHAPE, SHAPE)
    )


def _calibration_set(
    rng: np.random.Generator, size: int
) -> tuple[NDArray[np.float64], NDArray[np.bool_], float, float]:
    miss, excess = rng.uniform(0.2, 1.0, 2)  # each set has its own true error curves
    p = rng.beta(SHAPE, SHAPE, size)
    risky_probability = np.where(p < 0.5, excess * p, 1 - miss * (1 - p))
    return p, rng.random(size) < risky_probability, miss, excess


def test_the_deployed_thresholds_error_exceeds_alpha_in_at_most_delta_of_calibration_sets() -> None:
    rng = np.random.default_rng(20_261_128)
    sets, alpha, delta = 2000, 0.01, 0.05
    act_violations = clear_violations = either = certified = 0
    for _ in range(sets):
        p, risky, miss, excess = _calibration_set(rng, 2000)
        choice = choose_segment_thresholds(p, risky, alpha=alpha, delta=delta)
        act, clear = choice.auto_act_threshold, choice.auto_clear_threshold
        act_bad = act is not None and _true_auto_act_error(act, miss) > alpha
        clear_bad = clear is not None and _true_auto_clear_error(clear, excess) > alpha
        act_violations, clear_violations = act_violations + act_bad, clear_violations + clear_bad
        either += act_bad or clear_bad
        certified += act is not None
    tolerance = 3 * math.sqrt(delta / 2 * (1 - delta / 2) / sets)
    print(
        f"violations: auto-act {act_violations / sets:.4f}, auto-clear {clear_violations / sets:.4f}, "
        f"either {either / sets:.4f}; auto-act certified in {certified / sets:.1%} of {sets} sets"
    )
    assert certified / sets > 0.5  # the test has teeth only if thresholds get certified
    assert act_violations / sets <= delta / 2 + tolerance
    assert clear_violations / sets <= delta / 2 + tolerance
    assert either / sets <= delta + tolerance
