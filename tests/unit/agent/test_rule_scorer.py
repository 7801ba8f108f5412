"""The cold-start rule scorer: a proper, capped probability over the type's decisions, monotone in risky
evidence, explained additively, and right on the contract examples."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.agent.rules import WEIGHTS, RuleScorer, Trigger, rule_scorer
from roca.cases.schemas import CASE_TYPES, CaseIn, CaseType
from roca.signals.base import Signal
from roca.signals.catalog import compute, feature_names, specs
from roca.signals.context import input_for_case
from tests.conftest import SHARED

EXAMPLES = SHARED / "contract" / "examples"
CAP = 0.80


def signal_row(signals: list[Signal]) -> np.ndarray:
    """Catalog-order values as the models read them: NaN for None, flags as 0/1."""
    values = [math.nan if s.value is None or isinstance(s.value, str) else float(s.value) for s in signals]
    return np.asarray([values], dtype=np.float64)


def example(name: str) -> tuple[CaseIn, np.ndarray]:
    case = CaseIn.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))
    return case, signal_row(compute(input_for_case(case)))


def witness(test: Trigger) -> float:
    """A value that passes the test."""
    return {
        "yes": 1.0,
        ">=": test.a,
        ">": test.a + 1.0,
        "<": test.a - 0.01,
        "<=": test.a,
        "present": 0.0,
        "within": test.a,
        "off": test.a + test.b + 1.0,
    }[test.op]


def random_matrix(case_type: CaseType, rows: int = 300) -> np.ndarray:
    """Random values around every threshold in the table, with some NaN."""
    rng = np.random.default_rng(7)
    names = feature_names(case_type)
    matrix = rng.uniform(0.0, 2.0, size=(rows, len(names)))
    for weight in WEIGHTS[case_type]:
        column = names.index(weight.signal_id)
        matrix[:, column] = witness(weight.trigger) + rng.normal(0.0, 1.0, rows)
    matrix[rng.uniform(size=matrix.shape) < 0.2] = np.nan
    return matrix


@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_probabilities_sum_to_one_within_the_caps(case_type: CaseType) -> None:
    scorer = rule_scorer(case_type)
    proba = scorer.predict_proba(random_matrix(case_type))
    assert proba.shape[1] == len(DECISIONS[case_type]) and list(scorer.classes_) == list(DECISIONS[case_type])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    risky = proba[:, scorer.risky_index_]
    assert (proba >= 0).all() and (proba <= CAP + 1e-12).all()
    assert (risky >= 1 - CAP - 1e-12).all() and (risky <= CAP + 1e-12).all()


def strongest_values(case_type: CaseType) -> dict[str, float]:
    """Per signal, the witness value that passes the most of its rows for the risky decision."""
    risky, values = RISKY_DECISION[case_type], {}
    rows = [w for w in WEIGHTS[case_type] if w.decision == risky]
    for signal_id in dict.fromkeys(w.signal_id for w in rows):
        triggers = [w.trigger for w in rows if w.signal_id == signal_id]
        candidates = np.asarray([witness(t) for t in triggers])
        passed = sum(t(candidates).astype(int) for t in triggers)
        values[signal_id] = float(candidates[int(np.argmax(passed))])
    return values


@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_monotone_in_added_risky_evidence(case_type: CaseType) -> None:
    """From a quiet case, adding the risky decision's evidence one signal at a time raises its
    probability (strictly, until float saturation) and never raises the benign decision's."""
    scorer, names = rule_scorer(case_type), feature_names(case_type)
    row = np.full((1, len(names)), np.nan)
    before = scorer.predict_proba(row)[0]
    for signal_id, value in strongest_values(case_type).items():
        row[0, names.index(signal_id)] = value
        after = scorer.predict_proba(row)[0]
        saturated = scorer.decision_function(row)[0, scorer.risky_index_] > 30
        assert after[scorer.risky_index_] > before[scorer.risky_index_] or saturated, signal_id
        assert after[0] <= before[0] + 1e-12, signal_id
        before = after
    assert before[scorer.risky_index_] > CAP - 0.01  # all the evidence at once: as sure as the rules get


@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_explanations_sum_to_the_pre_cap_score(case_type: CaseType) -> None:
    scorer = rule_scorer(case_type)
    matrix = random_matrix(case_type, rows=50)
    scores = scorer.decision_function(matrix)
    for index in range(len(scorer.classes_)):
        explained = scorer.explain(matrix, index)
        assert explained.shape == (50, len(feature_names(case_type)) + 1)
        np.testing.assert_allclose(explained.sum(axis=1), scores[:, index])
        assert np.unique(explained[:, -1]).size == 1  # the bias column


def test_binary_benign_explanation_mirrors_the_risky_one() -> None:
    scorer = rule_scorer("ato")
    matrix = random_matrix("ato", rows=20)
    np.testing.assert_allclose(scorer.explain(matrix, 0), -scorer.explain(matrix, 1))


def test_quiet_signals_contribute_nothing() -> None:
    scorer = rule_scorer("kyc")
    quiet = np.full((1, len(feature_names("kyc"))), np.nan)
    assert not scorer.explain(quiet, 1)[0, :-1].any()
    assert scorer.predict(quiet)[0] == "approve"
    assert scorer.sop_clauses(quiet[0]) == []


def test_sim_swap_is_confirmed_and_its_evidence_cited() -> None:
    case, row = example("ato-sim-swap")
    scorer = rule_scorer(case.case_type)
    proba = dict(zip(scorer.classes_, scorer.predict_proba(row)[0], strict=True))
    assert scorer.predict(row)[0] == "confirm_ato" and 0.75 < proba["confirm_ato"] <= CAP
    explained = dict(zip([*feature_names("ato"), "bias"], scorer.explain(row, 1)[0], strict=True))
    assert explained["ato.phone_change_via_support"] > 0 and explained["ato.mfa_removed"] > 0
    assert {"ATO-3.1", "ATO-3.2", "ATO-4.1"} <= set(scorer.sop_clauses(row[0]))


def test_travel_false_alarm_is_not_ato() -> None:
    case, row = example("ato-travel-false-alarm")
    scorer = rule_scorer(case.case_type)
    assert scorer.predict(row)[0] == "not_ato"
    assert 0.6 < scorer.predict_proba(row)[0, 0] <= CAP  # modest, never certain


def test_kyc_face_mismatch_asks_for_a_new_selfie_and_kyb_offshore_otc_desk_gets_edd() -> None:
    _, kyc_row = example("kyc-document-mismatch")
    assert rule_scorer("kyc").predict(kyc_row)[0] == "request_info"
    _, kyb_row = example("kyb-new-entity")
    assert rule_scorer("kyb").predict(kyb_row)[0] == "enhanced_due_diligence"


def test_kyc_distributes_between_missing_documents_and_strong_evidence() -> None:
    scorer, names = rule_scorer("kyc"), feature_names("kyc")

    def decide(**values: float) -> str:
        row = np.full((1, len(names)), np.nan)
        for name, value in values.items():
            row[0, names.index(f"kyc.{name}")] = value
        return str(scorer.predict(row)[0])

    assert decide(identity_document_missing=1.0) == "request_info"
    assert decide(face_match_score=0.95, liveness_score=0.95) == "approve"
    assert decide(face_match_score=0.40, tamper_score=0.9) == "reject"
    assert decide(linked_bad_accounts=2, watchlist_score=0.97) == "reject"


def test_every_weight_row_is_consistent_with_the_catalog_and_decisions() -> None:
    severities = {spec.id: spec.severity for spec in specs()}
    for case_type, rows in WEIGHTS.items():
        for row in rows:
            assert row.signal_id in severities and row.signal_id.startswith(case_type + "."), row
            assert row.decision in DECISIONS[case_type] and row.decision != DECISIONS[case_type][0], row
            assert row.scale > 0, row


def test_fit_records_the_shape_and_learns_nothing() -> None:
    names = feature_names("fraud")
    matrix, labels = random_matrix("fraud", rows=30), np.zeros(30)
    fitted, plain = RuleScorer("fraud").fit(matrix, labels), rule_scorer("fraud")
    assert fitted.feature_names_ == names and fitted.n_features_in_ == len(names)
    assert list(fitted.classes_) == ["release", "block"]
    np.testing.assert_array_equal(fitted.predict_proba(matrix), plain.predict_proba(matrix))


def test_misuse_fails_clearly() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        RuleScorer("ato").predict_proba(np.zeros((1, len(feature_names("ato")))))
    scorer = rule_scorer("ato")
    with pytest.raises(ValueError, match=r"expected an \(n, \d+\) matrix of ato signals"):
        scorer.predict_proba(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="class_index"):
        scorer.explain(np.zeros((1, scorer.n_features_in_)), 2)
    with pytest.raises(ValueError, match="max_confidence"):
        RuleScorer("ato", max_confidence=0.4).fit()


def test_params_round_trip_and_a_tighter_cap() -> None:
    scorer = RuleScorer("kyb", max_confidence=0.7)
    assert scorer.get_params() == {"case_type": "kyb", "max_confidence": 0.7}
    scorer.set_params(max_confidence=0.65).fit()
    proba = scorer.predict_proba(random_matrix("kyb", rows=100))
    assert proba.max() <= 0.65 + 1e-12 and proba[:, scorer.risky_index_].min() >= 0.35 - 1e-12
    with pytest.raises(ValueError, match="no parameter"):
        scorer.set_params(alpha=1.0)


def test_scoring_is_deterministic() -> None:
    matrix = random_matrix("ato", rows=40)
    first = rule_scorer("ato").predict_proba(matrix)
    np.testing.assert_array_equal(first, rule_scorer("ato").predict_proba(matrix.copy()))
    assert RuleScorer.version.startswith("rules-")
