"""Fraud cases: transaction monitoring holds a withdrawal and asks whether to block or release it.

Blocked: pass-through mule (deposit, then straight out to a new address), structuring (deposits
just under the reporting threshold), stolen card (card purchase, quick conversion, withdrawal).
Released: large withdrawals of established users, card purchases withdrawn later to a known
address, and traders' quick turnover between their own venues.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from roca.simulate import envelope, geo
from roca.simulate.background import local_daytime, typical_amount
from roca.simulate.identifiers import NETWORK_WEIGHTS, consumer_device, tool_device, wallet
from roca.simulate.population import DAY, Account
from roca.simulate.rng import between, chance, clip, lognormal, pick, weighted
from roca.simulate.scene import Scene
from roca.simulate.timeline import materialize, recent_timeline
from roca.simulate.world import Draft, World

FRAUD_MIX = {
    "mule_pass_through": 0.15,
    "structuring": 0.10,
    "stolen_card": 0.12,
    "legit_large_withdrawal": 0.30,
    "legit_card_purchase": 0.18,
    "legit_quick_turnover": 0.15,
}
BLOCK = frozenset({"mule_pass_through", "structuring", "stolen_card"})
REPORTING_THRESHOLD_USD = 10_000.0
Story = Callable[[World, Scene, list[float]], None]


def _mule(world: World, scene: Scene, deposits: list[float]) -> None:
    rng, account = scene.rng, scene.account
    entry, device = account.mobile.endpoint(rng), account.devices[0]
    scene.login(entry, device)
    for amount in deposits:
        scene.wait(4, 1.0)
        scene.deposit("USDT", amount)
    scene.wait(6, 1.0)
    destination = pick(rng, world.underground.mule_wallets) if chance(rng, 0.7) else wallet(rng, "TRX")
    scene.add_address(destination, entry, device)
    scene.wait(2, 0.8)
    scene.withdraw(destination, sum(deposits) * between(rng, 0.95, 1.0), entry, device)


def _structuring(world: World, scene: Scene, deposits: list[float]) -> None:
    rng, account = scene.rng, scene.account
    for amount in deposits:
        scene.deposit("USD", amount, "bank")
        scene.wait(8 * 60, 0.6)
    entry, device = account.home(rng), account.usual_device(rng)
    scene.login(entry, device)
    scene.wait(5, 0.8)
    destination = account.usual_wallet(rng) if chance(rng, 0.4) else None
    if destination is None:
        destination = wallet(rng, weighted(rng, NETWORK_WEIGHTS))
        scene.add_address(destination, entry, device)
        scene.wait(3, 0.8)
    scene.withdraw(destination, sum(deposits) * between(rng, 0.8, 1.0), entry, device)


def _stolen_card(world: World, scene: Scene, deposits: list[float]) -> None:
    rng, account = scene.rng, scene.account
    far = chance(rng, 0.4)
    entry = pick(rng, (*geo.HOSTING, *geo.VPN)).endpoint(rng) if far else account.mobile.endpoint(rng)
    device = tool_device(rng) if chance(rng, 0.3) else consumer_device(rng)
    scene.login(entry, device)
    for amount in deposits:
        scene.wait(2, 0.8)
        scene.deposit("USD", amount, "card")
    scene.wait(3, 0.8)
    scene.trade(pick(rng, ("BTC", "USDT")), sum(deposits))
    scene.wait(15, 1.0)
    destination = pick(rng, world.underground.mule_wallets) if chance(rng, 0.4) else wallet(rng, "BTC")
    scene.add_address(destination, entry, device)
    scene.wait(2, 0.8)
    scene.withdraw(destination, sum(deposits) * between(rng, 0.9, 0.98), entry, device)


def _own_withdrawal(scene: Scene, amount: float, new_share: float) -> None:
    rng, account = scene.rng, scene.account
    entry, device = account.home(rng), account.usual_device(rng)
    destination = account.usual_wallet(rng)
    if destination is None or chance(rng, new_share):
        destination = wallet(rng, weighted(rng, NETWORK_WEIGHTS))
        scene.adopted_wallets.append(destination)
        scene.add_address(destination, entry, device)
        scene.wait(10, 1.0)
    scene.withdraw(destination, amount, entry, device)


def _large(world: World, scene: Scene, deposits: list[float]) -> None:
    account = scene.account
    scene.login(account.home(scene.rng), account.usual_device(scene.rng))
    scene.wait(5, 1.0)
    _own_withdrawal(scene, scene.balance * between(scene.rng, 0.3, 0.9), new_share=0.1)


def _card_purchase(world: World, scene: Scene, deposits: list[float]) -> None:
    rng, account = scene.rng, scene.account
    scene.login(account.home(rng), account.usual_device(rng))
    for amount in deposits:
        scene.wait(2, 0.8)
        scene.deposit("USD", amount, "card")
    scene.trade(pick(rng, ("BTC", "ETH", "USDT")), sum(deposits))
    scene.wait(600, 1.2)
    _own_withdrawal(scene, sum(deposits) * between(rng, 0.85, 1.0), new_share=0.2)


def _turnover(world: World, scene: Scene, deposits: list[float]) -> None:
    rng, account = scene.rng, scene.account
    scene.login(account.home(rng), account.usual_device(rng))
    for amount in deposits:
        scene.deposit("USDT", amount)
    for _ in range(rng.randint(2, 5)):
        scene.wait(4, 1.0)
        scene.trade(pick(rng, ("BTC", "ETH", "SOL")), typical_amount(rng, account))
    scene.wait(20, 0.8)
    _own_withdrawal(scene, sum(deposits) * between(rng, 0.9, 1.05), new_share=0.05)


# scenario: (story, who (a population profile, or "young"), deposit count range, deposit amount)
STORIES: dict[str, tuple[Story, str, tuple[int, int], Callable[[random.Random], float]]] = {
    "mule_pass_through": (_mule, "young", (1, 3), lambda r: clip(lognormal(r, 2500, 1.0), 100, 200_000)),
    "structuring": (_structuring, "young", (3, 6), lambda r: between(r, 9000, 9990)),
    "stolen_card": (_stolen_card, "young", (1, 3), lambda r: between(r, 150, 2500)),
    "legit_large_withdrawal": (_large, "whale", (0, 0), lambda r: 0.0),
    "legit_card_purchase": (_card_purchase, "active", (1, 2), lambda r: between(r, 50, 3000)),
    "legit_quick_turnover": (
        _turnover,
        "active",
        (1, 2),
        lambda r: clip(lognormal(r, 3000, 1.0), 100, 500_000),
    ),
}


def _who(world: World, rng: random.Random, profile: str, day: int) -> Account:
    if profile == "young" and chance(rng, 0.85):
        created = world.day_start(day) - rng.randint(1, 30) * DAY + rng.randint(0, DAY)
        return world.new_account(created)
    account = world.population.pick(rng, "active" if profile == "young" else profile, day)
    materialize(world.seed, account, day, world.start_t, world.config.history_days)
    return account


def _fraud_alert(rng: random.Random, scene: Scene, scenario: str) -> dict[str, Any]:
    if scenario in ("stolen_card", "legit_card_purchase"):
        rule = ("TM-07", "card-funded purchase withdrawn")
    elif scenario == "structuring" or (scenario == "legit_large_withdrawal" and chance(rng, 0.1)):
        rule = ("TM-04", "deposits just below the reporting threshold")
    elif scenario in ("mule_pass_through", "legit_quick_turnover"):
        rule = ("TM-01", "rapid in-and-out of funds")
    else:
        rule = ("TM-11", "large withdrawal")
    alert: dict[str, Any] = {"source": "txn_monitoring", "rule_id": rule[0], "reason": rule[1]}
    prior = 0.55 + (0.06 if scenario in BLOCK else 0.0)
    alert["upstream_score"] = round(clip(prior + rng.gauss(0.0, 0.15), 0.01, 0.99), 2)
    return alert


def fraud_draft(world: World, rng: random.Random, day: int) -> Draft:
    scenario = weighted(rng, FRAUD_MIX)
    story, profile, (fewest, most), amount = STORIES[scenario]
    account = _who(world, rng, profile, day)
    deposits = [amount(rng) for _ in range(rng.randint(fewest, most))]
    balance = account.balance * lognormal(rng, 1.0, 0.08) if scenario.startswith("legit") else 20.0
    scene = Scene(rng, account, balance + sum(deposits))
    story(world, scene, deposits)
    trigger = local_daytime(rng, world.day_start(day), account.country.utc_offset)
    trigger = max(trigger, scene.earliest_trigger(account.created_t + 600))
    last = scene.finish(trigger)
    created = envelope.alert_time(rng, trigger)
    timeline = recent_timeline(
        account, max(created, last), world.config.history_days, world.config.history_cap
    )
    case = envelope.body(
        "fraud", created, envelope.subject(rng, account, scene.balance),
        _fraud_alert(rng, scene, scenario), envelope.in_transit(rng, timeline),
        amount_at_risk=scene.footprint.amount,
    )  # fmt: skip
    label = "block" if scenario in BLOCK else "release"
    return Draft("fraud", created, case, label, scenario, scenario in BLOCK, account.account_id)
