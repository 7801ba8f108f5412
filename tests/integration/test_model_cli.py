"""The model registry from the command line: train, list, promote, report, roll back; scoring
then uses the champion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent import registry
from roca.config import Settings
from tests.conftest import cli_env


def _roca(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "roca.cli.main", *args],
        capture_output=True, text=True, env=cli_env(settings), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    return done


def test_train_promote_report_rollback(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    small = ["--days", "4", "--test-days", "1", "--per-day", "150", "--report-dir", str(tmp_path)]
    _roca(settings, "model", "train", "--promote", *small)
    _roca(settings, "model", "train", "--seed", "8", *small)
    with session_factory() as session:
        first, second = sorted(registry.versions(session, "ato"), key=lambda v: v.id)
        assert (first.status, second.status) == ("champion", "candidate")
        assert first.metrics["auc"] > 0.5 and first.feature_names and len(first.artifact_sha256) == 64
    assert (tmp_path / f"{first.version}.md").exists() and (
        tmp_path / f"{first.version}-reliability.png"
    ).exists()

    _roca(settings, "model", "promote", second.version)
    shown = json.loads(_roca(settings, "model", "show", second.version).stdout)
    assert shown["status"] == "champion" and shown["training_rows"] > 0
    report = _roca(settings, "model", "report", second.version, "--out", str(tmp_path / "again")).stdout
    assert "ECE" in report and (tmp_path / "again" / f"{second.version}.md").exists()

    _roca(settings, "model", "rollback", "ato")
    with session_factory() as session:
        statuses = dict(
            session.execute(select(registry.ModelVersion.version, registry.ModelVersion.status)).all()
        )
    assert statuses == {first.version: "champion", second.version: "retired"}
    assert "champion" in _roca(settings, "model", "list").stdout
