"""What the fraud signals read, derived once per case (every property is computed at most once).

A fraud case reviews one withdrawal: the withdrawal event near the alert whose amount is the amount at
risk (else the latest one), or, when the timeline does not carry it yet, a pending withdrawal at the
alert time.  Everything else is read relative to that moment.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from itertools import islice
from operator import attrgetter, gt
from statistics import median

from roca.cases.schemas import CaseIn, Event
from roca.signals.context import CLOCK_SKEW, LinkKind, LinkSummary, SignalInput
from roca.signals.evidence import first_anonymising

# A withdrawal this long before the alert is history, not the one under review.
TARGET_WINDOW = timedelta(hours=24)
DEPOSIT_WINDOW = timedelta(days=30)
STRUCTURING_WINDOW = timedelta(days=7)
SMALL_DEPOSIT_SHARE = 0.2  # a deposit under a fifth of the withdrawal counts as small
SESSION_WINDOW = timedelta(hours=24)


def _amount(events: list[Event]) -> float:
    return sum(e.amount_usd or 0.0 for e in events)


@dataclass
class FraudView:
    """Everything the fraud signals read, derived once per case."""

    input: SignalInput

    @property
    def case(self) -> CaseIn:
        return self.input.case

    @cached_property
    def _ordered(self) -> tuple[list[Event], list[datetime]]:
        """The timeline up to the alert (plus clock skew) and its timestamps, for bisecting windows."""
        events = list(self.input.timeline)
        stamps = [e.ts for e in events]
        if any(map(gt, stamps, islice(stamps, 1, None))):  # a hand-made input, not a merged timeline
            events.sort(key=attrgetter("ts"))
            stamps = [e.ts for e in events]
        end = bisect_right(stamps, self.input.as_of + CLOCK_SKEW)
        return events[:end], stamps[:end]

    @property
    def timeline(self) -> list[Event]:
        return self._ordered[0]

    def between(self, start: datetime, end: datetime) -> list[Event]:
        events, stamps = self._ordered
        return events[bisect_left(stamps, start) : bisect_right(stamps, end)]

    @cached_property
    def _by_type(self) -> dict[str, tuple[list[Event], list[datetime]]]:
        """Successful events of each type with their timestamps, oldest first."""
        grouped: dict[str, tuple[list[Event], list[datetime]]] = defaultdict(lambda: ([], []))
        for event in self.timeline:
            if event.success is not False:  # a failed withdrawal or deposit moved no money
                events, stamps = grouped[event.type]
                events.append(event)
                stamps.append(event.ts)
        return grouped

    def of_type(self, kind: str, start: datetime | None = None, end: datetime | None = None) -> list[Event]:
        events, stamps = self._by_type.get(kind, ([], []))
        low = 0 if start is None else bisect_left(stamps, start)
        return events[low : len(events) if end is None else bisect_right(stamps, end)]

    @property
    def withdrawals(self) -> list[Event]:
        return self.of_type("withdrawal")

    @property
    def deposits(self) -> list[Event]:
        return self.of_type("deposit")

    @cached_property
    def withdrawal(self) -> Event | None:
        """The withdrawal under review, when the timeline carries it."""
        recent = self.of_type("withdrawal", start=self.input.as_of - TARGET_WINDOW)
        at_risk = self.case.amount_at_risk_usd
        same_amount = [e for e in recent if at_risk is not None and e.amount_usd == at_risk]
        chosen = same_amount or recent
        return chosen[-1] if chosen else None

    @cached_property
    def moment(self) -> datetime:
        return self.withdrawal.ts if self.withdrawal is not None else self.input.as_of

    @cached_property
    def amount(self) -> float | None:
        if self.case.amount_at_risk_usd is not None:
            return self.case.amount_at_risk_usd
        return self.withdrawal.amount_usd if self.withdrawal is not None else None

    @cached_property
    def address(self) -> str | None:
        return self.withdrawal.address if self.withdrawal is not None else None

    @cached_property
    def earlier_withdrawals(self) -> list[Event]:
        return [e for e in self.withdrawals if e is not self.withdrawal and e.ts <= self.moment]

    @cached_property
    def last_deposit(self) -> Event | None:
        # Clocks drift between the deposit and withdrawal systems: a deposit stamped a few minutes after
        # the withdrawal may still be the one that funded it.
        funded_by = self.of_type("deposit", end=self.moment + CLOCK_SKEW)
        return funded_by[-1] if funded_by else None

    @cached_property
    def minutes_since_deposit(self) -> float | None:
        deposit = self.last_deposit
        return None if deposit is None else max(0.0, (self.moment - deposit.ts).total_seconds() / 60)

    def _deposits_within(self, window: timedelta) -> list[Event]:
        return self.of_type("deposit", self.moment - window, self.moment + CLOCK_SKEW)

    @cached_property
    def recent_deposits(self) -> list[Event]:
        return self._deposits_within(DEPOSIT_WINDOW)

    @cached_property
    def recent_deposit_total(self) -> float:
        return _amount(self.recent_deposits)

    @cached_property
    def recent_trade_total(self) -> float:
        return _amount(self.of_type("trade", self.moment - DEPOSIT_WINDOW, self.moment))

    @cached_property
    def small_deposits(self) -> list[Event]:
        if not self.amount:
            return []
        limit = self.amount * SMALL_DEPOSIT_SHARE
        return [e for e in self._deposits_within(STRUCTURING_WINDOW) if (e.amount_usd or 0.0) < limit]

    @cached_property
    def usual_withdrawal(self) -> float | None:
        amounts = [e.amount_usd for e in self.earlier_withdrawals if e.amount_usd]
        return median(amounts) if amounts else None

    @cached_property
    def address_is_new(self) -> bool | None:
        if not self.address:
            return None
        return all(e.address != self.address for e in self.earlier_withdrawals)

    @cached_property
    def minutes_since_address_added(self) -> float | None:
        additions = self.of_type("withdrawal_address_add", end=self.moment)
        added = [e for e in additions if e.address == self.address]
        if not self.address or not added:
            return None
        return max(0.0, (self.moment - added[-1].ts).total_seconds() / 60)

    @cached_property
    def session_anonymiser(self) -> Event | None:
        return first_anonymising(self.between(self.moment - SESSION_WINDOW, self.moment + CLOCK_SKEW))

    @cached_property
    def withdrawals_last_day(self) -> int:
        start = self.moment - timedelta(hours=24)
        # The reviewed withdrawal counts even before it lands in the timeline.
        pending = 1 if self.withdrawal is None and self.case.amount_at_risk_usd is not None else 0
        return pending + sum(1 for e in self.withdrawals if start <= e.ts <= self.moment)

    @cached_property
    def account_age_days(self) -> float | None:
        created = self.case.subject.account_created_at
        return None if created is None else max(0.0, (self.moment - created).total_seconds() / 86400)

    def _links(self, kind: LinkKind, values: set[str]) -> LinkSummary | None:
        if not values:
            return None
        return self.input.links.shared(kind, values, self.case.subject.account_id, self.input.as_of)

    @cached_property
    def address_links(self) -> LinkSummary | None:
        return self._links("address", {self.address} if self.address else set())

    @cached_property
    def device_links(self) -> LinkSummary | None:
        return self._links("device", {e.device_id for e in self.timeline if e.device_id})
