"""The simulated world a run lives in, and what it hands out: cases with their ground truth."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from typing import Any

from roca.cases.schemas import CaseType
from roca.simulate.config import SimulationConfig
from roca.simulate.infrastructure import Underground
from roca.simulate.population import DAY, Account, Population, build_account
from roca.simulate.watchlist import ListedParty, build_watchlist

ATO_LABELS = ("confirm_ato", "not_ato")


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """What really happened behind a case, and so the correct decision (``label``)."""

    external_id: str
    case_type: CaseType
    # ato: confirm_ato | not_ato; kyc: approve | reject | request_info; kyb: the same or
    # enhanced_due_diligence; fraud: block | release
    label: str
    scenario: str
    malicious: bool
    day: int
    account_id: str
    variant: str = ""  # how this instance differs, e.g. "careful" attacker, "expired" document

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SimulatedCase:
    case: dict[str, Any]  # contract JSON, ready for ``CaseIn.model_validate`` or a JSONL line
    truth: GroundTruth

    @property
    def external_id(self) -> str:
        return self.truth.external_id


@dataclass(slots=True)
class Draft:
    """A case before the day is sorted and its external id assigned."""

    case_type: CaseType
    created_t: int
    body: dict[str, Any]  # the case without external_id
    label: str
    scenario: str
    malicious: bool
    account_id: str
    variant: str = ""


class World:
    """The state that persists across days: accounts, crews, the watchlist, sign-up counters."""

    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.start_t = calendar.timegm(config.start.timetuple())
        self.population = Population(config.seed, config.population, self.start_t)
        self.underground = Underground(config.seed)
        self.watchlist: list[ListedParty] = build_watchlist(config.seed, config.start)
        self._signups = 0
        self._companies = 0

    def day_start(self, day: int) -> int:
        return self.start_t + day * DAY

    def new_account_id(self) -> str:
        """A fresh sign-up (KYC applicants, mule accounts): ids after the population's."""
        self._signups += 1
        return f"u-{1_000_000 + self._signups * 7919 % 9_000_000}"  # 7-digit, scrambled

    def new_account(self, created_t: int) -> Account:
        """A fresh, young account (a mule's, a fraudster's): a person like any other, no history yet."""
        account_id = self.new_account_id()
        account = build_account(self.seed, 10_000_000 + self._signups, self.start_t, None)
        account.account_id, account.created_t = account_id, created_t
        account.kyc_level, account.vip_tier, account.wallets = 1, 0, []
        return account

    def new_company_id(self) -> str:
        self._companies += 1
        return f"corp-{10_000 + self._companies}"
