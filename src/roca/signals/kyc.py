"""KYC signals: identity documents, biometrics, the applicant's age and countries, watchlist screening,
and the devices and networks the account was opened from."""

from __future__ import annotations

from roca.signals.base import Reading, Severity, SignalRegistry
from roca.signals.context import SignalInput
from roca.signals.evidence import DOC_LABELS, accounts_en, network_params
from roca.signals.kyc_view import KycView
from roca.signals.risk_tables import list_labels

__all__ = ["KycView", "registry", "view"]

EXPIRY_WARNING_DAYS = 30  # a document that lapses within a month needs re-verification right away
TAMPER_LIMIT = 0.50
FACE_MATCH_MINIMUM = 0.80
LIVENESS_MINIMUM = 0.80
MINIMUM_AGE = 18
NAME_SIMILARITY_MINIMUM = 0.85
DEVICE_NEW_ACCOUNTS_LIMIT = 2  # one shared family device is normal; more looks like an account farm
IP_NEW_ACCOUNTS_LIMIT = 3  # carrier NAT makes shared IPs common, so the IP bar is higher
SCRIPTED_SIGNUP_MINUTES = 10.0
UPSTREAM_SCORE_LIMIT = 0.70


def view(signal_input: SignalInput) -> KycView:
    return KycView(signal_input)


registry: SignalRegistry[KycView] = SignalRegistry("kyc")


def _doc(doc_type: str) -> dict[str, str]:
    en, zh = DOC_LABELS.get(doc_type, (doc_type, doc_type))
    return {"doc_en": en, "doc_zh": zh}


@registry.signal(
    "kyc.document_expired", kind="bool", severity=Severity.HIGH, group="document",
    name=("Identity document expired", "身份证件已过期"),
    text=(
        "{doc_en} expired on {expiry} ({days} days before the case)",
        "{doc_zh}已于 {expiry} 过期（早于案件 {days} 天）",
    ),
)  # fmt: skip
def document_expired(v: KycView) -> Reading:
    days, doc = v.days_to_expiry, v.first_expiring
    if days is None or doc is None:
        return Reading(None)
    return Reading(days < 0, days < 0, {"expiry": doc.expiry_date, "days": -days, **_doc(doc.doc_type)})


@registry.signal(
    "kyc.document_days_to_expiry", kind="int", severity=Severity.MEDIUM, group="document",
    name=("Days until the identity document expires", "身份证件距到期天数"),
    text=(
        "{doc_en} expires in {value} days, on {expiry}",
        "{doc_zh}将在 {value} 天后（{expiry}）到期",
    ),
)  # fmt: skip
def document_days_to_expiry(v: KycView) -> Reading:
    days, doc = v.days_to_expiry, v.first_expiring
    if days is None or doc is None:
        return Reading(None)
    return Reading(days, 0 <= days <= EXPIRY_WARNING_DAYS, {"expiry": doc.expiry_date, **_doc(doc.doc_type)})


@registry.signal(
    "kyc.tamper_score", kind="float", severity=Severity.HIGH, group="document",
    name=("Document tamper score", "证件篡改分数"),
    text=(
        "document tamper score {value:.2f} is at or above {limit:.2f}",
        "证件篡改分数 {value:.2f}，达到或超过 {limit:.2f}",
    ),
)  # fmt: skip
def tamper_score(v: KycView) -> Reading:
    score = v.tamper_score
    return Reading(score, score is not None and score >= TAMPER_LIMIT, {"limit": TAMPER_LIMIT})


@registry.signal(
    "kyc.face_match_score", kind="float", severity=Severity.HIGH, group="biometrics",
    name=("Face match score", "人脸比对分数"),
    text=(
        "face match {value:.2f} is below {minimum:.2f}",
        "人脸比对分数 {value:.2f}，低于 {minimum:.2f}",
    ),
)  # fmt: skip
def face_match_score(v: KycView) -> Reading:
    score = v.face_match_score
    return Reading(score, score is not None and score < FACE_MATCH_MINIMUM, {"minimum": FACE_MATCH_MINIMUM})


@registry.signal(
    "kyc.liveness_score", kind="float", severity=Severity.HIGH, group="biometrics",
    name=("Liveness score", "活体检测分数"),
    text=(
        "liveness score {value:.2f} is below {minimum:.2f}",
        "活体检测分数 {value:.2f}，低于 {minimum:.2f}",
    ),
)  # fmt: skip
def liveness_score(v: KycView) -> Reading:
    score = v.liveness_score
    return Reading(score, score is not None and score < LIVENESS_MINIMUM, {"minimum": LIVENESS_MINIMUM})


@registry.signal(
    "kyc.applicant_age_years", kind="int", severity=Severity.HIGH, group="identity",
    name=("Applicant age", "申请人年龄"),
    text=(
        "applicant is {value} years old, under the minimum age of {minimum}",
        "申请人 {value} 岁，未满最低年龄 {minimum} 岁",
    ),
)  # fmt: skip
def applicant_age_years(v: KycView) -> Reading:
    age = v.age_years
    return Reading(age, age is not None and 0 <= age < MINIMUM_AGE, {"minimum": MINIMUM_AGE})


@registry.signal(
    "kyc.implausible_birth_date", kind="bool", severity=Severity.MEDIUM, group="identity",
    name=("Implausible date of birth", "出生日期不合常理"),
    text=(
        "date of birth {born} gives an implausible age of {age}",
        "出生日期 {born} 对应年龄 {age} 岁，不合常理",
    ),
)  # fmt: skip
def implausible_birth_date(v: KycView) -> Reading:
    if not v.birth_dates:
        return Reading(None)
    found = v.implausible_birth_date
    if found is None:
        return Reading(False)
    return Reading(True, True, {"born": found[0], "age": found[1]})


@registry.signal(
    "kyc.name_similarity", kind="float", severity=Severity.HIGH, group="identity",
    name=("Name consistency across documents", "各证件姓名一致性"),
    text=(
        "names on the documents agree only {value:.0%} ({first} vs {second})",
        "各证件上的姓名相似度仅 {value:.0%}（{first} 与 {second}）",
    ),
)  # fmt: skip
def name_similarity(v: KycView) -> Reading:
    pair = v.least_similar_names
    if pair is None:
        return Reading(None)
    score, first, second = pair
    return Reading(round(score, 4), score < NAME_SIMILARITY_MINIMUM, {"first": first, "second": second})


@registry.signal(
    "kyc.birth_date_mismatch", kind="bool", severity=Severity.HIGH, group="identity",
    name=("Dates of birth differ across documents", "各证件出生日期不一致"),
    text=(
        "documents give different dates of birth: {dates}",
        "各证件上的出生日期不一致：{dates_zh}",
    ),
)  # fmt: skip
def birth_date_mismatch(v: KycView) -> Reading:
    if len(v.birth_dates) < 2:
        return Reading(None)
    distinct = sorted(set(v.birth_dates))
    dates = [str(d) for d in distinct]
    return Reading(
        len(distinct) > 1, len(distinct) > 1, {"dates": ", ".join(dates), "dates_zh": "、".join(dates)}
    )


@registry.signal(
    "kyc.issuing_country_mismatch", kind="bool", severity=Severity.LOW, group="geography",
    name=("Document issued outside the account's country", "证件签发国与账户国家不同"),
    text=(
        "{doc_en} was issued in {issued} but the account's country is {country}",
        "{doc_zh}签发国为 {issued}，与账户所在国 {country} 不同",
    ),
)  # fmt: skip
def issuing_country_mismatch(v: KycView) -> Reading:
    issued = [d for d in v.identity_documents if d.issuing_country]
    if v.subject_country is None or not issued:
        return Reading(None)
    doc = v.foreign_document
    if doc is None:
        return Reading(False)
    params = {
        "issued": (doc.issuing_country or "").upper(),
        "country": v.subject_country,
        **_doc(doc.doc_type),
    }
    return Reading(True, True, params)


@registry.signal(
    "kyc.country_risk_level", kind="int", severity=Severity.MEDIUM, group="geography",
    name=("Country risk (FATF lists)", "国家风险（FATF 名单）"),
    text=(
        "{country} is on the {lists_en}",
        "{country} 被列入 {lists_zh}",
    ),
)  # fmt: skip
def country_risk_level(v: KycView) -> Reading:
    rated = v.riskiest_country
    if rated is None:
        return Reading(None)
    country, risk = rated
    fatf = tuple(name for name in risk.lists if name.startswith("fatf"))
    params = {"country": country, "lists_en": list_labels(fatf, "en"), "lists_zh": list_labels(fatf, "zh")}
    severity = Severity.HIGH if risk.fatf_level >= 2 else None
    return Reading(risk.fatf_level, risk.fatf_level >= 1, params, severity)


@registry.signal(
    "kyc.watchlist_score", kind="float", severity=Severity.CRITICAL, group="screening",
    name=("Watchlist name screening", "观察名单姓名筛查"),
    text=(
        "{name} matches watchlist entry {entry} with score {value:.2f} (threshold {threshold:.2f})",
        "姓名 {name} 与观察名单条目 {entry} 匹配，分数 {value:.2f}（阈值 {threshold:.2f}）",
    ),
)  # fmt: skip
def watchlist_score(v: KycView) -> Reading:
    hit = v.screening
    if hit is None:
        return Reading(None)
    return Reading(
        hit.score, hit.fired, {"name": hit.name, "entry": hit.entry_id, "threshold": hit.threshold}
    )


@registry.signal(
    "kyc.device_new_accounts", kind="int", severity=Severity.HIGH, group="links",
    name=("New accounts on the same device", "同设备新账户数"),
    text=(
        "{value} other accounts opened in the last 30 days used the same device",
        "另有 {value} 个近 30 天内开立的账户使用同一设备",
    ),
)  # fmt: skip
def device_new_accounts(v: KycView) -> Reading:
    links = v.device_links
    count = None if links is None else links.recent_accounts
    return Reading(count, count is not None and count >= DEVICE_NEW_ACCOUNTS_LIMIT)


@registry.signal(
    "kyc.ip_new_accounts", kind="int", severity=Severity.MEDIUM, group="links",
    name=("New accounts on the same IP", "同 IP 新账户数"),
    text=(
        "{value} other accounts opened in the last 30 days used the same IP address",
        "另有 {value} 个近 30 天内开立的账户使用同一 IP 地址",
    ),
)  # fmt: skip
def ip_new_accounts(v: KycView) -> Reading:
    links = v.ip_links
    count = None if links is None else links.recent_accounts
    return Reading(count, count is not None and count >= IP_NEW_ACCOUNTS_LIMIT)


@registry.signal(
    "kyc.linked_bad_accounts", kind="int", severity=Severity.CRITICAL, group="links",
    name=("Confirmed-bad accounts on the same device or IP", "同设备或 IP 的已确认违规账户"),
    text=(
        "shares a device or IP with {accounts} confirmed as bad",
        "共用该设备或 IP 的账户中有 {value} 个已被确认违规",
    ),
)  # fmt: skip
def linked_bad_accounts(v: KycView) -> Reading:
    found = [links.confirmed_bad for links in (v.device_links, v.ip_links) if links is not None]
    # The same bad account is often behind both the device and the IP: the larger count, not the sum.
    count = max(found, default=None)
    return Reading(count, count is not None and count >= 1, {"accounts": accounts_en(count or 0)})


@registry.signal(
    "kyc.account_age_minutes", kind="float", severity=Severity.LOW, group="account",
    name=("Account age at case time", "案件发生时的账户年龄"),
    text=(
        "KYC case raised {value:.0f} minutes after sign-up",
        "注册后仅 {value:.0f} 分钟即触发 KYC 案件",
    ),
)  # fmt: skip
def account_age_minutes(v: KycView) -> Reading:
    minutes = v.account_age_minutes
    rounded = None if minutes is None else round(minutes, 1)
    return Reading(rounded, minutes is not None and minutes < SCRIPTED_SIGNUP_MINUTES)


@registry.signal(
    "kyc.anonymising_network_at_signup", kind="bool", severity=Severity.MEDIUM, group="account",
    name=("Anonymising network at sign-up", "注册时使用匿名网络"),
    text=(
        "signed up through {network_en}",
        "注册时使用{network_zh}",
    ),
)  # fmt: skip
def anonymising_network_at_signup(v: KycView) -> Reading:
    if not v.signup_events:
        return Reading(None)
    event = v.signup_anonymiser
    severity = Severity.HIGH if event is not None and event.asn_type == "tor" else None
    return Reading(event is not None, event is not None, network_params(event), severity)


@registry.signal(
    "kyc.signup_ip_country_mismatch", kind="bool", severity=Severity.LOW, group="geography",
    name=("Sign-up IP country differs from declared country", "注册 IP 国家与申报国家不同"),
    text=(
        "signed up from {ip_country}, not the declared {country}",
        "注册 IP 位于 {ip_country}，与申报国家 {country} 不符",
    ),
)  # fmt: skip
def signup_ip_country_mismatch(v: KycView) -> Reading:
    seen, declared = v.signup_ip_country, v.subject_country
    if seen is None or declared is None:
        return Reading(None)
    return Reading(seen != declared, seen != declared, {"ip_country": seen, "country": declared})


@registry.signal(
    "kyc.selfie_missing", kind="bool", severity=Severity.MEDIUM, group="document",
    name=("Selfie missing", "缺少自拍照"),
    text=(
        "no selfie or face match was submitted",
        "未提交自拍照或人脸比对结果",
    ),
)  # fmt: skip
def selfie_missing(v: KycView) -> Reading:
    return Reading(not v.has_selfie, not v.has_selfie)


@registry.signal(
    "kyc.identity_document_missing", kind="bool", severity=Severity.HIGH, group="document",
    name=("Identity document missing", "缺少身份证件"),
    text=(
        "no passport, ID card or driving licence was submitted",
        "未提交护照、身份证或驾驶证",
    ),
)  # fmt: skip
def identity_document_missing(v: KycView) -> Reading:
    missing = not v.identity_documents
    return Reading(missing, missing)


@registry.signal(
    "kyc.upstream_score", kind="float", severity=Severity.MEDIUM, group="alert",
    name=("Upstream risk score", "上游风险评分"),
    text=(
        "upstream risk score {value:.2f} is at or above {limit:.2f}",
        "上游风险评分 {value:.2f}，达到或超过 {limit:.2f}",
    ),
)  # fmt: skip
def upstream_score(v: KycView) -> Reading:
    alert = v.case.alert
    score = alert.upstream_score if alert is not None else None
    return Reading(
        score, score is not None and score >= UPSTREAM_SCORE_LIMIT, {"limit": UPSTREAM_SCORE_LIMIT}
    )
