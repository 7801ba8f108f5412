"""Replaying simulated days through the signals, as ROCA would see them: each case's signals are
computed from the history stored before it, and outcomes become known the day after (a reviewer's
confirmed decision), so cross-account links to confirmed-bad accounts grow as they would live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from roca.cases.schemas import CaseIn, CaseType
from roca.signals import catalog
from roca.signals.base import SignalValue
from roca.signals.memory import InMemoryAccounts
from roca.signals.screening import Watchlist, WatchlistEntry
from roca.simulate.exchange import Exchange
from roca.simulate.watchlist import ListedParty
from roca.simulate.world import SimulatedCase

BAD_LABELS = frozenset({"confirm_ato", "reject", "block"})


@dataclass(frozen=True, slots=True)
class ReplayedCase:
    simulated: SimulatedCase
    case: CaseIn
    values: list[SignalValue]


def screening_list(parties: list[ListedParty]) -> Watchlist:
    """The simulator's watchlist as ROCA loads one (the same fields as the OpenSanctions CSV)."""
    return Watchlist(
        WatchlistEntry(
            id=p.id,
            name=p.name,
            aliases=(*p.aliases, p.native) if p.native else p.aliases,
            birth_dates=(p.birth_date,) if p.birth_date else (),
            countries=p.countries,
            schema=p.schema,
        )
        for p in parties
    )


def replay(
    exchange: Exchange, days: range, case_types: frozenset[CaseType] | None = None
) -> Iterator[tuple[int, list[ReplayedCase]]]:
    """Per day, the cases of ``case_types`` with their signal values, in arrival order."""
    accounts = InMemoryAccounts(screen=screening_list(exchange.watchlist))
    for day in days:
        replayed: list[ReplayedCase] = []
        simulated = exchange.day(day)
        for item in simulated:
            case = CaseIn.model_validate(item.case)
            if case_types is None or case.case_type in case_types:
                replayed.append(ReplayedCase(item, case, catalog.values(accounts.signal_input(case))))
            accounts.remember(case)
        for item in simulated:
            if item.truth.label in BAD_LABELS:
                accounts.mark_bad(item.truth.account_id)
        yield day, replayed
