"""The certification pool: only labels out of sample for the champion certify its thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roca.learning.certification import Cutoff, out_of_sample
from roca.learning.dataset import labelled_cases
from tests.unit.learning.test_dataset import T0, made


def test_no_label_a_champion_trained_on_is_in_its_pool() -> None:
    trained = [made(1, "confirm_ato", minutes=1), made(2, "not_ato", minutes=2)]
    # Decided before the cutoff and decided again after it (a refused four-eyes decision): the case
    # taught the model, so it never certifies it, whatever its label's time now is.
    moved = [made(3, "confirm_ato", minutes=3, status="rejected"), made(3, "confirm_ato", minutes=20)]
    later = [made(4, "not_ato", minutes=11), made(5, "confirm_ato", minutes=12)]
    decisions = trained + moved + later
    pool = out_of_sample(labelled_cases(decisions), decisions, Cutoff(T0 + timedelta(minutes=3)))
    assert [row.case_id for row in pool.rows] == [4, 5]
    assert pool.since == T0 + timedelta(minutes=11)


def test_labels_after_the_cutoff_count_with_their_weights() -> None:
    decisions = [
        made(1, "not_ato", minutes=1),  # trained on
        made(2, "not_ato", minutes=5),  # reviewed after the cutoff: weight 1
        made(3, "not_ato", None, automatic=True, minutes=2),  # decided by ROCA before the cutoff ...
        made(3, "confirm_ato", "qa", pi=0.03, minutes=6),  # ... audited blind after it: 1/pi
        made(4, "not_ato", None, automatic=True, minutes=7),  # never audited: no label
    ]
    pool = out_of_sample(labelled_cases(decisions), decisions, Cutoff(T0 + timedelta(minutes=1)))
    weights = {row.case_id: row.weight for row in pool.rows}
    assert weights == {2: 1.0, 3: pytest.approx(1 / 0.03)} and pool.audits == 1


def test_ties_at_the_cutoff_are_broken_by_decision_id_or_left_out() -> None:
    same_instant = [made(1, "not_ato", minutes=4), made(2, "confirm_ato", minutes=4)]
    rows = labelled_cases(same_instant)
    at = T0 + timedelta(minutes=4)
    first_id = same_instant[0].decision_id
    assert [r.case_id for r in out_of_sample(rows, same_instant, Cutoff(at, first_id)).rows] == [2]
    assert out_of_sample(rows, same_instant, Cutoff(at)).rows == []  # unknown tie-break: conservative


def test_a_model_that_learned_from_none_of_these_labels_certifies_on_all_of_them() -> None:
    decisions = [made(1, "not_ato", minutes=1), made(2, "not_ato", "second_review", minutes=2)]
    pool = out_of_sample(labelled_cases(decisions), decisions, None)  # the cold-start rules
    assert [row.case_id for row in pool.rows] == [1]


def test_the_scores_where_labelling_changed_are_the_thresholds_in_force_and_their_qa_near_bands() -> None:
    from roca.learning.certification import PolicyPeriod, last_contraction, routing_boundaries

    start = datetime(2026, 11, 1, tzinfo=UTC)
    periods = [
        PolicyPeriod(start, None, 0.03, contracted=False),
        PolicyPeriod(start + timedelta(days=2), 0.98, 0.04, contracted=False),
        PolicyPeriod(start + timedelta(days=4), None, None, contracted=True),
    ]
    assert routing_boundaries(periods, None, 0.02) == [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.96, 0.98]
    # A pool that starts on day 3 saw only the second policy's routing (and the contraction's none).
    assert routing_boundaries(periods, start + timedelta(days=3), 0.02) == [0.02, 0.04, 0.06, 0.96, 0.98]
    assert routing_boundaries([], start, 0.02) == []  # before any policy: nothing was automated
    assert last_contraction(periods) == start + timedelta(days=4)
    assert last_contraction(periods[:2]) is None
