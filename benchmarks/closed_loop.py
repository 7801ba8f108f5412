"""The learning loop's acceptance figures: a simulated month of ROCA learning from its reviewers.

Two runs of ``roca.learning.closed_loop`` on fresh SQLite databases, each writing its report
(report.json, report.md, PNG charts) under ``--out``:

* ``acceptance``: 30 days x 400 ATO cases, reviewers with 2 % error, alpha 1 %, delta 5 %:
  automation must start at 0 %, reach at least 60 % on day 30, and the true error among automatic
  decisions must stay at or below 1 % overall and in every 5-day window;
* ``novel``: the same with the novel campaign (address-book poisoning) from day 15: the drift monitor
  must contract the segment within 2 days of the campaign's errors appearing in QA, and automation
  must recover after retraining.

    .venv/bin/python benchmarks/closed_loop.py [--seed 7] [--days 30] [--per-day 400] [--only novel]
        [--eval-share 0.5] [--reviewers 6] [--capacity 60] [--qa-analysts 1] [--out var/closed-loop/bench]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from roca.config import Settings
from roca.learning.closed_loop import LoopConfig, LoopResult, run_closed_loop
from roca.learning.loop_metrics import DayRecord
from roca.learning.loop_report import summary, write_report
from roca.storage import make_engine, make_session_factory
from roca.storage.migrate import upgrade


def run(config: LoopConfig, out: Path) -> LoopResult:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "closed-loop.db"
    for stale in (database, out / "closed-loop.db-wal", out / "closed-loop.db-shm"):
        stale.unlink(missing_ok=True)
    settings = Settings(env="test", database_url=f"sqlite:///{database.resolve()}", data_dir=out)
    engine = make_engine(settings)
    try:
        upgrade(engine)
        result = run_closed_loop(config, settings, make_session_factory(engine), on_day=_progress)
    finally:
        engine.dispose()
    write_report(result, out)
    return result


def _progress(record: DayRecord) -> None:
    thresholds = f"clear <= {record.auto_clear_threshold}, act >= {record.auto_act_threshold}"
    print(
        f"  day {record.day:2d}: automated {record.automation_rate:6.1%} "
        f"(wrong {record.auto_errors}/{record.automated}), audits {record.audits} ({record.audit_errors} "
        f"overturned), reviews {record.reviews}, backlog {record.backlog}, {thresholds}"
        + (", promoted" if record.promoted else "")
        + (f", CONTRACTED {record.contractions}" if record.contractions else ""),
        flush=True,
    )


def _print(name: str, figures: dict[str, Any]) -> None:
    keep = ("automation_first_day", "automation_last_day", "automation_max", "true_error_overall",
            "true_error_worst_window", "automated", "auto_errors", "human_error_rate", "contractions",
            "checks", "novel", "seconds")  # fmt: skip
    shown = {k: figures[k] for k in keep if k in figures}
    shown["promotions"] = f"{len(figures['promotions'])} nights"
    print(f"{name}:")
    for key, value in shown.items():
        print(f"  {key}: {json.dumps(value, default=str)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=400)
    parser.add_argument("--reviewers", type=int, default=6)
    parser.add_argument("--qa-analysts", type=int, default=1)
    parser.add_argument("--capacity", type=int, default=60)
    parser.add_argument("--eval-share", type=float, default=None)
    parser.add_argument("--min-labelled", type=int, default=None)
    parser.add_argument("--qa-rate", type=float, default=None)
    parser.add_argument("--novel-from", type=int, default=15)
    parser.add_argument("--only", choices=("acceptance", "novel"), default=None)
    parser.add_argument("--out", type=Path, default=Path("var/closed-loop/bench"))
    args = parser.parse_args()
    base = LoopConfig(
        seed=args.seed, days=args.days, per_day=args.per_day, reviewers=args.reviewers,
        qa_analysts=args.qa_analysts, capacity=args.capacity, eval_share=args.eval_share,
        min_labelled=args.min_labelled, qa_rate=args.qa_rate,
    )  # fmt: skip
    runs = {"acceptance": base, "novel": replace(base, novel_from=args.novel_from)}
    for name, config in runs.items():
        if args.only and name != args.only:
            continue
        print(f"{name}: {config}", flush=True)
        result = run(config, args.out / f"{name}-{args.seed}")
        _print(name, summary(result))


if __name__ == "__main__":
    main()
