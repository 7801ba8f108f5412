"""Deterministic synthetic ATO cases for the intake benchmarks.

Every account keeps a growing timeline (logins from its usual devices and networks, trades,
deposits, withdrawals, the odd security change).  A case carries the account's most recent
``events`` events, so an account that is alerted on again re-sends much of the history an earlier
case already carried, the way upstream alerting does.  Same seed, same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

START = datetime(2026, 9, 1, tzinfo=UTC)
COUNTRIES = ["SG", "CN", "HK", "JP", "KR", "VN", "TH", "ID", "PH", "MY", "TR", "BR", "DE", "GB", "NG", "AE"]
FOREIGN_NETWORKS = [  # (country, asn, asn_type) a takeover tends to come from
    ("DE", 205100, "tor"),
    ("NL", 60781, "hosting"),
    ("US", 9009, "vpn"),
    ("RU", 49505, "hosting"),
    ("LT", 62282, "vpn"),
    ("US", 14061, "hosting"),
]
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 ExchangeApp/7.12.0",
    "Mozilla/5.0 (Linux; Android 15; SM-S928B) AppleWebKit/537.36 ExchangeApp/7.11.3",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
]
ASSETS = ["BTC", "ETH", "USDT", "USDC", "SOL", "XRP", "TRX", "BNB"]
NETWORKS = ["ETH", "TRX", "BSC", "SOL", "BTC"]
MFA_METHODS = ["totp", "totp", "sms", "email", "passkey", "yubikey"]
SECURITY_TYPES = [
    "password_change",
    "password_reset",
    "mfa_change",
    "email_change",
    "phone_change",
    "anti_phishing_code_change",
    "api_key_create",
    "withdrawal_address_add",
    "device_bind",
]
ALERTS = [
    ("withdrawal_guard", "WG-07", "withdrawal to new address after security change"),
    ("login_risk", "LR-02", "login from new country"),
    ("login_risk", "LR-05", "login from hosting or anonymising network"),
    ("device_risk", "DR-01", "new device followed by security change"),
    ("withdrawal_guard", "WG-11", "withdrawal velocity above account baseline"),
]


@dataclass
class Account:
    account_id: str
    created_at: datetime
    country: str
    language: str
    kyc_level: int
    vip_tier: int
    balance_usd: float
    mfa_method: str
    home_asn: int
    home_asn_type: str
    ip_prefix: str
    devices: list[tuple[str, str]]  # (device_id, user_agent)
    addresses: list[tuple[str, str]]  # (address, network)
    clock: datetime
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DatasetStats:
    cases: int = 0
    event_refs: int = 0
    distinct_events: int = 0
    accounts_used: int = 0
    bytes: int = 0


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _address(rng: random.Random, network: str) -> str:
    if network == "TRX":
        return "T" + _hex(rng, 33)
    if network == "BTC":
        return "bc1q" + _hex(rng, 38)
    if network == "SOL":
        return _hex(rng, 44)
    return "0x" + _hex(rng, 40)


def _new_account(rng: random.Random, number: int) -> Account:
    country = rng.choice(COUNTRIES)
    created = START - timedelta(days=rng.randint(30, 2000), seconds=rng.randint(0, 86_399))
    networks = rng.sample(NETWORKS, rng.randint(1, 2))
    return Account(
        account_id=f"u-{number:06d}",
        created_at=created,
        country=country,
        language="zh" if country in ("CN", "HK") else "en",
        kyc_level=rng.choice([1, 2, 2, 2, 3]),
        vip_tier=min(9, int(rng.expovariate(1.2))),
        balance_usd=round(rng.lognormvariate(8.5, 1.6), 2),
        mfa_method=rng.choice(MFA_METHODS),
        home_asn=rng.randint(1000, 64000),
        home_asn_type=rng.choice(["residential", "residential", "mobile"]),
        ip_prefix=f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
        devices=[(f"dev-{_hex(rng, 8)}", rng.choice(USER_AGENTS)) for _ in range(rng.randint(1, 3))],
        addresses=[(_address(rng, net), net) for net in networks],
        clock=START + timedelta(seconds=rng.randint(0, 14 * 86_400)),
    )


def _login(rng: random.Random, acct: Account, ts: datetime, foreign: bool = False) -> dict[str, Any]:
    if foreign:
        country, asn, asn_type = rng.choice(FOREIGN_NETWORKS)
        ip = f"{rng.randint(5, 212)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        device_id, agent = f"dev-{_hex(rng, 8)}", rng.choice(USER_AGENTS)
    else:
        country, asn, asn_type = acct.country, acct.home_asn, acct.home_asn_type
        ip = f"{acct.ip_prefix}.{rng.randint(1, 254)}"
        device_id, agent = rng.choice(acct.devices)
    return {
        "ts": _iso(ts),
        "type": "login",
        "success": foreign or rng.random() > 0.04,
        "ip": ip,
        "ip_country": country,
        "asn": asn,
        "asn_type": asn_type,
        "device_id": device_id,
        "user_agent": agent,
        "mfa_method": "sms" if foreign else acct.mfa_method,
    }


def _security(rng: random.Random, acct: Account, ts: datetime, kind: str) -> dict[str, Any]:
    device_id, _ = rng.choice(acct.devices)
    event: dict[str, Any] = {"ts": _iso(ts), "type": kind, "device_id": device_id}
    if kind == "password_reset":
        event["channel"] = rng.choice(["email", "sms", "app", "support"])
    elif kind == "mfa_change":
        event["action"] = rng.choice(["enable", "disable", "reset"])
        event["mfa_method"] = acct.mfa_method
    elif kind in ("email_change", "phone_change"):
        event["channel"] = rng.choice(["app", "support"])
    elif kind == "api_key_create":
        event["permissions"] = rng.choice([["read"], ["read", "trade"], ["read", "trade", "withdraw"]])
        event["ip_whitelist"] = rng.random() < 0.6
    elif kind == "withdrawal_address_add":
        network = rng.choice(NETWORKS)
        address = _address(rng, network)
        acct.addresses.append((address, network))
        event.update(address=address, network=network, label=rng.choice(["cold", "otc", "friend", ""]))
    return event


def _money(rng: random.Random, acct: Account, ts: datetime, kind: str) -> dict[str, Any]:
    amount = round(min(acct.balance_usd, rng.lognormvariate(6.0, 1.5)) + 1.0, 2)
    event: dict[str, Any] = {"ts": _iso(ts), "type": kind, "asset": rng.choice(ASSETS), "amount_usd": amount}
    if kind == "trade":
        event.update(action=rng.choice(["buy", "sell"]), channel=rng.choice(["spot", "spot", "convert"]))
    else:
        address, network = rng.choice(acct.addresses)
        event.update(address=address, network=network, tx_hash="0x" + _hex(rng, 64))
        if kind == "withdrawal":
            device_id, _ = rng.choice(acct.devices)
            event["device_id"] = device_id
    return event


def _next_event(rng: random.Random, acct: Account) -> dict[str, Any]:
    acct.clock += timedelta(seconds=int(rng.expovariate(1 / 21_600)) + 1)
    roll = rng.random()
    if roll < 0.42:
        return _login(rng, acct, acct.clock)
    if roll < 0.67:
        return _money(rng, acct, acct.clock, "trade")
    if roll < 0.79:
        return _money(rng, acct, acct.clock, "deposit")
    if roll < 0.89:
        return _money(rng, acct, acct.clock, "withdrawal")
    if roll < 0.97:
        return _security(rng, acct, acct.clock, rng.choice(SECURITY_TYPES))
    return {
        "ts": _iso(acct.clock),
        "type": "support_contact",
        "channel": rng.choice(["chat", "email"]),
        "topic": rng.choice(["withdrawal_delay", "kyc", "login_problem", "fees"]),
    }


def _takeover(rng: random.Random, acct: Account) -> list[dict[str, Any]]:
    """A short burst an ATO alert fires on: foreign login, security changes, new address, drain."""
    events = []
    for step in ("login", "phone_change", "mfa_change", "withdrawal_address_add", "withdrawal"):
        acct.clock += timedelta(seconds=rng.randint(30, 900))
        if step == "login":
            events.append(_login(rng, acct, acct.clock, foreign=True))
        elif step == "withdrawal":
            address, network = acct.addresses[-1]
            events.append(
                {
                    "ts": _iso(acct.clock),
                    "type": "withdrawal",
                    "asset": "USDT",
                    "amount_usd": round(max(1.0, acct.balance_usd * rng.uniform(0.5, 0.98)), 2),
                    "address": address,
                    "network": network,
                }
            )
        else:
            events.append(_security(rng, acct, acct.clock, step))
    return events


def generate_cases(
    n_cases: int, events_per_case: int, n_accounts: int, seed: int, stats: DatasetStats | None = None
) -> Iterator[dict[str, Any]]:
    """Yield ``n_cases`` contract-valid ATO cases, each with about ``events_per_case`` events."""
    rng = random.Random(seed)
    accounts: dict[int, Account] = {}
    # Skewed popularity: a few accounts are alerted on often, most only once or twice.
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(n_accounts)]
    stats = stats if stats is not None else DatasetStats()
    for number in range(n_cases):
        key = rng.choices(range(n_accounts), weights)[0]
        acct = accounts.get(key)
        if acct is None:
            acct = accounts[key] = _new_account(rng, key)
        target = max(1, round(events_per_case * rng.uniform(0.8, 1.2)))
        fresh = target if not acct.history else min(target, rng.randint(3, max(3, events_per_case // 3)))
        new = [_next_event(rng, acct) for _ in range(fresh)]
        if rng.random() < 0.3:
            new[-5:] = _takeover(rng, acct)
        acct.history.extend(new)
        timeline = acct.history[-target:]
        acct.history = acct.history[-2 * events_per_case :]
        stats.distinct_events += len(new)
        stats.event_refs += len(timeline)
        stats.cases += 1
        stats.accounts_used = len(accounts)
        source, rule_id, reason = rng.choice(ALERTS)
        withdrawals = [e["amount_usd"] for e in new if e["type"] == "withdrawal"]
        yield {
            "external_id": f"bench-{seed}-{number:08d}",
            "case_type": "ato",
            "created_at": _iso(acct.clock + timedelta(seconds=rng.randint(5, 600))),
            "amount_at_risk_usd": round(max(withdrawals, default=0.0), 2),
            "subject": {
                "account_id": acct.account_id,
                "account_created_at": _iso(acct.created_at),
                "country": acct.country,
                "kyc_level": acct.kyc_level,
                "vip_tier": acct.vip_tier,
                "balance_usd": acct.balance_usd,
                "language": acct.language,
            },
            "alert": {
                "source": source,
                "rule_id": rule_id,
                "reason": reason,
                "upstream_score": round(rng.uniform(0.3, 0.99), 2),
            },
            "events": timeline,
        }


def write_jsonl(path: Path, n_cases: int, events_per_case: int, n_accounts: int, seed: int) -> DatasetStats:
    stats = DatasetStats()
    with path.open("wb") as out:
        for case in generate_cases(n_cases, events_per_case, n_accounts, seed, stats):
            line = orjson.dumps(case) + b"\n"
            stats.bytes += len(line)
            out.write(line)
    return stats
