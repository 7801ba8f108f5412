"""Routing one scored case: guardrails first, then the segment's thresholds -> AUTO or REVIEW,
with a reason a person can read.  Pure: thresholds come from the current policy version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.agent.types import Recommendation

Route = Literal["auto", "review"]


@dataclass(frozen=True, slots=True)
class SegmentThresholds:
    """Certified thresholds of one segment on the calibrated probability of the risky decision:
    auto-act at or above ``auto_act``, auto-clear at or below ``auto_clear``; None = not certified."""

    auto_act: float | None = None
    auto_clear: float | None = None
    policy_version: str = ""
    shadow: bool = False  # ROCA scores, people decide everything
    qa_rate: float | None = None  # the segment's blind-audit probability (None: the default)


@dataclass(frozen=True, slots=True)
class Routing:
    route: Route
    # In shadow mode people decide without seeing ROCA's answer, so their labels are unbiased.
    decision: str | None  # the automatic decision, when route == "auto"
    needs_second_approval: bool
    reason_en: str
    reason_zh: str
    shadow: bool = False


def route(rec: Recommendation, risk_probability: float, thresholds: SegmentThresholds | None) -> Routing:
    if thresholds is not None and thresholds.shadow:
        return Routing("review", None, False, "review: the segment runs in shadow mode (blind)",
                       "人工审核：该分段处于影子模式（盲审）", shadow=True)  # fmt: skip
    forced = [hit for hit in rec.guardrails if hit.effect == "force_review"]
    if forced:
        hit = forced[0]
        return _review(f"guardrail {hit.rule_id} (SOP {hit.sop_clause}): {hit.reason_en}",
                       f"护栏规则 {hit.rule_id}（SOP {hit.sop_clause}）：{hit.reason_zh}")  # fmt: skip
    if thresholds is None or (thresholds.auto_act is None and thresholds.auto_clear is None):
        return _review("review: no certified automation policy for this segment yet",
                       "人工审核：该业务分段尚无经认证的自动化策略")  # fmt: skip
    candidate = _automatic_decision(rec, risk_probability, thresholds)
    if candidate is None:
        return _review(
            f"review: p = {risk_probability:.3f} is between the thresholds ({_band(thresholds)})",
            f"人工审核：p = {risk_probability:.3f} 位于自动化阈值之间（{_band(thresholds)}）",
        )
    decision, threshold, side = candidate
    forbidden = [h for h in rec.guardrails if h.effect == "forbid_auto" and decision in h.decisions]
    if forbidden:
        hit = forbidden[0]
        return _review(f"guardrail {hit.rule_id} (SOP {hit.sop_clause}) forbids an automatic {decision}",
                       f"护栏规则 {hit.rule_id}（SOP {hit.sop_clause}）禁止自动作出 {decision}")  # fmt: skip
    four_eyes = any(h.effect == "four_eyes" and decision in h.decisions for h in rec.guardrails)
    sign = ">=" if side == "act" else "<="
    version = f"policy {thresholds.policy_version}, " if thresholds.policy_version else ""
    comparison = f"p = {risk_probability:.3f} {sign} {threshold:.3f}"
    segment = f"{version}{rec.case_type} {decision}"
    return Routing(
        route="auto",
        decision=decision,
        needs_second_approval=four_eyes,
        reason_en=f"auto: {comparison} ({segment})",
        reason_zh=f"自动：{comparison}（{segment}）",
    )


def _automatic_decision(
    rec: Recommendation, p: float, thresholds: SegmentThresholds
) -> tuple[str, float, Literal["act", "clear"]] | None:
    risky = RISKY_DECISION[rec.case_type]
    benign = DECISIONS[rec.case_type][0]
    if thresholds.auto_act is not None and p >= thresholds.auto_act:
        return risky, thresholds.auto_act, "act"
    if thresholds.auto_clear is not None and p <= thresholds.auto_clear:
        return benign, thresholds.auto_clear, "clear"
    return None


def _band(thresholds: SegmentThresholds) -> str:
    low = "-" if thresholds.auto_clear is None else f"{thresholds.auto_clear:.3f}"
    high = "-" if thresholds.auto_act is None else f"{thresholds.auto_act:.3f}"
    return f"{low} < p < {high}"


def _review(reason_en: str, reason_zh: str) -> Routing:
    return Routing("review", None, False, reason_en, reason_zh)
