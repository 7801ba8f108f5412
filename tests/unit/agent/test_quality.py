"""Probability quality metrics against scikit-learn and hand-worked cases, and the diagram file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn import metrics

from roca.agent.quality import (
    QualityReport,
    auc,
    brier,
    ece_quantile,
    log_loss,
    quantile_bins,
    reliability_diagram,
    tail_ece,
    top_class,
)


def binary_sample(n: int = 2000, seed: int = 0) -> tuple[NDArray[np.int_], NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    p = rng.beta(0.5, 1.5, n)
    return (rng.random(n) < p).astype(int), p


def multiclass_sample(n: int = 900, seed: int = 1) -> tuple[NDArray[np.int_], NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet([1.0, 2.0, 0.5], n)
    return np.array([rng.choice(3, p=row) for row in p]), p


def test_binary_brier_log_loss_and_auc_match_scikit_learn() -> None:
    y, p = binary_sample()
    assert brier(y, p) == pytest.approx(metrics.brier_score_loss(y, p))
    assert log_loss(y, p) == pytest.approx(metrics.log_loss(y, p))
    assert auc(y, p) == pytest.approx(metrics.roc_auc_score(y, p))
    weights = np.linspace(0.1, 3.0, len(y))
    assert brier(y, p, weights) == pytest.approx(metrics.brier_score_loss(y, p, sample_weight=weights))


def test_multiclass_metrics_match_scikit_learn() -> None:
    y, p = multiclass_sample()
    onehot = np.eye(3)[y]
    assert brier(y, p) == pytest.approx(((p - onehot) ** 2).sum(axis=1).mean())
    assert log_loss(y, p) == pytest.approx(metrics.log_loss(y, p, labels=[0, 1, 2]))
    assert auc(y, p) == pytest.approx(metrics.roc_auc_score(y, p, multi_class="ovr", average="macro"))


def test_binary_brier_read_as_two_columns_counts_twice() -> None:
    y, p = binary_sample(300)
    assert brier(y, np.column_stack([1 - p, p])) == pytest.approx(2 * brier(y, p))


def test_log_loss_survives_certain_mistakes() -> None:
    assert math.isfinite(log_loss([1, 0], [0.0, 1.0]))


def test_auc_skips_a_class_absent_from_the_labels() -> None:
    y, p = multiclass_sample()
    present = y != 2
    expected = np.mean([metrics.roc_auc_score(y[present] == c, p[present, c]) for c in (0, 1)])
    assert auc(y[present], p[present]) == pytest.approx(expected)
    assert math.isnan(auc([1, 1], [0.2, 0.9]))


def test_quantile_bins_hold_equal_mass() -> None:
    _, p = binary_sample(1003)
    groups = quantile_bins(p, 10)
    assert {len(g) for g in groups} <= {100, 101}
    assert sorted(np.concatenate(groups)) == list(range(1003))
    assert max(p[groups[0]]) <= min(p[groups[1]])


def test_ece_is_zero_when_each_bin_matches_its_rate_and_the_gap_otherwise() -> None:
    p = np.repeat(np.arange(1, 10) / 10, 10)
    y = np.concatenate([[1] * k + [0] * (10 - k) for k in range(1, 10)])
    assert ece_quantile(y, p, bins=9) == pytest.approx(0.0, abs=1e-12)
    assert ece_quantile(np.ones(50), np.full(50, 0.7)) == pytest.approx(0.3)
    assert math.isnan(ece_quantile([], []))


def test_ece_weights_count_like_repeated_cases() -> None:
    y, p = binary_sample(200)
    repeats = np.random.default_rng(2).integers(1, 4, 200)
    weighted = ece_quantile(y, p, bins=1, sample_weight=repeats)
    repeated = ece_quantile(np.repeat(y, repeats), np.repeat(p, repeats), bins=1)
    assert weighted == pytest.approx(repeated)


def test_tail_ece_is_the_ece_of_the_cases_above_each_threshold() -> None:
    y, p = binary_sample(5000)
    tails = tail_ece(y, p, above=(0.5, 0.9, 1.01))
    chosen = p >= 0.5
    bins = min(10, int(chosen.sum()) // 50)
    assert tails[0.5] == pytest.approx(ece_quantile(y[chosen], p[chosen], bins))
    assert tails[0.9] >= 0
    assert math.isnan(tails[1.01])


def test_quality_report_binary_reads_the_risky_column() -> None:
    y, p = binary_sample()
    report = QualityReport.of(y, np.column_stack([1 - p, p]))
    assert report.kind == "binary"
    assert report.n == len(y)
    assert report.base_rate == pytest.approx(y.mean())
    assert report.auc == pytest.approx(auc(y, p))
    assert report.ece == pytest.approx(ece_quantile(y, p))
    assert set(report.tail_ece) == set(report.tail_count) == {0.8, 0.9, 0.95, 0.99}
    assert report.tail_count[0.8] == int((p >= 0.8).sum())
    assert report.as_dict()["brier"] == pytest.approx(brier(y, p))


def test_quality_report_multiclass_reads_top_class_confidence() -> None:
    y, p = multiclass_sample()
    report = QualityReport.of(y, p)
    correct, confidence = top_class(y, p)
    assert report.kind == "multiclass"
    assert report.base_rate == pytest.approx(correct.mean())
    assert report.ece == pytest.approx(ece_quantile(correct, confidence))
    assert report.brier == pytest.approx(brier(y, p))
    with pytest.raises(ValueError, match=r"\(n, k\)"):
        QualityReport.of(y, p[:, 0])


def test_reliability_diagram_writes_a_png(tmp_path: Path) -> None:
    y, p = binary_sample(3000)
    curves = {"uncalibrated": np.sqrt(p), "isotonic": p}
    path = reliability_diagram(y, curves, tmp_path / "img" / "reliability.png", "test", highlight="isotonic")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="highlight"):
        reliability_diagram(y, p, tmp_path / "other.png", "test", highlight="nope")
