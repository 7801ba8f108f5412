"""A simulated run on disk: one JSONL file of cases per day, the ground truth, the watchlist and a
manifest.  Byte-identical for the same config (no wall-clock time, fixed key order)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from roca.simulate.exchange import Exchange
from roca.simulate.watchlist import write_csv
from roca.simulate.world import SimulatedCase

TRUTH_FILE = "truth.jsonl"
WATCHLIST_FILE = "watchlist.csv"
MANIFEST_FILE = "manifest.json"


def day_file(day: int) -> str:
    return f"day-{day:03d}.jsonl"


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


def write_run(
    exchange: Exchange,
    days: int,
    out: Path,
    on_day: Callable[[int, list[SimulatedCase]], None] | None = None,
) -> dict[str, Any]:
    """Generate ``days`` days into ``out`` (created if missing); returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    scenarios: Counter[tuple[str, str]] = Counter()
    labels: Counter[tuple[str, str]] = Counter()
    scenario_labels: dict[str, str] = {}
    per_day: list[int] = []
    with (out / TRUTH_FILE).open("wb") as truth:
        for day, cases in exchange.days(days):
            (out / day_file(day)).write_bytes(_jsonl([case.case for case in cases]))
            truth.write(_jsonl([case.truth.as_dict() for case in cases]))
            scenarios.update((c.truth.case_type, c.truth.scenario) for c in cases)
            labels.update((c.truth.case_type, c.truth.label) for c in cases)
            scenario_labels.update((f"{c.truth.case_type}/{c.truth.scenario}", c.truth.label) for c in cases)
            per_day.append(len(cases))
            if on_day is not None:
                on_day(day, cases)
    write_csv(out / WATCHLIST_FILE, exchange.watchlist)
    manifest = _manifest(exchange, days, per_day, scenarios, labels)
    manifest["scenario_labels"] = dict(sorted(scenario_labels.items()))
    (out / MANIFEST_FILE).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return manifest


def _nested(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    nested: dict[str, dict[str, int]] = {}
    for (case_type, name), count in sorted(counts.items()):
        nested.setdefault(case_type, {})[name] = count
    return nested


def _manifest(
    exchange: Exchange,
    days: int,
    per_day: list[int],
    scenarios: Counter[tuple[str, str]],
    labels: Counter[tuple[str, str]],
) -> dict[str, Any]:
    return {
        "generator": "roca.simulate",
        "config": exchange.config.model_dump(mode="json"),
        "days": days,
        "cases": sum(per_day),
        "cases_per_day": per_day,
        "scenarios": _nested(scenarios),
        "labels": _nested(labels),
        "watchlist_entries": len(exchange.watchlist),
        "files": {
            "cases": [day_file(day) for day in range(days)],
            "truth": TRUTH_FILE,
            "watchlist": WATCHLIST_FILE,
        },
    }
