"""The root-cause taxonomy for reviewer feedback (the contract README) and its rules: a reviewer who
disagrees with ROCA names a cause and writes at most three sentences an ML engineer can act on."""

from __future__ import annotations

from dataclasses import dataclass

from roca.agent.narrative import sentence_count
from roca.errors import FieldError

MAX_ANNOTATION_SENTENCES = 3
MAX_ANNOTATION_CHARS = 1200


@dataclass(frozen=True, slots=True)
class RootCause:
    code: str
    group: str
    meaning_en: str
    label_zh: str


ROOT_CAUSES: dict[str, RootCause] = {
    cause.code: cause
    for cause in (
        RootCause(
            "missing_signal", "data", "the evidence existed but ROCA did not see or compute it", "缺失信号"
        ),
        RootCause("stale_data", "data", "a feature or profile was out of date", "数据过时"),
        RootCause("data_quality", "data", "an upstream value was wrong", "数据质量问题"),
        RootCause(
            "misweighted_signal", "model", "ROCA saw the signal but weighed it wrongly", "信号权重错误"
        ),
        RootCause("overconfident", "model", "right direction, confidence far too high", "置信度过高"),
        RootCause(
            "unsupported_claim", "model", "the explanation cites evidence that is not there", "无依据的结论"
        ),
        RootCause("sop_gap", "policy", "the SOP says nothing about this situation", "SOP 未覆盖"),
        RootCause("sop_ambiguous", "policy", "the SOP is ambiguous or contradicts itself", "SOP 含糊或冲突"),
        RootCause("sop_outdated", "policy", "the SOP no longer matches practice", "SOP 过时"),
        RootCause("novel_pattern", "world", "a new attack or behaviour pattern", "新型模式"),
        RootCause("population_shift", "world", "a new segment, product or channel", "人群/渠道变化"),
        RootCause("label_noise", "label", "an earlier human decision was wrong", "标签错误"),
        RootCause(
            "inherently_ambiguous", "label", "not decidable even with full information", "本质上难以判定"
        ),
        RootCause("tool_failure", "system", "a lookup or integration failed", "工具故障"),
        RootCause("other", "other", "free text; reviewed by leads", "其他"),
    )
}


def feedback_problems(disagrees: bool, root_cause: str | None, annotation: str | None) -> list[FieldError]:
    """What is wrong with a decision's feedback; empty when it may be recorded."""
    problems: list[FieldError] = []
    text = (annotation or "").strip()
    if root_cause is not None and root_cause not in ROOT_CAUSES:
        problems.append(
            FieldError("root_cause", f"unknown code {root_cause!r}; one of {', '.join(ROOT_CAUSES)}")
        )
    if disagrees and root_cause is None:
        problems.append(FieldError("root_cause", "required when the decision differs from ROCA's"))
    if disagrees and not text:
        problems.append(FieldError("annotation", "required when the decision differs from ROCA's"))
    if text and sentence_count(text) > MAX_ANNOTATION_SENTENCES:
        problems.append(
            FieldError(
                "annotation", f"at most {MAX_ANNOTATION_SENTENCES} sentences, got {sentence_count(text)}"
            )
        )
    if len(text) > MAX_ANNOTATION_CHARS:
        problems.append(FieldError("annotation", f"at most {MAX_ANNOTATION_CHARS} characters"))
    return problems
