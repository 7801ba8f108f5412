"""Transaction-fraud signals: how the reviewed withdrawal was funded, where it goes, and who else is
behind the same address or device."""

from __future__ import annotations

from roca.signals.base import Reading, Severity, SignalRegistry, fmt_minutes, fmt_minutes_zh
from roca.signals.context import SignalInput
from roca.signals.evidence import accounts_en, network_params
from roca.signals.fraud_view import FraudView

__all__ = ["FraudView", "registry", "view"]

PASS_THROUGH_MINUTES = 60.0
UNUSUAL_AMOUNT_RATIO = 5.0
DRAINING_SHARE = 0.9
STRUCTURING_MIN_DEPOSITS = 5
# The small deposits must add up to a real part of the withdrawal to be its funding, not noise.
STRUCTURING_FUNDED_SHARE = 0.5
NEW_ACCOUNT_DAYS = 7.0
FRESH_ADDRESS_MINUTES = 60.0
SHARED_ADDRESS_ACCOUNTS = 3
NO_TRADING_RATIO = 0.1
WITHDRAWAL_BURST = 5
LARGE_AMOUNT_USD = 10_000.0
UPSTREAM_SCORE_LIMIT = 0.70


def view(signal_input: SignalInput) -> FraudView:
    return FraudView(signal_input)


registry: SignalRegistry[FraudView] = SignalRegistry("fraud")


def _duration(minutes: float) -> dict[str, str]:
    return {"duration_en": fmt_minutes(minutes), "duration_zh": fmt_minutes_zh(minutes)}


@registry.signal(
    "fraud.deposit_to_withdrawal_minutes", kind="float", severity=Severity.HIGH, group="velocity",
    name=("Minutes from last deposit to withdrawal", "入金到提现的间隔（分钟）"),
    text=(
        "withdrawn {duration_en} after the last deposit (pass-through)",
        "最近一次入金后仅 {duration_zh} 即提现（快进快出）",
    ),
)  # fmt: skip
def deposit_to_withdrawal_minutes(v: FraudView) -> Reading:
    minutes = v.minutes_since_deposit
    if minutes is None:
        return Reading(None)
    return Reading(round(minutes, 1), minutes < PASS_THROUGH_MINUTES, _duration(minutes))


@registry.signal(
    "fraud.amount_vs_history_ratio", kind="float", severity=Severity.MEDIUM, group="amount",
    name=("Amount versus usual withdrawal", "金额相对以往提现的倍数"),
    text=(
        "withdrawal of USD {amount:,.0f} is {value:.1f}× the usual USD {usual:,.0f}",
        "本次提现 {amount:,.0f} 美元，是以往中位数 {usual:,.0f} 美元的 {value:.1f} 倍",
    ),
)  # fmt: skip
def amount_vs_history_ratio(v: FraudView) -> Reading:
    usual, amount = v.usual_withdrawal, v.amount
    if usual is None or amount is None:
        return Reading(None)
    ratio = round(amount / usual, 2)
    return Reading(ratio, ratio >= UNUSUAL_AMOUNT_RATIO, {"amount": amount, "usual": usual})


@registry.signal(
    "fraud.new_withdrawal_address", kind="bool", severity=Severity.MEDIUM, group="destination",
    name=("New withdrawal address", "新提现地址"),
    text=("the withdrawal goes to an address never used before", "提现至此前从未使用过的地址"),
)  # fmt: skip
def new_withdrawal_address(v: FraudView) -> Reading:
    new = v.address_is_new
    return Reading(new, bool(new))


@registry.signal(
    "fraud.address_added_minutes", kind="float", severity=Severity.MEDIUM, group="destination",
    name=("Minutes since the address was added", "提现地址添加后的时长（分钟）"),
    text=(
        "the withdrawal address was added only {duration_en} before the withdrawal",
        "提现地址在提现前 {duration_zh} 才添加",
    ),
)  # fmt: skip
def address_added_minutes(v: FraudView) -> Reading:
    minutes = v.minutes_since_address_added
    if minutes is None:
        return Reading(None)
    return Reading(round(minutes, 1), minutes < FRESH_ADDRESS_MINUTES, _duration(minutes))


@registry.signal(
    "fraud.share_of_deposits_withdrawn", kind="float", severity=Severity.MEDIUM, group="velocity",
    name=("Share of recent deposits withdrawn", "提现占近期入金的比例"),
    text=(
        "the withdrawal takes {value:.0%} of the last 30 days' deposits (USD {deposits:,.0f})",
        "本次提现占近 30 天入金（{deposits:,.0f} 美元）的 {value:.0%}",
    ),
)  # fmt: skip
def share_of_deposits_withdrawn(v: FraudView) -> Reading:
    deposits, amount = v.recent_deposit_total, v.amount
    if not deposits or amount is None:
        return Reading(None)
    share = round(amount / deposits, 4)
    return Reading(share, share >= DRAINING_SHARE, {"deposits": deposits})


@registry.signal(
    "fraud.small_deposits_before_withdrawal", kind="int", severity=Severity.HIGH, group="velocity",
    name=("Small deposits before one large withdrawal", "大额提现前的小额入金笔数"),
    text=(
        "{value} small deposits (USD {total:,.0f} in all) in the 7 days before one large withdrawal",
        "提现前 7 天内有 {value} 笔小额入金（合计 {total:,.0f} 美元），随后一次性大额提现",
    ),
)  # fmt: skip
def small_deposits_before_withdrawal(v: FraudView) -> Reading:
    if v.amount is None:
        return Reading(None)
    count, total = len(v.small_deposits), sum(e.amount_usd or 0.0 for e in v.small_deposits)
    structured = count >= STRUCTURING_MIN_DEPOSITS and total >= STRUCTURING_FUNDED_SHARE * v.amount
    return Reading(count, structured, {"total": total})


@registry.signal(
    "fraud.account_age_days", kind="float", severity=Severity.MEDIUM, group="account",
    name=("Account age", "账户开立时长"),
    text=("the account is only {value:.1f} days old", "账户开立仅 {value:.1f} 天"),
)  # fmt: skip
def account_age_days(v: FraudView) -> Reading:
    days = v.account_age_days
    return Reading(None if days is None else round(days, 2), days is not None and days < NEW_ACCOUNT_DAYS)


@registry.signal(
    "fraud.anonymising_network", kind="bool", severity=Severity.MEDIUM, group="account",
    name=("Anonymising network around the withdrawal", "提现前后使用匿名网络"),
    text=("the withdrawal session came through {network_en}", "提现前后的会话使用{network_zh}"),
)  # fmt: skip
def anonymising_network(v: FraudView) -> Reading:
    event = v.session_anonymiser
    severity = Severity.HIGH if event is not None and event.asn_type == "tor" else None
    return Reading(event is not None, event is not None, network_params(event), severity)


@registry.signal(
    "fraud.first_withdrawal", kind="bool", severity=Severity.LOW, group="account",
    name=("First withdrawal ever", "首次提现"),
    text=("this is the account's first withdrawal", "这是该账户的首次提现"),
)  # fmt: skip
def first_withdrawal(v: FraudView) -> Reading:
    if v.withdrawal is None and v.amount is None:
        return Reading(None)
    first = not v.earlier_withdrawals
    return Reading(first, first)


@registry.signal(
    "fraud.address_linked_bad_accounts", kind="int", severity=Severity.CRITICAL, group="links",
    name=("Confirmed-bad accounts on the withdrawal address", "使用同一提现地址的已确认违规账户"),
    text=(
        "the withdrawal address was also used by {accounts} confirmed as bad",
        "该提现地址曾被 {value} 个已确认违规的账户使用",
    ),
)  # fmt: skip
def address_linked_bad_accounts(v: FraudView) -> Reading:
    links = v.address_links
    count = None if links is None else links.confirmed_bad
    return Reading(count, bool(count), {"accounts": accounts_en(count or 0)})


@registry.signal(
    "fraud.address_shared_accounts", kind="int", severity=Severity.MEDIUM, group="links",
    name=("Other accounts on the withdrawal address", "使用同一提现地址的其他账户数"),
    text=("{value} other accounts used the same withdrawal address", "另有 {value} 个账户使用同一提现地址"),
)  # fmt: skip
def address_shared_accounts(v: FraudView) -> Reading:
    links = v.address_links
    count = None if links is None else links.accounts
    return Reading(count, count is not None and count >= SHARED_ADDRESS_ACCOUNTS)


@registry.signal(
    "fraud.device_linked_bad_accounts", kind="int", severity=Severity.CRITICAL, group="links",
    name=("Confirmed-bad accounts on the same device", "同设备的已确认违规账户"),
    text=(
        "a device of this account was also used by {accounts} confirmed as bad",
        "该账户使用的设备曾被 {value} 个已确认违规的账户使用",
    ),
)  # fmt: skip
def device_linked_bad_accounts(v: FraudView) -> Reading:
    links = v.device_links
    count = None if links is None else links.confirmed_bad
    return Reading(count, bool(count), {"accounts": accounts_en(count or 0)})


@registry.signal(
    "fraud.trade_to_deposit_ratio", kind="float", severity=Severity.MEDIUM, group="velocity",
    name=("Trading relative to deposits", "交易量与入金之比"),
    text=(
        "traded only {value:.0%} of the USD {deposits:,.0f} deposited in 30 days",
        "近 30 天入金 {deposits:,.0f} 美元，交易量仅为其 {value:.0%}",
    ),
)  # fmt: skip
def trade_to_deposit_ratio(v: FraudView) -> Reading:
    deposits = v.recent_deposit_total
    if not deposits:
        return Reading(None)
    ratio = round(v.recent_trade_total / deposits, 4)
    return Reading(ratio, ratio < NO_TRADING_RATIO, {"deposits": deposits})


@registry.signal(
    "fraud.withdrawals_last_24h", kind="int", severity=Severity.MEDIUM, group="velocity",
    name=("Withdrawals in the last 24 hours", "近 24 小时提现笔数"),
    text=(
        "{value} withdrawals in the 24 hours up to this one",
        "截至本次提现的 24 小时内共有 {value} 笔提现",
    ),
)  # fmt: skip
def withdrawals_last_24h(v: FraudView) -> Reading:
    count = v.withdrawals_last_day
    return Reading(count, count >= WITHDRAWAL_BURST)


@registry.signal(
    "fraud.amount_at_risk_usd", kind="float", severity=Severity.LOW, group="amount",
    name=("Amount at risk", "涉及金额"),
    text=("USD {value:,.0f} at risk", "涉及金额 {value:,.0f} 美元"),
)  # fmt: skip
def amount_at_risk_usd(v: FraudView) -> Reading:
    amount = v.amount
    return Reading(amount, amount is not None and amount >= LARGE_AMOUNT_USD)


@registry.signal(
    "fraud.upstream_score", kind="float", severity=Severity.MEDIUM, group="alert",
    name=("Upstream risk score", "上游风险评分"),
    text=(
        "upstream risk score {value:.2f} is at or above {limit:.2f}",
        "上游风险评分 {value:.2f}，达到或超过 {limit:.2f}",
    ),
)  # fmt: skip
def upstream_score(v: FraudView) -> Reading:
    alert = v.case.alert
    score = alert.upstream_score if alert is not None else None
    return Reading(
        score, score is not None and score >= UPSTREAM_SCORE_LIMIT, {"limit": UPSTREAM_SCORE_LIMIT}
    )
