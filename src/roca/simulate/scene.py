"""A scene: one alert's story on one account, written step by step on a relative clock.

Scenarios describe what happens in order (``wait``, ``login``, ``change``, ``withdraw`` ...).  When
the story is told, :meth:`Scene.finish` pins the held withdrawal at the alert's trigger time, stamps
every event, and files the events in the account's timeline, where later cases will find them.
The scene also keeps the footprint upstream's alert rules react to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from roca.simulate import events
from roca.simulate.events import Event
from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import Device, Wallet
from roca.simulate.population import Account
from roca.simulate.rng import lognormal, money, seconds
from roca.simulate.timeline import forget_between, record

MAX_WAIT_MINUTES = 2 * 24 * 60
ANONYMISING = frozenset({"tor", "vpn", "hosting"})
SECURITY_CHANGES = frozenset(
    {
        "password_reset",
        "password_change",
        "mfa_change",
        "email_change",
        "phone_change",
        "anti_phishing_code_change",
    }
)


@dataclass(slots=True)
class Footprint:
    """What upstream's rules saw in the story (they are coarser than ROCA's signals)."""

    new_device: bool = False
    new_country: bool = False
    anonymising: bool = False
    failed_logins: int = 0
    security_change: bool = False
    new_address: bool = False
    withdraw_key: bool = False
    no_login: bool = True
    amount: float = 0.0
    share: float = 0.0


@dataclass(slots=True)
class Scene:
    rng: random.Random
    account: Account
    balance: float  # before the held withdrawal
    now: int = 0  # seconds on the scene's own clock
    footprint: Footprint = field(default_factory=Footprint)
    steps: list[tuple[int, Event]] = field(default_factory=list)
    held_at: int | None = None
    quiet_before: int = 0  # seconds before the first step with no background activity (a flight)
    daytime: bool = False  # the story happens while the account holder is awake
    variant: str = ""  # reported in the ground truth
    adopted_devices: list[Device] = field(default_factory=list)
    adopted_wallets: list[Wallet] = field(default_factory=list)

    # -- the clock ------------------------------------------------------------------------------------

    def wait(self, median_minutes: float, sigma: float = 0.8) -> None:
        # Heavy-tailed, but a story stays within two days: upstream would open a new alert.
        self.now += seconds(min(lognormal(self.rng, median_minutes, sigma), MAX_WAIT_MINUTES))

    def wait_seconds(self, low: int, high: int) -> None:
        self.now += self.rng.randint(low, high)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _add(self, event: Event) -> Event:
        self.steps.append((self.now, event))
        return event

    # -- what happens -----------------------------------------------------------------------------------

    def _access(self, endpoint: Endpoint | None, device: Device | None) -> None:
        account, mark = self.account, self.footprint
        if device is not None and device not in account.devices:
            mark.new_device = True
        if endpoint is not None:
            habitual_vpn = account.habits.vpn is not None and account.habits.vpn.asn == endpoint.asn
            bot = account.habits.bot_server is not None and account.habits.bot_server.ip == endpoint.ip
            mark.anonymising |= endpoint.asn_type in ANONYMISING and not habitual_vpn and not bot
            mark.new_country |= not account.knows_country(endpoint.country)

    def login(self, endpoint: Endpoint, device: Device, mfa: str | None = None, success: bool = True) -> None:
        self._add(events.login(self.rng, 0, endpoint, device, mfa or self.account.mfa, success))
        if success:
            self.footprint.no_login = False
            self._access(endpoint, device)
        else:
            self.footprint.failed_logins += 1

    def change(
        self, kind: str, endpoint: Endpoint | None = None, device: Device | None = None, **fields: str
    ) -> None:
        self._add(events.security(self.rng, 0, kind, endpoint, device, **fields))
        self.footprint.security_change |= kind in SECURITY_CHANGES

    def support(self, topic: str, channel: str = "chat") -> None:
        self._add(events.support(self.rng, 0, topic, channel))

    def api_key(self, permissions: list[str], whitelist: bool, endpoint: Endpoint, device: Device) -> None:
        self._add(events.api_key(self.rng, 0, permissions, whitelist, endpoint, device))
        self.footprint.withdraw_key |= "withdraw" in permissions and not whitelist

    def add_address(self, destination: Wallet, endpoint: Endpoint, device: Device) -> None:
        self._add(events.address_add(self.rng, 0, destination, endpoint, device))
        self._access(endpoint, device)

    def send_to_new(self, destination: Wallet, endpoint: Endpoint, device: Device, saves: float) -> bool:
        """Before a withdrawal to a new address: saved to the address book first when the account
        has an allow-list (or, with probability ``saves``, by choice); otherwise pasted directly.
        Returns whether it was saved."""
        if self.account.allow_list or self.chance(saves):
            self.add_address(destination, endpoint, device)
            return True
        return False

    def trade(self, asset: str, amount: float, server: Endpoint | None = None) -> None:
        self._add(events.trade(self.rng, 0, asset, amount, server))

    def deposit(self, asset: str, amount: float, channel: str = "crypto") -> None:
        self._add(events.deposit(self.rng, 0, asset, amount, channel))

    def withdraw(
        self,
        destination: Wallet,
        amount: float,
        endpoint: Endpoint | None,
        device: Device | None,
        api: bool = False,
        held: bool = True,
    ) -> None:
        """A withdrawal; the ``held`` one (the last) is what the alert is about."""
        amount = money(min(amount, self.balance))
        self._add(events.withdrawal(self.rng, 0, destination, amount, endpoint, device, api))
        self._access(endpoint, device)
        if destination not in self.account.wallets:
            self.footprint.new_address = True
        if held:
            self.held_at = self.now
            self.footprint.amount = amount
            self.footprint.share = amount / self.balance if self.balance else 0.0

    def earliest_trigger(self, not_before: int) -> int:
        """The earliest trigger time that starts the story after ``not_before`` (e.g. sign-up)."""
        start = self.steps[0][0] if self.steps else 0
        held = self.held_at if self.held_at is not None else self.now
        return not_before + (held - start) + 60

    # -- the end of the story --------------------------------------------------------------------------

    def finish(self, trigger_t: int) -> int:
        """Stamp and file every event so the held withdrawal happens at ``trigger_t``; returns the
        time of the last event."""
        shift = trigger_t - (self.held_at if self.held_at is not None else self.now)
        first = self.steps[0][0] + shift if self.steps else trigger_t
        if self.quiet_before:
            forget_between(self.account, first - self.quiet_before, first)
        last = trigger_t
        for relative, event in self.steps:
            t = relative + shift
            event["ts"] = events.iso(t)
            record(self.account, t, event)
            last = max(last, t)
        self._settle()
        return last

    def _settle(self) -> None:
        account = self.account
        account.balance = max(account.balance - self.footprint.amount, 20.0)
        for device in self.adopted_devices:
            account.devices = [device, *account.devices][:3]
        account.wallets.extend(self.adopted_wallets)
