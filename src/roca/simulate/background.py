"""An ordinary day of an account: logins, trades, deposits and withdrawals from its usual places.

Background is generated lazily, the first time a case needs that day's history, always in day order
from the account's own stream (seeded once per account: re-seeding per day costs more than the day).
"""

from __future__ import annotations

import random

from roca.simulate import events, geo, identifiers
from roca.simulate.events import Event
from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import tool_device
from roca.simulate.population import DAY, Account
from roca.simulate.rng import chance, clip, lognormal, pick, poisson, seconds, stream

TRADED = ("BTC", "ETH", "SOL", "BNB", "XRP", "DOGE", "TON", "USDT")
SPRAY_RATE = 0.004  # account-days on which someone else's leaked-password list tries this account
SUPPORT_TOPICS = ("fee question", "deposit not credited", "kyc question", "withdrawal delay", "api limits")
Timed = tuple[int, Event]


def local_daytime(rng: random.Random, day_start: int, utc_offset: int, peak_hour: float = 14.0) -> int:
    """A moment of the day when people in this time zone are awake, as epoch seconds (UTC day)."""
    local_hour = rng.gauss(peak_hour, 4.5) % 24
    return day_start + int(((local_hour - utc_offset) % 24) * 3600)


def typical_amount(rng: random.Random, account: Account) -> float:
    return account.balance * clip(account.habits.typical_share * lognormal(rng, 1.0, 0.5), 0.001, 1.0)


def background_day(seed: int, account: Account, day: int, start_t: int) -> list[Timed]:
    day_start = start_t + day * DAY
    if day_start + DAY <= account.created_t:
        return []
    if account.routine is None:
        account.routine = stream(seed, "background", account.index)
    rng = account.routine
    habits = account.habits
    abroad = pick(rng, habits.travel_countries) if habits.travel_countries and chance(rng, 0.12) else None
    timed: list[Timed] = []
    for _ in range(poisson(rng, habits.logins_per_day)):
        t = local_daytime(rng, day_start, account.country.utc_offset)
        if t > account.created_t:
            timed.extend(_session(rng, account, t, abroad))
    if habits.bot_server is not None:
        for _ in range(poisson(rng, 3.0)):
            t = day_start + rng.randint(0, DAY - 1)
            timed.append(
                (t, events.trade(rng, t, pick(rng, TRADED), typical_amount(rng, account), habits.bot_server))
            )
    if chance(rng, SPRAY_RATE):
        timed.extend(_spray(rng, account, day_start + rng.randint(0, DAY - 1)))
    for _ in range(poisson(rng, habits.deposits_per_day)):
        t = local_daytime(rng, day_start, account.country.utc_offset)
        channel = "bank" if chance(rng, 0.25) else "crypto"
        timed.append(
            (
                t,
                events.deposit(
                    rng, t, "USDT" if channel == "crypto" else "USD", typical_amount(rng, account), channel
                ),
            )
        )
    return [entry for entry in timed if entry[0] > account.created_t]


def _spray(rng: random.Random, account: Account, t: int) -> list[Timed]:
    """A few failed logins from a proxy network: a password-spraying run that did not get in."""
    ranges = (*geo.HOSTING, *geo.VPN, *geo.TOR)
    attempts = []
    for _ in range(rng.randint(1, 6)):
        t += rng.randint(2, 60)
        endpoint = pick(rng, ranges).endpoint(rng)
        attempts.append((t, events.login(rng, t, endpoint, tool_device(rng), account.mfa, success=False)))
    return attempts


def _endpoint(rng: random.Random, account: Account, abroad: str | None) -> Endpoint:
    if abroad is not None:  # roaming on a local carrier, or the hotel's line
        visited = geo.country(abroad)
        return pick(rng, visited.mobile if chance(rng, 0.6) else visited.residential).endpoint(rng)
    vpn = account.habits.vpn
    if vpn is not None and chance(rng, account.habits.vpn_share):
        return vpn.endpoint(rng)
    return account.home(rng)


def _session(rng: random.Random, account: Account, t: int, abroad: str | None) -> list[Timed]:
    endpoint, device = _endpoint(rng, account, abroad), account.usual_device(rng)
    timed: list[Timed] = []
    mistyped = chance(rng, 0.04)
    if mistyped:
        failed_t = t - rng.randint(10, 90)
        timed.append((failed_t, events.login(rng, failed_t, endpoint, device, account.mfa, False)))
    if mistyped or chance(rng, 0.75):  # otherwise the app resumed an earlier session: no login event
        timed.append((t, events.login(rng, t, endpoint, device, account.mfa)))
    now = t
    for _ in range(poisson(rng, account.habits.trades_per_login)):
        now += seconds(lognormal(rng, 3, 1.0))
        timed.append((now, events.trade(rng, now, pick(rng, TRADED), typical_amount(rng, account))))
    withdraw_chance = account.habits.withdrawals_per_day / max(account.habits.logins_per_day, 0.05)
    destination = account.usual_wallet(rng)
    if account.habits.p2p_merchant:
        withdraw_chance, destination = 3 * withdraw_chance, identifiers.destination(rng, 0.05)
    if destination is not None and chance(rng, min(withdraw_chance, 0.9)):
        now += seconds(lognormal(rng, 4, 1.0))
        amount = typical_amount(rng, account)
        timed.append((now, events.withdrawal(rng, now, destination, amount, endpoint, device)))
    if chance(rng, 0.01):
        now += seconds(lognormal(rng, 5, 1.0))
        timed.append((now, events.support(rng, now, pick(rng, SUPPORT_TOPICS))))
    return timed
