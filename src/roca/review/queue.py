"""Review order: expected loss weighted by SLA urgency (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

# Hours to a decision by case type: account takeovers hold withdrawals, so they wait least.
SLA_HOURS: dict[str, float] = {"ato": 2.0, "fraud": 4.0, "kyc": 24.0, "kyb": 72.0}
MIN_EXPOSURE_USD = 100.0  # cases without an amount still carry some loss


def due_at(case_type: str, received_at: datetime, sla_hours: Mapping[str, float] | None = None) -> datetime:
    hours = {**SLA_HOURS, **(sla_hours or {})}.get(case_type, 24.0)
    return received_at + timedelta(hours=hours)


def priority(
    risk_probability: float, amount_at_risk_usd: float | None, due: datetime, now: datetime
) -> float:
    """Expected loss (p x exposure), doubled as the SLA runs out and tripled once breached."""
    exposure = max(amount_at_risk_usd or 0.0, MIN_EXPOSURE_USD)
    hours_left = (due - now).total_seconds() / 3600
    urgency = 3.0 if hours_left <= 0 else 1.0 + 1.0 / (1.0 + hours_left)
    return risk_probability * exposure * urgency
