"""A small closed loop end to end: the simulated exchange sends cases, ROCA routes them, simulated
reviewers decide through the review services, ROCA retrains every night, and a report comes out."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.config import Settings
from roca.learning.closed_loop import LoopConfig, run_closed_loop
from roca.learning.loop_report import CHARTS, write_report
from roca.models import Case, Decision, LearningRun, ReviewTask
from roca.storage.base import utcnow
from tests.conftest import cli_env

WORKED = {"decided", "auto_decided", "qa_pending", "qa_done", "awaiting_second_approval"}
WAITING = {"queued", "in_review"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.slow
def test_five_days_of_the_loop(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    config = LoopConfig(seed=3, days=5, per_day=100, reviewers=3, capacity=40, expert_cases=0)
    result = run_closed_loop(config, settings, session_factory)
    days = result.days

    assert [d.cases_in for d in days] == [100] * 5
    assert days[0].automated == 0 and days[0].policy_version is None  # cold start: rules, no policy
    labels = [d.labels for d in days]
    assert labels == sorted(labels) and labels[-1] >= 400  # every day adds reviewers' labels
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(minutes=1)  # the wall clock is back

    with session_factory() as session:
        statuses = dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
        assert sum(statuses.values()) == 500 and set(statuses) <= WORKED | WAITING  # nothing lost
        waiting = select(Case.id).where(Case.status.in_(WAITING))
        open_tasks = select(ReviewTask.case_id).where(ReviewTask.status.in_(("open", "claimed")))
        assert set(session.scalars(waiting)) <= set(session.scalars(open_tasks))  # each waits in the queue
        human = session.scalar(
            select(func.count()).select_from(Decision).where(Decision.automatic.is_(False))
        )
        assert human == labels[-1]
        overturned = list(  # a blind second opinion is a label only: no feedback is asked of it
            session.scalars(
                select(Decision)
                .join(ReviewTask, ReviewTask.id == Decision.task_id)
                .where(Decision.agrees_with_roca.is_(False), ReviewTask.kind.in_(("review", "qa")))
            )
        )
        assert overturned and all(d.root_cause and d.annotation for d in overturned)
        assert any(CHINESE.search(d.annotation or "") for d in overturned)  # Chinese reviewers write Chinese
        assert session.scalar(select(func.count()).select_from(LearningRun)) == 5  # one retraining a night
        stamps = session.scalars(select(Decision.created_at).order_by(Decision.id)).all()
        assert stamps[0].date().isoformat() == "2026-11-01" and stamps == sorted(stamps)  # simulated time

    report = write_report(result, tmp_path / "report")
    document = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert len(document["days"]) == 5 and document["summary"]["checks"]["automation_starts_at_zero"]
    assert all((tmp_path / "report" / name).stat().st_size > 10_000 for name in CHARTS.values())
    text = report.read_text(encoding="utf-8")
    assert "| day | cases |" in text and "![automation](automation.png)" in text


def test_roca_simulate_run_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "loop"
    env = cli_env(Settings(env="test", database_url=f"sqlite:///{tmp_path / 'unused.db'}"))
    env.pop("ROCA_DATABASE_URL")
    done = subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "simulate", "run", "--days", "2", "--per-day", "40",
         "--seed", "4", "--reviewers", "2", "--capacity", "40", "--expert-cases", "0", "--out", str(out)],
        capture_output=True, text=True, env={**env, "ROCA_DATA_DIR": str(tmp_path)}, timeout=300,
        cwd=os.getcwd(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "automation, first day" in done.stdout and "report written to" in done.stdout
    assert {"report.json", "report.md", "closed-loop.db", *CHARTS.values()} <= {p.name for p in out.iterdir()}
    summary = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]
    assert summary["cases"] == 80 and summary["automation_first_day"] == 0.0
