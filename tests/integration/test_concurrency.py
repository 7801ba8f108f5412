"""Eight clients posting overlapping batches to a real server (PostgreSQL, and SQLite too)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.audit.service import verify_chain
from roca.auth.roles import Role
from roca.config import Settings
from roca.models import AuditRecord, Case
from roca.storage import make_engine
from tests.conftest import TokenFor
from tests.factories import ato_case
from tests.servers import running

CLIENTS, BATCHES, BATCH_SIZE = 8, 10, 100


def _batch(client: int, number: int) -> list[dict[str, object]]:
    # Neighbouring clients overlap by half a batch, so the same external_id races between them.
    start = client * BATCHES * BATCH_SIZE // 2 + number * BATCH_SIZE
    return [
        ato_case(f"race-{i:06d}", account_id=f"acct-{i % 40}", events=6)
        for i in range(start, start + BATCH_SIZE)
    ]


@pytest.mark.slow
def test_concurrent_batches_lose_and_duplicate_nothing(
    settings: Settings, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    headers = auth_headers(Role.INTAKE)
    engine = make_engine(settings)
    with running(create_app(settings, engine)) as base_url:

        def post_all(client: int) -> list[str]:
            outcomes = []
            with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
                for number in range(BATCHES):
                    response = http.post("/api/v1/cases/batch", json=_batch(client, number))
                    response.raise_for_status()
                    outcomes += [item["outcome"] for item in response.json()["items"]]
            return outcomes

        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = [o for result in pool.map(post_all, range(CLIENTS)) for o in result]
    engine.dispose()
    distinct_ids = {c["external_id"] for k in range(CLIENTS) for n in range(BATCHES) for c in _batch(k, n)}
    assert set(outcomes) <= {"created", "duplicate"}
    assert outcomes.count("created") == len(distinct_ids)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == len(distinct_ids)
        received = select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "case.received")
        assert session.scalar(received) == len(distinct_ids)
        report = verify_chain(session)
    assert report.ok, report.first_break
