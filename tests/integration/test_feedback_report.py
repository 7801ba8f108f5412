"""``roca feedback report`` over decisions made through the review service, on SQLite and
PostgreSQL: after a novel ATO campaign starts, its signature heads the blind-spot report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.config import Settings
from roca.models import Case, CaseScoring, Decision
from roca.review import service as review
from roca.storage import session_scope
from tests.blindspot_scenario import ADDRESS_BOOK, Said, novel_campaign_feedback
from tests.conftest import cli_env

NOT_LEANED_ON = "ato.known_device"  # argues against ROCA's answer: not what it leaned on


def _roca(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "feedback", "report", *args],
        capture_output=True, text=True, env=cli_env(settings), timeout=300,
    )  # fmt: skip


def _people(session: Session) -> dict[str, Principal]:
    people = {}
    for kind, role in (("review", Role.REVIEWER), ("qa", Role.QA)):
        user = create_user(
            session, UserCreate(username=f"{kind}-1", password="s3cret-pass", role=role), "test"
        )
        people[kind] = Principal(user_id=user.id, username=user.username, role=role)
    return people


def _scored_case(session: Session, said: Said, number: int) -> tuple[Case, CaseScoring]:
    case = Case(
        external_id=said.external_id, case_type="ato", status="queued", account_id=f"acct-{number}",
        created_at=said.at, content_hash=f"{number:064d}", payload={},
    )  # fmt: skip
    session.add(case)
    session.flush()
    contributions = [{"signal_id": s, "contribution": 0.8, "value": 1} for s in said.leaned_on]
    scoring = CaseScoring(
        case_id=case.id, source="rules", rules_version="test", decision=said.roca, confidence=0.8,
        risk_probability=0.8 if said.roca == "confirm_ato" else 0.1, probabilities={},
        contributions=[*contributions, {"signal_id": NOT_LEANED_ON, "contribution": -0.5, "value": 0}],
        sop_clauses=[], guardrails=[], signals=[], narrative_en="", narrative_zh="",
        narrative_source="template",
    )  # fmt: skip
    session.add(scoring)
    if said.task_kind == "qa":  # ROCA cleared it alone; a blind audit finds the attack
        case.status = "qa_pending"
        session.add(
            Decision(case_id=case.id, decision=said.roca, automatic=True, actor="roca", created_at=said.at)
        )
    session.flush()
    return case, scoring


def _decide(factory: sessionmaker[Session], said: list[Said]) -> None:
    with session_scope(factory) as session:
        people = _people(session)
        for number, one in enumerate(said):
            case, scoring = _scored_case(session, one, number)
            review.open_task(session, case, scoring, kind=one.task_kind, qa_probability=0.03)
            who = people[one.task_kind]
            task = review.claim_next(session, who, kind=one.task_kind)
            assert task is not None and task.case_id == case.id
            marks = [{"kind": kind, "signal": signal} for kind, signal in one.marks]
            made = review.decide(session, task.id, who, one.decided, one.root_cause, one.annotation, marks)
            made.created_at = one.at  # as if decided on that day
        session.flush()


def test_the_report_names_the_novel_campaign_in_its_top_three(
    settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    said = novel_campaign_feedback(ordinary_per_day=2, campaign_per_day=3)
    _decide(session_factory, said)
    campaign = [s for s in said if s.campaign]

    out = tmp_path / "findings.jsonl"
    done = _roca(settings, "--format", "jsonl", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and f"wrote {out}" in done.stderr
    findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    top = {(f["type"], f["key"]) for f in findings[:3]}
    assert {("root_cause", "novel_pattern"), ("missing_signal", ADDRESS_BOOK)} <= top
    cause = next(f for f in findings if f["key"] == "novel_pattern")
    assert (cause["count"], cause["baseline_count"], cause["overturns"]) == (len(campaign), 0, len(campaign))
    assert cause["qa_audits"] == sum(s.task_kind == "qa" for s in campaign)
    assert cause["window"]["since"].startswith("2026-11-24") and cause["window"]["until"].startswith(
        "2026-12-01"
    )
    leaned = {entry["signal"] for entry in cause["leaned_on"]}
    assert leaned == {"ato.account_age_days", "ato.amount_vs_median_withdrawal"}
    misleading = {f["key"]: f["rank"] for f in findings if f["type"] == "misleading_signal"}
    assert misleading.keys() == {m for s in said for _, m in s.marks if not s.campaign}
    assert min(misleading.values()) > 3  # ordinary feedback ranks below the campaign
    assert sum(f["count"] + f["baseline_count"] for f in findings if f["type"] == "root_cause") == sum(
        1 for s in said if s.root_cause
    )

    dated = _roca(settings, "--format", "jsonl", "--since", "2026-11-24", "--until", "2026-11-30")
    assert dated.returncode == 0, dated.stderr
    assert dated.stdout == out.read_text(encoding="utf-8")  # --until is a whole day, inclusive

    page = _roca(settings, "--top", "3")
    assert page.returncode == 0, page.stderr
    top_table = page.stdout.split("## Top findings")[1].split("### 1.")[0]
    assert "Root cause `novel_pattern`: a new attack or behaviour pattern · 新型模式" in top_table
    assert f"`{ADDRESS_BOOK}`" in top_table and "| 4 |" not in top_table
    assert "## Annotation clusters" in page.stdout and "浏览器" in page.stdout


def test_an_empty_database_says_so_and_bad_dates_are_refused(settings: Settings) -> None:
    empty = _roca(settings)
    assert empty.returncode == 0, empty.stderr
    assert "No human decisions in these dates" in empty.stdout
    assert "nothing to report yet" in empty.stderr
    as_lines = _roca(settings, "--format", "jsonl")
    assert as_lines.returncode == 0 and as_lines.stdout == ""
    wrong = _roca(settings, "--since", "last tuesday")
    assert wrong.returncode == 2 and "--since: not a date or ISO time" in wrong.stderr
    backwards = _roca(settings, "--since", "2026-11-20", "--until", "2026-11-10")
    assert backwards.returncode == 2 and "the window is empty" in backwards.stderr
