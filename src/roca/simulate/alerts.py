"""Upstream's alert rules: coarse, rule-based, and raised on legitimate and malicious activity alike.

Each rule looks at the scene's footprint.  Among the rules that match, one is reported (upstream
de-duplicates to the rule with the highest priority, with some randomness between products).  The
upstream score is a rule prior plus noise: only weakly informative, as in practice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from roca.simulate.rng import clip
from roca.simulate.scene import Footprint

LARGE_WITHDRAWAL_USD = 5_000.0


@dataclass(frozen=True, slots=True)
class Rule:
    source: str
    rule_id: str
    reason: str
    prior: float  # upstream's own view of the rule's precision
    weight: float  # how often this rule wins when several match
    matches: Callable[[Footprint], bool]


RULES = (
    Rule("withdrawal_guard", "WG-07", "withdrawal to new address after security change", 0.70, 4.0,
         lambda f: f.new_address and f.security_change),
    Rule("login_risk", "LR-05", "failed-login burst before login", 0.60, 3.0, lambda f: f.failed_logins >= 3),
    Rule("api_guard", "AK-01", "API key with withdraw permission and no IP allow-list", 0.62, 3.0,
         lambda f: f.withdraw_key),
    Rule("withdrawal_guard", "WG-03", "withdrawal after login from new device", 0.62, 2.5,
         lambda f: f.new_device),
    Rule("login_risk", "LR-08", "activity from anonymising network", 0.57, 2.0, lambda f: f.anonymising),
    Rule("login_risk", "LR-02", "login from new country", 0.55, 2.0, lambda f: f.new_country),
    Rule("withdrawal_guard", "WG-11", "large withdrawal", 0.58, 1.5,
         lambda f: f.amount >= LARGE_WITHDRAWAL_USD or f.share >= 0.7),
    Rule("withdrawal_guard", "WG-05", "withdrawal to new address", 0.50, 1.5, lambda f: f.new_address),
    Rule("withdrawal_guard", "WG-01", "withdrawal outside usual pattern", 0.45, 0.5, lambda f: True),
)  # fmt: skip


def choose_rule(rng: random.Random, footprint: Footprint) -> Rule:
    matching = [rule for rule in RULES if rule.matches(footprint)]
    return rng.choices(matching, weights=[rule.weight for rule in matching])[0]


def ato_alert(rng: random.Random, footprint: Footprint, malicious: bool) -> dict[str, Any]:
    rule = choose_rule(rng, footprint)
    score = clip(rule.prior + (0.05 if malicious else 0.0) + rng.gauss(0.0, 0.14), 0.01, 0.99)
    alert: dict[str, Any] = {"source": rule.source, "rule_id": rule.rule_id, "reason": rule.reason}
    if rng.random() > 0.03:  # some rule engines send no score
        alert["upstream_score"] = round(score, 2)
    return alert
