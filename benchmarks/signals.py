"""Signal computation speed: cases per second for all signals of a case, single process.

    .venv/bin/python benchmarks/signals.py [--cases 5000] [--seed 5]

Cases come from the simulated exchange (about 50 timeline events each, the history cap upstream
sends), replayed through an in-memory account store so that history and cross-account links are
as they would be live.  Three figures per case type:
- values: every signal's value (what the model reads), the scoring hot path;
- values + text: the same with both languages rendered (what the console shows);
- with input: also building the input (merging the stored timeline with the case's events).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from statistics import mean

from roca.cases.schemas import CaseIn
from roca.signals import catalog
from roca.signals.context import SignalInput, input_for_case
from roca.signals.memory import InMemoryAccounts
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import screening_list
from synthetic_cases import generate_cases

TARGET = 5000.0


def inputs(
    case_type: str, count: int, seed: int
) -> tuple[list[tuple[InMemoryAccounts, CaseIn]], list[SignalInput]]:
    per_day = max(200, count // 3)
    exchange = Exchange(SimulationConfig(seed=seed, per_day=per_day, mix={case_type: 1.0}))  # type: ignore[dict-item]
    accounts = InMemoryAccounts(screen=screening_list(exchange.watchlist))
    pending: list[tuple[InMemoryAccounts, CaseIn]] = []
    built: list[SignalInput] = []
    day = 0
    while len(built) < count:
        for item in exchange.day(day):
            case = CaseIn.model_validate(item.case)
            if day > 0 and len(built) < count:  # day 0 only builds history
                pending.append((accounts, case))
                built.append(accounts.signal_input(case))
            accounts.remember(case)
        day += 1
    return pending, built


def rate(work: Callable[[], object], count: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"date {date.today()}"
    )
    header = (
        "cases",
        "n",
        "events/case",
        "signals",
        "values cases/s",
        "values + text cases/s",
        "with input cases/s",
    )
    print("| " + " | ".join(header) + " | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for case_type in ("ato", "kyc", "kyb", "fraud"):
        pending, built = inputs(case_type, args.cases, args.seed)
        report(f"{case_type} (simulated)", case_type, pending, built)
    synthetic = [CaseIn.model_validate(c) for c in generate_cases(args.cases, 50, 2000, args.seed)]
    store = InMemoryAccounts()
    report(
        "ato (50 events each)", "ato", [(store, c) for c in synthetic], [input_for_case(c) for c in synthetic]
    )


def report(
    label: str, case_type: str, pending: list[tuple[InMemoryAccounts, CaseIn]], built: list[SignalInput]
) -> None:
    events = mean(len(i.timeline) for i in built)
    values = rate(partial(_values, built), len(built))
    texts = rate(partial(_texts, built), len(built))
    full = rate(partial(_with_input, pending), len(built))
    verdict = "met" if values >= TARGET else "MISSED"
    signals = len(catalog.feature_names(case_type))  # type: ignore[arg-type]
    print(
        f"| {label} | {len(built):,} | {events:.0f} | {signals} | {values:,.0f} | {texts:,.0f} | {full:,.0f} "
        f"| {TARGET:,.0f}: {verdict} |"
    )


def _values(built: list[SignalInput]) -> None:
    for signal_input in built:
        catalog.values(signal_input)


def _texts(built: list[SignalInput]) -> None:
    for signal_input in built:
        catalog.compute(signal_input)


def _with_input(pending: list[tuple[InMemoryAccounts, CaseIn]]) -> None:
    for store, case in pending:
        catalog.values(store.signal_input(case))


if __name__ == "__main__":
    main()
