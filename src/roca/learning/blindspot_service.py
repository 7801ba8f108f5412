"""The blind-spot report over the stored decisions: which dates, then the pure analysis."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from roca.errors import FieldError, ValidationFailed
from roca.learning import feedback_repository
from roca.learning.blindspots import BlindSpotReport, Window, build_report
from roca.storage.base import utcnow

WINDOW_DAYS = 7
BASELINE_DAYS = 28


def blind_spot_report(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    days: float = WINDOW_DAYS,
    baseline_days: float = BASELINE_DAYS,
) -> BlindSpotReport:
    """The window ends at ``until`` or, by default, with the day of the latest human decision (a
    replayed or simulated history reports on its own days, a live one on the last few days)."""
    window = report_window(session, since, until, days, baseline_days)
    rows = feedback_repository.human_feedback(session, window.baseline_since, window.until)
    return build_report(rows, window)


def report_window(
    session: Session, since: datetime | None, until: datetime | None, days: float, baseline_days: float
) -> Window:
    if days <= 0 or baseline_days < 0:
        raise ValidationFailed(
            "the window needs a positive length", [FieldError("days", "window > 0, baseline >= 0 days")]
        )
    if until is None:
        latest = feedback_repository.latest_human_decision_at(session) or utcnow()
        until = datetime.combine(latest.date() + timedelta(days=1), time(), tzinfo=latest.tzinfo)
    since = since if since is not None else until - timedelta(days=days)
    if since >= until:
        raise ValidationFailed("the window is empty", [FieldError("since", "must be before --until")])
    return Window(since, until, since - timedelta(days=baseline_days))
