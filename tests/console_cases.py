"""Builders of scored cases with an open task, for console tests and benchmarks.

``scored_case_with_task`` stores one case (a contract example, optionally with a longer account
timeline and accounts linked to it), scores it with the deployment's scorer and leaves exactly one
task of the requested kind open on it, claimed by a named user when asked.  Other cases are never
scored by it, so a test's queue holds only what the test built.

    case_id, task_id = scored_case_with_task(session_factory, settings, events=40, kind="qa",
                                             claimed_by="qa-1")
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.service import scorer_for
from roca.auth.repository import user_by_username
from roca.auth.roles import Role
from roca.auth.schemas import Principal
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.cases.status import CaseStatus
from roca.config import Settings
from roca.models import Case, ReviewTask
from roca.policy.router import SegmentThresholds
from roca.review import service as review
from roca.storage import session_scope
from tests.conftest import SHARED

TaskKind = Literal["review", "shadow", "qa"]
ConsoleCaseType = Literal["ato", "kyc", "kyb", "fraud"]

EXAMPLES = SHARED / "contract" / "examples"
EXAMPLE_FILES = {
    "ato": "ato-sim-swap.json",
    "kyc": "kyc-document-mismatch.json",
    "kyb": "kyb-new-entity.json",
}
# A personal email inside the alert: what masking must hide from reviewers without pii:read.
ALERT_EMAIL = "alice.tan@example.com"
QA_PROBABILITY = 0.03


def example_case(case_type: ConsoleCaseType = "ato") -> dict[str, Any]:
    """A fresh copy of the contract example of ``case_type`` (fraud: a small built one)."""
    if case_type == "fraud":
        return _fraud_case()
    raw: dict[str, Any] = json.loads((EXAMPLES / EXAMPLE_FILES[case_type]).read_text())
    return raw


def history_events(count: int, until: datetime, *, address: str = "TQold...a1") -> list[dict[str, Any]]:
    """``count`` ordinary events (logins, trades, deposits, now and then a withdrawal to a known
    address or a password change), one every 7 hours, the newest 7 hours before ``until``."""
    events = []
    for i in range(count):
        ts = (until - timedelta(hours=7 * (count - i))).strftime("%Y-%m-%dT%H:%M:%SZ")
        kind = ("login", "trade", "deposit", "login", "trade")[i % 5]
        event: dict[str, Any] = {"ts": ts, "type": kind}
        if kind == "login":
            event.update(success=True, ip=f"116.86.{i % 7}.{20 + i % 9}", ip_country="SG", asn=9506,
                         asn_type="residential", device_id=f"dev-a91f{'' if i % 4 else '-tab'}",
                         mfa_method="totp")  # fmt: skip
        elif kind == "trade":
            event.update(asset="BTC", amount_usd=float(100 + i % 400))
        else:
            event.update(asset="USDT", amount_usd=float(500 + i % 900))
        if i % 37 == 36:
            event = {"ts": ts, "type": "withdrawal", "asset": "USDT", "amount_usd": 300.0,
                     "address": address, "network": "TRX"}  # fmt: skip
        if i % 61 == 60:
            event = {"ts": ts, "type": "password_change", "channel": "app"}
        events.append(event)
    return events


def scored_case_with_task(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    events: int | None = None,
    kind: TaskKind = "review",
    case_type: ConsoleCaseType = "ato",
    claimed_by: str | None = None,
    linked_accounts: int = 0,
    language: str | None = None,
    vip_tier: int | None = None,
    external_id: str | None = None,
    account_id: str | None = None,
) -> tuple[int, int]:
    """Store, score and queue one case; (case id, id of its open task).

    ``events``: the account's timeline length (the example's own events last; None = the example
    as is).  ``linked_accounts``: other accounts (stored, never scored) that used the case's
    withdrawal address, device or IP first.  ``claimed_by``: a username who then holds the task.
    ``kind``: "review" (ROCA's recommendation shown), "shadow" (blind review) or "qa" (a blind audit
    of ROCA's automatic decision).
    """
    raw = example_case(case_type)
    suffix = uuid.uuid4().hex[:8]
    raw["external_id"] = external_id or f"{raw['external_id']}-{suffix}"
    raw["subject"]["account_id"] = account_id or f"{raw['subject']['account_id']}-{suffix}"
    if language is not None:
        raw["subject"]["language"] = language
    if vip_tier is not None:
        raw["subject"]["vip_tier"] = vip_tier
    if case_type == "ato":
        raw["alert"]["reason"] = f"{raw['alert']['reason']}; customer wrote from {ALERT_EMAIL}"
    if events is not None:
        tail = raw.get("events") or []
        created = _parse(raw["created_at"])
        raw["events"] = history_events(max(0, events - len(tail)), _parse(tail[0]["ts"]) if tail else created)
        raw["events"] += tail
    with session_scope(session_factory) as session:
        others = [_linked_case(raw, n, suffix) for n in range(linked_accounts)]
        cases.ingest(session, [submission(item) for item in [*others, raw]], "test")
        case = session.scalar(select(Case).where(Case.external_id == raw["external_id"]))
        assert case is not None
        task = _score_into_task(session, settings, case, kind)
        if claimed_by is not None:
            _claim(session, task, claimed_by)
        return case.id, task.id


def claim_for(session_factory: sessionmaker[Session], task_id: int, username: str) -> None:
    """Hand an open task to ``username`` (as a lead's reassignment would)."""
    with session_scope(session_factory) as session:
        task = session.get(ReviewTask, task_id)
        assert task is not None
        _claim(session, task, username)


def _score_into_task(session: Session, settings: Settings, case: Case, kind: TaskKind) -> ReviewTask:
    scorer = scorer_for(settings)
    if kind == "qa":  # every decision automatic, so there is one to audit
        scorer.thresholds = {case.case_type: SegmentThresholds(0.5, 0.49, policy_version="test")}
    elif kind == "shadow":
        scorer.thresholds = {case.case_type: SegmentThresholds(shadow=True, policy_version="test")}
    else:
        scorer.thresholds = {}  # no certified policy: everything goes to review
    scorer.score(session, [case])
    if kind == "qa" and case.status == CaseStatus.AUTO_DECIDED.value:
        # Not sampled this time: audit it anyway, as the sampler would with probability pi.
        case.status = CaseStatus.QA_PENDING.value
        review.open_task(session, case, None, kind="qa", qa_probability=QA_PROBABILITY)
    task = session.scalar(
        select(ReviewTask).where(ReviewTask.case_id == case.id, ReviewTask.status == "open")
    )
    if task is None or task.kind != kind:
        raise AssertionError(f"case {case.external_id} ended {case.status!r} without an open {kind} task")
    return task


def _claim(session: Session, task: ReviewTask, username: str) -> None:
    user = user_by_username(session, username)
    assert user is not None, f"no user {username!r}: create it first"
    to = Principal(user_id=user.id, username=user.username, role=Role(user.role), language=user.language)
    by = Principal(user_id=user.id, username="test", role=Role.ADMIN)
    review.reassign(session, task.id, to, by)


def _linked_case(raw: dict[str, Any], n: int, suffix: str) -> dict[str, Any]:
    """A case of another account that used the case's identifiers a day before it."""
    tail = [e for e in raw.get("events") or [] if e.get("device_id") or e.get("ip") or e.get("address")]
    first = _parse(raw["events"][0]["ts"]) if raw.get("events") else _parse(raw["created_at"])
    when = first - timedelta(days=1 + n)
    other = copy.deepcopy(raw)
    other["external_id"] = f"linked-{n}-{suffix}"
    other["subject"]["account_id"] = f"linked-acct-{n}-{suffix}"
    other["created_at"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    other["events"] = [{**event, "ts": (when - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")}
                       for event in tail[-3:]]  # fmt: skip
    return other


def _fraud_case() -> dict[str, Any]:
    return {
        "external_id": "fraud-20261105-0042",
        "case_type": "fraud",
        "created_at": "2026-11-05T08:00:00Z",
        "amount_at_risk_usd": 2400.0,
        "subject": {"account_id": "u-70411", "account_created_at": "2026-10-30T08:00:00Z", "country": "GB"},
        "alert": {"source": "card_gateway", "reason": "card deposit then fast withdrawal"},
        "events": [
            {"ts": "2026-11-05T07:40:00Z", "type": "login", "success": True, "ip": "81.2.69.160",
             "ip_country": "GB", "asn_type": "residential", "device_id": "dev-f001"},
            {"ts": "2026-11-05T07:45:00Z", "type": "deposit", "asset": "USD", "amount_usd": 2400.0},
            {"ts": "2026-11-05T07:55:00Z", "type": "withdrawal", "asset": "USDT", "amount_usd": 2350.0,
             "address": "0x9a4f22c1d0e8b7a6f5e4d3c2b1a0998877665544", "network": "ETH"},
        ],
    }  # fmt: skip


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
