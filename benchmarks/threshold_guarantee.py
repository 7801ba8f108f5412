"""Does the Learn-then-Test boundary keep its promise, and how fast does the drift monitor react?

Thresholds: each of ``--sets`` calibration sets draws ``--size`` labelled cases with risk probabilities
p ~ Beta(0.12, 0.12) and its own true error curves (P(risky | p) = 1 - miss * (1 - p) above 0.5 and
excess * p below, with miss and excess uniform on [0.2, 1]), so the true error of any threshold is
known in closed form. ``choose_segment_thresholds`` picks both sides at alpha 1 %, delta 5 %; the
benchmark prints how often a deployed threshold's true error exceeds alpha (promised: at most
delta/2 per side, delta for the segment), the share of all cases each side automates, and the
share an oracle that knew the true curve would automate on the same grid.

Monitor: the Bernoulli CUSUM at alpha 1 % (ARL0 target 3,000 audits): simulated and Markov-chain
run lengths at the nominal rate (false alarms) and at 2x and 5x alpha (detection delay).

    .venv/bin/python benchmarks/threshold_guarantee.py [--sets 10000] [--size 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from roca.policy.monitor import ErrorDriftMonitor, run_length
from roca.policy.thresholds import AUTO_ACT_GRID, AUTO_CLEAR_GRID, choose_segment_thresholds

SHAPE = 0.12
ALPHA, DELTA = 0.01, 0.05


def auto_act_error(threshold: float, miss: float) -> float:
    return float(
        miss * 0.5 * stats.beta.sf(threshold, SHAPE, SHAPE + 1) / stats.beta.sf(threshold, SHAPE, SHAPE)
    )


def auto_clear_error(threshold: float, excess: float) -> float:
    cdf = stats.beta.cdf(threshold, SHAPE, SHAPE)
    return float(excess * 0.5 * stats.beta.cdf(threshold, SHAPE + 1, SHAPE) / cdf)


def coverage_act(threshold: float | None) -> float:
    return 0.0 if threshold is None else float(stats.beta.sf(threshold, SHAPE, SHAPE))


def coverage_clear(threshold: float | None) -> float:
    return 0.0 if threshold is None else float(stats.beta.cdf(threshold, SHAPE, SHAPE))


def oracle_act(miss: float) -> float | None:
    safe = [t for t in AUTO_ACT_GRID if auto_act_error(t, miss) <= ALPHA]
    return min(safe) if safe else None


def oracle_clear(excess: float) -> float | None:
    safe = [t for t in AUTO_CLEAR_GRID if auto_clear_error(t, excess) <= ALPHA]
    return max(safe) if safe else None


def threshold_guarantee(sets: int, size: int, rng: np.random.Generator) -> None:
    violations = np.zeros((sets, 2), dtype=bool)
    covered = np.zeros((sets, 2))
    oracle = np.zeros((sets, 2))
    started = time.perf_counter()
    for index in range(sets):
        miss, excess = rng.uniform(0.2, 1.0, 2)
        p = rng.beta(SHAPE, SHAPE, size)
        risky = rng.random(size) < np.where(p < 0.5, excess * p, 1 - miss * (1 - p))
        choice = choose_segment_thresholds(p, risky, alpha=ALPHA, delta=DELTA)
        act, clear = choice.auto_act_threshold, choice.auto_clear_threshold
        violations[index] = (
            act is not None and auto_act_error(act, miss) > ALPHA,
            clear is not None and auto_clear_error(clear, excess) > ALPHA,
        )
        covered[index] = coverage_act(act), coverage_clear(clear)
        oracle[index] = coverage_act(oracle_act(miss)), coverage_clear(oracle_clear(excess))
    elapsed = time.perf_counter() - started
    print(f"Thresholds: {sets} calibration sets of {size} labelled cases, alpha {ALPHA}, delta {DELTA}")
    for column, side in enumerate(("auto-act", "auto-clear")):
        print(
            f"  {side:10s} violation frequency {violations[:, column].mean():.4f} (promised <= {DELTA / 2}); "
            f"coverage {covered[:, column].mean():.3f} vs oracle {oracle[:, column].mean():.3f}"
        )
    print(f"  either side violated {violations.any(axis=1).mean():.4f} (promised <= {DELTA})")
    print(f"  {elapsed / sets * 1000:.2f} ms per segment recalibration")


def audits_until_alarm(rate: float, rng: np.random.Generator, horizon: int) -> int:
    monitor = ErrorDriftMonitor(ALPHA)
    errors = rng.random(horizon) < rate
    for error in errors:
        if monitor.update(bool(error)).alarm:
            return monitor.state.audits
    return horizon  # censored


def monitor_run_lengths(runs: int, rng: np.random.Generator) -> None:
    limit = ErrorDriftMonitor(ALPHA).limit
    print(f"Monitor: Bernoulli CUSUM alpha {ALPHA} -> {2 * ALPHA}, limit h = {limit:.3f} (ARL0 target 3,000)")
    for multiple, count, horizon in ((1.0, runs // 4, 60_000), (2.0, runs, 20_000), (5.0, runs, 5_000)):
        lengths = np.array([audits_until_alarm(multiple * ALPHA, rng, horizon) for _ in range(count)])
        label = "false-alarm run length" if multiple == 1.0 else f"detection delay at {multiple:.0f}x alpha"
        print(
            f"  {label:28s} mean {lengths.mean():7.0f}, median {np.median(lengths):6.0f}, "
            f"95th pct {np.percentile(lengths, 95):6.0f} audits over {count} runs "
            f"(Markov chain {run_length(limit, multiple * ALPHA, ALPHA):.0f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--monitor-runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    threshold_guarantee(args.sets, args.size, rng)
    monitor_run_lengths(args.monitor_runs, rng)


if __name__ == "__main__":
    main()
