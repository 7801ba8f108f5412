"""Are ROCA's ATO probabilities calibrated?  Simulated ATO cases (1,000 a day) are replayed through
the signals; days 0-19 train, days 20-29 test.  For each calibrator, ``CalibratedModel`` fits the
LightGBM base on days 0-15 and the calibrator on days 16-19 (the time-ordered hold-out: the last
20 % of the training rows).  On the test days it prints AUC, Brier, log loss, ECE over 10
equal-mass bins and the tail ECE above 0.8 / 0.9 / 0.95 / 0.99, for the uncalibrated base too, and
draws the reliability diagram to docs/img/reliability-ato.png.

Acceptance: the default calibrator's ECE is at most 0.02 (exit status 1 otherwise).

    .venv/bin/python benchmarks/calibration.py [--seeds 11 12] [--per-day 1000] [--png PATH]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roca.agent.calibration import (
    CalibratedModel,
    IsotonicCalibrator,
    PlattCalibrator,
    VennAbersCalibrator,
    default_calibrator,
)
from roca.agent.estimators import SignalModel
from roca.agent.features import FeatureSpec
from roca.agent.quality import TAIL_THRESHOLDS, QualityReport, reliability_diagram
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import replay

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DAYS, TEST_DAYS = 20, 10
CALIBRATION_SIZE = 0.2  # days 16-19 of days 0-19
ACCEPTED_ECE = 0.02
CALIBRATORS: dict[str, Any] = {
    "isotonic": IsotonicCalibrator(),
    "Platt": PlattCalibrator(),
    "Venn-Abers": VennAbersCalibrator(),
}


@dataclass(frozen=True)
class Split:
    x_train: NDArray[np.float64]
    y_train: NDArray[np.int_]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.int_]


def simulate(seed: int, per_day: int) -> Split:
    """ATO signal matrices in arrival order: days 0-19 for training, 20-29 for testing."""
    spec = FeatureSpec.for_case_type("ato")
    config = SimulationConfig(seed=seed, per_day=per_day, mix={"ato": 1.0})
    rows: dict[bool, list[list[Any]]] = {True: [], False: []}
    labels: dict[bool, list[int]] = {True: [], False: []}
    for day, cases in replay(Exchange(config), range(TRAIN_DAYS + TEST_DAYS)):
        for case in cases:
            rows[day < TRAIN_DAYS].append(case.values)
            labels[day < TRAIN_DAYS].append(int(case.simulated.truth.label == "confirm_ato"))
    return Split(
        spec.matrix(rows[True]), np.array(labels[True]), spec.matrix(rows[False]), np.array(labels[False])
    )


def evaluate(split: Split) -> tuple[dict[str, QualityReport], dict[str, NDArray[np.float64]], dict[str, str]]:
    """Quality report, risky-class scores and timings per model, uncalibrated first."""
    reports: dict[str, QualityReport] = {}
    scores: dict[str, NDArray[np.float64]] = {}
    timings: dict[str, str] = {}
    for name, calibrator in CALIBRATORS.items():
        started = time.perf_counter()
        model = CalibratedModel(SignalModel("ato"), calibrator).fit(
            split.x_train, split.y_train, calibration_size=CALIBRATION_SIZE
        )
        fitted = time.perf_counter()
        proba = model.predict_proba(split.x_test)
        rate = len(split.x_test) / (time.perf_counter() - fitted)
        timings[name] = f"fit {fitted - started:.1f} s, predict {rate:,.0f} rows/s"
        if not reports:
            raw = model.base_.predict_proba(split.x_test)
            reports["uncalibrated"] = QualityReport.of(split.y_test, raw)
            scores["uncalibrated"] = raw[:, 1]
        reports[name] = QualityReport.of(split.y_test, proba)
        scores[name] = proba[:, 1]
    return reports, scores, timings


def table(reports: dict[str, QualityReport]) -> str:
    tails = " ".join(f"{'tail>=' + format(t, 'g'):>15s}" for t in TAIL_THRESHOLDS)
    lines = [f"{'model':14s} {'AUC':>7s} {'Brier':>7s} {'logloss':>8s} {'ECE':>7s} {tails}"]
    for name, r in reports.items():
        tail = " ".join(f"{r.tail_ece[t]:8.4f} ({r.tail_count[t]:>4d})" for t in TAIL_THRESHOLDS)
        lines.append(f"{name:14s} {r.auc:7.4f} {r.brier:7.4f} {r.log_loss:8.4f} {r.ece:7.4f} {tail}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[11])
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--png", type=Path, default=ROOT / "docs/img/reliability-ato.png")
    args = parser.parse_args()
    default_name = {type(c).__name__: n for n, c in CALIBRATORS.items()}[type(default_calibrator()).__name__]
    failed = False
    for seed in args.seeds:
        started = time.perf_counter()
        split = simulate(seed, args.per_day)
        print(
            f"\n== seed {seed}: {len(split.y_train):,} train cases (days 0-19), {len(split.y_test):,} test "
            f"(days 20-29), {split.y_test.mean():.1%} ATO; simulated in {time.perf_counter() - started:.0f} s"
        )
        reports, scores, timings = evaluate(split)
        print(table(reports))
        print("tail columns: ECE among test cases scoring at least the threshold (their count)")
        for name, timing in timings.items():
            print(f"  {name:12s} {timing}")
        ece = reports[default_name].ece
        failed |= ece > ACCEPTED_ECE
        print(f"default calibrator {default_name}: ECE {ece:.4f} (accepted <= {ACCEPTED_ECE})")
        if seed == args.seeds[0]:
            title = f"ATO: calibrated on days 16-19, tested on days 20-29 (seed {seed})"
            path = reliability_diagram(split.y_test, scores, args.png, title, highlight=default_name)
            print(f"wrote {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
