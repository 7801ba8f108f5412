"""From signals to a recommendation, in batches: model (or cold-start rules) -> calibrated
probabilities -> the decision -> its strongest signal contributions -> SOP clauses -> guardrails ->
the narrative.  Pure: the caller provides the inputs and stores the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roca.agent.decisions import DECISIONS
from roca.agent.features import to_matrix
from roca.agent.guardrails import Guardrails
from roca.agent.narrative import deterministic_narrative
from roca.agent.types import Contribution, Narrative, Recommendation, RecommendationSource
from roca.cases.schemas import CaseType
from roca.signals import catalog
from roca.signals.base import Signal
from roca.signals.context import SignalInput
from roca.sop.documents import clause_index

TOP_CONTRIBUTIONS = 6
MAX_CLAUSES = 5


@dataclass(frozen=True)
class Scored:
    recommendation: Recommendation
    signals: list[Signal]
    narrative: Narrative


@dataclass(frozen=True)
class DecisionPipeline:
    """Everything that turns one case type's signals into recommendations."""

    case_type: CaseType
    estimator: Any  # predict_proba(X) and explain(X, class_index), scikit-learn shape
    guardrails: Guardrails
    source: RecommendationSource = "model"
    model_version: str | None = None

    def recommend(self, inputs: Sequence[SignalInput]) -> list[Scored]:
        if not inputs:
            return []
        signals = [catalog.compute(signal_input) for signal_input in inputs]
        matrix = to_matrix([[s.value for s in row] for row in signals])
        probabilities = np.asarray(self.estimator.predict_proba(matrix), dtype=np.float64)
        chosen = probabilities.argmax(axis=1)
        contributions = self._contributions(matrix, chosen)
        return [
            self._scored(signal_input, row_signals, probabilities[i], int(chosen[i]), contributions[i])
            for i, (signal_input, row_signals) in enumerate(zip(inputs, signals, strict=True))
        ]

    def _contributions(self, matrix: NDArray[np.float64], chosen: NDArray[np.intp]) -> NDArray[np.float64]:
        """Per row, each signal's contribution towards the row's chosen decision (bias dropped)."""
        out = np.zeros((matrix.shape[0], matrix.shape[1]), dtype=np.float64)
        for class_index in np.unique(chosen):
            rows = np.flatnonzero(chosen == class_index)
            explained = np.asarray(self.estimator.explain(matrix[rows], int(class_index)), dtype=np.float64)
            out[rows] = explained[:, : matrix.shape[1]]
        return out

    def _scored(
        self,
        signal_input: SignalInput,
        signals: list[Signal],
        probabilities: NDArray[np.float64],
        chosen: int,
        contributions: NDArray[np.float64],
    ) -> Scored:
        decisions = DECISIONS[self.case_type]
        top = _top(signals, contributions)
        hits = self.guardrails.evaluate(signal_input.case, signals)
        recommendation = Recommendation(
            case_type=self.case_type,
            decision=decisions[chosen],
            confidence=float(probabilities[chosen]),
            probabilities={d: round(float(p), 6) for d, p in zip(decisions, probabilities, strict=True)},
            contributions=top,
            sop_clauses=_clauses(top, [hit.sop_clause for hit in hits]),
            guardrails=hits,
            source=self.source,
            model_version=self.model_version,
            rules_version=self.guardrails.version,
        )
        return Scored(recommendation, signals, deterministic_narrative(recommendation))


def _top(signals: list[Signal], contributions: NDArray[np.float64]) -> list[Contribution]:
    order = np.argsort(-np.abs(contributions))[:TOP_CONTRIBUTIONS]
    return [
        Contribution(
            signals[i].id, signals[i].value, float(contributions[i]), signals[i].text_en, signals[i].text_zh
        )
        for i in order
        if abs(contributions[i]) > 1e-9
    ]


def _clauses(top: list[Contribution], guardrail_clauses: list[str]) -> list[str]:
    """Clauses of the guardrails that fired first, then those governing the evidence for the decision."""
    found: list[str] = []
    for clause_id in [
        *guardrail_clauses,
        *(c for item in top if item.contribution > 0 for c in _governing(item.signal_id)),
    ]:
        if clause_id not in found:
            found.append(clause_id)
    return found[:MAX_CLAUSES]


@cache
def _governing(signal_id: str) -> tuple[str, ...]:
    return tuple(item.id for item in clause_index().values() if signal_id in item.signals)
