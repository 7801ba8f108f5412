"""The knobs of a simulated exchange, and the campaign schedule they imply.

A config fully determines a run: the same config gives byte-identical cases.
"""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roca.cases.schemas import CASE_TYPES, CaseType

CREDENTIAL_STUFFING = "credential_stuffing"
SIM_SWAP = "sim_swap"
PHISHING_API_KEY = "phishing_api_key"
SESSION_HIJACK = "session_hijack"
NOVEL_CAMPAIGN = "address_book_poisoning"
CAMPAIGNS = (CREDENTIAL_STUFFING, SIM_SWAP, PHISHING_API_KEY, SESSION_HIJACK)

DEFAULT_MIX: dict[CaseType, float] = {"ato": 0.70, "kyc": 0.15, "kyb": 0.05, "fraud": 0.10}
# Drift by default: stuffing grows as a fresh combo list circulates, SIM swaps fall as carriers
# tighten port-out checks.
DEFAULT_CAMPAIGNS_START = {
    CREDENTIAL_STUFFING: 0.30,
    SIM_SWAP: 0.30,
    PHISHING_API_KEY: 0.20,
    SESSION_HIJACK: 0.20,
}
DEFAULT_CAMPAIGNS_END = {
    CREDENTIAL_STUFFING: 0.50,
    SIM_SWAP: 0.10,
    PHISHING_API_KEY: 0.20,
    SESSION_HIJACK: 0.20,
}
MIN_POPULATION = 500
ACCOUNTS_PER_DAILY_CASE = 20


class SimulationConfig(BaseModel):
    """Everything that shapes a simulated run (see ``docs/simulation.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 0
    start: date = date(2026, 11, 1)
    per_day: int = Field(default=1000, ge=1, le=1_000_000, description="cases per day, all types")
    mix: dict[CaseType, float] = Field(default_factory=lambda: dict(DEFAULT_MIX))
    ato_true_rate: float = Field(default=0.20, ge=0, le=1, description="share of ATO alerts that are ATO")
    campaigns_start: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_CAMPAIGNS_START))
    campaigns_end: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_CAMPAIGNS_END))
    drift_days: int = Field(default=30, ge=1, description="days from the start mix to the end mix")
    novel_from_day: int | None = Field(default=None, ge=0)
    novel_share: float = Field(default=0.30, ge=0, le=1, description="of true ATO, once the novel is on")
    accounts: int | None = Field(default=None, ge=50, description="population size; default scales")
    history_days: int = Field(default=30, ge=1, description="timeline upstream sends with a case")
    history_cap: int = Field(default=50, ge=5, description="most recent events kept in that timeline")

    @model_validator(mode="after")
    def _check(self) -> Self:
        if any(v < 0 for v in self.mix.values()) or sum(self.mix.values()) <= 0:
            raise ValueError("mix: shares must be >= 0 with a positive sum")
        for name, schedule in (
            ("campaigns_start", self.campaigns_start),
            ("campaigns_end", self.campaigns_end),
        ):
            unknown = set(schedule) - set(CAMPAIGNS)
            if unknown:
                raise ValueError(f"{name}: unknown campaigns {sorted(unknown)}; known: {list(CAMPAIGNS)}")
            if any(v < 0 for v in schedule.values()) or sum(schedule.values()) <= 0:
                raise ValueError(f"{name}: shares must be >= 0 with a positive sum")
        return self

    @property
    def population(self) -> int:
        return self.accounts or max(MIN_POPULATION, ACCOUNTS_PER_DAILY_CASE * self.per_day)

    def case_counts(self) -> dict[CaseType, int]:
        """Cases per type per day: ``per_day`` split by ``mix`` (largest remainder, so it adds up)."""
        total = sum(self.mix.get(t, 0.0) for t in CASE_TYPES)
        exact = {t: self.per_day * self.mix.get(t, 0.0) / total for t in CASE_TYPES}
        counts = {t: int(v) for t, v in exact.items()}
        by_remainder = sorted(CASE_TYPES, key=lambda t: (-(exact[t] - counts[t]), CASE_TYPES.index(t)))
        for case_type in by_remainder[: self.per_day - sum(counts.values())]:
            counts[case_type] += 1
        return counts

    def novel_active(self, day: int) -> bool:
        return self.novel_from_day is not None and day >= self.novel_from_day

    def campaign_mix(self, day: int) -> dict[str, float]:
        """Shares of the malicious ATO campaigns on ``day``: the start mix drifting linearly to the
        end mix over ``drift_days``, with the novel campaign taking ``novel_share`` once it is on."""
        progress = min(max(day, 0) / self.drift_days, 1.0)
        start, end = _normalised(self.campaigns_start), _normalised(self.campaigns_end)
        mix = {c: (1 - progress) * start.get(c, 0.0) + progress * end.get(c, 0.0) for c in CAMPAIGNS}
        novel = self.novel_share if self.novel_active(day) else 0.0
        mix = {c: share * (1 - novel) for c, share in mix.items()}
        mix[NOVEL_CAMPAIGN] = novel
        return mix


def _normalised(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


def parse_mix(text: str) -> dict[CaseType, float]:
    """``"ato=0.7,kyc=0.15"`` -> shares; types left out get none."""
    mix: dict[CaseType, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        case_type = _case_type(name)
        try:
            mix[case_type] = float(value)
        except ValueError as exc:
            raise ValueError(f"--mix: {part!r} is not type=share") from exc
    return mix


def mix_for_types(text: str) -> dict[CaseType, float]:
    """``"ato,kyc"``: the default mix restricted to these types."""
    chosen = [_case_type(p) for p in filter(None, (p.strip() for p in text.split(",")))]
    if not chosen:
        raise ValueError("--case-types: name at least one of ato, kyc, kyb, fraud")
    return {t: DEFAULT_MIX[t] for t in CASE_TYPES if t in chosen}


def _case_type(name: str) -> CaseType:
    name = name.strip().lower()
    for case_type in CASE_TYPES:
        if case_type == name:
            return case_type
    raise ValueError(f"unknown case type {name!r}; known: {', '.join(CASE_TYPES)}")
