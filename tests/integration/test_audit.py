"""The audit chain records every state change and exposes tampering."""

from __future__ import annotations

import itertools
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.config import Settings
from roca.models import AuditRecord
from tests.conftest import TokenFor, cli_env
from tests.factories import ato_case


def _verify_cli(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "audit", "verify"],
        capture_output=True,
        text=True,
        env=cli_env(settings),
        timeout=120,
    )


def test_intake_is_audited_and_the_chain_verifies(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    headers = auth_headers(Role.ADMIN)
    client.post("/api/v1/cases/batch", json=[ato_case(f"c-{i}") for i in range(5)], headers=headers)
    client.post(
        "/api/v1/cases/batch", json=[ato_case("c-0")], headers=headers
    )  # duplicate: no change, no row
    with session_factory() as session:
        rows = list(session.scalars(select(AuditRecord).order_by(AuditRecord.seq)))
    received = [r for r in rows if r.action == "case.received"]
    assert len(received) == 5
    assert {r.actor for r in received} == {"admin-user"}
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    done = _verify_cli(settings)
    assert done.returncode == 0, done.stderr
    assert f"{len(rows)} rows verified" in done.stdout
    assert client.get("/api/v1/audit/verify", headers=headers).json()["ok"] is True


def test_tampering_with_one_row_is_found_and_named(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    headers = auth_headers(Role.ADMIN)
    client.post("/api/v1/cases/batch", json=[ato_case(f"c-{i}") for i in range(6)], headers=headers)
    with session_factory.begin() as session:
        victim = session.scalars(
            select(AuditRecord)
            .where(AuditRecord.action == "case.received")
            .order_by(AuditRecord.seq)
            .offset(3)
        ).first()
        assert victim is not None
        seq = victim.seq
        session.execute(
            update(AuditRecord).where(AuditRecord.seq == seq).values(payload={"external_id": "forged"})
        )
    done = _verify_cli(settings)
    assert done.returncode == 1
    assert f"audit chain broken at row {seq}" in done.stderr
    report = client.get("/api/v1/audit/verify", headers=headers).json()
    assert report == {
        "ok": False,
        "rows_checked": seq - 1,
        "first_broken_row": seq,
        "reason": "row content does not match its hash (the row was altered)",
    }


def test_reviewers_cannot_read_the_audit_report(client: TestClient, auth_headers: TokenFor) -> None:
    assert client.get("/api/v1/audit/verify", headers=auth_headers(Role.REVIEWER)).status_code == 403


def test_rolled_back_work_leaves_no_audit_rows(session_factory: sessionmaker[Session]) -> None:
    from roca.audit.writer import record

    try:
        with session_factory.begin() as session:
            record(session, actor="t", action="x.y", entity_type="case", entity_id=1)
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    with session_factory() as session:
        assert session.scalars(select(AuditRecord)).first() is None
