"""Account-takeover (ATO) signals.

Definitions follow the ATO signal reference in the design notes (risk-based authentication papers,
Microsoft riskEventType, Castle and Sardine docs, exchange withdrawal locks).  Every function reads the
:class:`~roca.signals.ato_view.AtoView` built once per case and returns a number or a flag: None when
the timeline cannot answer (no withdrawal, no history to compare with, no balance).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from roca.cases.schemas import Event
from roca.signals.ato_view import (
    ANONYMISING_ASN_TYPES,
    FAILED_LOGIN_LOOKBACK,
    MFA_STRENGTH,
    RECENT_WINDOW,
    SECURITY_CHANGE_TYPES,
    SECURITY_LOOKBACK,
    AtoView,
    Value,
    novel,
    view,
)
from roca.signals.base import Reading, Severity, SignalRegistry, fmt_minutes, fmt_minutes_zh
from roca.signals.context import LinkSummary

__all__ = ["AtoView", "registry", "view"]

registry: SignalRegistry[AtoView] = SignalRegistry("ato")
signal = registry.signal

# The two commonest quiet readings, shared: readings are immutable and rendering copies params.
UNKNOWN = Reading(None)
ABSENT = Reading(False)

IMPOSSIBLE_SPEED_KMH = 900.0  # faster than a commercial flight
FAILED_LOGIN_BURST = 3
FAILED_LOGIN_STORM = 10
MIN_LOGINS_FOR_HABITS = 5  # fewer logins say nothing about a user's usual hours
USUAL_HOUR_TOLERANCE = 1
SECURITY_RUSH_MINUTES = 60  # a change and a withdrawal within the hour is the takeover pattern itself
# Exchanges lock withdrawals for 24 h after a security change, some for 72 h (SECURITY_LOOKBACK).
SHORT_LOCK_HOURS = "24"
SHORT_LOCK_MINUTES = 24 * 60
PASSWORD_CHANGES = ("password_reset", "password_change")
FRESH_ADDRESS_MINUTES = RECENT_WINDOW.total_seconds() / 60
NEW_ADDRESSES_BURST = 2
DRAIN_SHARE = 0.8
DRAIN_CRITICAL_SHARE = 0.9
AMOUNT_RATIO = 5.0
AMOUNT_RATIO_HIGH = 20.0
SESSION_RUSH_MINUTES = 15  # log in and go straight to withdrawal
DORMANT_DAYS = 90
YOUNG_ACCOUNT_DAYS = 30
UPSTREAM_SCORE_HIGH = 0.8
SHARED_DEVICE_ACCOUNTS = 2  # one other account is often family
SHARED_IP_ACCOUNTS = 5  # carrier NAT and offices put many people behind one IP
SHARED_ADDRESS_ACCOUNTS = 1
WINDOW_HOURS = f"{RECENT_WINDOW.total_seconds() / 3600:.0f}"
LOOKBACK_HOURS = f"{SECURITY_LOOKBACK.total_seconds() / 3600:.0f}"

MFA_NAMES = {
    "none": ("none (password only)", "无（仅密码）"),
    "sms": ("SMS code", "短信验证码"),
    "email": ("email code", "邮箱验证码"),
    "totp": ("authenticator app", "身份验证器"),
    "passkey": ("passkey", "通行密钥"),
    "yubikey": ("security key", "硬件安全密钥"),
}
CHANGE_NAMES = {
    "password_reset": ("password reset", "重置密码"),
    "password_change": ("password change", "修改密码"),
    "email_change": ("email change", "更换邮箱"),
    "phone_change": ("phone number change", "更换手机号"),
    "mfa_change": ("two-factor change", "二次验证变更"),
    "anti_phishing_code_change": ("anti-phishing code change", "修改防钓鱼码"),
}
RESET_CHANNELS = {
    "sms": ("an SMS", "短信"),
    "email": ("an email", "邮箱"),
    "app": ("an in-app", "App 内"),
    "support": ("a support-assisted", "客服协助"),
}
NETWORK_NAMES = {
    "tor": ("Tor", "Tor 网络"),
    "vpn": ("a VPN", "VPN"),
    "hosting": ("a hosting provider (data centre)", "托管服务器（数据中心）"),
}
LINK_NAMES = {
    "device": ("device", "设备"),
    "ip": ("IP address", "IP 地址"),
    "address": ("withdrawal address", "提现地址"),
}
MFA_ACTIONS = {"disable": ("disabled", "关闭"), "reset": ("reset", "重置")}


# -- wording helpers -------------------------------------------------------------------------------


def _ago(minutes: float) -> dict[str, str]:
    return {"ago_en": fmt_minutes(minutes), "ago_zh": fmt_minutes_zh(minutes)}


def _listed(values: Iterable[object], limit: int = 3) -> str:
    shown = [str(value)[:60] for value in values]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" (+{more})" if more > 0 else "")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _accounts(count: float, noun: str = "account") -> str:
    return f"{count:.0f} {noun}" + ("" if count == 1 else "s")


def _days_en(days: float) -> str:
    return fmt_minutes(days * 1440).replace(" d", " days")


def _days_zh(days: float) -> str:
    return fmt_minutes_zh(days * 1440)


# -- access: where the session came from -----------------------------------------------------------


def _novelty(recent: Collection[Value], known: Collection[Value], key: str) -> Reading:
    new = novel(recent, known)
    if not new:
        return UNKNOWN if new is None else ABSENT
    return Reading(True, fired=True, params={key: _listed(new)})


@signal(
    "ato.new_device",
    kind="bool",
    severity=Severity.MEDIUM,
    group="access",
    name=("new device", "新设备"),
    text=(
        "activity from a device never seen on this account ({device})",
        "出现该账户此前从未使用过的设备（{device}）",
    ),
)
def new_device(v: AtoView) -> Reading:
    return _novelty(v.recent.access.devices, v.history.access.devices, "device")


@signal(
    "ato.new_ip",
    kind="bool",
    severity=Severity.LOW,
    group="access",
    name=("new IP address", "新 IP 地址"),
    text=(
        "activity from an IP address never seen on this account ({ip})",
        "出现该账户此前从未使用过的 IP 地址（{ip}）",
    ),
)
def new_ip(v: AtoView) -> Reading:
    return _novelty(v.recent.access.ips, v.history.access.ips, "ip")


@signal(
    "ato.new_asn",
    kind="bool",
    severity=Severity.LOW,
    group="access",
    name=("new network (ASN)", "新网络（ASN）"),
    text=(
        "activity from a network never seen on this account (ASN {asn})",
        "出现该账户此前从未使用过的网络（ASN {asn}）",
    ),
)
def new_asn(v: AtoView) -> Reading:
    return _novelty(v.recent.access.asns, v.history.access.asns, "asn")


@signal(
    "ato.new_country",
    kind="bool",
    severity=Severity.MEDIUM,
    group="access",
    name=("new country", "新国家/地区"),
    text=(
        "activity from {country}, a country never seen on this account",
        "出现来自 {country} 的访问，该账户此前从未在此国家/地区出现",
    ),
)
def new_country(v: AtoView) -> Reading:
    return _novelty(v.recent.access.countries, v.history.access.countries, "country")


@signal(
    "ato.new_user_agent",
    kind="bool",
    severity=Severity.LOW,
    group="access",
    name=("new browser or app", "新浏览器或客户端"),
    text=(
        "activity from a browser or app never seen on this account ({user_agent})",
        "出现该账户此前从未使用过的浏览器或客户端（{user_agent}）",
    ),
)
def new_user_agent(v: AtoView) -> Reading:
    return _novelty(v.recent.access.user_agents, v.history.access.user_agents, "user_agent")


@signal(
    "ato.travel_speed_kmh",
    kind="float",
    severity=Severity.HIGH,
    group="access",
    name=("travel speed between logins (km/h)", "登录间移动速度（公里/小时）"),
    text=(
        "logins from {origin} and {destination} {gap_en} apart imply travel at {value:,.0f} km/h",
        "{gap_zh}内先后从 {origin} 和 {destination} 登录，相当于以每小时 {value:,.0f} 公里移动",
    ),
)
def travel_speed_kmh(v: AtoView) -> Reading:
    """Impossible travel: the fastest hop between consecutive successful logins in different countries."""
    fastest = v.fastest_travel()
    if fastest is None:
        return UNKNOWN
    speed, origin, destination = fastest
    if speed <= IMPOSSIBLE_SPEED_KMH:
        return Reading(speed)
    gap = (destination.ts - origin.ts).total_seconds() / 60
    params = {"origin": origin.ip_country, "destination": destination.ip_country}
    return Reading(
        speed, fired=True, params={**params, "gap_en": fmt_minutes(gap), "gap_zh": fmt_minutes_zh(gap)}
    )


@signal(
    "ato.anonymising_network",
    kind="bool",
    severity=Severity.MEDIUM,
    group="access",
    name=("anonymising network", "匿名网络"),
    text=("connected through {network_en}", "使用匿名网络访问：{network_zh}"),
)
def anonymising_network(v: AtoView) -> Reading:
    """Tor, VPN or data-centre addresses in the session; Tor alone is rare among real customers."""
    seen = v.recent.asn_types
    if not seen:
        return UNKNOWN
    found = [kind for kind in ANONYMISING_ASN_TYPES if kind in seen]
    if not found:
        return ABSENT
    params = {
        "network_en": _and([NETWORK_NAMES[k][0] for k in found]),
        "network_zh": "、".join(NETWORK_NAMES[k][1] for k in found),
    }
    return Reading(True, fired=True, params=params, severity=Severity.HIGH if "tor" in seen else None)


@signal(
    "ato.outside_home_country",
    kind="bool",
    severity=Severity.LOW,
    group="access",
    name=("activity outside the account's country", "访问地与账户国家/地区不符"),
    text=(
        "activity from {countries}, outside the account's country ({home})",
        "访问来自 {countries}，不在账户所属国家/地区（{home}）",
    ),
)
def outside_home_country(v: AtoView) -> Reading:
    home = (v.case.subject.country or "").upper()
    seen = v.recent.access.countries
    if not home or not seen:
        return UNKNOWN
    abroad = [country for country in seen if country.upper() != home]
    if not abroad:
        return ABSENT
    return Reading(True, fired=True, params={"countries": _listed(abroad), "home": home})


@signal(
    "ato.failed_logins_before_success",
    kind="float",
    severity=Severity.MEDIUM,
    group="access",
    name=("failed logins before the session", "成功登录前的失败次数"),
    text=(
        "{value:.0f} failed logins in the {lookback_en} before the successful login",
        "成功登录前 {lookback_zh}内有 {value:.0f} 次登录失败",
    ),
)
def failed_logins_before_success(v: AtoView) -> Reading:
    """Password guessing or credential stuffing just before a successful login."""
    count = v.failed_logins_before_success()
    if count is None or count < FAILED_LOGIN_BURST:
        return Reading(count)
    lookback = FAILED_LOGIN_LOOKBACK.total_seconds() / 60
    params = {"lookback_en": fmt_minutes(lookback), "lookback_zh": fmt_minutes_zh(lookback)}
    return Reading(
        count, fired=True, params=params, severity=Severity.HIGH if count >= FAILED_LOGIN_STORM else None
    )


def _hour_gap(a: int, b: int) -> int:
    return min((a - b) % 24, (b - a) % 24)


@signal(
    "ato.unusual_login_hour",
    kind="bool",
    severity=Severity.LOW,
    group="access",
    name=("login at an unusual hour", "非常用时段登录"),
    text=(
        "logged in at {hour:02d}:00 UTC, outside the hours this account is usually active",
        "于 UTC {hour:02d}:00 登录，不在该账户平常的活跃时段",
    ),
)
def unusual_login_hour(v: AtoView) -> Reading:
    """Night-time for the user, judged by their own login hours (their timezone is unknown)."""
    usual = v.history.login_hours
    if v.history.logins < MIN_LOGINS_FOR_HABITS or not v.recent.logins:
        return UNKNOWN
    for login in v.recent.logins:
        hour = login.ts.hour
        if all(_hour_gap(hour, known) > USUAL_HOUR_TOLERANCE for known in usual):
            return Reading(True, fired=True, params={"hour": hour})
    return ABSENT


@signal(
    "ato.weaker_mfa_login",
    kind="bool",
    severity=Severity.MEDIUM,
    group="access",
    name=("weaker second factor at login", "登录二次验证降级"),
    text=(
        "second factor at login: {method_en}, weaker than the usual {usual_en}",
        "登录使用的二次验证为{method_zh}，弱于平常使用的{usual_zh}",
    ),
)
def weaker_mfa_login(v: AtoView) -> Reading:
    usual, weakest = v.usual_mfa(), v.weakest_login_mfa()
    if usual is None or weakest is None:
        return UNKNOWN
    if MFA_STRENGTH.get(weakest, 0) >= MFA_STRENGTH.get(usual, 0):
        return ABSENT
    method, habit = MFA_NAMES.get(weakest, (weakest, weakest)), MFA_NAMES.get(usual, (usual, usual))
    params = {"method_en": method[0], "method_zh": method[1], "usual_en": habit[0], "usual_zh": habit[1]}
    return Reading(True, fired=True, params=params)


# -- security changes before the withdrawal --------------------------------------------------------


def _when(v: AtoView, event: Event) -> dict[str, str]:
    """The timing clause, e.g. ", 28 min before the withdrawal", empty without a withdrawal."""
    minutes = v.minutes_to_withdrawal(event)
    if minutes is None:
        return {"when_en": "", "when_zh": ""}
    return {
        "when_en": f", {fmt_minutes(minutes)} before the withdrawal",
        "when_zh": f"，{fmt_minutes_zh(minutes)}后发起提现",
    }


@signal(
    "ato.mfa_removed",
    kind="bool",
    severity=Severity.HIGH,
    group="security",
    name=("two-factor removed or reset", "二次验证被关闭或重置"),
    text=(
        "two-factor authentication was {action_en} ({method_en}){when_en}",
        "二次验证被{action_zh}（{method_zh}）{when_zh}",
    ),
)
def mfa_removed(v: AtoView) -> Reading:
    change = v.mfa_removal()
    if change is None:
        return ABSENT
    action = MFA_ACTIONS.get((change.action or "").lower(), ("changed", "变更"))
    method = MFA_NAMES.get(change.mfa_method or "", ("method not recorded", "未记录方式"))
    params = {"action_en": action[0], "action_zh": action[1], "method_en": method[0], "method_zh": method[1]}
    return Reading(True, fired=True, params={**params, **_when(v, change)})


def _minutes_after_change(v: AtoView, types: Collection[str]) -> tuple[Event, float] | None:
    """The latest change of these types before the withdrawal, and the minutes between them."""
    change = v.latest_change(types)
    minutes = v.minutes_to_withdrawal(change)
    return None if change is None or minutes is None else (change, minutes)


def _rush(minutes: float) -> Severity | None:
    return Severity.CRITICAL if minutes < SECURITY_RUSH_MINUTES else None


def _change_to_withdrawal(v: AtoView, types: Collection[str]) -> Reading:
    found = _minutes_after_change(v, types)
    if found is None:
        return UNKNOWN
    minutes = found[1]
    return Reading(minutes, fired=True, params=_ago(minutes), severity=_rush(minutes))


def _password_words(change: Event) -> tuple[str, str]:
    """The change in words, e.g. "an SMS password reset" / "短信重置密码"."""
    if change.type == "password_change":
        return "a password change", "修改密码"
    channel = RESET_CHANNELS.get((change.channel or "").lower())
    return (
        (f"{channel[0]} password reset", f"{channel[1]}重置密码")
        if channel
        else ("a password reset", "重置密码")
    )


@signal(
    "ato.password_reset_to_withdrawal_min",
    kind="float",
    severity=Severity.HIGH,
    group="security",
    name=("password reset to withdrawal (min)", "重置密码至提现（分钟）"),
    text=("withdrawal {ago_en} after {change_en}", "{change_zh} {ago_zh}后发起提现"),
)
def password_reset_to_withdrawal_min(v: AtoView) -> Reading:
    found = _minutes_after_change(v, PASSWORD_CHANGES)
    if found is None:
        return UNKNOWN
    change, minutes = found
    change_en, change_zh = _password_words(change)
    params = {"change_en": change_en, "change_zh": change_zh, **_ago(minutes)}
    return Reading(minutes, fired=True, params=params, severity=_rush(minutes))


@signal(
    "ato.email_change_to_withdrawal_min",
    kind="float",
    severity=Severity.HIGH,
    group="security",
    name=("email change to withdrawal (min)", "更换邮箱至提现（分钟）"),
    text=("withdrawal {ago_en} after the email address was changed", "更换邮箱 {ago_zh}后发起提现"),
)
def email_change_to_withdrawal_min(v: AtoView) -> Reading:
    return _change_to_withdrawal(v, ("email_change",))


@signal(
    "ato.phone_change_to_withdrawal_min",
    kind="float",
    severity=Severity.HIGH,
    group="security",
    name=("phone change to withdrawal (min)", "更换手机号至提现（分钟）"),
    text=("withdrawal {ago_en} after the phone number was changed", "更换手机号 {ago_zh}后发起提现"),
)
def phone_change_to_withdrawal_min(v: AtoView) -> Reading:
    return _change_to_withdrawal(v, ("phone_change",))


@signal(
    "ato.anti_phishing_change_to_withdrawal_min",
    kind="float",
    severity=Severity.HIGH,
    group="security",
    name=("anti-phishing code change to withdrawal (min)", "修改防钓鱼码至提现（分钟）"),
    text=("withdrawal {ago_en} after the anti-phishing code was changed", "修改防钓鱼码 {ago_zh}后发起提现"),
)
def anti_phishing_change_to_withdrawal_min(v: AtoView) -> Reading:
    """Attackers reset the code so their own phishing mails look genuine to the victim."""
    return _change_to_withdrawal(v, ("anti_phishing_code_change",))


@signal(
    "ato.phone_change_via_support",
    kind="bool",
    severity=Severity.HIGH,
    group="security",
    name=("phone changed through support", "通过客服更换手机号"),
    text=(
        "phone number changed through customer support, the usual SIM-swap route{when_en}",
        "通过客服更换了手机号（SIM 卡劫持的常见途径）{when_zh}",
    ),
)
def phone_change_via_support(v: AtoView) -> Reading:
    change = v.phone_change_via_support()
    if change is None:
        return ABSENT
    return Reading(True, fired=True, params=_when(v, change))


@signal(
    "ato.withdraw_api_key_without_allowlist",
    kind="bool",
    severity=Severity.HIGH,
    group="security",
    name=("withdrawal API key without IP allow-list", "无 IP 白名单的提现 API 密钥"),
    text=(
        "API key with withdrawal rights created without an IP allow-list{when_en}",
        "新建了具有提现权限且未设置 IP 白名单的 API 密钥{when_zh}",
    ),
)
def withdraw_api_key_without_allowlist(v: AtoView) -> Reading:
    keys = v.unrestricted_withdraw_keys()
    if not keys:
        return ABSENT
    return Reading(True, fired=True, params=_when(v, keys[-1]))


@signal(
    "ato.security_change_to_withdrawal_min",
    kind="float",
    severity=Severity.HIGH,
    group="security",
    name=("any security change to withdrawal (min)", "安全设置变更至提现（分钟）"),
    text=(
        "withdrawal {ago_en} after the {change_en}, inside the usual {lock_h} h withdrawal lock",
        "{change_zh}后 {ago_zh}即发起提现，处于常见的 {lock_h} 小时提现锁定期内",
    ),
)
def security_change_to_withdrawal_min(v: AtoView) -> Reading:
    """The sequence "security change, then withdrawal" that exchange withdrawal locks exist to stop."""
    found = _minutes_after_change(v, SECURITY_CHANGE_TYPES)
    if found is None:
        return UNKNOWN
    change, minutes = found
    within_day = minutes <= SHORT_LOCK_MINUTES
    change_en, change_zh = CHANGE_NAMES[change.type]
    params = {
        "change_en": change_en,
        "change_zh": change_zh,
        "lock_h": SHORT_LOCK_HOURS if within_day else LOOKBACK_HOURS,
        **_ago(minutes),
    }
    severity = _rush(minutes) or (None if within_day else Severity.MEDIUM)
    return Reading(minutes, fired=True, params=params, severity=severity)


@signal(
    "ato.security_changes",
    kind="float",
    severity=Severity.MEDIUM,
    group="security",
    name=("security changes before the withdrawal", "提现前的安全设置变更"),
    text=(
        "{value:.0f} security changes within {lookback_h} h: {changes_en}",
        "{lookback_h} 小时内有 {value:.0f} 项安全设置变更：{changes_zh}",
    ),
)
def security_changes(v: AtoView) -> Reading:
    """Several changes in a row (phone, password, 2FA...) is an attacker locking the owner out."""
    changes = v.security_changes
    count = float(len(changes))
    if count < 2:
        return Reading(count)
    kinds = list(dict.fromkeys(change.type for change in changes))
    params = {
        "lookback_h": LOOKBACK_HOURS,
        "changes_en": ", ".join(CHANGE_NAMES[kind][0] for kind in kinds),
        "changes_zh": "、".join(CHANGE_NAMES[kind][1] for kind in kinds),
    }
    return Reading(count, fired=True, params=params, severity=Severity.HIGH if count >= 3 else None)


# -- the withdrawal --------------------------------------------------------------------------------


@signal(
    "ato.new_withdrawal_address",
    kind="bool",
    severity=Severity.MEDIUM,
    group="withdrawal",
    name=("new withdrawal address", "新提现地址"),
    text=(
        "withdrawal to an address this account never used before ({address})",
        "提现至该账户此前从未使用过的地址（{address}）",
    ),
)
def new_withdrawal_address(v: AtoView) -> Reading:
    address = v.withdrawal.address if v.withdrawal else None
    if address is None or not v.has_history:
        return UNKNOWN  # without history every address would look new
    if address in v.history.addresses:
        return ABSENT
    return Reading(True, fired=True, params={"address": address})


@signal(
    "ato.withdrawal_address_age_min",
    kind="float",
    severity=Severity.MEDIUM,
    group="withdrawal",
    name=("withdrawal address age (min)", "提现地址存在时长（分钟）"),
    text=(
        "the withdrawal address first appeared on the account {age_en} before the withdrawal",
        "提现地址在提现前 {age_zh}才首次出现在该账户",
    ),
)
def withdrawal_address_age_min(v: AtoView) -> Reading:
    first_seen = v.address_first_seen()
    if v.withdrawal is None or first_seen is None:
        return UNKNOWN
    age = (v.withdrawal.ts - first_seen).total_seconds() / 60
    if first_seen == v.withdrawal.ts and not v.has_history:
        return UNKNOWN  # nothing visible before this withdrawal: its age is unknown
    if age >= FRESH_ADDRESS_MINUTES:
        return Reading(age)
    return Reading(age, fired=True, params={"age_en": fmt_minutes(age), "age_zh": fmt_minutes_zh(age)})


@signal(
    "ato.new_withdrawal_addresses",
    kind="float",
    severity=Severity.MEDIUM,
    group="withdrawal",
    name=("new withdrawal addresses", "新增提现地址数"),
    text=(
        "{value:.0f} new withdrawal addresses in the last {window_h} h",
        "最近 {window_h} 小时内出现 {value:.0f} 个新提现地址",
    ),
)
def new_withdrawal_addresses(v: AtoView) -> Reading:
    if not v.has_history:
        return UNKNOWN
    count = float(sum(1 for address in v.recent.addresses if address not in v.history.addresses))
    if count < NEW_ADDRESSES_BURST:
        return Reading(count)
    return Reading(count, fired=True, params={"window_h": WINDOW_HOURS})


def _rail_words(asset: str | None, network: str | None) -> tuple[str, str]:
    """The rail in words, e.g. "USDC on SOL" / "通过 SOL 网络提取 USDC"."""
    if asset and network:
        return f"{asset} on {network}", f"通过 {network} 网络提取 {asset}"
    if network:
        return f"over {network}", f"通过 {network} 网络提现"
    return f"{asset}", f"提取 {asset}"


@signal(
    "ato.new_asset_or_network",
    kind="bool",
    severity=Severity.LOW,
    group="withdrawal",
    name=("asset or network never withdrawn before", "从未用过的提现币种或网络"),
    text=(
        "withdrew {rail_en}, which this account never withdrew before",
        "{rail_zh}，该账户此前从未以此币种或网络提现",
    ),
)
def new_asset_or_network(v: AtoView) -> Reading:
    withdrawal = v.withdrawal
    if withdrawal is None or not v.history.rails or not (withdrawal.asset or withdrawal.network):
        return UNKNOWN
    if (withdrawal.asset, withdrawal.network) in v.history.rails:
        return ABSENT
    rail_en, rail_zh = _rail_words(withdrawal.asset, withdrawal.network)
    return Reading(True, fired=True, params={"rail_en": rail_en, "rail_zh": rail_zh})


@signal(
    "ato.first_withdrawal",
    kind="bool",
    severity=Severity.LOW,
    group="withdrawal",
    name=("first withdrawal", "首次提现"),
    text=("first withdrawal in the account's known history", "该账户已知记录中的首次提现"),
)
def first_withdrawal(v: AtoView) -> Reading:
    if v.withdrawal is None or not v.has_history:
        return UNKNOWN
    first = v.history.withdrawals == 0
    return Reading(first, fired=first)


@signal(
    "ato.balance_drained_share",
    kind="float",
    severity=Severity.HIGH,
    group="withdrawal",
    name=("share of balance withdrawn", "提现占余额比例"),
    text=(
        "withdrew {pct:.0f}% of the balance (${withdrawn:,.0f} of ${balance:,.0f})",
        "提取了余额的 {pct:.0f}%（{balance:,.0f} 美元中的 {withdrawn:,.0f} 美元）",
    ),
)
def balance_drained_share(v: AtoView) -> Reading:
    """Recent withdrawals over the balance, capped at 1 (the balance may be stamped after the withdrawal)."""
    balance, withdrawn = v.case.subject.balance_usd, v.withdrawn_usd()
    if balance is None or withdrawn is None:
        return UNKNOWN
    share = min(withdrawn / balance, 1.0) if balance > 0 else 1.0
    if share < DRAIN_SHARE:
        return Reading(share)
    params = {"pct": share * 100, "withdrawn": withdrawn, "balance": balance}
    return Reading(
        share,
        fired=True,
        params=params,
        severity=Severity.CRITICAL if share >= DRAIN_CRITICAL_SHARE else None,
    )


@signal(
    "ato.amount_vs_median_withdrawal",
    kind="float",
    severity=Severity.MEDIUM,
    group="withdrawal",
    name=("amount versus usual withdrawal", "金额与以往提现之比"),
    text=(
        "withdrawal of ${amount:,.0f} is {value:.1f}× the account's median withdrawal (${median:,.0f})",
        "本次提现 {amount:,.0f} 美元，是该账户提现中位数（{median:,.0f} 美元）的 {value:.1f} 倍",
    ),
)
def amount_vs_median_withdrawal(v: AtoView) -> Reading:
    amount = v.withdrawal.amount_usd if v.withdrawal else None
    usual = v.median_past_withdrawal()
    if amount is None or not usual:
        return UNKNOWN
    ratio = amount / usual
    if ratio < AMOUNT_RATIO:
        return Reading(ratio)
    params = {"amount": amount, "median": usual}
    return Reading(
        ratio, fired=True, params=params, severity=Severity.HIGH if ratio >= AMOUNT_RATIO_HIGH else None
    )


@signal(
    "ato.login_to_withdrawal_min",
    kind="float",
    severity=Severity.LOW,
    group="withdrawal",
    name=("login to withdrawal (min)", "登录至提现（分钟）"),
    text=("withdrawal {ago_en} after logging in", "登录后 {ago_zh}即发起提现"),
)
def login_to_withdrawal_min(v: AtoView) -> Reading:
    """From the session's first successful login straight to the withdrawal."""
    minutes = v.minutes_to_withdrawal(v.first_login)
    if minutes is None or minutes > SESSION_RUSH_MINUTES:
        return Reading(minutes)
    return Reading(minutes, fired=True, params=_ago(minutes))


# -- the account -----------------------------------------------------------------------------------


@signal(
    "ato.no_history",
    kind="bool",
    severity=Severity.INFO,
    group="account",
    name=("no earlier history", "无历史记录"),
    text=(
        "no account history before the last {window_h} h: new device, IP and address cannot be judged",
        "最近 {window_h} 小时之前没有账户记录，无法判断设备、IP 和地址是否为新",
    ),
)
def no_history(v: AtoView) -> Reading:
    missing = not v.has_history
    return Reading(missing, fired=missing, params={"window_h": WINDOW_HOURS})


@signal(
    "ato.dormant_days",
    kind="float",
    severity=Severity.MEDIUM,
    group="account",
    name=("days inactive before the session", "会话前的沉寂天数"),
    text=("first activity in {value:.0f} days", "账户沉寂 {value:.0f} 天后重新出现活动"),
)
def dormant_days(v: AtoView) -> Reading:
    """Dormant accounts are favourite targets: the owner is not watching."""
    last, first = v.history.last_activity, v.recent.first_activity
    if last is None or first is None:
        return UNKNOWN
    days = (first - last).total_seconds() / 86400
    return Reading(days, fired=days >= DORMANT_DAYS)


@signal(
    "ato.account_age_days",
    kind="float",
    severity=Severity.LOW,
    group="account",
    name=("account age (days)", "账户年龄（天）"),
    text=("account opened only {age_en} ago", "账户开立仅 {age_zh}"),
)
def account_age_days(v: AtoView) -> Reading:
    """From the subject's creation date, else from the first known event (then a lower bound)."""
    created = v.account_created_at()
    if created is None:
        return UNKNOWN
    days = max((v.as_of - created).total_seconds() / 86400, 0.0)
    # Only a real creation date can say "young": a short timeline is not a young account.
    if days >= YOUNG_ACCOUNT_DAYS or v.case.subject.account_created_at is None:
        return Reading(days)
    return Reading(days, fired=True, params={"age_en": _days_en(days), "age_zh": _days_zh(days)})


@signal(
    "ato.upstream_score",
    kind="float",
    severity=Severity.MEDIUM,
    group="account",
    name=("upstream alert score", "上游告警评分"),
    text=("upstream alert scored {value:.2f}", "上游告警评分为 {value:.2f}"),
)
def upstream_score(v: AtoView) -> Reading:
    score = v.case.alert.upstream_score if v.case.alert else None
    return Reading(score, fired=score is not None and score >= UPSTREAM_SCORE_HIGH)


# -- links to other accounts -----------------------------------------------------------------------


def _shared_reading(summary: LinkSummary | None, threshold: int) -> Reading:
    if summary is None:
        return UNKNOWN
    count = float(summary.accounts)
    if count < threshold:
        return Reading(count)
    recent = summary.recent_accounts
    params = {
        "others_en": _accounts(count, "other account"),
        "recent_en": f", {recent} of them new in the last 30 days" if recent else "",
        "recent_zh": f"（其中 {recent} 个为最近 30 天内新出现）" if recent else "",
    }
    return Reading(count, fired=True, params=params)


@signal(
    "ato.device_shared_accounts",
    kind="float",
    severity=Severity.MEDIUM,
    group="links",
    name=("other accounts on the session's device", "同设备的其他账户"),
    text=(
        "the session's device was also used by {others_en}{recent_en}",
        "本次会话的设备还被其他 {value:.0f} 个账户使用过{recent_zh}",
    ),
)
def device_shared_accounts(v: AtoView) -> Reading:
    return _shared_reading(v.links("device"), SHARED_DEVICE_ACCOUNTS)


@signal(
    "ato.ip_shared_accounts",
    kind="float",
    severity=Severity.LOW,
    group="links",
    name=("other accounts on the session's IP", "同 IP 的其他账户"),
    text=(
        "the session's IP address was also used by {others_en}{recent_en}",
        "本次会话的 IP 地址还被其他 {value:.0f} 个账户使用过{recent_zh}",
    ),
)
def ip_shared_accounts(v: AtoView) -> Reading:
    return _shared_reading(v.links("ip"), SHARED_IP_ACCOUNTS)


@signal(
    "ato.address_shared_accounts",
    kind="float",
    severity=Severity.MEDIUM,
    group="links",
    name=("other accounts using the withdrawal address", "使用同一提现地址的其他账户"),
    text=(
        "the withdrawal address is also used by {others_en}{recent_en}",
        "提现地址还被其他 {value:.0f} 个账户使用过{recent_zh}",
    ),
)
def address_shared_accounts(v: AtoView) -> Reading:
    return _shared_reading(v.links("address"), SHARED_ADDRESS_ACCOUNTS)


@signal(
    "ato.linked_confirmed_bad_accounts",
    kind="float",
    severity=Severity.CRITICAL,
    group="links",
    name=("links to confirmed-bad accounts", "关联已确认的问题账户"),
    text=(
        "shares a {kinds_en} with {bad_en} confirmed as taken over or fraudulent",
        "与 {value:.0f} 个已确认被盗或欺诈的账户共用{kinds_zh}",
    ),
)
def linked_confirmed_bad_accounts(v: AtoView) -> Reading:
    """The most confirmed-bad accounts behind any one link kind (the same account may share several)."""
    links = {"device": v.links("device"), "ip": v.links("ip"), "address": v.links("address")}
    known = {kind: summary for kind, summary in links.items() if summary is not None}
    if not known:
        return UNKNOWN
    worst = float(max(summary.confirmed_bad for summary in known.values()))
    if worst < 1:
        return Reading(worst)
    kinds = [kind for kind, summary in known.items() if summary.confirmed_bad]
    params = {
        "kinds_en": _and([LINK_NAMES[kind][0] for kind in kinds]),
        "kinds_zh": "、".join(LINK_NAMES[kind][1] for kind in kinds),
        "bad_en": _accounts(worst),
    }
    return Reading(worst, fired=True, params=params)
