"""The exchange's users: who they are, what they own, how they behave, and who gets picked for what.

Accounts persist for the whole run.  Their timelines (``ledger``) grow as days are generated; the
mutable parts (devices, wallets, balance) change only through the scenarios that happen to them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roca.simulate import geo
from roca.simulate.geo import Country, Endpoint, NetworkRange
from roca.simulate.identifiers import Device, Wallet, consumer_device, destination
from roca.simulate.names import PersonName, person_name
from roca.simulate.rng import between, chance, clip, lognormal, pick, stream, weighted

DAY = 86_400
MFA_MIX = {"sms": 0.30, "email": 0.12, "totp": 0.33, "passkey": 0.10, "yubikey": 0.03, "none": 0.12}
WEAK_MFA = frozenset({"none", "sms", "email"})
KYC_LEVELS = {"0": 0.04, "1": 0.20, "2": 0.68, "3": 0.08}
DAILY_SIGNUP_RATE = 0.004  # new accounts per day, as a share of the starting population
VIP_THRESHOLDS = (50e3, 150e3, 400e3, 1e6, 2.5e6, 5e6, 10e6, 25e6, 50e6)
LedgerEntry = tuple[int, int, dict[str, Any]]  # (epoch seconds, insertion order, event)


@dataclass(slots=True)
class Habits:
    logins_per_day: float
    trades_per_login: float
    deposits_per_day: float
    withdrawals_per_day: float
    typical_share: float  # a usual withdrawal, as a share of the balance
    vpn: NetworkRange | None  # the commercial VPN exit the user habitually connects through
    vpn_share: float
    travel_countries: tuple[str, ...]
    bot_server: Endpoint | None  # where the user's trading bot runs
    p2p_merchant: bool  # sells crypto peer-to-peer: every buyer is a new address


@dataclass(slots=True)
class Account:
    index: int
    account_id: str
    created_t: int
    country: Country
    language: str
    name: PersonName
    kyc_level: int
    vip_tier: int
    balance: float
    usual_balance: float  # where the balance returns to as the user re-funds after withdrawals
    mfa: str
    devices: list[Device]
    home_ips: list[Endpoint]
    mobile: NetworkRange
    wallets: list[Wallet]
    habits: Habits
    allow_list: bool  # withdrawals only to addresses saved in the address book first
    ledger: list[LedgerEntry] = field(default_factory=list)
    materialized_through: int = -(10**6)  # last day whose background activity is in the ledger
    seq: int = 0
    last_case_day: int = -(10**6)
    shown_until: int = -(10**12)  # the latest moment any case has shown of this timeline
    routine: random.Random | None = None  # the background stream, drawn day after day in order

    def home(self, rng: random.Random) -> Endpoint:
        """Where the user usually connects from: the home line, or the phone's carrier (CGNAT: a new
        IP nearly every time)."""
        if rng.random() < 0.55:
            return pick(rng, self.home_ips[-2:]) if rng.random() < 0.5 else pick(rng, self.home_ips)
        return self.mobile.endpoint(rng)

    def usual_device(self, rng: random.Random) -> Device:
        return self.devices[0] if rng.random() < 0.7 else pick(rng, self.devices)

    def usual_wallet(self, rng: random.Random) -> Wallet | None:
        return pick(rng, self.wallets) if self.wallets else None

    def knows_country(self, code: str) -> bool:
        vpn = self.habits.vpn
        return (
            code == self.country.code
            or code in self.habits.travel_countries
            or bool(vpn and vpn.country == code)
        )


def account_id(index: int) -> str:
    # A fixed scramble, so ids do not reveal sign-up order.
    return f"u-{(index * 7919 + 104729) % 900_000 + 100_000}"


def vip_tier(balance: float, rng: random.Random) -> int:
    tier = sum(1 for threshold in VIP_THRESHOLDS if balance * lognormal(rng, 1.0, 0.3) >= threshold)
    return min(tier, 9)


def _habits(rng: random.Random, home: Country) -> Habits:
    vpn = pick(rng, geo.vpn_ranges_for(home.code)) if chance(rng, 0.08) else None
    others = [c for c in geo.countries() if c != home.code]
    travels = tuple(rng.sample(others, rng.randint(1, 3))) if chance(rng, 0.10) else ()
    bot = geo.hosting_near(rng, home.code).endpoint(rng) if chance(rng, 0.04) else None
    return Habits(
        logins_per_day=clip(lognormal(rng, 0.35, 0.9), 0.03, 6.0),
        trades_per_login=lognormal(rng, 1.5, 0.7) if chance(rng, 0.4) else 0.3,
        deposits_per_day=clip(lognormal(rng, 0.06, 0.8), 0.005, 1.0),
        withdrawals_per_day=clip(lognormal(rng, 0.08, 0.8), 0.01, 1.0),
        typical_share=clip(lognormal(rng, 0.12, 0.9), 0.005, 0.9),
        vpn=vpn,
        vpn_share=between(rng, 0.3, 0.9) if vpn else 0.0,
        travel_countries=travels,
        bot_server=bot,
        p2p_merchant=chance(rng, 0.03),
    )


def _balance(rng: random.Random) -> float:
    if chance(rng, 0.02):  # whales: a Pareto tail above the lognormal body
        return min(50_000 * rng.paretovariate(1.3), 40e6)
    return clip(lognormal(rng, 1_200, 1.7), 5.0, 20e6)


def build_account(seed: int, index: int, start_t: int, previous: Account | None) -> Account:
    rng = stream(seed, "account", index)
    home = geo.country(weighted(rng, geo.country_weights()))
    language = "zh" if chance(rng, home.zh_share) else "en"
    age_days = rng.randint(1, 30) if chance(rng, 0.06) else min(lognormal(rng, 400, 0.9), 8 * 365)
    balance = _balance(rng)
    devices = [consumer_device(rng) for _ in range(rng.choices((1, 2, 3), (0.45, 0.40, 0.15))[0])]
    isp = pick(rng, home.residential)
    # A dynamic line is re-addressed every week or two: a month of history shows several home IPs.
    home_ips = [isp.endpoint(rng) for _ in range(1 if chance(rng, 0.35) else rng.randint(2, 5))]
    if previous is not None and previous.country is home and chance(rng, 0.04):
        devices[0], home_ips[0] = (
            previous.devices[0],
            previous.home_ips[0],
        )  # a household: shared tablet and line
    wallets = [destination(rng, 0.1) for _ in range(rng.choices((0, 1, 2, 3, 4), (1, 4, 3, 1.5, 0.5))[0])]
    return Account(
        index=index,
        account_id=account_id(index),
        created_t=start_t - int(age_days * DAY) - rng.randint(0, DAY),
        country=home,
        language=language,
        name=person_name(rng, home.name_style, chinese=language == "zh"),
        kyc_level=int(weighted(rng, KYC_LEVELS)),
        vip_tier=vip_tier(balance, rng),
        balance=balance,
        usual_balance=balance,
        mfa=weighted(rng, MFA_MIX),
        devices=devices,
        home_ips=home_ips,
        mobile=pick(rng, home.mobile),
        wallets=wallets,
        habits=_habits(rng, home),
        allow_list=chance(rng, 0.3),
    )


# How likely each kind of account is to be picked for a scenario (relative weights).
PROFILES: dict[str, Callable[[Account], float]] = {
    "active": lambda a: a.habits.logins_per_day * a.balance**0.2,
    "valuable": lambda a: a.balance**0.35,
    "weak_mfa": lambda a: (1.0 if a.mfa in WEAK_MFA else 0.05) * a.balance**0.35,
    "phone_number": lambda a: {"sms": 1.0, "email": 0.3, "totp": 0.15}.get(a.mfa, 0.03) * a.balance**0.35,
    "web_user": lambda a: (
        (1.0 if any(d.user_agent.startswith("Mozilla") for d in a.devices) else 0.02) * a.balance**0.35
    ),
    "traveller": lambda a: (1.0 if a.habits.travel_countries else 0.15) * a.habits.logins_per_day,
    "vpn_user": lambda a: 1.0 if a.habits.vpn else 0.0,
    "bot": lambda a: 1.0 if a.habits.bot_server else 0.0,
    "p2p_merchant": lambda a: a.balance**0.3 if a.habits.p2p_merchant else 0.0,
    "whale": lambda a: a.balance**0.8,
    "wallet_owner": lambda a: (1.0 if a.wallets else 0.05) * a.habits.logins_per_day * a.balance**0.2,
}


class Population:
    """Everyone with an account.  It grows: each day's sign-ups can be picked from the next day on."""

    def __init__(self, seed: int, size: int, start_t: int) -> None:
        self.seed, self.start_t = seed, start_t
        self.daily_signups = max(1, round(size * DAILY_SIGNUP_RATE))
        self.accounts: list[Account] = []
        self._cumulative: dict[str, list[float]] = {}  # profile -> cumulative pick weights
        for index in range(size):
            self._add(build_account(seed, index, start_t, self.accounts[-1] if self.accounts else None))
        self.grown_through = 0

    def _add(self, account: Account) -> None:
        self.accounts.append(account)
        for profile, cumulative in self._cumulative.items():
            cumulative.append(cumulative[-1] + _weight(profile, account))

    def grow(self, day: int) -> None:
        """Add the sign-ups of the days before ``day``."""
        while self.grown_through < day:
            signup_day_start = self.start_t + self.grown_through * DAY
            self.grown_through += 1
            for _ in range(self.daily_signups):
                index = len(self.accounts)
                account = build_account(self.seed, index, self.start_t, self.accounts[-1])
                account.created_t = signup_day_start + stream(self.seed, "signup", index).randint(0, DAY - 1)
                self._add(account)

    def pick(self, rng: random.Random, profile: str, day: int) -> Account:
        """An account of this profile with no case today or yesterday (so stories do not overlap)."""
        cumulative = self._weights(profile)
        account = self.accounts[0]
        for _ in range(50):
            account = rng.choices(self.accounts, cum_weights=cumulative)[0]
            if account.last_case_day < day - 1:
                break
        account.last_case_day = day
        return account

    def _weights(self, profile: str) -> list[float]:
        if profile not in self._cumulative:
            total, cumulative = 0.0, []
            for account in self.accounts:
                total += _weight(profile, account)
                cumulative.append(total)
            self._cumulative[profile] = cumulative
        return self._cumulative[profile]


def _weight(profile: str, account: Account) -> float:
    return max(PROFILES[profile](account), 0.0) or math.ulp(1.0)
