"""KYB signals: the company's age, size, place and line of business, and who owns it."""

from __future__ import annotations

from roca.signals.base import Reading, Severity, SignalRegistry
from roca.signals.context import SignalInput
from roca.signals.kyb_view import SIGNIFICANT_OWNERSHIP_PCT, KybView
from roca.signals.risk_tables import FATF_LISTS, list_labels

__all__ = ["KybView", "registry", "view"]

YOUNG_COMPANY_DAYS = 90
# Volume that a company under a year old rarely has honestly: a new vehicle for someone else's money.
YOUNG_COMPANY_MAX_DAYS = 365
YOUNG_COMPANY_VOLUME_USD = 1_000_000.0
LARGE_VOLUME_USD = 10_000_000.0
OWNERSHIP_TOLERANCE_PCT = 0.5  # rounding in declared percentages
HIGH_RISK_CATEGORY = 2


def view(signal_input: SignalInput) -> KybView:
    return KybView(signal_input)


registry: SignalRegistry[KybView] = SignalRegistry("kyb")


def _lists(lists: tuple[str, ...], *, fatf_only: bool = False) -> dict[str, str]:
    chosen = tuple(name for name in lists if name in FATF_LISTS) if fatf_only else lists
    return {"lists_en": list_labels(chosen, "en"), "lists_zh": list_labels(chosen, "zh")}


@registry.signal(
    "kyb.entity_missing", kind="bool", severity=Severity.HIGH, group="profile",
    name=("Company profile missing", "缺少公司资料"),
    text=("the case carries no company profile", "案件中没有公司资料"),
)  # fmt: skip
def entity_missing(v: KybView) -> Reading:
    return Reading(v.entity is None, v.entity is None)


@registry.signal(
    "kyb.company_age_days", kind="int", severity=Severity.MEDIUM, group="profile",
    name=("Company age", "公司成立时长"),
    text=("the company was incorporated only {value} days ago", "公司成立仅 {value} 天"),
)  # fmt: skip
def company_age_days(v: KybView) -> Reading:
    age = v.company_age_days
    return Reading(age, age is not None and age < YOUNG_COMPANY_DAYS)


@registry.signal(
    "kyb.young_company_high_volume", kind="bool", severity=Severity.HIGH, group="profile",
    name=("Young company with large expected volume", "新成立公司预计交易额大"),
    text=(
        "a company incorporated {days} days ago expects USD {volume:,.0f} a month",
        "公司成立仅 {days} 天，却预计每月交易 {volume:,.0f} 美元",
    ),
)  # fmt: skip
def young_company_high_volume(v: KybView) -> Reading:
    age, volume = v.company_age_days, v.expected_volume
    if age is None or volume is None:
        return Reading(None)
    young_and_large = age < YOUNG_COMPANY_MAX_DAYS and volume >= YOUNG_COMPANY_VOLUME_USD
    return Reading(young_and_large, young_and_large, {"days": age, "volume": volume})


@registry.signal(
    "kyb.expected_monthly_volume_usd", kind="float", severity=Severity.MEDIUM, group="profile",
    name=("Expected monthly volume", "预计月交易额"),
    text=(
        "expected monthly volume USD {value:,.0f} is at or above USD {limit:,.0f}",
        "预计月交易额 {value:,.0f} 美元，达到或超过 {limit:,.0f} 美元",
    ),
)  # fmt: skip
def expected_monthly_volume_usd(v: KybView) -> Reading:
    volume = v.expected_volume
    return Reading(volume, volume is not None and volume >= LARGE_VOLUME_USD, {"limit": LARGE_VOLUME_USD})


@registry.signal(
    "kyb.jurisdiction_risk_level", kind="int", severity=Severity.MEDIUM, group="geography",
    name=("Jurisdiction risk", "注册地风险"),
    text=("incorporated in {country}: {lists_en}", "注册地 {country}：{lists_zh}"),
)  # fmt: skip
def jurisdiction_risk_level(v: KybView) -> Reading:
    if v.jurisdiction is None:
        return Reading(None)
    risk = v.jurisdiction_risk
    level = risk.jurisdiction_level
    severity = Severity.HIGH if risk.fatf_level >= 2 else None
    return Reading(level, level >= 1, {"country": v.jurisdiction, **_lists(risk.lists)}, severity)


@registry.signal(
    "kyb.offshore_jurisdiction", kind="bool", severity=Severity.MEDIUM, group="geography",
    name=("Offshore jurisdiction", "离岸司法管辖区"),
    text=(
        "incorporated in {country}, an offshore secrecy jurisdiction",
        "注册于离岸保密司法管辖区 {country}",
    ),
)  # fmt: skip
def offshore_jurisdiction(v: KybView) -> Reading:
    if v.jurisdiction is None:
        return Reading(None)
    offshore = v.jurisdiction_risk.offshore
    return Reading(offshore, offshore, {"country": v.jurisdiction})


@registry.signal(
    "kyb.business_category_risk", kind="int", severity=Severity.HIGH, group="profile",
    name=("Business category risk", "业务类别风险"),
    text=("business category {category} is high risk", "业务类别 {category} 属于高风险"),
)  # fmt: skip
def business_category_risk(v: KybView) -> Reading:
    level = v.category_risk
    category = v.entity.business_category if v.entity else None
    return Reading(level, level is not None and level >= HIGH_RISK_CATEGORY, {"category": category})


@registry.signal(
    "kyb.registration_number_missing", kind="bool", severity=Severity.MEDIUM, group="profile",
    name=("Registration number missing", "缺少公司注册号"),
    text=("no company registration number was provided", "未提供公司注册号"),
)  # fmt: skip
def registration_number_missing(v: KybView) -> Reading:
    if v.entity is None:
        return Reading(None)
    missing = not (v.entity.registration_number or "").strip()
    return Reading(missing, missing)


@registry.signal(
    "kyb.legal_name_red_flags", kind="int", severity=Severity.MEDIUM, group="profile",
    name=("Red-flag words in the legal name", "公司名称中的风险词"),
    text=("the legal name contains red-flag words: {words}", "公司名称含有风险词：{words_zh}"),
)  # fmt: skip
def legal_name_red_flags(v: KybView) -> Reading:
    if v.entity is None or not v.entity.legal_name:
        return Reading(None)
    words = v.red_flag_words
    return Reading(len(words), bool(words), {"words": ", ".join(words), "words_zh": "、".join(words)})


@registry.signal(
    "kyb.entity_watchlist_score", kind="float", severity=Severity.CRITICAL, group="screening",
    name=("Company name watchlist screening", "公司名称观察名单筛查"),
    text=(
        "legal name {name} matches watchlist entry {entry} "
        "with score {value:.2f} (threshold {threshold:.2f})",
        "公司名称 {name} 与观察名单条目 {entry} 匹配，分数 {value:.2f}（阈值 {threshold:.2f}）",
    ),
)  # fmt: skip
def entity_watchlist_score(v: KybView) -> Reading:
    hit = v.entity_screening
    if hit is None:
        return Reading(None)
    return Reading(
        hit.score, hit.fired, {"name": hit.name, "entry": hit.entry_id, "threshold": hit.threshold}
    )


@registry.signal(
    "kyb.ubo_watchlist_score", kind="float", severity=Severity.CRITICAL, group="screening",
    name=("Beneficial owner watchlist screening", "最终受益人观察名单筛查"),
    text=(
        "beneficial owner {name} matches watchlist entry {entry} "
        "with score {value:.2f} (threshold {threshold:.2f})",
        "最终受益人 {name} 与观察名单条目 {entry} 匹配，分数 {value:.2f}（阈值 {threshold:.2f}）",
    ),
)  # fmt: skip
def ubo_watchlist_score(v: KybView) -> Reading:
    hit = v.ubo_screening
    if hit is None:
        return Reading(None)
    return Reading(
        hit.score, hit.fired, {"name": hit.name, "entry": hit.entry_id, "threshold": hit.threshold}
    )


@registry.signal(
    "kyb.ubo_count", kind="int", severity=Severity.HIGH, group="ownership",
    name=("Number of beneficial owners", "最终受益人数量"),
    text=("no beneficial owner was declared", "未申报任何最终受益人"),
)  # fmt: skip
def ubo_count(v: KybView) -> Reading:
    if v.entity is None:
        return Reading(None)
    return Reading(len(v.ubos), not v.ubos)


@registry.signal(
    "kyb.ubo_ownership_total_pct", kind="float", severity=Severity.MEDIUM, group="ownership",
    name=("Declared ownership total", "申报持股合计"),
    text=(
        "declared beneficial ownership adds up to {value:.1f}%, not 100%",
        "申报的最终受益人持股合计 {value:.1f}%，不等于 100%",
    ),
)  # fmt: skip
def ubo_ownership_total_pct(v: KybView) -> Reading:
    if not v.shares:
        return Reading(None)
    total = round(sum(v.shares), 2)
    off = abs(total - 100.0) > OWNERSHIP_TOLERANCE_PCT
    # More than 100% cannot be true: the declaration itself is wrong.
    return Reading(total, off, severity=Severity.HIGH if total > 100.0 + OWNERSHIP_TOLERANCE_PCT else None)


@registry.signal(
    "kyb.no_identifiable_ubo", kind="bool", severity=Severity.HIGH, group="ownership",
    name=("No identifiable beneficial owner", "无可识别的最终受益人"),
    text=(
        "no beneficial owner holds {threshold:.0f}% or more (largest holding {largest:.1f}%)",
        "没有持股 {threshold:.0f}% 及以上的最终受益人（最大持股 {largest:.1f}%）",
    ),
)  # fmt: skip
def no_identifiable_ubo(v: KybView) -> Reading:
    if v.entity is None or (v.ubos and not v.shares):
        return Reading(None)  # owners named without shares: unknown, not absent
    largest = max(v.shares, default=0.0)
    none_significant = largest < SIGNIFICANT_OWNERSHIP_PCT
    params = {"threshold": SIGNIFICANT_OWNERSHIP_PCT, "largest": largest}
    return Reading(none_significant, none_significant, params)


@registry.signal(
    "kyb.ubo_nationality_risk_level", kind="int", severity=Severity.MEDIUM, group="ownership",
    name=("Beneficial owner nationality risk", "最终受益人国籍风险"),
    text=(
        "beneficial owner {name} is a national of {country}, on the {lists_en}",
        "最终受益人 {name} 的国籍 {country} 被列入 {lists_zh}",
    ),
)  # fmt: skip
def ubo_nationality_risk_level(v: KybView) -> Reading:
    rated = v.riskiest_nationality
    if rated is None:
        return Reading(None)
    ubo, risk = rated
    params = {
        "name": ubo.name,
        "country": (ubo.nationality or "").upper(),
        **_lists(risk.lists, fatf_only=True),
    }
    severity = Severity.HIGH if risk.fatf_level >= 2 else None
    return Reading(risk.fatf_level, risk.fatf_level >= 1, params, severity)


@registry.signal(
    "kyb.nominee_like_ubo", kind="bool", severity=Severity.HIGH, group="ownership",
    name=("Nominee-like beneficial owner", "疑似代持的最终受益人"),
    text=(
        "beneficial owner {name} looks like a nominee: {reason_en}",
        "最终受益人 {name} 疑似代持：{reason_zh}",
    ),
)  # fmt: skip
def nominee_like_ubo(v: KybView) -> Reading:
    if not v.ubos:
        return Reading(None)
    sign = v.nominee_sign
    if sign is None:
        return Reading(False)
    return Reading(True, True, {"name": sign.name, "reason_en": sign.reason_en, "reason_zh": sign.reason_zh})
