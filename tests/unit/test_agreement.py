"""The dashboard's statistics, against hand-computed values."""

from __future__ import annotations

import itertools

import pytest

from roca.oversight.agreement import Share, agreement, cohens_kappa, observed_error, overturn_rate
from roca.oversight.coverage import coverage_curves


def _pairs(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, count in table.items() for _ in range(count)]


def test_perfect_agreement_is_one() -> None:
    assert cohens_kappa(_pairs({("confirm_ato", "confirm_ato"): 7, ("not_ato", "not_ato"): 5})) == 1.0


def test_agreement_at_chance_is_zero() -> None:
    # Each rater says yes half the time, independently: they agree half the time, as chance would.
    table = {("yes", "yes"): 10, ("yes", "no"): 10, ("no", "yes"): 10, ("no", "no"): 10}
    assert cohens_kappa(_pairs(table)) == pytest.approx(0.0)


def test_a_known_two_by_two_table() -> None:
    # p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    table = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    assert cohens_kappa(_pairs(table)) == pytest.approx(0.4)
    summary = agreement(_pairs(table))
    assert summary.pairs == 50 and summary.observed == pytest.approx(0.7) and summary.enough


def test_worse_than_chance_is_negative_and_three_classes_work() -> None:
    assert cohens_kappa(_pairs({("yes", "no"): 5, ("no", "yes"): 5})) == pytest.approx(-1.0)
    table = {("approve", "approve"): 8, ("reject", "reject"): 6, ("request_info", "request_info"): 4,
             ("approve", "request_info"): 2}  # fmt: skip
    # p_o = 0.9; p_e = (10*8 + 6*6 + 4*6) / 400 = 0.35; kappa = 0.55 / 0.65
    assert cohens_kappa(_pairs(table)) == pytest.approx(0.55 / 0.65)


def test_kappa_is_undefined_without_data_or_variety() -> None:
    assert cohens_kappa([]) is None
    assert cohens_kappa([("confirm_ato", "confirm_ato")] * 30) is None  # chance agreement is already 1
    few = agreement([("a", "a")] * 5)
    assert few.pairs == 5 and not few.enough


def test_overturn_rate() -> None:
    share = overturn_rate(agreed=7, overturned=3)
    assert (share.count, share.total, share.rate) == (3, 10, pytest.approx(0.3))
    assert overturn_rate(0, 0).rate is None and overturn_rate(0, 0).upper() is None


def test_the_upper_bound_tightens_as_n_grows() -> None:
    bounds = [Share(n // 10, n).upper() for n in (10, 20, 50, 100, 200, 500, 1000, 5000)]
    assert all(bound is not None and bound > 0.1 for bound in bounds)
    assert all(a > b for a, b in itertools.pairwise(bounds))
    observed = [observed_error([(i % 10 == 0, 0.03) for i in range(n)]).upper for n in (20, 100, 1000)]
    assert observed[0] > observed[1] > observed[2] > 0.1


def test_observed_error_weighs_each_audit_by_its_sampling_probability() -> None:
    # 10 audits drawn at pi 3 % (1 error) stand for 333 decisions; 10 at 6 % (5 errors) for 167.
    audits = [(i == 0, 0.03) for i in range(10)] + [(i < 5, 0.06) for i in range(10)]
    seen = observed_error(audits)
    assert seen.audits == 20 and seen.errors == 6
    assert seen.point == pytest.approx((1 / 0.03 + 5 / 0.06) / (10 / 0.03 + 10 / 0.06))
    assert seen.upper is not None and seen.point < seen.upper < 1.0
    assert observed_error([]).point is None


def test_error_versus_coverage() -> None:
    # Well separated: every case at p >= 0.9 is risky, every case at p <= 0.1 is benign.
    probabilities = [0.95] * 40 + [0.05] * 40 + [0.5] * 20
    risky = [True] * 40 + [False] * 40 + [i % 2 == 0 for i in range(20)]
    curves = coverage_curves(probabilities, risky, [1.0] * 100, auto_act=0.9, auto_clear=0.1, alpha=0.01)
    assert curves.labelled == 100
    assert curves.current_act is not None and curves.current_act.coverage == pytest.approx(0.4)
    assert curves.current_act.error == 0.0
    assert curves.current_clear is not None and curves.current_clear.coverage == pytest.approx(0.4)
    loosest = curves.auto_act[-1]  # 0.5: the ambiguous band joins, half of it benign
    assert loosest.coverage == pytest.approx(0.6) and loosest.error == pytest.approx(10 / 60)
    coverage = [point.coverage for point in curves.auto_act]
    assert coverage == sorted(coverage)  # the grid walks from strict to loose
    assert coverage_curves([0.5] * 10, [True] * 10, [1.0] * 10).auto_act == ()  # too few labels
