"""KYB cases: a corporate applicant, its registry data and its declared beneficial owners.

Scenarios and the correct decision: genuine (approve); incomplete declaration (request_info);
shell company - young, offshore, high volume, ownership mostly undeclared (reject); nominee owners
seen across many companies (enhanced_due_diligence); established but high-risk business
(enhanced_due_diligence); entity or owner on the watchlist (reject).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from roca.simulate import envelope, events, geo
from roca.simulate.background import local_daytime
from roca.simulate.events import Event
from roca.simulate.identifiers import consumer_device
from roca.simulate.names import person_name
from roca.simulate.rng import between, chance, clip, lognormal, pick, seconds, weighted
from roca.simulate.watchlist import COMPANY_TRADES, birth_date
from roca.simulate.world import Draft, World

KYB_MIX = {
    "genuine": 0.42,
    "incomplete": 0.20,
    "shell_company": 0.13,
    "nominee_ubo": 0.13,
    "high_risk_legit": 0.06,
    "sanctioned": 0.06,
}
KYB_LABELS = {
    "genuine": "approve",
    "incomplete": "request_info",
    "shell_company": "reject",
    "nominee_ubo": "enhanced_due_diligence",
    "high_risk_legit": "enhanced_due_diligence",
    "sanctioned": "reject",
}
MALICIOUS = frozenset({"shell_company", "nominee_ubo", "sanctioned"})
ONSHORE = {
    "SG": 0.2,
    "HK": 0.2,
    "GB": 0.12,
    "US": 0.1,
    "DE": 0.06,
    "JP": 0.06,
    "CN": 0.08,
    "TW": 0.06,
    "AE": 0.06,
    "KR": 0.06,
}
OFFSHORE = {"SC": 0.25, "VG": 0.25, "KY": 0.15, "BZ": 0.1, "PA": 0.1, "MH": 0.1, "WS": 0.05}
CATEGORIES = {
    "low": ("software", "ecommerce", "technology", "logistics", "media", "retail", "manufacturing"),
    "medium": (
        "proprietary_trading",
        "market_maker",
        "asset_management",
        "import_export",
        "consulting",
        "holding_company",
    ),
    "high": ("otc_desk", "payment_processor", "money_service", "crypto_exchange", "remittance"),
}
LEGAL_FORMS = {
    "GB": "Ltd",
    "US": "LLC",
    "DE": "GmbH",
    "SG": "Pte. Ltd.",
    "HK": "Limited",
    "JP": "K.K.",
    "PA": "S.A.",
}
# Applicants' own naming vocabulary (the listed companies use another), so that a screening hit on
# a legitimate applicant is the occasional fuzzy coincidence, not the rule.
APPLICANT_WORDS = (
    ("Blue", "蓝"), ("Northern", "北方"), ("Summit", "峰"), ("Evergreen", "长青"), ("Bright", "明"),
    ("Apex", "顶"), ("Silver", "银"), ("Maple", "枫"), ("Coral", "珊瑚"), ("Meridian", "子午"),
    ("Lotus", "莲"), ("Horizon", "远景"), ("Granite", "磐石"), ("Willow", "柳"),
)  # fmt: skip
APPLICANT_NOUNS = ("Harbor", "Point", "Field", "Stone", "Bay", "Line", "Peak", "Valley", "Works", "Labs")
CITY_PREFIX = {"CN": "深圳市", "TW": "台北市", "HK": ""}
# scenario: (years incorporated low, high), (volume median, sigma), category risk mix, offshore share
SHAPES: dict[str, tuple[tuple[float, float], tuple[float, float], dict[str, float], float]] = {
    "genuine": ((2, 25), (300e3, 1.2), {"low": 0.6, "medium": 0.35, "high": 0.05}, 0.05),
    "incomplete": ((1, 20), (300e3, 1.2), {"low": 0.5, "medium": 0.4, "high": 0.1}, 0.1),
    "shell_company": ((0.04, 0.4), (20e6, 0.8), {"low": 0.1, "medium": 0.4, "high": 0.5}, 0.9),
    "nominee_ubo": ((0.5, 3), (5e6, 0.8), {"low": 0.2, "medium": 0.5, "high": 0.3}, 0.6),
    "high_risk_legit": ((3, 20), (40e6, 0.8), {"low": 0.0, "medium": 0.4, "high": 0.6}, 0.4),
    "sanctioned": ((1, 10), (2e6, 1.0), {"low": 0.3, "medium": 0.4, "high": 0.3}, 0.4),
}


def _legal_name(rng: random.Random, jurisdiction: str) -> str:
    (word, word_zh), (trade, trade_zh) = pick(rng, APPLICANT_WORDS), pick(rng, COMPANY_TRADES)
    if jurisdiction in CITY_PREFIX and chance(rng, 0.6):
        suffix = "股份有限公司" if chance(rng, 0.2) else "有限公司"
        flourish = pick(rng, ("辰", "源", "达", "信", "华"))
        return f"{CITY_PREFIX[jurisdiction]}{word_zh}{flourish}{trade_zh}{suffix}"
    noun = pick(rng, APPLICANT_NOUNS)
    return f"{word} {noun} {trade} {LEGAL_FORMS.get(jurisdiction, 'Ltd')}"


def _owner(rng: random.Random, nationality: str, share: float) -> dict[str, Any]:
    home = geo.country(nationality) if nationality in geo.countries() else geo.country("SG")
    name = person_name(rng, home.name_style, chance(rng, home.zh_share))
    return {"name": name.native or name.latin if chance(rng, 0.5) else name.latin,
            "date_of_birth": birth_date(rng, 1950, 1998).isoformat(), "nationality": home.code,
            "ownership_pct": round(share, 1)}  # fmt: skip


def _split(rng: random.Random, total: float, parts: int) -> list[float]:
    cuts = sorted(rng.random() for _ in range(parts - 1))
    return [total * (b - a) for a, b in pairwise([0.0, *cuts, 1.0])]


def _owners(world: World, rng: random.Random, scenario: str, home: str) -> list[dict[str, Any]]:
    if scenario == "nominee_ubo":
        nominees = rng.sample(world.underground.nominees, 1 if chance(rng, 0.6) else 2)
        share = 100.0 / len(nominees)
        return [{"name": n.name.latin, "date_of_birth": n.date_of_birth, "nationality": n.nationality,
                 "ownership_pct": share} for n in nominees]  # fmt: skip
    if scenario == "shell_company":
        if chance(rng, 0.3):
            return []
        return [_owner(rng, pick(rng, list(geo.countries())), between(rng, 10, 50))]
    parts = rng.choices((1, 2, 3), (0.45, 0.4, 0.15))[0]
    total = between(rng, 30, 70) if scenario == "incomplete" and chance(rng, 0.5) else between(rng, 75, 100)
    nationality = home if home in geo.countries() else pick(rng, list(geo.countries()))
    owners = [_owner(rng, nationality if chance(rng, 0.7) else pick(rng, list(geo.countries())), s)
              for s in _split(rng, total, parts)]  # fmt: skip
    if scenario == "incomplete" and total >= 75:
        owners[0].pop("date_of_birth")
    return owners


def _sanction(world: World, rng: random.Random, entity: dict[str, Any]) -> None:
    """Put the entity, or one of its owners, on the list."""
    if chance(rng, 0.5):
        company = pick(rng, [p for p in world.watchlist if p.schema == "Company"])
        entity["legal_name"] = company.native if company.native and chance(rng, 0.4) else company.name
        return
    person = pick(rng, [p for p in world.watchlist[10:] if p.schema == "Person" and len(p.birth_date) == 10])
    owner = {"name": person.native or person.name if chance(rng, 0.3) else person.name,
             "date_of_birth": person.birth_date, "nationality": person.countries[0],
             "ownership_pct": round(between(rng, 25, 100), 1)}  # fmt: skip
    entity["ubos"] = [owner, *entity["ubos"][:1]]


def _entity(world: World, rng: random.Random, scenario: str, today: date) -> dict[str, Any]:
    (young, old), (volume, sigma), risk_mix, offshore = SHAPES[scenario]
    jurisdiction = weighted(rng, OFFSHORE if chance(rng, offshore) else ONSHORE)
    entity: dict[str, Any] = {
        "legal_name": _legal_name(rng, jurisdiction),
        "registration_number": f"{jurisdiction}-{rng.randint(100000, 9999999)}",
        "jurisdiction": jurisdiction,
        "incorporated_on": (today - timedelta(days=round(between(rng, young, old) * 365))).isoformat(),
        "business_category": pick(rng, CATEGORIES[weighted(rng, risk_mix)]),
        "expected_monthly_volume_usd": round(clip(lognormal(rng, volume, sigma), 5e3, 5e8), -3),
        "ubos": _owners(world, rng, scenario, jurisdiction),
    }
    if scenario == "sanctioned":
        _sanction(world, rng, entity)
    if scenario == "incomplete" and chance(rng, 0.2):
        entity.pop("registration_number")
    return entity


def _kyb_alert(rng: random.Random, scenario: str, entity: dict[str, Any], age_days: int) -> dict[str, Any]:
    declared = sum(u.get("ownership_pct", 0.0) for u in entity["ubos"])
    if scenario == "sanctioned" and chance(rng, 0.8):
        reason = "possible watchlist match (entity or owner)"
    elif entity["jurisdiction"] in OFFSHORE and age_days < 365:
        reason = "new corporate account, offshore jurisdiction"
    elif entity["expected_monthly_volume_usd"] >= 5e6:
        reason = "expected volume above onboarding limit"
    elif declared < 75:
        reason = "beneficial ownership below 75% declared"
    else:
        reason = "routine corporate onboarding review"
    alert: dict[str, Any] = {"source": "kyb_onboarding", "reason": reason}
    if chance(rng, 0.5):
        alert["upstream_score"] = round(clip(0.5 + rng.gauss(0.0, 0.18), 0.01, 0.99), 2)
    return alert


def _signup_login(world: World, rng: random.Random, scenario: str, home: geo.Country, t: int) -> Event:
    """The account opening: a representative at home, or a shell's formation agent on a cloud
    machine or a farm phone."""
    shell = scenario == "shell_company"
    network = geo.HOSTING if shell and chance(rng, 0.3) else home.residential
    device = pick(rng, world.underground.farms).devices[0] if shell and chance(rng, 0.2) else None
    return events.login(
        rng, t, pick(rng, network).endpoint(rng), device or consumer_device(rng, 0.8), "email"
    )


def kyb_draft(world: World, rng: random.Random, day: int) -> Draft:
    scenario = weighted(rng, KYB_MIX)
    today = world.config.start + timedelta(days=day)
    entity = _entity(world, rng, scenario, today)
    jurisdiction = entity["jurisdiction"]
    known = jurisdiction in geo.countries()
    home = geo.country(jurisdiction if known else pick(rng, ("HK", "SG", "AE", "GB")))
    created = local_daytime(rng, world.day_start(day), home.utc_offset)
    signup = created - seconds(lognormal(rng, 3 * 24 * 60, 1.0))
    login = _signup_login(world, rng, scenario, home, signup)
    account_id = world.new_company_id()
    language = "zh" if jurisdiction in CITY_PREFIX and chance(rng, 0.6) else "en"
    subject = {"account_id": account_id, "account_created_at": events.iso(signup), "country": jurisdiction,
               "kyc_level": 0, "language": language}  # fmt: skip
    age_days = (today - date.fromisoformat(entity["incorporated_on"])).days
    alert = _kyb_alert(rng, scenario, entity, age_days)
    case = envelope.body("kyb", created, subject, alert, envelope.in_transit(rng, [login]), entity=entity)
    return Draft("kyb", created, case, KYB_LABELS[scenario], scenario, scenario in MALICIOUS, account_id)
