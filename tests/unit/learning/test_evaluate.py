"""Measuring challenger and champion on the same labels, certified coverage, and the promotion rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from roca.learning.evaluate import Figures, PolicyMaths, certified_coverage, measure, promotion_verdict

MATHS = PolicyMaths(alpha=0.05, delta=0.05, segments=1, min_labelled=20)


def _labelled(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated scores: outcomes drawn with the probability the model gives."""
    rng = np.random.default_rng(seed)
    band = rng.choice(3, size=n, p=[0.5, 0.2, 0.3])  # clearly benign, unsure, clearly risky
    p = np.choose(band, [rng.random(n) * 0.02, 0.2 + 0.6 * rng.random(n), 0.98 + 0.02 * rng.random(n)])
    return p, rng.random(n) < p


def test_certified_coverage_is_the_weighted_share_past_the_certified_thresholds() -> None:
    p, risky = _labelled(2000)
    weights = np.ones(len(p))
    coverage = certified_coverage(p, risky, weights, MATHS)
    assert coverage.auto_clear is not None and coverage.auto_act is not None
    automated = (p >= coverage.auto_act) | (p <= coverage.auto_clear)
    assert coverage.share == pytest.approx(automated.mean()) and 0.5 < coverage.share < 0.9
    # An audited case stands for 1/pi cases: clearly benign ones weighted up are a larger share.
    heavy = np.where(p < 0.02, 10.0, 1.0)
    weighted = certified_coverage(p, risky, heavy, MATHS)
    assert weighted.auto_clear is not None and weighted.auto_act is not None
    past = (p >= weighted.auto_act) | (p <= weighted.auto_clear)
    assert weighted.share == pytest.approx(heavy[past].sum() / heavy.sum())
    assert weighted.share > coverage.share


def test_a_model_that_cannot_separate_certifies_nothing() -> None:
    p, risky = _labelled(2000)
    shuffled = np.random.default_rng(2).permutation(p)
    assert certified_coverage(shuffled, risky, np.ones(len(p)), MATHS).share == 0.0
    assert certified_coverage(np.array([]), np.array([], dtype=bool), np.array([]), MATHS).share == 0.0


def test_measure_reads_the_risky_column_with_the_labels_weights() -> None:
    p, risky = _labelled(1500)
    proba = np.column_stack([1 - p, p])
    figures = measure("m", proba, risky.astype(np.intp), np.ones(len(p)), 1, MATHS)
    assert figures.auc is not None and figures.auc > 0.95
    assert figures.ece is not None and figures.ece < 0.05 and figures.rows == 1500
    one_class = measure("m", proba[:10], np.zeros(10, dtype=np.intp), np.ones(10), 1, MATHS)
    assert one_class.auc is None  # undefined, stored as null rather than NaN


def _figures(coverage: float, ece: float = 0.01, auc: float = 0.95) -> Figures:
    return Figures("x", 500, auc, 0.05, ece, coverage, 0.9, 0.05)


def test_promotion_refuses_a_challenger_worse_on_certified_coverage() -> None:
    verdict = promotion_verdict(_figures(0.40), _figures(0.55), auc_margin=0.01, ece_margin=0.01)
    assert not verdict.eligible and "certified coverage" in verdict.reason


@pytest.mark.parametrize("coverage", [0.55, 0.70])
def test_promotion_accepts_an_equal_or_better_challenger(coverage: float) -> None:
    assert promotion_verdict(_figures(coverage), _figures(0.55), auc_margin=0.01, ece_margin=0.01).eligible


def test_promotion_margins_on_calibration_and_ranking() -> None:
    champion = _figures(0.5, ece=0.010, auc=0.95)
    worse_ece = promotion_verdict(_figures(0.6, ece=0.030), champion, auc_margin=0.01, ece_margin=0.01)
    assert not worse_ece.eligible and worse_ece.reason.startswith("ECE")
    worse_auc = promotion_verdict(_figures(0.6, auc=0.90), champion, auc_margin=0.01, ece_margin=0.01)
    assert not worse_auc.eligible and worse_auc.reason.startswith("AUC")
    within = promotion_verdict(
        _figures(0.6, ece=0.015, auc=0.945), champion, auc_margin=0.01, ece_margin=0.01
    )
    assert within.eligible
    assert promotion_verdict(_figures(0.0), None, auc_margin=0.01, ece_margin=0.01).eligible


def test_the_fast_auc_is_scikit_learns_with_weights_and_ties() -> None:
    from sklearn.metrics import roc_auc_score

    from roca.learning.evaluate import weighted_auc

    rng = np.random.default_rng(9)
    score = np.round(rng.random(500), 2)  # many ties
    hit = rng.random(500) < score
    weight = rng.choice([1.0, 1 / 0.03], size=500)
    assert weighted_auc(hit, score, weight) == pytest.approx(roc_auc_score(hit, score, sample_weight=weight))
    assert np.isnan(weighted_auc(np.ones(5, dtype=bool), score[:5], weight[:5]))


def test_a_learned_champion_is_replaced_only_by_a_margin_of_certified_coverage() -> None:
    champion = _figures(0.50)
    small_gain = promotion_verdict(
        _figures(0.53), champion, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05
    )
    assert not small_gain.eligible and "promotion margin 5.0%" in small_gain.reason
    pays = promotion_verdict(_figures(0.56), champion, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05)
    assert pays.eligible
    # The cold-start rules give way to any challenger at least as good: no pool worth keeping.
    rules = Figures("rules", 500, 0.8, 0.1, 0.05, 0.0, None, None)
    first = promotion_verdict(_figures(0.0), rules, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05)
    assert first.eligible


def test_a_challenger_must_beat_what_the_champions_thresholds_in_force_automate() -> None:
    # On the window the champion certifies 30 %, but its thresholds, certified on its whole pool,
    # decide 50 % of the window: a challenger certifying 40 % from the window alone would lose ground.
    champion = replace(_figures(0.30), deployed_coverage=0.50)
    refused = promotion_verdict(
        _figures(0.40), champion, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05
    )
    assert not refused.eligible
    assert "does not beat the 50.0% the champion's thresholds in force decide alone" in refused.reason
    pays = promotion_verdict(_figures(0.56), champion, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05)
    assert pays.eligible


def test_deployed_coverage_is_the_weighted_share_past_either_threshold() -> None:
    from roca.learning.evaluate import deployed_coverage

    p = np.array([0.01, 0.02, 0.5, 0.99])
    weight = np.array([1.0, 1.0, 1.0, 33.0])
    assert deployed_coverage(p, weight, 0.98, 0.015) == pytest.approx(34 / 36)
    assert deployed_coverage(p, weight, None, None) == 0.0


def test_a_learned_champion_that_never_automated_gives_way_like_the_rules() -> None:
    # Trained on the first day's labels, it certified nothing on its pool: keeping it for the margin
    # would keep it for good when no challenger certifies 5 points on the window.
    idle = replace(_figures(0.0), deployed_coverage=0.0, idle=True)
    verdict = promotion_verdict(_figures(0.0), idle, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05)
    assert verdict.eligible
    # One that automated and was withdrawn (an error entered its band) keeps its pool's protection.
    withdrawn = replace(_figures(0.0), deployed_coverage=0.0, idle=False)
    kept = promotion_verdict(_figures(0.0), withdrawn, auc_margin=0.01, ece_margin=0.01, coverage_margin=0.05)
    assert not kept.eligible and "promotion margin" in kept.reason
