"""What the account-takeover signals read, derived once per case in two passes over the timeline.

Time frame of an ATO case:

* ``as_of`` is when the alert was raised (``case.created_at``); events stamped up to ``CLOCK_SKEW``
  later still belong to the case, later ones are ignored.
* The *anchor* is the withdrawal the case is about: the latest withdrawal in the ``RECENT_WINDOW``
  before ``as_of`` (plus skew).  A case without one is anchored at ``as_of``.  An older withdrawal is
  history, not the case's withdrawal.
* The *recent window* is the ``RECENT_WINDOW`` before the anchor (up to the skew horizon): the
  suspected session.  *History* is everything before it, from earlier cases and the stored timeline,
  so a device first seen in last week's case is not new today.
* Security changes are looked for over ``SECURITY_LOOKBACK`` before the anchor, the longest of the
  withdrawal locks exchanges apply after such changes.

"New" is only meaningful against a baseline: with no history at all, or no earlier value of that
kind (e.g. no earlier device ids), novelty reads None rather than "everything is new"; the
``ato.no_history`` signal tells the model why.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import TypeVar

from roca.cases.schemas import CaseIn, Event
from roca.signals import geo
from roca.signals.context import CLOCK_SKEW, LinkKind, LinkSummary, SignalInput

RECENT_WINDOW = timedelta(hours=24)
# Exchanges hold withdrawals for 24-72 h after a security change; look back as far as the longest lock.
SECURITY_LOOKBACK = timedelta(hours=72)
FAILED_LOGIN_LOOKBACK = timedelta(minutes=60)
# A support ticket that talks an agent into a phone change is often answered hours later.
SUPPORT_CONTACT_LEAD = timedelta(hours=6)

ANONYMISING_ASN_TYPES = ("tor", "vpn", "hosting")  # most to least alarming
# SMS is the weakest second factor (SIM swap), phishing-resistant keys the strongest.
MFA_STRENGTH = {"none": 0, "sms": 1, "email": 2, "totp": 3, "passkey": 4, "yubikey": 4}
MFA_REMOVAL_ACTIONS = frozenset({"disable", "reset"})
SECURITY_CHANGE_TYPES = frozenset(
    {
        "password_reset",
        "password_change",
        "email_change",
        "phone_change",
        "mfa_change",
        "anti_phishing_code_change",
    }
)
WITHDRAWAL_RIGHT = "withdraw"
ADDRESS_EVENTS = frozenset({"withdrawal", "withdrawal_address_add"})

Value = TypeVar("Value", str, int)


def _ts(event: Event) -> datetime:
    return event.ts


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def _succeeded(event: Event) -> bool:
    """Events without a success flag happened; only an explicit failure did not."""
    return event.success is not False


@dataclass(slots=True)
class Access:
    """Where activity came from; dicts are insertion-ordered sets, so texts name values in time order."""

    devices: dict[str, None] = field(default_factory=dict)
    ips: dict[str, None] = field(default_factory=dict)
    asns: dict[int, None] = field(default_factory=dict)
    countries: dict[str, None] = field(default_factory=dict)
    user_agents: dict[str, None] = field(default_factory=dict)

    def add_all(self, events: Iterable[Event]) -> None:
        devices, ips, asns, countries, agents = (
            self.devices,
            self.ips,
            self.asns,
            self.countries,
            self.user_agents,
        )
        for event in events:  # hot loop: one pass, local names
            if event.device_id is not None:
                devices[event.device_id] = None
            if event.ip is not None:
                ips[event.ip] = None
            if event.asn is not None:
                asns[event.asn] = None
            if event.ip_country:
                countries[event.ip_country] = None
            if event.user_agent is not None:
                agents[event.user_agent] = None


@dataclass(slots=True)
class History:
    """What the account did before the recent window: the baseline that "new" is measured against.
    Failed attempts are left out: a device that only ever failed to log in is not a known device."""

    events: int = 0
    access: Access = field(default_factory=Access)
    addresses: set[str] = field(default_factory=set)
    rails: set[tuple[str | None, str | None]] = field(default_factory=set)  # (asset, network) withdrawn
    withdrawal_amounts: list[float] = field(default_factory=list)
    withdrawals: int = 0
    login_mfa: Counter[str] = field(default_factory=Counter)
    login_hours: set[int] = field(default_factory=set)
    logins: int = 0
    last_login: Event | None = None  # latest successful login with a country: start of travel pairs
    last_activity: datetime | None = None


def read_history(events: Sequence[Event]) -> History:
    """One pass over the events before the recent window (the hot loop: local names on purpose)."""
    history = History(events=len(events), last_activity=events[-1].ts if events else None)
    addresses, rails, amounts = history.addresses, history.rails, history.withdrawal_amounts
    hours, mfa = history.login_hours, history.login_mfa
    happened = [event for event in events if event.success is not False]
    history.access.add_all(happened)
    for event in happened:
        kind = event.type
        if kind == "login":
            history.logins += 1
            hours.add(event.ts.hour)
            if event.mfa_method is not None:
                mfa[event.mfa_method] += 1
            if event.ip_country:
                history.last_login = event
        elif kind == "withdrawal":
            history.withdrawals += 1
            rails.add((event.asset, event.network))
            if event.amount_usd is not None:
                amounts.append(event.amount_usd)
        if event.address is not None:
            addresses.add(event.address)
    return history


@dataclass(slots=True)
class Recent:
    """The suspected session: what happened in the recent window, in time order."""

    access: Access = field(default_factory=Access)
    attempted_devices: set[str] = field(default_factory=set)  # incl. failed attempts, for link lookups
    attempted_ips: set[str] = field(default_factory=set)
    asn_types: dict[str, None] = field(default_factory=dict)
    logins: list[Event] = field(default_factory=list)  # successful
    withdrawals: list[Event] = field(default_factory=list)
    addresses: dict[str, None] = field(default_factory=dict)  # added or withdrawn to
    first_activity: datetime | None = None


def read_recent(events: Sequence[Event]) -> Recent:
    recent = Recent(first_activity=events[0].ts if events else None)
    recent.attempted_devices.update(event.device_id for event in events if event.device_id is not None)
    recent.attempted_ips.update(event.ip for event in events if event.ip is not None)
    recent.asn_types.update(dict.fromkeys(event.asn_type for event in events if event.asn_type is not None))
    happened = [event for event in events if event.success is not False]
    recent.access.add_all(happened)
    recent.addresses.update(
        dict.fromkeys(e.address for e in happened if e.address is not None and e.type in ADDRESS_EVENTS)
    )
    recent.logins = [event for event in happened if event.type == "login"]
    recent.withdrawals = [event for event in happened if event.type == "withdrawal"]
    return recent


def novel(recent: Collection[Value], known: Collection[Value]) -> list[Value] | None:
    """Recent values absent from history; None when there is no baseline or nothing to compare."""
    if not known or not recent:
        return None
    return [value for value in recent if value not in known]


def _anchor_withdrawal(timeline: Sequence[Event], after: datetime) -> Event | None:
    for event in reversed(timeline):
        if event.ts <= after:
            return None
        if event.type == "withdrawal" and _succeeded(event):
            return event
    return None


class AtoView:
    """Everything the ato signals read, derived once per case (see the module docstring)."""

    def __init__(self, signal_input: SignalInput) -> None:
        self.input = signal_input
        self.case: CaseIn = signal_input.case
        self.as_of = self.case.created_at
        horizon = self.as_of + CLOCK_SKEW
        timeline = signal_input.timeline
        if timeline and timeline[-1].ts > horizon:  # a caller-built timeline may run past the alert
            timeline = [event for event in timeline if event.ts <= horizon]
        self.timeline: Sequence[Event] = timeline
        self.withdrawal = _anchor_withdrawal(timeline, self.as_of - RECENT_WINDOW)
        self.anchor = self.withdrawal.ts if self.withdrawal else self.as_of
        self.window_start = self.anchor - RECENT_WINDOW
        split = self._split = bisect_left(timeline, self.window_start, key=_ts)
        self.history = read_history(timeline[:split])
        self.recent = read_recent(timeline[split:])
        self.has_history = self.history.events > 0
        # The suspected session starts with its first successful login.
        self.first_login = self.recent.logins[0] if self.recent.logins else None
        self._links: dict[LinkKind, LinkSummary | None] = {}
        self._scan_security(timeline)

    def _scan_security(self, timeline: Sequence[Event]) -> None:
        """Security changes, support contacts and failed logins near the anchor (they may predate the
        recent window)."""
        security_start = self.anchor - SECURITY_LOOKBACK
        earliest = min(security_start - SUPPORT_CONTACT_LEAD, self.window_start - FAILED_LOGIN_LOOKBACK)
        self.security_changes: list[Event] = []
        self.api_keys: list[Event] = []
        self.support_contacts: list[Event] = []
        self.failed_logins: list[datetime] = []
        for event in timeline[bisect_left(timeline, earliest, key=_ts) :]:
            kind = event.type
            if kind == "login":
                if event.success is False:
                    self.failed_logins.append(event.ts)
            elif kind == "support_contact":
                self.support_contacts.append(event)
            elif event.ts < security_start or event.success is False:
                continue  # too old, or an attempt that changed nothing
            elif kind in SECURITY_CHANGE_TYPES:
                self.security_changes.append(event)
            elif kind == "api_key_create":
                self.api_keys.append(event)

    # -- the session -------------------------------------------------------------------------------

    def minutes_to_withdrawal(self, event: Event | None) -> float | None:
        if event is None or self.withdrawal is None or event.ts > self.withdrawal.ts:
            return None
        return _minutes(event.ts, self.withdrawal.ts)

    def failed_logins_before_success(self) -> float | None:
        """The most failed logins in the hour before any successful login of the session (the owner
        may have logged in earlier the same day: the attacker's success is what the burst precedes)."""
        if not self.recent.logins:
            return None
        failed = self.failed_logins
        return float(
            max(
                sum(1 for ts in failed if login.ts - FAILED_LOGIN_LOOKBACK <= ts < login.ts)
                for login in self.recent.logins
            )
        )

    def fastest_travel(self) -> tuple[float, Event, Event] | None:
        """Highest speed (km/h) between consecutive successful logins from different countries, the
        later one in the recent window; (0, ...) when every such pair stayed in one country."""
        previous = self.history.last_login
        fastest: tuple[float, Event, Event] | None = None
        for login in self.recent.logins:
            if not login.ip_country:
                continue
            if previous is not None:
                speed = self._speed(previous, login)
                if speed is not None and (fastest is None or speed > fastest[0]):
                    fastest = (speed, previous, login)
            previous = login
        return fastest

    @staticmethod
    def _speed(origin: Event, destination: Event) -> float | None:
        if origin.ip_country == destination.ip_country:
            return 0.0  # same country: centroids cannot tell anything
        hours = (destination.ts - origin.ts).total_seconds() / 3600
        return geo.travel_speed_kmh(origin.ip_country, destination.ip_country, hours)

    def usual_mfa(self) -> str | None:
        """The second factor the account usually logs in with (ties go to the stronger one)."""
        counts = self.history.login_mfa
        if not counts:
            return None
        return max(counts, key=lambda method: (counts[method], MFA_STRENGTH.get(method, 0)))

    def weakest_login_mfa(self) -> str | None:
        methods = [login.mfa_method for login in self.recent.logins if login.mfa_method is not None]
        return min(methods, key=lambda method: MFA_STRENGTH.get(method, 0)) if methods else None

    # -- security changes --------------------------------------------------------------------------

    def latest_change(self, types: Collection[str]) -> Event | None:
        """The latest security change of these types before the withdrawal (or the alert)."""
        limit = self.withdrawal.ts if self.withdrawal else self.as_of + CLOCK_SKEW
        for event in reversed(self.security_changes):
            if event.type in types and event.ts <= limit:
                return event
        return None

    def mfa_removal(self) -> Event | None:
        for event in reversed(self.security_changes):
            if event.type == "mfa_change" and (event.action or "").lower() in MFA_REMOVAL_ACTIONS:
                return event
        return None

    def phone_change_via_support(self) -> Event | None:
        for change in self.security_changes:
            if change.type != "phone_change":
                continue
            if (change.channel or "").lower() == "support" or any(
                change.ts - SUPPORT_CONTACT_LEAD <= contact.ts <= change.ts
                for contact in self.support_contacts
            ):
                return change
        return None

    def unrestricted_withdraw_keys(self) -> list[Event]:
        return [
            key
            for key in self.api_keys
            if WITHDRAWAL_RIGHT in (key.permissions or ())
            and key.ip_whitelist is not True
            and _succeeded(key)
        ]

    # -- withdrawals -------------------------------------------------------------------------------

    def address_first_seen(self) -> datetime | None:
        """When the withdrawal's destination first appeared on the account (added or used)."""
        address = self.withdrawal.address if self.withdrawal else None
        if address is None:
            return None
        # An address history never saw can only have appeared in the recent window.
        start = 0 if address in self.history.addresses else self._split
        for event in self.timeline[start:]:
            if event.address == address and event.type in ADDRESS_EVENTS:
                return event.ts
        return None

    def withdrawn_usd(self) -> float | None:
        amounts = [w.amount_usd for w in self.recent.withdrawals if w.amount_usd is not None]
        return sum(amounts) if amounts else None

    def median_past_withdrawal(self) -> float | None:
        amounts = self.history.withdrawal_amounts
        return median(amounts) if amounts else None

    # -- accounts ----------------------------------------------------------------------------------

    def account_created_at(self) -> datetime | None:
        created = self.case.subject.account_created_at
        if created is not None:
            return created
        return self.timeline[0].ts if self.timeline else None

    # -- cross-account links: one lookup per kind per case -----------------------------------------

    def links(self, kind: LinkKind) -> LinkSummary | None:
        """Other accounts sharing the session's devices, IPs or withdrawal addresses; None when the
        session has no value of that kind.  Looked up once per kind per case."""
        if kind not in self._links:
            values = {
                "device": self.recent.attempted_devices,
                "ip": self.recent.attempted_ips,
                "address": self.recent.addresses.keys(),
            }[kind]
            account = self.case.subject.account_id
            self._links[kind] = self.input.links.shared(kind, values, account, self.as_of) if values else None
        return self._links[kind]


def view(signal_input: SignalInput) -> AtoView:
    return AtoView(signal_input)
