"""ATO signals about the withdrawal, the account and its links to other accounts."""

from __future__ import annotations

from roca.signals.ato_view import (
    AtoView,
)
from roca.signals.ato_wording import (
    ABSENT,
    AMOUNT_RATIO,
    AMOUNT_RATIO_HIGH,
    DORMANT_DAYS,
    DRAIN_CRITICAL_SHARE,
    DRAIN_SHARE,
    FRESH_ADDRESS_MINUTES,
    LINK_NAMES,
    NEW_ADDRESSES_BURST,
    SESSION_RUSH_MINUTES,
    SHARED_ADDRESS_ACCOUNTS,
    SHARED_DEVICE_ACCOUNTS,
    SHARED_IP_ACCOUNTS,
    UNKNOWN,
    UPSTREAM_SCORE_HIGH,
    WINDOW_HOURS,
    YOUNG_ACCOUNT_DAYS,
    accounts_text,
    ago,
    days_en,
    days_zh,
    joined,
    signal,
)
from roca.signals.base import Reading, Severity, fmt_minutes, fmt_minutes_zh
from roca.signals.context import LinkSummary

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
    return Reading(minutes, fired=True, params=ago(minutes))


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
    return Reading(days, fired=True, params={"age_en": days_en(days), "age_zh": days_zh(days)})


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
        "others_en": accounts_text(count, "other account"),
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
        "kinds_en": joined([LINK_NAMES[kind][0] for kind in kinds]),
        "kinds_zh": "、".join(LINK_NAMES[kind][1] for kind in kinds),
        "bad_en": accounts_text(worst),
    }
    return Reading(worst, fired=True, params=params)
