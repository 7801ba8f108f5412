"""Simulated reviewers: right on obvious cases, wrong now and then on ambiguous ones, and when they
overturn ROCA they say why the way a reviewer at the console must (cause, annotation, marks)."""

from __future__ import annotations

import math
import random
import re

import pytest

from roca.review.feedback import ROOT_CAUSES, feedback_problems
from roca.signals import catalog
from roca.simulate.ato import LEGIT_MIX
from roca.simulate.config import CAMPAIGNS, NOVEL_CAMPAIGN
from roca.simulate.reviewer_notes import MISSING, NOVEL_MISSING, RIGHT, note_for
from roca.simulate.reviewers import (
    ReviewerProfile,
    careful_share,
    default_team,
    error_probability,
    review,
    scenario_difficulty,
)
from roca.simulate.world import GroundTruth

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _truth(scenario: str, variant: str = "", case_type: str = "ato", label: str | None = None) -> GroundTruth:
    malicious = scenario in CAMPAIGNS or scenario == NOVEL_CAMPAIGN
    label = label or ("confirm_ato" if malicious else "not_ato")
    return GroundTruth(f"alrt-{scenario}", case_type, label, scenario, malicious, 3, "u-1", variant)  # type: ignore[arg-type]


def _error_share(truth: GroundTruth, difficulty: float | None = None, draws: int = 20_000) -> float:
    rng = random.Random(5)
    profile = ReviewerProfile("rev", error_rate=0.02)
    wrong = sum(not review(truth, None, profile, rng, difficulty=difficulty).correct for _ in range(draws))
    return wrong / draws


def test_errors_fall_on_ambiguous_cases_and_average_the_profile_rate() -> None:
    assert _error_share(_truth("forgotten_password")) < 0.005
    assert _error_share(_truth("sim_swap")) < 0.005  # a blatant takeover
    assert _error_share(_truth("lost_phone")) > 0.04  # the owner's SIM-swap twin
    assert _error_share(_truth("sim_swap", "careful")) > 0.04
    # Measured on the evidence: an obvious case is almost never wrong, an ambiguous one often.
    assert _error_share(_truth("travel"), difficulty=0.02) < 0.002
    assert 0.08 < _error_share(_truth("travel"), difficulty=5.0) < 0.12
    # Over the default ATO mix the scenario weights average exactly the profile's rate.
    careful = careful_share()
    attack = careful * scenario_difficulty(_truth("sim_swap", "careful")) + (
        1 - careful
    ) * scenario_difficulty(_truth("sim_swap"))
    legit = sum(share * scenario_difficulty(_truth(name)) for name, share in LEGIT_MIX.items())
    assert math.isclose(0.2 * attack + 0.8 * legit / sum(LEGIT_MIX.values()), 1.0)
    assert error_probability(_truth("travel"), 0.02, difficulty=1000.0) == 0.45  # never a coin flip


def test_a_novel_attack_roca_cleared_is_named_with_the_signals_it_lacks() -> None:
    truth = _truth(NOVEL_CAMPAIGN)
    english = review(truth, "not_ato", ReviewerProfile("en", "en", error_rate=0.0), random.Random(1))
    assert english.decision == "confirm_ato" and english.correct
    assert english.root_cause == "novel_pattern"
    assert english.annotation is not None and "browser extension" in english.annotation
    assert "address book" in english.annotation
    assert {m["signal"] for m in english.signal_marks} <= set(NOVEL_MISSING)
    assert all(m["kind"] == MISSING for m in english.signal_marks) and english.signal_marks
    chinese = review(truth, "not_ato", ReviewerProfile("zh", "zh", error_rate=0.0), random.Random(1))
    assert chinese.annotation is not None and CHINESE.search(chinese.annotation)
    assert chinese.annotation.endswith("。") and "浏览器扩展" in chinese.annotation


def test_agreeing_needs_no_feedback_and_a_blind_audit_explains_when_it_overturns() -> None:
    profile = ReviewerProfile("rev", error_rate=0.0)
    agreed = review(_truth("travel"), "not_ato", profile, random.Random(2))
    assert agreed.decision == "not_ato" and agreed.root_cause is None and agreed.annotation is None
    # QA is blind (nothing shown); the form compares with ROCA's automatic decision on submit.
    audit = review(_truth("credential_stuffing"), None, profile, random.Random(2), roca_answer="not_ato")
    assert audit.decision == "confirm_ato" and audit.root_cause == "misweighted_signal"
    assert {
        "kind": "misleading",
        "signal": "ato.failed_logins_before_success",
        "note": "",
    } in audit.signal_marks
    unseen = review(_truth("credential_stuffing"), None, profile, random.Random(2))
    assert unseen.root_cause is None  # a second opinion with nothing to compare with


def test_a_false_alarm_on_a_traveller_marks_the_country_signal_misleading() -> None:
    verdict = review(
        _truth("travel"), "confirm_ato", ReviewerProfile("rev", error_rate=0.0), random.Random(3)
    )
    assert verdict.decision == "not_ato" and verdict.root_cause == "misweighted_signal"
    assert verdict.signal_marks[0] == {"kind": "misleading", "signal": "ato.new_country", "note": ""}


def test_a_reviewer_who_misjudges_writes_what_they_believed() -> None:
    profile = ReviewerProfile("rev", error_rate=0.4)
    rng = random.Random(4)
    wrong = next(
        v
        for v in (review(_truth("shared_access"), "not_ato", profile, rng) for _ in range(200))
        if not v.correct
    )
    assert wrong.decision == "confirm_ato" and wrong.root_cause == "misweighted_signal"
    assert wrong.annotation is not None and "takeover" in wrong.annotation


@pytest.mark.parametrize("scenario", sorted(RIGHT))
def test_every_note_is_valid_feedback_in_both_languages(scenario: str) -> None:
    known = set(catalog.feature_names("ato"))
    for right, risky in ((True, True), (False, True), (False, False)):
        note = note_for("ato", scenario, right, risky)
        assert note.root_cause in ROOT_CAUSES
        for text in (note.en, note.zh):
            assert feedback_problems(True, note.root_cause, text) == []
        assert note.zh.endswith("。") and not CHINESE.search(note.en)
        for kind, signal in note.marks:
            assert kind in ("missing", "misleading")
            assert kind == "missing" or signal in known  # misleading marks name signals ROCA computes


def test_same_seed_same_verdicts_and_a_bilingual_team() -> None:
    profile = ReviewerProfile("rev", error_rate=0.3)
    cases = [_truth(name) for name in (*LEGIT_MIX, *CAMPAIGNS, NOVEL_CAMPAIGN)]
    first = [review(t, "not_ato", profile, random.Random(9)) for t in cases]
    assert first == [review(t, "not_ato", profile, random.Random(9)) for t in cases]
    team = default_team(6, capacity=60, error_rate=0.02)
    assert {p.language for p in team} == {"en", "zh"}
    assert [p.role for p in team].count("senior_reviewer") == 2 and team[-1].role == "qa"
    with pytest.raises(ValueError, match="error_rate"):
        ReviewerProfile("bad", error_rate=0.7)
