"""Reviewer feedback before and after a novel ATO campaign starts, for the blind-spot report tests.

Five weeks of ordinary reviewing (travel, VPN, new phones, lost phones, a stale profile: each
overturn with its own root cause, annotation and misleading signal), then, in the last week, the
novel campaign: cases ROCA cleared that reviewers and QA auditors overturn as ``novel_pattern``,
naming the same missing signals and describing it in their own words, in English and in Chinese.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW_DAYS = 7
BASELINE_DAYS = 28
CAMPAIGN_STARTS = UNTIL - timedelta(days=WINDOW_DAYS)
ADDRESS_BOOK = "address_book_entry_to_withdrawal_min"
EXTENSION = "browser_extension_session"

Kind = Literal["misleading", "missing"]


@dataclass(frozen=True, slots=True)
class Said:
    """One human decision: what ROCA recommended, what the person decided and why."""

    external_id: str
    at: datetime
    task_kind: Literal["review", "qa"]
    roca: str
    decided: str
    root_cause: str | None = None
    annotation: str | None = None
    marks: tuple[tuple[Kind, str], ...] = ()
    leaned_on: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        return self.roca == self.decided

    @property
    def campaign(self) -> bool:
        return self.external_id.startswith("novel-")


@dataclass(frozen=True, slots=True)
class Ordinary:
    root_cause: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    misleading: str
    leaned_on: tuple[str, ...]


ORDINARY = (
    Ordinary(
        "misweighted_signal",
        (
            "Customer is travelling in Japan on the usual phone. The new-country signal should weigh less.",
            "Travel announced to support before the flight; known device, usual amounts.",
        ),
        (
            "用户在日本出行，使用常用手机。新国家信号的权重应当降低。",
            "用户出行前已告知客服，设备已知，金额正常。",
        ),
        "ato.new_country",
        ("ato.new_country", "ato.outside_home_country"),
    ),
    Ordinary(
        "misweighted_signal",
        (
            "Habitual VPN user with a familiar device; the anonymising network is normal for them.",
            "This customer always connects through a commercial VPN.",
        ),
        ("该用户长期使用 VPN，设备熟悉，匿名网络对他来说是正常的。", "该用户一直通过商业 VPN 登录。"),
        "ato.anonymising_network",
        ("ato.anonymising_network",),
    ),
    Ordinary(
        "misweighted_signal",
        (
            "Owner moved to a new phone and re-bound the authenticator; routine.",
            "New handset after an upgrade, MFA re-enrolled by the owner the same day.",
        ),
        ("用户换了新手机并重新绑定验证器，属于常规情况。", "用户升级了手机，当天本人重新绑定了 MFA。"),
        "ato.new_device",
        ("ato.new_device", "ato.mfa_removed"),
    ),
    Ordinary(
        "sop_ambiguous",
        ("Lost phone replaced through support; the SOP treats this like a SIM swap.",),
        ("用户丢失手机后通过客服换号，SOP 把它当作 SIM 卡劫持处理。",),
        "ato.phone_change_via_support",
        ("ato.phone_change_via_support",),
    ),
    Ordinary(
        "stale_data",
        ("The profile still shows the old home country; the customer moved last year.",),
        ("账户资料里的常住国家已经过时，用户去年就搬家了。",),
        "ato.outside_home_country",
        ("ato.outside_home_country",),
    ),
)

CAMPAIGN_EN = (
    "A browser extension added an unknown address to the address book minutes before the withdrawal. "
    "ROCA has no signal for it.",
    "Address book entry created {m} minutes before withdrawing most of the balance, from the customer's "
    "own browser. Looks like a malicious extension.",
    "Own device and home line, but the withdrawal address was added to the address book {m} minutes "
    "earlier by a browser extension.",
    "Malicious browser extension rode the session: a new address book entry, then a large withdrawal.",
)
CAMPAIGN_ZH = (
    "浏览器扩展在提现前{m}分钟向地址簿添加了陌生地址，ROCA 没有针对这种情况的信号。",
    "设备和网络都是用户本人的，但提现地址是{m}分钟前由浏览器扩展添加到地址簿的。",
    "恶意浏览器扩展劫持了会话：先添加地址簿条目，随后提走大部分余额。",
)


def novel_campaign_feedback(ordinary_per_day: int, campaign_per_day: int, seed: int = 7) -> list[Said]:
    """Ordinary feedback on every day of the baseline and the window; the campaign in the window."""
    rng = random.Random(seed)
    said: list[Said] = []
    for day in range(BASELINE_DAYS + WINDOW_DAYS):
        start = UNTIL - timedelta(days=BASELINE_DAYS + WINDOW_DAYS - day)
        said += [_ordinary(rng, f"ord-{day}-{i}", _during(rng, start)) for i in range(ordinary_per_day)]
        if start >= CAMPAIGN_STARTS:
            said += [_campaign(rng, f"novel-{day}-{i}", _during(rng, start)) for i in range(campaign_per_day)]
    return sorted(said, key=lambda s: s.at)


def _during(rng: random.Random, day: datetime) -> datetime:
    return day + timedelta(hours=rng.randint(1, 22), minutes=rng.randint(0, 59))


def _ordinary(rng: random.Random, external_id: str, at: datetime) -> Said:
    pattern = rng.choice(ORDINARY)
    if rng.random() < 0.6:  # most of the time the reviewer agrees and says nothing
        return Said(external_id, at, "review", "confirm_ato", "confirm_ato", leaned_on=pattern.leaned_on)
    text = rng.choice(pattern.zh if rng.random() < 0.4 else pattern.en)
    return Said(
        external_id, at, "review", "confirm_ato", "not_ato", pattern.root_cause, text,
        (("misleading", pattern.misleading),), pattern.leaned_on,
    )  # fmt: skip


def _campaign(rng: random.Random, external_id: str, at: datetime) -> Said:
    texts = CAMPAIGN_ZH if rng.random() < 0.5 else CAMPAIGN_EN
    marks: tuple[tuple[Kind, str], ...] = (("missing", ADDRESS_BOOK),)
    if rng.random() < 0.5:
        marks += (("missing", EXTENSION),)
    kind: Literal["review", "qa"] = "qa" if rng.random() < 0.3 else "review"
    return Said(
        external_id, at, kind, "not_ato", "confirm_ato", "novel_pattern",
        rng.choice(texts).format(m=rng.randint(2, 9)), marks,
        ("ato.account_age_days", "ato.amount_vs_median_withdrawal"),
    )  # fmt: skip
