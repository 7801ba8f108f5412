"""An in-memory account store: the timeline and cross-account index that the database provides
in production, for simulations, benchmarks and evaluation where cases arrive as Python objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from roca.cases.schemas import CaseIn, Event
from roca.signals.context import (
    RECENT_LINK_WINDOW,
    LinkKind,
    LinkSummary,
    NameScreen,
    SignalInput,
    merge_timeline,
)


class InMemoryAccounts:
    """Remembers every event of every account it has seen, and who used which device, IP and
    withdrawal address first when.  ``mark_bad`` records a confirmed bad outcome for an account."""

    def __init__(self, screen: NameScreen | None = None) -> None:
        self.screen = screen
        self._timelines: dict[str, list[Event]] = defaultdict(list)
        self._first_use: dict[LinkKind, dict[str, dict[str, datetime]]] = {
            "device": defaultdict(dict),
            "ip": defaultdict(dict),
            "address": defaultdict(dict),
        }
        self._bad: set[str] = set()

    def signal_input(self, case: CaseIn) -> SignalInput:
        """The input as the database would give it: stored history merged with the case's events."""
        timeline = merge_timeline(case, self._timelines.get(case.subject.account_id, ()))
        return SignalInput(case=case, timeline=timeline, links=self, screen=self.screen)

    def remember(self, case: CaseIn) -> None:
        account = case.subject.account_id
        self._timelines[account] = merge_timeline(case, self._timelines.get(account, ()))
        for event in case.events:
            for kind, value in (("device", event.device_id), ("ip", event.ip), ("address", event.address)):
                if value:
                    users = self._first_use[kind][value]  # type: ignore[index]
                    if account not in users or event.ts < users[account]:
                        users[account] = event.ts

    def mark_bad(self, account_id: str) -> None:
        self._bad.add(account_id)

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        others: dict[str, datetime] = {}
        for value in values:
            for other, first in self._first_use[kind].get(value, {}).items():
                if other != account_id and first < before:
                    others[other] = min(first, others.get(other, first))
        return LinkSummary(
            accounts=len(others),
            confirmed_bad=sum(1 for other in others if other in self._bad),
            recent_accounts=sum(1 for first in others.values() if before - first <= RECENT_LINK_WINDOW),
        )
