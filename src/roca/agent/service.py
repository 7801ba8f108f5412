"""Scoring stored cases: the champion model of each case type (or the cold-start rules), the
stored timeline and links, guardrails, narrative.  Every scoring is a new row; history stays."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.agent import registry
from roca.agent.decisions import RISKY_DECISION
from roca.agent.guardrails import Guardrails
from roca.agent.pipeline import DecisionPipeline, Scored
from roca.agent.rules import rule_scorer
from roca.agent.types import Narrative, Recommendation
from roca.audit.writer import record
from roca.cases.schemas import CaseType
from roca.cases.service import move_case
from roca.cases.status import CaseStatus
from roca.config import Settings
from roca.models import Case, CaseScoring
from roca.policy.router import Routing, SegmentThresholds, route
from roca.policy.service import thresholds_in_force
from roca.signals.base import Signal
from roca.signals.context import NameScreen
from roca.signals.service import case_model, signal_input
from roca.storage.engine import is_postgres

ACTOR = "roca"


class Narrator(Protocol):
    def narrate(self, rec: Recommendation, signals: list[Signal]) -> Narrative: ...


class Scorer:
    """Holds what scoring needs across calls (rules file, watchlist); models come from the registry."""

    def __init__(
        self,
        guardrails: Guardrails | None = None,
        screen: NameScreen | None = None,
        thresholds: Mapping[str, SegmentThresholds] | None = None,
        narrator: Narrator | None = None,
        sla_hours: Mapping[str, float] | None = None,
    ) -> None:
        self.guardrails = guardrails or Guardrails.load()
        self.screen = screen
        # Certified thresholds per case type; None = read the policy version in force at each batch.
        self.thresholds = dict(thresholds) if thresholds is not None else None
        # Optional prose from an LLM provider; it falls back to the deterministic narrative itself.
        self.narrator = narrator
        self.sla_hours = dict(sla_hours or {})

    def pipeline(self, session: Session, case_type: CaseType) -> DecisionPipeline:
        champion = registry.champion(session, case_type)
        if champion is None:
            return DecisionPipeline(case_type, rule_scorer(case_type), self.guardrails, source="rules")
        estimator = registry.load(champion)
        return DecisionPipeline(case_type, estimator, self.guardrails, "model", champion.version)

    def score(self, session: Session, cases: Sequence[Case]) -> list[CaseScoring]:
        by_type: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            by_type[case.case_type].append(case)
        stored: list[CaseScoring] = []
        thresholds = self.thresholds if self.thresholds is not None else thresholds_in_force(session)
        for case_type, group in by_type.items():
            pipeline = self.pipeline(session, case_type)  # type: ignore[arg-type]
            inputs = [signal_input(session, case_model(case), self.screen) for case in group]
            segment = thresholds.get(case_type)
            for case, scored in zip(group, pipeline.recommend(inputs), strict=True):
                stored.append(_store(session, case, self._narrated(scored), segment, self.sla_hours))
        session.flush()
        return stored

    def _narrated(self, scored: Scored) -> Scored:
        if self.narrator is None:
            return scored
        narrative = self.narrator.narrate(scored.recommendation, scored.signals)
        return Scored(scored.recommendation, scored.signals, narrative)

    def score_pending(self, session: Session, limit: int = 500) -> list[CaseScoring]:
        """Score cases that arrived and were not scored yet (several workers may run at once)."""
        return self.score(session, pending_cases(session, limit))


def pending_cases(session: Session, limit: int) -> list[Case]:
    query = select(Case).where(Case.status == CaseStatus.RECEIVED.value).order_by(Case.id).limit(limit)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _store(
    session: Session,
    case: Case,
    scored: Scored,
    segment: SegmentThresholds | None,
    sla_hours: Mapping[str, float] | None = None,
) -> CaseScoring:
    rec = scored.recommendation
    risk = rec.probabilities[RISKY_DECISION[rec.case_type]]
    row = CaseScoring(
        case_id=case.id,
        source=rec.source,
        model_version=rec.model_version,
        rules_version=rec.rules_version,
        decision=rec.decision,
        confidence=rec.confidence,
        risk_probability=risk,
        probabilities=rec.probabilities,
        contributions=[asdict(c) for c in rec.contributions],
        sop_clauses=rec.sop_clauses,
        guardrails=[asdict(g) for g in rec.guardrails],
        signals=[_signal_row(s) for s in scored.signals],
        narrative_en=scored.narrative.text_en,
        narrative_zh=scored.narrative.text_zh,
        narrative_source=scored.narrative.source,
    )
    session.add(row)
    if case.status == CaseStatus.RECEIVED.value:  # first scoring: route it; a rescoring only records
        move_case(case, CaseStatus.SCORED)
        _route(session, case, row, route(rec, risk, segment), segment, sla_hours)
    record(
        session,
        actor=ACTOR,
        action="case.scored",
        entity_type="case",
        entity_id=case.id,
        payload={
            "decision": rec.decision,
            "confidence": round(rec.confidence, 6),
            "source": rec.source,
            "model_version": rec.model_version,
            "rules_version": rec.rules_version,
            "guardrails": [g.rule_id for g in rec.guardrails],
        },
    )
    return row


def _route(
    session: Session,
    case: Case,
    row: CaseScoring,
    routing: Routing,
    segment: SegmentThresholds | None,
    sla_hours: Mapping[str, float] | None = None,
) -> None:
    row.route, row.auto_decision = routing.route, routing.decision
    row.needs_second_approval = routing.needs_second_approval
    row.route_reason_en, row.route_reason_zh = routing.reason_en, routing.reason_zh
    move_case(case, CaseStatus.AUTO_DECIDED if routing.route == "auto" else CaseStatus.QUEUED)
    from roca.review.service import open_task, record_automatic_decision

    session.flush()
    if routing.route == "review":
        open_task(session, case, row, kind="shadow" if routing.shadow else "review", sla_hours=sla_hours)
    else:
        record_automatic_decision(session, case, row, routing, segment)
    record(
        session,
        actor=ACTOR,
        action="case.routed",
        entity_type="case",
        entity_id=case.id,
        payload={"route": routing.route, "decision": routing.decision, "reason": routing.reason_en},
    )


def _signal_row(signal: Any) -> dict[str, Any]:
    return {
        "id": signal.id,
        "value": signal.value,
        "fired": signal.fired,
        "severity": signal.severity.value,
        "text_en": signal.text_en,
        "text_zh": signal.text_zh,
    }


def scorer_for(settings: Settings) -> Scorer:
    """The scorer a deployment's settings describe: watchlist, optional LLM narrator."""
    from roca.agent.llm import LlmNarrator
    from roca.signals.screening import load_configured_watchlist

    narrator = LlmNarrator(settings) if settings.llm_base_url else None
    return Scorer(
        screen=load_configured_watchlist(settings.watchlist_path),
        narrator=narrator,
        sla_hours=settings.review_sla_hours,
    )
