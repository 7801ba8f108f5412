"""The simulated clock of the closed loop.

ROCA reads the time in exactly one place, ``roca.storage.base.utcnow`` (decision and task stamps,
leases, SLA due times, policy approval times, model versions).  The closed loop replays a month in
minutes, so while it runs that function reads this clock instead of the wall clock: every stamp
in the run's database is simulated time, the drift monitor counts the audits since a policy's
simulated approval, and a lease runs out after fifteen simulated minutes.  The clock only moves
forward; leaving the context restores the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo
from typing import ClassVar

import roca.storage.base as storage_base


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance_to(self, moment: datetime) -> datetime:
        """Move to ``moment`` unless the clock is already past it (several people work at once)."""
        self._now = max(self._now, moment.astimezone(UTC))
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        return self.advance_to(self._now + delta)


class _ClockDatetime(datetime):
    """``datetime`` whose ``now`` reads the simulated clock (only ``now`` is ever called on it)."""

    clock: ClassVar[SimulatedClock | None] = None

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]  # a plain datetime
        if cls.clock is None:
            return datetime.now(tz)
        current = cls.clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


@contextmanager
def simulated_time(start: datetime) -> Iterator[SimulatedClock]:
    """Run ROCA on a simulated clock starting at ``start``."""
    if _ClockDatetime.clock is not None:
        raise RuntimeError("a simulated clock is already running in this process")
    clock = SimulatedClock(start)
    names = vars(storage_base)  # utcnow() looks ``datetime`` up here at every call
    original = names["datetime"]
    _ClockDatetime.clock = clock
    names["datetime"] = _ClockDatetime
    try:
        yield clock
    finally:
        names["datetime"] = original
        _ClockDatetime.clock = None
