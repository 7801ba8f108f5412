"""`roca simulate generate` end to end, as a person runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from roca.cases.schemas import CaseIn


def _simulate(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "simulate", "generate", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generate_writes_cases_truth_watchlist_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = _simulate(
        "--days", "3", "--per-day", "60", "--seed", "5", "--novel-from-day", "1", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "180 cases" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["seed"] == 5 and manifest["config"]["novel_from_day"] == 1
    assert manifest["cases_per_day"] == [60, 60, 60]
    cases = [case for name in manifest["files"]["cases"] for case in _lines(out / name)]
    truth = _lines(out / "truth.jsonl")
    assert len(cases) == len(truth) == manifest["cases"] == 180
    for case in cases:
        CaseIn.model_validate(case)
    assert [c["external_id"] for c in cases] == [t["external_id"] for t in truth]
    scenarios = Counter((str(t["case_type"]), str(t["scenario"])) for t in truth)
    assert {f"{k[0]}/{k[1]}": n for k, n in scenarios.items()} == {
        f"{case_type}/{name}": n for case_type, by in manifest["scenarios"].items() for name, n in by.items()
    }
    with (out / "watchlist.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == manifest["watchlist_entries"] > 0


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    args = (
        "--days",
        "2",
        "--per-day",
        "40",
        "--seed",
        "9",
        "--mix",
        "ato=0.5,kyc=0.5",
        "--ato-true-rate",
        "0.5",
    )
    first, second = tmp_path / "a", tmp_path / "b"
    assert _simulate(*args, "--out", str(first)).returncode == 0
    assert _simulate(*args, "--out", str(second)).returncode == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    truth = _lines(first / "truth.jsonl")
    assert Counter(t["case_type"] for t in truth) == {"ato": 40, "kyc": 40}
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["ato_true_rate"] == 0.5


def test_bad_arguments_exit_2_with_a_reason(tmp_path: Path) -> None:
    both = _simulate("--days", "1", "--case-types", "ato", "--mix", "ato=1", "--out", str(tmp_path / "x"))
    assert both.returncode == 2
    assert "not both" in both.stderr
    assert not (tmp_path / "x").exists()
