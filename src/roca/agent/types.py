"""What the agent produces for one case: the shapes every part of the agent agrees on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from roca.cases.schemas import CaseType
from roca.signals.base import SignalValue

GuardrailEffect = Literal["force_review", "forbid_auto", "four_eyes"]
RecommendationSource = Literal["model", "rules"]


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one signal pushed the recommendation (SHAP value in log-odds of the recommended
    decision; positive = towards it), with the signal's own bilingual evidence line."""

    signal_id: str
    value: SignalValue
    contribution: float
    text_en: str
    text_zh: str


@dataclass(frozen=True, slots=True)
class GuardrailHit:
    """A guardrail rule that fired for this case.  ``force_review``: never decided automatically;
    ``forbid_auto``: the listed decisions may not be automatic; ``four_eyes``: the action needs a
    second person's approval."""

    rule_id: str
    effect: GuardrailEffect
    sop_clause: str
    reason_en: str
    reason_zh: str
    decisions: tuple[str, ...] = ()  # for forbid_auto / four_eyes: which decisions it concerns


@dataclass(frozen=True)
class Recommendation:
    case_type: CaseType
    decision: str
    confidence: float  # calibrated probability of ``decision``
    probabilities: dict[str, float]
    contributions: list[Contribution]  # strongest first (by absolute contribution)
    sop_clauses: list[str]
    guardrails: list[GuardrailHit] = field(default_factory=list)
    source: RecommendationSource = "model"  # "rules" before any model exists (cold start)
    model_version: str | None = None
    rules_version: str = ""


@dataclass(frozen=True, slots=True)
class Narrative:
    """At most three sentences in each language, for reviewers."""

    text_en: str
    text_zh: str
    source: Literal["deterministic", "llm"] = "deterministic"
