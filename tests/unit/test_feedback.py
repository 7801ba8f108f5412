"""Root-cause feedback: required when the reviewer disagrees, at most three sentences in either language."""

from __future__ import annotations

from roca.review.feedback import ROOT_CAUSES, feedback_problems
from roca.review.queue import priority
from roca.storage.base import utcnow


def test_the_taxonomy_of_the_contract() -> None:
    assert len(ROOT_CAUSES) == 15
    assert ROOT_CAUSES["novel_pattern"].group == "world" and ROOT_CAUSES["sop_gap"].label_zh == "SOP 未覆盖"


def test_disagreement_needs_a_cause_and_an_annotation() -> None:
    fields = {e.path for e in feedback_problems(True, None, None)}
    assert fields == {"root_cause", "annotation"}
    assert feedback_problems(True, "novel_pattern", "New address-book poisoning pattern.") == []
    assert feedback_problems(False, None, None) == []


def test_at_most_three_sentences_in_english_and_chinese() -> None:
    four_en = "One. Two. Three. Four."
    four_zh = "设备是新的。地址是新的。金额很大。这是新型攻击。"
    assert feedback_problems(True, "other", four_en)[0].reason == "at most 3 sentences, got 4"
    assert feedback_problems(True, "other", four_zh)[0].path == "annotation"
    assert feedback_problems(True, "other", "设备是新的。地址是新的。金额很大。") == []
    assert feedback_problems(True, "nonsense", "x.")[0].path == "root_cause"


def test_priority_is_expected_loss_weighted_by_urgency() -> None:
    now = utcnow()
    from datetime import timedelta

    soon, later, breached = now + timedelta(hours=1), now + timedelta(hours=20), now - timedelta(minutes=5)
    assert priority(0.9, 10_000, soon, now) > priority(0.9, 10_000, later, now)
    assert priority(0.9, 10_000, breached, now) > priority(0.9, 10_000, soon, now)
    assert priority(0.9, 10_000, later, now) > priority(0.1, 10_000, later, now)


def test_qa_sampling_rate_is_honoured_and_heavier_near_the_threshold() -> None:
    from math import sqrt

    from roca.policy.router import SegmentThresholds
    from roca.review.service import qa_probability, sampled_for_qa

    n, pi = 40_000, 0.03
    hits = sum(sampled_for_qa(case_id, pi) for case_id in range(n))
    tolerance = 4 * sqrt(n * pi * (1 - pi))  # four standard deviations
    assert abs(hits - n * pi) <= tolerance, (hits, n * pi)
    segment = SegmentThresholds(auto_act=0.95, auto_clear=0.02)
    assert qa_probability(0.96, segment) == 0.06 and qa_probability(0.999, segment) == 0.03


def test_sla_hours_are_configurable_per_case_type() -> None:
    from datetime import timedelta

    from roca.review.queue import due_at

    received = utcnow()
    assert due_at("ato", received) - received == timedelta(hours=2)
    assert due_at("ato", received, {"ato": 0.5}) - received == timedelta(minutes=30)
    assert due_at("kyb", received, {"ato": 0.5}) - received == timedelta(hours=72)
