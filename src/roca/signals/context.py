"""What every signal function may read: the case, the account's stored timeline, and lookups
across accounts.  Built by ``signals.service`` from the database, or in memory for files and
simulations; the signal functions never know which."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from roca.cases.schemas import CaseIn, Event

LinkKind = Literal["device", "ip", "address"]
# Upstream clocks drift: events stamped a little after the alert still belong to it.
CLOCK_SKEW = timedelta(minutes=10)
# LinkSummary.recent_accounts: other accounts that first used the value within this window.
RECENT_LINK_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """Other accounts that used the same device, IP or withdrawal address before the case."""

    accounts: int = 0
    confirmed_bad: int = 0  # of which with a confirmed ATO/fraud decision (or a rejected KYC)
    recent_accounts: int = 0  # of which first seen with that value within the last 30 days


NO_LINKS = LinkSummary()


class AccountLinks(Protocol):
    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary: ...


class NoLinks:
    """For a case read from a file with no store behind it."""

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        return NO_LINKS


class NameScreen(Protocol):
    """Watchlist screening (see ``signals.screening``)."""

    def best_match(self, name: str, date_of_birth: str | None = None) -> tuple[float, str | None]: ...


@dataclass(frozen=True)
class SignalInput:
    case: CaseIn
    timeline: Sequence[Event]  # the account's known events up to the case, oldest first
    links: AccountLinks = field(default_factory=NoLinks)
    screen: NameScreen | None = None

    @property
    def as_of(self) -> datetime:
        return self.case.created_at


def merge_timeline(case: CaseIn, stored: Sequence[Event] = ()) -> list[Event]:
    """The account's timeline as of the case: stored history plus the case's own events, each event
    once, oldest first (ties keep arrival order), nothing after the alert beyond clock skew."""
    horizon = case.created_at + CLOCK_SKEW
    seen: set[tuple[object, ...]] = set()
    merged: list[Event] = []
    for event in [*stored, *case.events]:
        key = (event.ts, event.type, event.device_id, event.ip, event.address, event.amount_usd, event.action)
        if key in seen or event.ts > horizon:
            continue
        seen.add(key)
        merged.append(event)
    merged.sort(key=lambda e: e.ts)
    return merged


def input_for_case(
    case: CaseIn, links: AccountLinks | None = None, screen: NameScreen | None = None
) -> SignalInput:
    """A case on its own (a file, a test): its timeline is what it carried."""
    return SignalInput(case=case, timeline=merge_timeline(case), links=links or NoLinks(), screen=screen)
