"""An account's timeline as the exchange keeps it, and the slice upstream sends with a case.

Upstream attaches the account's recent timeline to every alert (the last ``history_days``, at most
``history_cap`` events), so one event travels in several cases; it is stored once here and the very
same dict is serialised each time, which keeps repeats byte-identical.
"""

from __future__ import annotations

from roca.simulate.background import background_day
from roca.simulate.events import Event
from roca.simulate.population import DAY, Account

REFUND_PER_DAY = 0.07  # share of the gap to the usual balance the user tops up per day


def record(account: Account, t: int, event: Event) -> None:
    account.ledger.append((t, account.seq, event))
    account.seq += 1


def materialize(seed: int, account: Account, through_day: int, start_t: int, history_days: int) -> None:
    """Bring the account's background activity up to ``through_day`` (days already there stay)."""
    _refund(account, through_day)
    first = max(account.materialized_through + 1, through_day - history_days - 1)
    for day in range(first, through_day + 1):
        for t, event in background_day(seed, account, day, start_t):
            record(account, t, event)
    account.materialized_through = max(account.materialized_through, through_day)
    horizon = start_t + (through_day - history_days - 2) * DAY
    account.ledger = [entry for entry in account.ledger if entry[0] >= horizon]


def _refund(account: Account, through_day: int) -> None:
    """Balances drift back to their usual level after a withdrawal (deposits are not netted against
    the balance one by one: the timeline shows them, the level follows this simple recovery)."""
    elapsed = through_day - account.materialized_through
    if 0 < elapsed < 10_000:
        gap = account.usual_balance - account.balance
        account.balance += gap * (1 - (1 - REFUND_PER_DAY) ** elapsed)


def forget_between(account: Account, start: int, end: int) -> None:
    """Drop activity in [start, end) that no case has shown yet, e.g. to keep a legitimate traveller
    from logging in at home during the flight."""
    start = max(start, account.shown_until + 1)
    account.ledger = [entry for entry in account.ledger if not start <= entry[0] < end]


def recent_timeline(account: Account, until: int, history_days: int, cap: int) -> list[Event]:
    """The events upstream sends: the last ``history_days`` up to ``until``, at most ``cap`` of them."""
    since = until - history_days * DAY
    window = sorted(entry for entry in account.ledger if since <= entry[0] <= until)
    account.shown_until = max(account.shown_until, until)
    return [event for _, _, event in window[-cap:]]
