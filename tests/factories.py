"""Small builders of contract-shaped cases for tests."""

from __future__ import annotations

from typing import Any


def ato_case(
    external_id: str = "case-1", account_id: str = "acct-1", events: int = 3, **extra: Any
) -> dict[str, Any]:
    timeline = [
        {
            "ts": f"2026-11-01T10:{i % 60:02d}:00Z",
            "type": "login",
            "success": True,
            "ip": f"10.0.0.{i % 250}",
            "device_id": f"dev-{i % 3}",
            "asn_type": "residential",
        }
        for i in range(events)
    ]
    case: dict[str, Any] = {
        "external_id": external_id,
        "case_type": "ato",
        "created_at": "2026-11-01T12:00:00Z",
        "amount_at_risk_usd": 1200.0,
        "subject": {"account_id": account_id, "country": "SG", "vip_tier": 0},
        "alert": {"source": "withdrawal_guard", "rule_id": "WG-07"},
        "events": timeline,
    }
    case.update(extra)
    return case
