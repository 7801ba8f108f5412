"""The simulated exchange: day by day, the cases upstream alerting sends, with their ground truth.

    exchange = Exchange(SimulationConfig(seed=7, per_day=1000, novel_from_day=20))
    for case in exchange.day(0):
        case.case   # contract JSON
        case.truth  # GroundTruth: label, scenario, malicious, day, account

Days build on each other (accounts, their timelines and balances carry over), so the exchange
generates them in order; asking for an earlier day than the last one replays the run from day 0.
Every day draws from its own seeded streams, so the same config always gives the same cases.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta

from roca.cases.schemas import CASE_TYPES, CaseType
from roca.simulate.ato import ato_draft
from roca.simulate.config import SimulationConfig
from roca.simulate.fraud import fraud_draft
from roca.simulate.kyb import kyb_draft
from roca.simulate.kyc import kyc_draft
from roca.simulate.rng import stream
from roca.simulate.watchlist import ListedParty
from roca.simulate.world import Draft, GroundTruth, SimulatedCase, World

DraftBuilder = Callable[[World, random.Random, int], Draft]
BUILDERS: dict[CaseType, DraftBuilder] = {
    "ato": ato_draft,
    "kyc": kyc_draft,
    "kyb": kyb_draft,
    "fraud": fraud_draft,
}
ID_FORMATS: dict[CaseType, str] = {
    "ato": "alrt-{date}-{n:06d}",
    "kyc": "kyc-{date}-{n:05d}",
    "kyb": "kyb-{date}-{n:05d}",
    "fraud": "txm-{date}-{n:06d}",
}


class Exchange:
    def __init__(self, config: SimulationConfig | None = None) -> None:
        self.config = config or SimulationConfig()
        self._world = World(self.config)
        self._next_day = 0
        self._last: tuple[int, list[SimulatedCase]] | None = None

    @property
    def watchlist(self) -> list[ListedParty]:
        return self._world.watchlist

    def day(self, n: int) -> list[SimulatedCase]:
        """The cases of day ``n`` (0 = ``config.start``), ordered by ``created_at``."""
        if n < 0:
            raise ValueError("days start at 0")
        if self._last is not None and self._last[0] == n:
            return list(self._last[1])
        if n < self._next_day:
            self._world, self._next_day = World(self.config), 0
        cases: list[SimulatedCase] = []
        while self._next_day <= n:
            cases = self._generate(self._next_day)
            self._next_day += 1
        self._last = (n, cases)
        return list(cases)

    def days(self, count: int, first: int = 0) -> Iterator[tuple[int, list[SimulatedCase]]]:
        for n in range(first, first + count):
            yield n, self.day(n)

    def _generate(self, day: int) -> list[SimulatedCase]:
        self._world.population.grow(day)
        drafts: list[Draft] = []
        for case_type, count in self.config.case_counts().items():
            rng = stream(self.config.seed, "day", day, case_type)
            drafts.extend(BUILDERS[case_type](self._world, rng, day) for _ in range(count))
        drafts.sort(key=lambda d: (d.created_t, CASE_TYPES.index(d.case_type)))
        return self._number(drafts, day)

    def _number(self, drafts: list[Draft], day: int) -> list[SimulatedCase]:
        """External ids in arrival order per type, so an id says nothing about the scenario."""
        date = (self.config.start + timedelta(days=day)).strftime("%Y%m%d")
        counters = dict.fromkeys(CASE_TYPES, 0)
        cases = []
        for draft in drafts:
            counters[draft.case_type] += 1
            external_id = ID_FORMATS[draft.case_type].format(date=date, n=counters[draft.case_type])
            truth = GroundTruth(
                external_id,
                draft.case_type,
                draft.label,
                draft.scenario,
                draft.malicious,
                day,
                draft.account_id,
                draft.variant,
            )
            cases.append(SimulatedCase({"external_id": external_id, **draft.body}, truth))
        return cases
