"""Every ingested case gets scored: recommendation, explanation, guardrails and narrative stored
with the versions that produced them; rescoring adds a row and never overwrites."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.narrative import sentence_count
from roca.agent.service import Scorer
from roca.agent.worker import score_until_idle
from roca.auth.roles import Role
from roca.models import AuditRecord, Case, CaseScoring
from roca.policy.router import SegmentThresholds
from tests.conftest import SHARED, TokenFor

EXAMPLES = sorted((SHARED / "contract" / "examples").glob("*.json"))


def _load_examples(client: TestClient, headers: dict[str, str]) -> None:
    batch = [json.loads(p.read_text()) for p in EXAMPLES]
    assert client.post("/api/v1/cases/batch", json=batch, headers=headers).json()["summary"]["created"] == 4


def test_every_case_is_scored_with_a_checkable_explanation(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    headers = auth_headers(Role.ADMIN)
    _load_examples(client, headers)
    assert score_until_idle(session_factory, Scorer()) == 4
    with session_factory() as session:
        cases = list(session.scalars(select(Case)))
        assert {c.status for c in cases} == {"queued"}  # no certified policy yet: people decide
        for case in cases:
            scoring = session.scalar(select(CaseScoring).where(CaseScoring.case_id == case.id))
            assert scoring is not None
            assert scoring.source == "rules" and scoring.model_version is None and scoring.rules_version
            signal_ids = {s["id"] for s in scoring.signals}
            assert {c["signal_id"] for c in scoring.contributions} <= signal_ids
            assert sentence_count(scoring.narrative_en) <= 3 and sentence_count(scoring.narrative_zh) <= 3
            assert abs(sum(scoring.probabilities.values()) - 1) < 1e-6
        scored_audit = (
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "case.scored")
        )
        assert session.scalar(scored_audit) == 4
    sim_swap = client.get("/api/v1/cases", params={"external_id": "alrt-20261102-000917"}, headers=headers)
    case_id = sim_swap.json()["items"][0]["id"]
    shown = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    assert shown["recommendation"]["decision"] == "confirm_ato"
    assert shown["recommendation"]["sop_clauses"]
    assert "ato-sim-swap-no-auto-clear" in {g["rule_id"] for g in shown["recommendation"]["guardrails"]}


def test_rescoring_adds_history_and_keeps_status(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    _load_examples(client, auth_headers(Role.ADMIN))
    scorer = Scorer()
    score_until_idle(session_factory, scorer)
    with session_factory.begin() as session:
        cases = list(session.scalars(select(Case)))
        scorer.score(session, cases)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseScoring)) == 8
        assert {c.status for c in session.scalars(select(Case))} == {"queued"}
    assert score_until_idle(session_factory, scorer) == 0


def test_a_guardrail_blocked_case_is_never_decided_automatically(
    client: TestClient, auth_headers: TokenFor, session_factory: sessionmaker[Session]
) -> None:
    sim_swap = json.loads((SHARED / "contract" / "examples" / "ato-sim-swap.json").read_text())
    vip = json.loads(json.dumps(sim_swap))
    vip["external_id"], vip["subject"]["account_id"], vip["subject"]["vip_tier"] = "vip-1", "u-vip", 6
    batch = client.post("/api/v1/cases/batch", json=[sim_swap, vip], headers=auth_headers(Role.ADMIN))
    assert batch.json()["summary"]["created"] == 2
    # A policy loose enough to automate both, were it not for the VIP guardrail.
    lenient = {"ato": SegmentThresholds(auto_act=0.5, auto_clear=0.05, policy_version="test")}
    score_until_idle(session_factory, Scorer(thresholds=lenient))
    with session_factory() as session:
        by_external = {c.external_id: c for c in session.scalars(select(Case))}
        plain, guarded = by_external["alrt-20261102-000917"], by_external["vip-1"]
        assert plain.status == "auto_decided"
        assert guarded.status == "queued"
        row = session.scalar(select(CaseScoring).where(CaseScoring.case_id == guarded.id))
        assert row is not None and row.route == "review" and row.auto_decision is None
        assert "vip-tier-5-never-auto" in row.route_reason_en and "GEN-2.1" in row.route_reason_en
        plain_row = session.scalar(select(CaseScoring).where(CaseScoring.case_id == plain.id))
        assert plain_row is not None and plain_row.auto_decision == "confirm_ato"
        assert plain_row.route_reason_en.startswith("auto: p = 0.800 >= 0.500")
