"""kill -9 during `roca ingest`, then the same command again: every case present exactly once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.audit.service import verify_chain
from roca.config import Settings
from roca.models import AccountEvent, Case
from tests.conftest import cli_env
from tests.factories import ato_case

TOTAL = 20_000


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    with factory() as session:
        cases = int(session.scalar(select(func.count()).select_from(Case)) or 0)
        distinct = int(session.scalar(select(func.count(func.distinct(Case.external_id)))) or 0)
        links = int(session.scalar(select(func.sum(Case.event_count))) or 0)
    return cases, distinct, links


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun(
    tmp_path: Path, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "cases.jsonl"
    with path.open("wb") as handle:
        for i in range(TOTAL):
            handle.write(
                orjson.dumps(ato_case(f"crash-{i:06d}", account_id=f"acct-{i % 997}", events=5)) + b"\n"
            )
    command = [sys.executable, "-m", "roca.cli.main", "ingest", "--chunk-size", "250", str(path)]
    victim = subprocess.Popen(
        command, env=cli_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while _counts(session_factory)[0] < 1000:
        assert victim.poll() is None, "ingest finished before it could be killed; make the file bigger"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim.kill()  # SIGKILL: no cleanup, no final commit
    victim.wait()
    stored_at_kill = _counts(session_factory)[0]
    assert 0 < stored_at_kill < TOTAL

    rerun = subprocess.run(command, env=cli_env(settings), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    cases, distinct, links = _counts(session_factory)
    assert cases == distinct == TOTAL
    assert links == TOTAL * 5
    with session_factory() as session:
        assert verify_chain(session).ok
        assert session.scalar(select(func.count()).select_from(AccountEvent)) == 997 * 5
