"""KYB signals on hand-built companies and on the shared contract example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from roca.cases.schemas import CaseIn
from roca.signals import kyb
from roca.signals.base import Severity, Signal
from roca.signals.context import input_for_case
from roca.signals.screening import Watchlist, WatchlistEntry, load_opensanctions_csv
from tests.conftest import SHARED
from tests.unit.signals.builders import ALERT, build_case, by_id

SAMPLE = Path(__file__).parent / "data" / "targets.simple.sample.csv"
OWNER_A: dict[str, Any] = {
    "name": "Anna Becker",
    "date_of_birth": "1975-03-01",
    "nationality": "DE",
    "ownership_pct": 70,
}
OWNER_B: dict[str, Any] = {
    "name": "Tom Hale",
    "date_of_birth": "1969-09-09",
    "nationality": "GB",
    "ownership_pct": 30,
}
ENTITY: dict[str, Any] = {
    "legal_name": "Becker Software GmbH",
    "registration_number": "HRB 123456",
    "jurisdiction": "DE",
    "incorporated_on": "2015-04-01",
    "business_category": "software",
    "expected_monthly_volume_usd": 200_000,
    "ubos": [OWNER_A, OWNER_B],
}


def kyb_case(entity: dict[str, Any] | None = None, **changes: Any) -> CaseIn:
    if entity is None and not changes:
        return build_case("kyb", ALERT, subject={"country": "DE"}, entity=ENTITY)
    body = {**(entity or ENTITY), **changes}
    return build_case("kyb", ALERT, subject={"country": "DE"}, entity=body)


def signals(case: CaseIn, screen: Watchlist | None = None) -> dict[str, Signal]:
    return by_id(kyb.registry.compute(kyb.view(input_for_case(case, screen=screen))))


def fired(case: CaseIn, screen: Watchlist | None = None) -> set[str]:
    return {s.id for s in signals(case, screen).values() if s.fired}


def test_there_are_at_least_ten_kyb_signals_with_numeric_values() -> None:
    assert len(kyb.registry.specs) >= 10
    for signal in signals(kyb_case()).values():
        assert signal.value is None or isinstance(signal.value, bool | int | float)


def test_an_established_software_company_fires_nothing() -> None:
    assert fired(kyb_case()) == set()


def test_shared_example_fires_jurisdiction_young_company_and_category() -> None:
    raw = json.loads((SHARED / "contract" / "examples" / "kyb-new-entity.json").read_text("utf-8"))
    found = signals(CaseIn.model_validate(raw))
    on = {s.id for s in found.values() if s.fired}
    assert {
        "kyb.jurisdiction_risk_level",
        "kyb.offshore_jurisdiction",
        "kyb.young_company_high_volume",
        "kyb.business_category_risk",
    } <= on
    assert found["kyb.jurisdiction_risk_level"].text_en == "incorporated in SC: offshore secrecy jurisdiction"
    assert found["kyb.young_company_high_volume"].text_en == (
        "a company incorporated 52 days ago expects USD 25,000,000 a month"
    )
    assert (
        found["kyb.young_company_high_volume"].text_zh == "公司成立仅 52 天，却预计每月交易 25,000,000 美元"
    )
    assert found["kyb.business_category_risk"].value == 2
    assert found["kyb.business_category_risk"].text_en == "business category otc_desk is high risk"
    assert found["kyb.ubo_nationality_risk_level"].fired  # NG is on the FATF grey list
    assert found["kyb.ubo_watchlist_score"].value is None  # no screen given


def test_shared_example_ubo_is_on_the_sample_watchlist() -> None:
    raw = json.loads((SHARED / "contract" / "examples" / "kyb-new-entity.json").read_text("utf-8"))
    found = signals(CaseIn.model_validate(raw), screen=load_opensanctions_csv(SAMPLE))
    hit = found["kyb.ubo_watchlist_score"]
    assert hit.fired
    assert hit.severity is Severity.CRITICAL
    assert hit.text_zh == "最终受益人 Li Wei 与观察名单条目 roca-test-p-001 匹配，分数 1.00（阈值 0.90）"


@pytest.mark.parametrize(
    ("incorporated", "volume", "young", "young_and_large"),
    [("2026-10-01", 50_000, True, False), ("2026-10-01", 2_000_000, True, True),
     ("2026-03-01", 2_000_000, False, True), ("2024-01-01", 2_000_000, False, False)],
)  # fmt: skip
def test_company_age_against_expected_volume(
    incorporated: str, volume: float, young: bool, young_and_large: bool
) -> None:
    found = signals(kyb_case(incorporated_on=incorporated, expected_monthly_volume_usd=volume))
    assert found["kyb.company_age_days"].fired is young
    assert found["kyb.young_company_high_volume"].fired is young_and_large


def test_large_volume_in_absolute_terms() -> None:
    found = signals(kyb_case(expected_monthly_volume_usd=12_500_000))["kyb.expected_monthly_volume_usd"]
    assert found.fired
    assert found.text_en == "expected monthly volume USD 12,500,000 is at or above USD 10,000,000"


@pytest.mark.parametrize(
    ("jurisdiction", "level", "offshore", "severity"),
    [("KP", 2, False, Severity.HIGH), ("VG", 1, True, Severity.MEDIUM), ("PA", 1, True, Severity.MEDIUM),
     ("ky", 1, True, Severity.MEDIUM), ("DE", 0, False, Severity.INFO)],
)  # fmt: skip
def test_jurisdiction_risk(jurisdiction: str, level: int, offshore: bool, severity: Severity) -> None:
    found = signals(kyb_case(jurisdiction=jurisdiction))
    assert found["kyb.jurisdiction_risk_level"].value == level
    assert found["kyb.jurisdiction_risk_level"].severity is severity
    assert found["kyb.offshore_jurisdiction"].value is offshore


def test_bvi_is_both_grey_listed_and_offshore() -> None:
    text = signals(kyb_case(jurisdiction="VG"))["kyb.jurisdiction_risk_level"].text_en
    assert text == "incorporated in VG: FATF increased-monitoring (grey) list, offshore secrecy jurisdiction"


def test_missing_jurisdiction_falls_back_to_the_account_country() -> None:
    body = {k: v for k, v in ENTITY.items() if k != "jurisdiction"}
    assert signals(build_case("kyb", ALERT, subject={"country": "BZ"}, entity=body))[
        "kyb.offshore_jurisdiction"
    ].fired
    assert signals(build_case("kyb", ALERT, entity=body))["kyb.jurisdiction_risk_level"].value is None


@pytest.mark.parametrize(
    ("category", "level"),
    [("otc_desk", 2), ("Money Service", 2), ("crypto-atm", 2), ("gambling", 2), ("consulting", 1),
     ("retail", 0), ("software", 0), ("basket weaving", None)],
)  # fmt: skip
def test_business_category_risk(category: str, level: int | None) -> None:
    found = signals(kyb_case(business_category=category))["kyb.business_category_risk"]
    assert found.value == level
    assert found.fired is (level == 2)


def test_missing_registration_number_and_red_flag_words() -> None:
    found = signals(kyb_case(registration_number=" ", legal_name="Nominee Bearer Holdings (Shelf) Ltd"))
    assert found["kyb.registration_number_missing"].fired
    flags = found["kyb.legal_name_red_flags"]
    assert flags.value == 3
    assert flags.text_en == "the legal name contains red-flag words: bearer, nominee, shelf"
    assert not signals(kyb_case(legal_name="Shellfish Foods Ltd"))["kyb.legal_name_red_flags"].fired


@pytest.mark.parametrize(
    ("shares", "total", "off", "severity"),
    [((60, 40), 100.0, False, Severity.INFO), ((60, 30), 90.0, True, Severity.MEDIUM),
     ((70, 40), 110.0, True, Severity.HIGH), ((33.3, 33.3, 33.4), 100.0, False, Severity.INFO)],
)  # fmt: skip
def test_ownership_must_add_up_to_one_hundred(
    shares: tuple[float, ...], total: float, off: bool, severity: Severity
) -> None:
    owners = [{**OWNER_A, "name": f"Owner {i}", "ownership_pct": pct} for i, pct in enumerate(shares)]
    found = signals(kyb_case(ubos=owners))["kyb.ubo_ownership_total_pct"]
    assert found.value == pytest.approx(total)
    assert found.fired is off
    assert found.severity is severity


def test_no_owner_at_or_above_twenty_five_percent_is_no_identifiable_ubo() -> None:
    owners = [{**OWNER_A, "name": f"Owner {i}", "ownership_pct": 20} for i in range(5)]
    found = signals(kyb_case(ubos=owners))["kyb.no_identifiable_ubo"]
    assert found.fired
    assert found.text_en == "no beneficial owner holds 25% or more (largest holding 20.0%)"
    assert found.text_zh == "没有持股 25% 及以上的最终受益人（最大持股 20.0%）"


def test_no_ubos_declared() -> None:
    for ubos in ([], None):
        found = signals(kyb_case(ubos=ubos))
        assert found["kyb.ubo_count"].value == 0
        assert found["kyb.ubo_count"].fired
        assert found["kyb.no_identifiable_ubo"].fired
        assert found["kyb.ubo_ownership_total_pct"].value is None
        assert found["kyb.nominee_like_ubo"].value is None
        assert found["kyb.ubo_nationality_risk_level"].value is None


def test_owners_without_shares_are_unknown_not_absent() -> None:
    owners = [{"name": "Anna Becker"}, {"name": "Tom Hale"}]
    found = signals(kyb_case(ubos=owners))
    assert found["kyb.no_identifiable_ubo"].value is None
    assert found["kyb.ubo_ownership_total_pct"].value is None
    assert found["kyb.ubo_count"].value == 2


def test_ubo_nationality_risk() -> None:
    owners = [OWNER_A, {**OWNER_B, "nationality": "ir"}]
    found = signals(kyb_case(ubos=owners))["kyb.ubo_nationality_risk_level"]
    assert found.value == 2
    assert found.severity is Severity.HIGH
    assert found.text_en == "beneficial owner Tom Hale is a national of IR, on the FATF call-for-action list"


@pytest.mark.parametrize(
    ("owners", "reason"),
    [([{**OWNER_A, "date_of_birth": "2004-01-01", "ownership_pct": 100}], "sole owner aged 22"),
     ([{**OWNER_A, "date_of_birth": "1938-01-01", "ownership_pct": 100}], "sole owner aged 88"),
     ([OWNER_A, {**OWNER_B, "name": "BECKER, Anna"}], "listed more than once")],
)  # fmt: skip
def test_nominee_like_owners(owners: list[dict[str, Any]], reason: str) -> None:
    found = signals(kyb_case(ubos=owners))["kyb.nominee_like_ubo"]
    assert found.fired
    assert found.text_en.endswith(f"looks like a nominee: {reason}")


def test_a_middle_aged_sole_owner_is_not_nominee_like() -> None:
    assert not signals(kyb_case(ubos=[{**OWNER_A, "ownership_pct": 100}]))["kyb.nominee_like_ubo"].fired


def test_ubo_and_company_name_screening_with_chinese_names() -> None:
    watchlist = Watchlist(
        [
            WatchlistEntry("p-1", "李伟", birth_dates=("1988-07-02",)),
            WatchlistEntry("c-1", "Becker Software Limited", schema="Company"),
        ]
    )
    owners = [OWNER_A, {**OWNER_B, "name": "Wei Li", "date_of_birth": "1988-07-02"}]
    found = signals(kyb_case(ubos=owners), screen=watchlist)
    assert found["kyb.ubo_watchlist_score"].fired
    assert found["kyb.ubo_watchlist_score"].value == 1.0
    assert found["kyb.entity_watchlist_score"].fired
    other_birthday = [OWNER_A, {**OWNER_B, "name": "Wei Li", "date_of_birth": "1990-01-01"}]
    assert not signals(kyb_case(ubos=other_birthday), screen=watchlist)["kyb.ubo_watchlist_score"].fired


def test_no_entity_at_all() -> None:
    found = signals(build_case("kyb", ALERT))
    assert found["kyb.entity_missing"].fired
    quiet = {sid: s.value for sid, s in found.items() if sid != "kyb.entity_missing"}
    assert all(value is None for value in quiet.values()), quiet


def test_every_fired_template_is_filled_in_both_languages() -> None:
    owners = [
        {"name": "Li Wei", "date_of_birth": "2005-01-01", "nationality": "KP", "ownership_pct": 100},
        {"name": "Wei Li", "nationality": "IR", "ownership_pct": 10},
    ]
    case = kyb_case(
        legal_name="Anonymous Nominee Trading", registration_number=None, jurisdiction="VG",
        incorporated_on="2026-10-20", business_category="otc_desk", expected_monthly_volume_usd=50_000_000,
        ubos=owners,
    )  # fmt: skip
    watchlist = Watchlist([WatchlistEntry("p", "Li Wei"), WatchlistEntry("c", "Anonymous Nominee Trading")])
    found = signals(case, screen=watchlist)
    names = {spec.id: (spec.name_en, spec.name_zh) for spec in kyb.registry.specs}
    quiet = {s.id for s in found.values() if not s.fired}
    assert quiet == {"kyb.entity_missing", "kyb.ubo_count", "kyb.no_identifiable_ubo"}
    for signal in found.values():
        if signal.fired:
            assert (signal.text_en, signal.text_zh) != names[signal.id], signal.id
            assert "{" not in signal.text_en + signal.text_zh
