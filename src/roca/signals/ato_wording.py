"""Shared parts of the ATO signals: the registry they register on, thresholds, and wording."""

from __future__ import annotations

from collections.abc import Iterable

from roca.signals.ato_view import (
    RECENT_WINDOW,
    SECURITY_LOOKBACK,
    AtoView,
)
from roca.signals.base import Reading, SignalRegistry, fmt_minutes, fmt_minutes_zh

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


def ago(minutes: float) -> dict[str, str]:
    return {"ago_en": fmt_minutes(minutes), "ago_zh": fmt_minutes_zh(minutes)}


def listed(values: Iterable[object], limit: int = 3) -> str:
    shown = [str(value)[:60] for value in values]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" (+{more})" if more > 0 else "")


def joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def accounts_text(count: float, noun: str = "account") -> str:
    return f"{count:.0f} {noun}" + ("" if count == 1 else "s")


def days_en(days: float) -> str:
    return fmt_minutes(days * 1440).replace(" d", " days")


def days_zh(days: float) -> str:
    return fmt_minutes_zh(days * 1440)
