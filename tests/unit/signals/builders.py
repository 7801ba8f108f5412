"""Hand-built cases and timelines for signal tests.

alert = at(2026, 11, 2, 3, 41)
case = build_case("ato", alert, [ev("login", alert, minutes=-30, device_id="d1")], balance_usd=1000)
signals = by_id(compute(input_for_case(case)))
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from roca.cases.schemas import CaseIn
from roca.signals.base import Signal

ALERT = datetime(2026, 11, 2, 3, 41, 10, tzinfo=UTC)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def ev(
    event_type: str, anchor: datetime = ALERT, *, minutes: float = 0, days: float = 0, **fields: Any
) -> dict[str, Any]:
    """An event ``minutes``/``days`` relative to ``anchor`` (negative = before)."""
    ts = anchor + timedelta(minutes=minutes, days=days)
    return {"ts": ts.isoformat().replace("+00:00", "Z"), "type": event_type, **fields}


def build_case(
    case_type: str,
    created_at: datetime = ALERT,
    events: list[dict[str, Any]] | None = None,
    *,
    external_id: str = "t-1",
    account_id: str = "acct-1",
    account_created_at: datetime | None = None,
    amount_at_risk_usd: float | None = None,
    subject: dict[str, Any] | None = None,
    **fields: Any,
) -> CaseIn:
    subject_fields: dict[str, Any] = {"account_id": account_id, **(subject or {})}
    if account_created_at is not None:
        subject_fields["account_created_at"] = account_created_at.isoformat()
    raw: dict[str, Any] = {
        "external_id": external_id,
        "case_type": case_type,
        "created_at": created_at.isoformat(),
        "subject": subject_fields,
        "events": events or [],
        **fields,
    }
    if amount_at_risk_usd is not None:
        raw["amount_at_risk_usd"] = amount_at_risk_usd
    return CaseIn.model_validate(raw)


def by_id(signals: list[Signal]) -> dict[str, Signal]:
    return {s.id: s for s in signals}
