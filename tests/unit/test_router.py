"""Routing: guardrails before thresholds, no certified policy -> no automation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.agent.types import GuardrailHit, Recommendation
from roca.policy.router import SegmentThresholds, route

CASE_TYPES = list(DECISIONS)


def _rec(case_type: str, hits: list[GuardrailHit]) -> Recommendation:
    decisions = DECISIONS[case_type]  # type: ignore[index]
    return Recommendation(
        case_type=case_type,  # type: ignore[arg-type]
        decision=decisions[0],
        confidence=0.5,
        probabilities={d: 1 / len(decisions) for d in decisions},
        contributions=[],
        sop_clauses=[],
        guardrails=hits,
    )


def _hit(effect: str, decisions: tuple[str, ...]) -> GuardrailHit:
    return GuardrailHit("rule-x", effect, "GEN-2.1", "reason", "原因", decisions)  # type: ignore[arg-type]


thresholds = st.builds(
    SegmentThresholds,
    auto_act=st.one_of(st.none(), st.floats(0.5, 1.0)),
    auto_clear=st.one_of(st.none(), st.floats(0.0, 0.5)),
)


@given(st.sampled_from(CASE_TYPES), st.floats(0, 1), thresholds)
def test_force_review_is_never_automatic(case_type: str, p: float, segment: SegmentThresholds) -> None:
    rec = _rec(case_type, [_hit("force_review", ())])
    assert route(rec, p, segment).route == "review"


@given(st.sampled_from(CASE_TYPES), st.floats(0, 1), thresholds)
def test_a_forbidden_decision_is_never_automatic(
    case_type: str, p: float, segment: SegmentThresholds
) -> None:
    forbidden = (RISKY_DECISION[case_type], DECISIONS[case_type][0])  # type: ignore[index]
    result = route(_rec(case_type, [_hit("forbid_auto", forbidden)]), p, segment)
    assert result.route == "review" and result.decision is None


@given(st.sampled_from(CASE_TYPES), st.floats(0, 1))
def test_no_policy_means_no_automation(case_type: str, p: float) -> None:
    assert route(_rec(case_type, []), p, None).route == "review"
    assert route(_rec(case_type, []), p, SegmentThresholds()).route == "review"
    shadow = SegmentThresholds(auto_act=0.0, auto_clear=1.0, shadow=True)
    assert route(_rec(case_type, []), p, shadow).route == "review"


def test_thresholds_decide_both_sides_with_a_readable_reason() -> None:
    segment = SegmentThresholds(auto_act=0.987, auto_clear=0.02, policy_version="v7")
    act = route(_rec("ato", []), 0.993, segment)
    assert (act.route, act.decision) == ("auto", "confirm_ato")
    assert act.reason_en == "auto: p = 0.993 >= 0.987 (policy v7, ato confirm_ato)"
    clear = route(_rec("ato", []), 0.01, segment)
    assert (clear.route, clear.decision) == ("auto", "not_ato")
    between = route(_rec("ato", []), 0.5, segment)
    assert between.route == "review" and "0.020 < p < 0.987" in between.reason_en


def test_four_eyes_marks_the_automatic_action() -> None:
    segment = SegmentThresholds(auto_act=0.9)
    result = route(_rec("ato", [_hit("four_eyes", ("confirm_ato",))]), 0.95, segment)
    assert result.route == "auto" and result.needs_second_approval
