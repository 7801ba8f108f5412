"""Timeline events in the contract's shape (``roca/contract/case.schema.json`` ``$defs/event``).

Each builder returns a JSON-ready dict.  Events are built once and stored on the account, so the
same event is byte-identical in every case that carries it; upstream's noise (missing user agent,
unknown ASN type ...) is therefore drawn once, here, and not per case.
"""

from __future__ import annotations

import random
import time
from typing import Any

from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import Device, Wallet
from roca.simulate.rng import money

Event = dict[str, Any]


def iso(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _access(event: Event, rng: random.Random, endpoint: Endpoint | None, device: Device | None) -> Event:
    """Where the request came from.  IP intelligence and fingerprinting sometimes come back empty."""
    if endpoint is not None:
        event["ip"] = endpoint.ip
        if rng.random() > 0.01:
            event["ip_country"] = endpoint.country
        if rng.random() > 0.01:
            event["asn"] = endpoint.asn
        event["asn_type"] = endpoint.asn_type if rng.random() > 0.02 else "unknown"
    if device is not None:
        event["device_id"] = device.device_id
        if rng.random() > 0.06:
            event["user_agent"] = device.user_agent
    return event


def login(
    rng: random.Random, t: int, endpoint: Endpoint, device: Device, mfa: str, success: bool = True
) -> Event:
    event = _access({"ts": iso(t), "type": "login", "success": success}, rng, endpoint, device)
    if success or rng.random() < 0.5:  # a failed attempt often stops before the second factor
        event["mfa_method"] = mfa
    return event


def security(
    rng: random.Random,
    t: int,
    kind: str,
    endpoint: Endpoint | None = None,
    device: Device | None = None,
    **fields: Any,
) -> Event:
    """password_reset, password_change, mfa_change, email_change, phone_change,
    anti_phishing_code_change, device_bind; ``fields`` are action, channel, mfa_method."""
    event = _access({"ts": iso(t), "type": kind}, rng, endpoint, device)
    event.update(fields)
    return event


def api_key(
    rng: random.Random, t: int, permissions: list[str], whitelist: bool, endpoint: Endpoint, device: Device
) -> Event:
    event = _access({"ts": iso(t), "type": "api_key_create"}, rng, endpoint, device)
    event["permissions"] = permissions
    event["ip_whitelist"] = whitelist
    return event


def address_add(rng: random.Random, t: int, destination: Wallet, endpoint: Endpoint, device: Device) -> Event:
    event = _access({"ts": iso(t), "type": "withdrawal_address_add"}, rng, endpoint, device)
    event["address"] = destination.address
    event["network"] = destination.network
    return event


def withdrawal(
    rng: random.Random,
    t: int,
    destination: Wallet,
    amount: float,
    endpoint: Endpoint | None,
    device: Device | None,
    api: bool = False,
) -> Event:
    """A withdrawal request; through an API key it has an IP but no device, and ``channel`` "api"."""
    event = _access({"ts": iso(t), "type": "withdrawal"}, rng, endpoint, device)
    if api:
        event["channel"] = "api"
    event["address"] = destination.address
    if rng.random() > 0.02:
        event["network"] = destination.network
    event["asset"] = destination.asset
    event["amount_usd"] = money(amount)
    return event


def deposit(rng: random.Random, t: int, asset: str, amount: float, channel: str = "crypto") -> Event:
    """``channel``: crypto (on-chain), bank, or card (a purchase with a payment card)."""
    return {"ts": iso(t), "type": "deposit", "channel": channel, "asset": asset, "amount_usd": money(amount)}


def trade(rng: random.Random, t: int, asset: str, amount: float, server: Endpoint | None = None) -> Event:
    """A spot trade; one placed by a bot through the API carries the bot's server and channel "api"."""
    event: Event = {"ts": iso(t), "type": "trade"}
    if server is not None:
        _access(event, rng, server, None)
        event["channel"] = "api"
    event["asset"] = asset
    event["amount_usd"] = money(amount)
    return event


def support(rng: random.Random, t: int, topic: str, channel: str = "chat") -> Event:
    return {"ts": iso(t), "type": "support_contact", "channel": channel, "topic": topic}
