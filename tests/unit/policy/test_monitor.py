"""The Bernoulli CUSUM drift monitor: its design limit, detection and false alarms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from roca.policy.monitor import (
    ErrorDriftMonitor,
    MonitorState,
    decision_limit,
    log_likelihood_ratios,
    run_length,
)

ALPHA = 0.01


def _audits_until_alarm(monitor: ErrorDriftMonitor, errors: np.ndarray) -> int | None:
    for error in errors:
        if monitor.update(bool(error)).alarm:
            return monitor.state.alarm_at
    return None


def test_the_limit_meets_the_target_false_alarm_run_length() -> None:
    limit = decision_limit(ALPHA, 3000)
    assert run_length(limit, ALPHA, ALPHA) >= 3000
    assert limit < math.log(3000)  # tighter than the e-detector bound, which holds for any rate <= alpha
    # ARL falls as the error rises: the chain orders the rates as it should.
    assert run_length(limit, 2 * ALPHA, ALPHA) < run_length(limit, ALPHA, ALPHA)
    assert run_length(limit, 5 * ALPHA, ALPHA) < 150


def test_log_likelihood_ratios_point_the_right_way() -> None:
    up, down = log_likelihood_ratios(ALPHA)
    assert up == pytest.approx(math.log(2)) and down < 0
    with pytest.raises(ValueError, match="alpha"):
        log_likelihood_ratios(0.6)


def test_five_times_alpha_alarms_within_a_bounded_number_of_audits() -> None:
    rng = np.random.default_rng(1)
    delays = []
    for _ in range(200):
        monitor = ErrorDriftMonitor(ALPHA)
        delay = _audits_until_alarm(monitor, rng.random(2000) < 5 * ALPHA)
        assert delay is not None, "a 5x error rate went unnoticed for 2,000 audits"
        delays.append(delay)
    print(
        f"detection delay at 5x alpha: mean {np.mean(delays):.0f}, "
        f"95th percentile {np.percentile(delays, 95):.0f}"
    )
    assert np.mean(delays) < 150
    assert max(delays) < 600


def test_at_the_nominal_rate_false_alarms_are_rare() -> None:
    rng = np.random.default_rng(2)
    runs, horizon, alarms = 100, 300, 0
    for _ in range(runs):
        monitor = ErrorDriftMonitor(ALPHA)
        alarms += _audits_until_alarm(monitor, rng.random(horizon) < ALPHA) is not None
    # ARL0 ~ 3,000 audits: about one run in ten alarms within 300 audits; allow for chance.
    print(f"false alarms within {horizon} audits at alpha: {alarms}/{runs}")
    assert alarms / runs < 0.25


def test_a_long_clean_run_never_alarms() -> None:
    monitor = ErrorDriftMonitor(ALPHA)
    for _ in range(10_000):
        monitor.update(False)
    assert not monitor.alarm and monitor.state.statistic == 0.0


def test_the_alarm_latches_until_reset() -> None:
    monitor = ErrorDriftMonitor(ALPHA)
    while not monitor.alarm:
        monitor.update(True)
    fired_at = monitor.state.alarm_at
    assert fired_at == math.ceil(monitor.limit / math.log(2))
    for _ in range(1000):
        monitor.update(False)
    assert monitor.alarm and monitor.state.alarm_at == fired_at
    assert monitor.reset() == MonitorState()
    assert not monitor.alarm


def test_weights_scale_the_step_and_are_counted() -> None:
    plain, weighted = ErrorDriftMonitor(ALPHA), ErrorDriftMonitor(ALPHA)
    plain.update(True)
    state = weighted.update(True, weight=2.0)
    assert state.statistic == pytest.approx(2 * plain.state.statistic)
    assert state.weighted_errors == 2.0 and state.errors == 1 and state.audits == 1
    with pytest.raises(ValueError, match="weight"):
        weighted.update(False, weight=0.0)
