"""Training data from decisions: who counts as a label and how much, noisy labels, time-ordered splits."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from roca.learning.dataset import (
    CaseDecision,
    LabelledCase,
    SplitRules,
    TooFewLabels,
    feature_matrix,
    label_of,
    labelled_cases,
    targets,
    time_split,
)
from roca.signals import catalog

T0 = datetime(2026, 11, 1, tzinfo=UTC)
_ids = iter(range(1, 1_000_000))


def made(
    case_id: int,
    decision: str,
    kind: str | None = "review",
    *,
    automatic: bool = False,
    pi: float | None = None,
    minutes: int = 0,
    status: str = "final",
) -> CaseDecision:
    return CaseDecision(
        decision_id=next(_ids), case_id=case_id, decision=decision, automatic=automatic, status=status,
        task_kind=kind, qa_probability=pi, decided_at=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def test_reviews_weigh_one_and_blind_audits_one_over_pi() -> None:
    rows = labelled_cases([
        made(1, "confirm_ato"),
        made(2, "confirm_ato", None, automatic=True), made(2, "not_ato", "qa", pi=0.03, minutes=5),
        made(3, "not_ato", "shadow"),
    ])  # fmt: skip
    by_case = {row.case_id: row for row in rows}
    assert by_case[1].weight == 1.0 and by_case[1].source == "review"
    # The auditor's answer is the label (ROCA's automatic confirm_ato was wrong), standing for 1/pi cases.
    assert by_case[2].label == "not_ato" and by_case[2].weight == pytest.approx(1 / 0.03)
    assert by_case[2].source == "audit" and not by_case[2].noisy
    assert by_case[3].weight == 1.0 and by_case[3].label == "not_ato"  # shadow reviews are labels too


def test_automatic_decisions_nobody_audited_are_not_labels() -> None:
    assert label_of([made(7, "confirm_ato", None, automatic=True)]) is None
    rows = labelled_cases([made(7, "confirm_ato", None, automatic=True), made(8, "not_ato")])
    assert [row.case_id for row in rows] == [8]


def test_disagreeing_human_decisions_make_a_noisy_label() -> None:
    second_opinion = [made(1, "confirm_ato", minutes=1), made(1, "not_ato", "second_review", minutes=2)]
    agreeing = [made(2, "confirm_ato", minutes=1), made(2, "confirm_ato", "second_review", minutes=2)]
    audit_of_person = [made(3, "not_ato", minutes=1), made(3, "confirm_ato", "qa", pi=0.03, minutes=3)]
    refused = [made(4, "confirm_ato", status="rejected"), made(4, "confirm_ato", minutes=9)]
    noisy = {
        row.case_id: row for row in labelled_cases(second_opinion + agreeing + audit_of_person + refused)
    }
    assert (noisy[1].noisy, noisy[2].noisy, noisy[3].noisy, noisy[4].noisy) == (True, False, True, True)
    # The label is the case's own review, not the second opinion, and weighs 1.
    assert (noisy[1].label, noisy[1].weight) == ("confirm_ato", 1.0)
    assert (noisy[3].label, noisy[3].weight) == ("not_ato", 1.0)


def test_a_second_opinion_alone_is_not_the_cases_label() -> None:
    assert label_of([made(5, "not_ato", "second_review")]) is None


def _rows(n: int, noisy_every: int = 0) -> list[LabelledCase]:
    rows = [
        LabelledCase(
            case_id=i, label="confirm_ato" if i % 5 == 0 else "not_ato", weight=1.0,
            decided_at=T0 + timedelta(minutes=i), decision_id=i, source="review",
            noisy=bool(noisy_every) and i % noisy_every == 0,
        )
        for i in range(n)
    ]  # fmt: skip
    random.Random(3).shuffle(rows)
    return rows


def test_the_split_is_by_time_newest_window_held_out() -> None:
    split = time_split(_rows(1000), SplitRules(eval_share=0.2, min_eval_rows=50, min_train_rows=100))
    assert (len(split.train), len(split.evaluation)) == (800, 200)
    assert max(r.decided_at for r in split.train) < min(r.decided_at for r in split.evaluation)
    assert [r.decided_at for r in split.evaluation] == sorted(r.decided_at for r in split.evaluation)
    small = time_split(_rows(400), SplitRules(eval_share=0.2, min_eval_rows=150, min_train_rows=100))
    assert len(small.evaluation) == 150  # at least the minimum window, even above the share
    newest = time_split(_rows(1000), SplitRules(min_eval_rows=50, min_train_rows=100, max_rows=500))
    assert min(r.case_id for r in newest.train) == 500  # only the newest labels


def test_too_few_labels_to_train_and_measure() -> None:
    with pytest.raises(TooFewLabels, match="299 labelled cases"):
        time_split(_rows(299), SplitRules(eval_share=0.2, min_eval_rows=100, min_train_rows=200))


def test_noisy_labels_are_counted_and_left_out_unless_asked() -> None:
    rules = SplitRules(eval_share=0.2, min_eval_rows=50, min_train_rows=100)
    split = time_split(_rows(1000, noisy_every=10), rules)
    assert split.labels == 1000 and split.noisy == 100 and split.noisy_left_out == 100
    assert not any(r.noisy for r in split.train + split.evaluation)
    kept = time_split(_rows(1000, noisy_every=10), replace(rules, include_noisy=True))
    assert sum(r.noisy for r in kept.train) == 80 and kept.noisy_left_out == 0


def test_stored_signals_become_the_models_columns() -> None:
    names = catalog.feature_names("ato")
    rows = _rows(2)
    stored = {
        0: [
            {"id": names[2], "value": 3.5},
            {"id": names[0], "value": True},
            {"id": "gone.signal", "value": 1},
        ],
        1: [{"id": names[1], "value": None}],
    }
    matrix = feature_matrix("ato", stored, sorted(rows, key=lambda r: r.case_id))
    assert matrix.shape == (2, len(names))
    assert matrix[0, 0] == 1.0 and matrix[0, 2] == 3.5 and np.isnan(matrix[0, 1])
    assert np.isnan(matrix[1]).all()  # unknown or missing signals are missing values
    y, w = targets("ato", [r for r in sorted(rows, key=lambda r: r.case_id)])
    assert y.tolist() == [1, 0] and w.tolist() == [1.0, 1.0]
