"""End-to-end scoring speed: signals + model + calibration + explanation (+ guardrails and the
narrative) for cases of about 50 events, single process.

    .venv/bin/python benchmarks/scoring.py [--cases 5000]

A calibrated ATO model is trained on a short simulation first; the scored cases are the intake
benchmark's synthetic ATO cases (50 events each).  Figures: cases/s in batches of 1,000, and the
latency of scoring one case at a time (p50, p99).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date

import numpy as np

from roca.agent.features import to_matrix
from roca.agent.guardrails import Guardrails
from roca.agent.pipeline import DecisionPipeline
from roca.agent.training import train_on_simulation
from roca.cases.schemas import CaseIn
from roca.signals import catalog
from roca.signals.context import SignalInput, input_for_case
from synthetic_cases import generate_cases

BATCH_TARGET, P99_TARGET_MS = 2000.0, 10.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    trained = train_on_simulation("ato", days=12, per_day=500, seed=args.seed, test_days=2)
    pipeline = DecisionPipeline("ato", trained.estimator, Guardrails.load(), "model", "benchmark")
    inputs = [
        input_for_case(CaseIn.model_validate(c)) for c in generate_cases(args.cases, 50, 2000, args.seed)
    ]
    pipeline.recommend(inputs[:100])  # warm caches (SOP index, LightGBM)

    started = time.perf_counter()
    for start in range(0, len(inputs), 1000):
        pipeline.recommend(inputs[start : start + 1000])
    batch_rate = len(inputs) / (time.perf_counter() - started)

    started = time.perf_counter()
    for start in range(0, len(inputs), 1000):
        core(pipeline, inputs[start : start + 1000])
    core_rate = len(inputs) / (time.perf_counter() - started)

    latencies = []
    for signal_input in inputs[:2000]:
        began = time.perf_counter()
        pipeline.recommend([signal_input])
        latencies.append((time.perf_counter() - began) * 1000)
    p50, p99 = np.percentile(latencies, [50, 99])

    machine = f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}; {date.today()}")
    print(f"cases: {len(inputs):,} synthetic ATO cases, 50 events each; model: LightGBM + Venn-Abers")
    print("| path | figure | target |")
    print("|---|---:|---|")
    verdict = "met" if batch_rate >= BATCH_TARGET else "MISSED"
    target = f"{BATCH_TARGET:,.0f}: {verdict}"
    print(f"| batch of 1,000, all that a scoring stores | {batch_rate:,.0f} cases/s | {target} |")
    print(f"| batch of 1,000, signals + model + calibration + SHAP only | {core_rate:,.0f} cases/s | |")
    print(f"| one case, p50 | {p50:.2f} ms | |")
    verdict = "met" if p99 <= P99_TARGET_MS else "MISSED"
    print(f"| one case, p99 | {p99:.2f} ms | {P99_TARGET_MS:.0f} ms: {verdict} |")


def core(pipeline: DecisionPipeline, inputs: list[SignalInput]) -> None:
    """Signal values, calibrated probabilities and SHAP contributions towards the chosen decision."""
    matrix = to_matrix([catalog.values(signal_input) for signal_input in inputs])
    chosen = pipeline.estimator.predict_proba(matrix).argmax(axis=1)
    for class_index in np.unique(chosen):
        pipeline.estimator.explain(matrix[chosen == class_index], int(class_index))


if __name__ == "__main__":
    main()
