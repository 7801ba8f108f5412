"""ATO signals about security changes before the withdrawal."""

from __future__ import annotations

from collections.abc import Collection

from roca.cases.schemas import Event
from roca.signals.ato_view import (
    SECURITY_CHANGE_TYPES,
    AtoView,
)
from roca.signals.ato_wording import (
    ABSENT,
    CHANGE_NAMES,
    LOOKBACK_HOURS,
    MFA_ACTIONS,
    MFA_NAMES,
    PASSWORD_CHANGES,
    RESET_CHANNELS,
    SECURITY_RUSH_MINUTES,
    SHORT_LOCK_HOURS,
    SHORT_LOCK_MINUTES,
    UNKNOWN,
    ago,
    signal,
)
from roca.signals.base import Reading, Severity, fmt_minutes, fmt_minutes_zh

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
    return Reading(minutes, fired=True, params=ago(minutes), severity=_rush(minutes))


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
    params = {"change_en": change_en, "change_zh": change_zh, **ago(minutes)}
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
        **ago(minutes),
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
