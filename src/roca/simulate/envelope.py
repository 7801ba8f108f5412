"""The case envelope as upstream fills it: subject, timing, and upstream's small imperfections."""

from __future__ import annotations

import random
from typing import Any

from roca.simulate.events import Event, iso
from roca.simulate.population import Account
from roca.simulate.rng import lognormal, money

CLOCK_SKEW_SHARE = 0.03  # alerts stamped by a clock running a few minutes behind the event's
OUT_OF_ORDER_SHARE = 0.03  # timelines with two neighbouring events swapped in transit


def alert_time(rng: random.Random, trigger_t: int) -> int:
    """When upstream raised the alert: seconds to minutes after the triggering event, or, with a
    skewed clock, a few minutes before it."""
    if rng.random() < CLOCK_SKEW_SHARE:
        return trigger_t - rng.randint(30, 300)
    return trigger_t + min(max(2, round(lognormal(rng, 40, 1.2))), 1800)


def subject(rng: random.Random, account: Account, balance: float | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"account_id": account.account_id}
    if rng.random() > 0.02:
        fields["account_created_at"] = iso(account.created_t)
    if rng.random() > 0.01:
        fields["country"] = account.country.code
    fields["kyc_level"] = account.kyc_level
    fields["vip_tier"] = account.vip_tier
    if balance is not None:
        fields["balance_usd"] = money(balance)
    if rng.random() > 0.02:
        fields["language"] = account.language
    return fields


def in_transit(rng: random.Random, events: list[Event]) -> list[Event]:
    """The timeline as received: copies of the stored events, occasionally two of them swapped."""
    received = [dict(event) for event in events]
    if len(received) >= 2 and rng.random() < OUT_OF_ORDER_SHARE:
        i = rng.randint(0, len(received) - 2)
        received[i], received[i + 1] = received[i + 1], received[i]
    return received


def body(
    case_type: str,
    created_t: int,
    subject_fields: dict[str, Any],
    alert: dict[str, Any],
    events: list[Event],
    amount_at_risk: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The case's fields in contract order (external_id is added when the day is numbered)."""
    case: dict[str, Any] = {"case_type": case_type, "created_at": iso(created_t)}
    if amount_at_risk is not None:
        case["amount_at_risk_usd"] = money(amount_at_risk)
    case["subject"] = subject_fields
    case["alert"] = alert
    case.update(extra)
    case["events"] = events
    return case
