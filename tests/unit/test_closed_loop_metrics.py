"""The closed loop's figures: the QA estimate ROCA can know against the true error, the acceptance
windows, and how the loop met a novel campaign."""

from __future__ import annotations

import math

from roca.learning.loop_metrics import DayRecord, error_windows, novel_figures, qa_estimate, trailing_qa


def _day(day: int, automated: int = 0, wrong: int = 0, cases: int = 100) -> DayRecord:
    return DayRecord(day, cases_in=cases, automated=automated, auto_errors=wrong)


def test_the_qa_estimate_weights_audits_by_their_probability_and_bounds_the_error() -> None:
    record = _day(0, automated=300)
    for _ in range(9):
        record.add_audit(0.03, overturned=False)
    record.add_audit(0.03, overturned=True)
    for _ in range(10):
        record.add_audit(0.06, overturned=False)  # near a threshold: audited twice as often
    estimate = qa_estimate([record], delta=0.05)
    assert estimate.audits == 20 and estimate.errors == 1
    assert estimate.estimate is not None and math.isclose(
        estimate.estimate, (1 / 0.03) / (10 / 0.03 + 10 / 0.06)
    )
    assert estimate.upper is not None and estimate.estimate < estimate.upper < 1.0
    assert qa_estimate([_day(1)], delta=0.05).estimate is None  # no audits, no estimate
    pooled = trailing_qa([record, _day(1), _day(2)], delta=0.05, days=2)
    assert [q.audits for q in pooled] == [20, 20, 0]


def test_true_error_in_five_day_windows() -> None:
    days = [_day(d, automated=100 if d >= 5 else 0, wrong=1 if d == 7 else 0) for d in range(12)]
    windows = error_windows(days)
    assert [(w.first, w.last, w.automated, w.errors) for w in windows] == [
        (0, 4, 0, 0),
        (5, 9, 500, 1),
        (10, 11, 200, 0),
    ]
    assert windows[0].error is None and windows[1].error == 0.002


def test_detection_delay_and_recovery_after_a_novel_campaign() -> None:
    days = [_day(d, automated=50) for d in range(10)]
    days[6].novel_audit_errors = 2  # the campaign's errors show in QA on day 6 ...
    days[7].contractions = ["v9-c: ato automation contracted"]  # ... and the monitor contracts on day 7
    days[8].automated = 0
    days[9].automated = 45
    figures = novel_figures(days, start_day=5)
    assert figures.first_audit_error_day == 6 and figures.contraction_days == [7]
    assert figures.detection_delay_days == 1 and figures.recovery_day == 9
    assert novel_figures([_day(d) for d in range(10)], start_day=5).recovery_day is None


def test_a_night_that_takes_every_threshold_away_is_a_contraction() -> None:
    days = [_day(d, automated=0 if d in (7, 8) else 40) for d in range(10)]
    for record in days:
        record.auto_clear_threshold = None if record.day in (7, 8) else 0.03
    days[6].novel_audit_errors = 1  # audited on day 6; that night's recertification withdraws
    figures = novel_figures(days, start_day=5)
    assert figures.contraction_days == [6] and figures.detection_delay_days == 0
    assert figures.recovery_day == 9
