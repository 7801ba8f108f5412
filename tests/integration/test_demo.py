"""The README's main command, minus the server: set-up from nothing on SQLite, twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _demo(data_dir: Path, env_name: str = "dev") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCA_")}
    env.update({"ROCA_ENV": env_name, "ROCA_DATA_DIR": str(data_dir), "COLUMNS": "200", "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "demo", "--no-serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_demo_sets_up_loads_examples_and_prints_logins(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "loaded 4 new cases" in first.stdout
    assert "admin / roca-demo-admin" in first.stdout
    assert (tmp_path / "roca.db").exists()
    again = _demo(tmp_path)
    assert again.returncode == 0, again.stderr
    assert "loaded 0 new cases (4 already there)" in again.stdout


def test_demo_refuses_to_run_outside_dev(tmp_path: Path) -> None:
    done = _demo(tmp_path, env_name="production")
    assert done.returncode == 2
    assert "ROCA_ENV=dev" in done.stdout
