"""The README's main command, minus the server: set-up from nothing on SQLite, twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def _demo(data_dir: Path, env_name: str = "dev") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCA_")}
    env.update({"ROCA_ENV": env_name, "ROCA_DATA_DIR": str(data_dir), "COLUMNS": "200", "NO_COLOR": "1"})
    return subprocess.run(
        # A shorter closed loop than the README's demo: the same path, in a few seconds.
        [
            sys.executable,
            "-m",
            "roca.cli.main",
            "demo",
            "--no-serve",
            "--loop-days",
            "2",
            "--loop-per-day",
            "60",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_demo_lives_a_closed_loop_loads_examples_and_prints_logins(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "lived 2 simulated days (120 cases)" in first.stdout
    assert "60 new alerts arrived: ROCA decided" in first.stdout
    assert "loaded 4 new cases" in first.stdout
    for login in ("reviewer / roca-demo-reviewer", "shenhe / roca-demo-shenhe", "lead / roca-demo-lead"):
        assert login in first.stdout
    assert "admin / roca-demo-admin" in first.stdout
    database = f"sqlite:///{tmp_path / 'roca.db'}"
    engine = create_engine(database)
    with engine.connect() as connection:
        waiting = connection.scalar(
            text("SELECT count(*) FROM review_tasks WHERE status = 'open' AND kind = 'review'")
        )
        trained = connection.scalar(text("SELECT count(*) FROM learning_runs WHERE status = 'done'"))
    engine.dispose()
    assert waiting and waiting > 0  # a queue to work
    assert trained == 2  # one learning run a simulated night
    assert "champion ato-" in first.stdout  # the bootstrap model, trained on the simulated exchange
    again = _demo(tmp_path)
    assert again.returncode == 0, again.stderr
    assert "lived" not in again.stdout  # the loop runs once, on a fresh database
    assert "loaded 0 new cases (4 already there)" in again.stdout


def test_demo_refuses_to_run_outside_dev(tmp_path: Path) -> None:
    done = _demo(tmp_path, env_name="production")
    assert done.returncode == 2
    assert "ROCA_ENV=dev" in done.stdout
