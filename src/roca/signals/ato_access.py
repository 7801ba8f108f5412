"""ATO signals about access: where the session came from."""

from __future__ import annotations

from collections.abc import Collection

from roca.signals.ato_view import (
    ANONYMISING_ASN_TYPES,
    FAILED_LOGIN_LOOKBACK,
    MFA_STRENGTH,
    AtoView,
    Value,
    novel,
)
from roca.signals.ato_wording import (
    ABSENT,
    FAILED_LOGIN_BURST,
    FAILED_LOGIN_STORM,
    IMPOSSIBLE_SPEED_KMH,
    MFA_NAMES,
    MIN_LOGINS_FOR_HABITS,
    NETWORK_NAMES,
    UNKNOWN,
    USUAL_HOUR_TOLERANCE,
    joined,
    listed,
    signal,
)
from roca.signals.base import Reading, Severity, fmt_minutes, fmt_minutes_zh

# -- access: where the session came from -----------------------------------------------------------


def _novelty(recent: Collection[Value], known: Collection[Value], key: str) -> Reading:
    new = novel(recent, known)
    if not new:
        return UNKNOWN if new is None else ABSENT
    return Reading(True, fired=True, params={key: listed(new)})


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
        "network_en": joined([NETWORK_NAMES[k][0] for k in found]),
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
    return Reading(True, fired=True, params={"countries": listed(abroad), "home": home})


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
