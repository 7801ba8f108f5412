"""What the KYB signals read, derived once per case (every property is computed at most once)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from roca.cases.schemas import BeneficialOwner, CaseIn, Entity
from roca.signals.context import SignalInput
from roca.signals.evidence import ScreenHit, age_in_years, screen_people
from roca.signals.risk_tables import CountryRisk, category_risk, country_risk
from roca.signals.screening import name_tokens

# Words that shell and laundering vehicles put in their names, or that promise what a regulated business
# cannot ("untraceable").  Whole words only: "Shellfish Foods" is not "shell".
RED_FLAG_WORDS = frozenset(
    {"nominee", "nominees", "bearer", "shelf", "shell", "anonymous", "offshore", "secret", "secrecy",
     "escrow", "hawala", "untraceable", "ghost", "mixer", "tumbler", "laundry"}
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
SIGNIFICANT_OWNERSHIP_PCT = 25.0  # the usual beneficial-ownership threshold (EU AMLD, FinCEN CDD rule)
NOMINEE_YOUNGEST = 25
NOMINEE_OLDEST = 80


@dataclass(frozen=True, slots=True)
class NomineeSign:
    name: str
    reason_en: str
    reason_zh: str


@dataclass
class KybView:
    """Everything the kyb signals read, derived once per case."""

    input: SignalInput

    @property
    def case(self) -> CaseIn:
        return self.input.case

    @property
    def entity(self) -> Entity | None:
        return self.case.entity

    @cached_property
    def today(self) -> date:
        return self.input.as_of.date()

    @cached_property
    def ubos(self) -> list[BeneficialOwner]:
        return list(self.entity.ubos or ()) if self.entity else []

    @cached_property
    def company_age_days(self) -> int | None:
        founded = self.entity.incorporated_on if self.entity else None
        return None if founded is None else (self.today - founded).days

    @cached_property
    def expected_volume(self) -> float | None:
        return self.entity.expected_monthly_volume_usd if self.entity else None

    @cached_property
    def jurisdiction(self) -> str | None:
        # A corporate account's country is its place of incorporation when the profile omits it.
        code = (self.entity.jurisdiction if self.entity else None) or self.case.subject.country
        return code.strip().upper() if code else None

    @cached_property
    def jurisdiction_risk(self) -> CountryRisk:
        return country_risk(self.jurisdiction)

    @cached_property
    def ubo_screening(self) -> ScreenHit | None:
        return screen_people(self.input.screen, ((u.name, u.date_of_birth) for u in self.ubos))

    @cached_property
    def entity_screening(self) -> ScreenHit | None:
        legal_name = self.entity.legal_name if self.entity else None
        return screen_people(self.input.screen, [(legal_name, None)])

    @cached_property
    def shares(self) -> list[float]:
        return [u.ownership_pct for u in self.ubos if u.ownership_pct is not None]

    @cached_property
    def riskiest_nationality(self) -> tuple[BeneficialOwner, CountryRisk] | None:
        rated = [(u, country_risk(u.nationality)) for u in self.ubos if u.nationality]
        return max(rated, key=lambda pair: pair[1].fatf_level, default=None)

    @cached_property
    def category_risk(self) -> int | None:
        return category_risk(self.entity.business_category if self.entity else None)

    @cached_property
    def red_flag_words(self) -> list[str]:
        legal_name = (self.entity.legal_name if self.entity else None) or ""
        return sorted({w for w in _WORD.findall(legal_name.casefold()) if w in RED_FLAG_WORDS})

    @cached_property
    def nominee_sign(self) -> NomineeSign | None:
        """A sole owner at an age when owning a business is unusual, or one person listed twice."""
        for ubo in self.ubos:
            sole = ubo.ownership_pct is not None and ubo.ownership_pct >= 99.5
            if sole and ubo.date_of_birth is not None:
                age = age_in_years(ubo.date_of_birth, self.today)
                if not NOMINEE_YOUNGEST <= age <= NOMINEE_OLDEST:
                    return NomineeSign(
                        ubo.name or "?", f"sole owner aged {age}", f"年龄 {age} 岁却持有全部股份"
                    )
        seen: set[tuple[str, ...]] = set()
        for ubo in self.ubos:
            key = tuple(sorted(name_tokens(ubo.name or "")))
            if key and key in seen:
                return NomineeSign(ubo.name or "?", "listed more than once", "被重复列出")
            seen.add(key)
        return None
