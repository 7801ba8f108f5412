"""How much of a month of ATO alerts can any certified policy automate?  The ceiling of the
guarantee itself, before selective labels, reviewer errors or retraining cost anything.

An oracle that knows the true label of every case (no reviewer error, every case labelled, nothing
automated while it learns) trains one model on the first K days of a 30-day simulated month and
certifies both thresholds with the policy's own Learn-then-Test walk (alpha, delta split over the
two sides) on *all* the remaining days.  The coverage it certifies is the most a loop that must
both learn and certify within the month could reach at day 30.

    .venv/bin/python benchmarks/certification_ceiling.py [--seeds 7 1 2] [--per-day 400] [--alpha 0.01]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from roca.agent.calibration import CalibratedModel
from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.agent.estimators import SignalModel
from roca.agent.training import _labels, _matrix
from roca.policy.thresholds import choose_segment_thresholds
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import ReplayedCase, replay

TRAIN_DAYS = (6, 8, 10, 12, 15, 18, 21)


def ceiling(seed: int, per_day: int, days: int, alpha: float, delta: float) -> list[dict[str, Any]]:
    config = SimulationConfig(seed=seed, per_day=per_day, mix={"ato": 1.0})
    month: list[list[ReplayedCase]] = [list(cases) for _, cases in replay(Exchange(config), range(days))]
    risky = DECISIONS["ato"].index(RISKY_DECISION["ato"])
    rows: list[dict[str, Any]] = []
    for train_days in TRAIN_DAYS:
        train = [case for day in month[:train_days] for case in day]
        certify = [case for day in month[train_days:] for case in day]
        model = CalibratedModel(SignalModel("ato")).fit(_matrix(train), _labels("ato", train))
        p = np.asarray(model.predict_proba(_matrix(certify)), dtype=np.float64)[:, risky]
        is_risky = _labels("ato", certify) == risky
        choice = choose_segment_thresholds(p, is_risky, alpha=alpha, delta=delta)
        act, clear = choice.auto_act_threshold, choice.auto_clear_threshold
        automated = np.zeros(p.shape, dtype=bool)
        if act is not None:
            automated |= p >= act
        if clear is not None:
            automated |= p <= clear
        wrong = (automated & (p >= (act or 2.0)) & ~is_risky) | (
            automated & (p <= (clear or -1.0)) & is_risky
        )
        rows.append({
            "train_days": train_days, "certify_cases": len(certify), "auto_act": act, "auto_clear": clear,
            "coverage": float(automated.mean()), "true_error": float(wrong.sum() / max(automated.sum(), 1)),
        })  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 1, 2])
    parser.add_argument("--per-day", type=int, default=400)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--delta", type=float, default=0.05)
    args = parser.parse_args()
    print(f"{args.days} days x {args.per_day} ATO alerts, alpha {args.alpha:.2%}, delta {args.delta:.0%}")
    print("| seed | trained on days | certified on cases | auto-act | auto-clear | coverage | true error |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    best: list[float] = []
    for seed in args.seeds:
        started = time.perf_counter()
        rows = ceiling(seed, args.per_day, args.days, args.alpha, args.delta)
        for row in rows:
            print(
                f"| {seed} | 0-{row['train_days'] - 1} | {row['certify_cases']:,} | {row['auto_act']} | "
                f"{row['auto_clear']} | {row['coverage']:.1%} | {row['true_error']:.2%} |"
            )
        best.append(max(float(row["coverage"]) for row in rows))
        print(f"<!-- seed {seed}: {time.perf_counter() - started:.0f} s -->")
    print("best certified coverage per seed: " + ", ".join(f"{b:.1%}" for b in best))


if __name__ == "__main__":
    main()
