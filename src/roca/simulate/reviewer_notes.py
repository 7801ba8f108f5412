"""What a simulated reviewer writes when they overturn ROCA: per ATO scenario, the root cause, an
annotation (English and Chinese, at most three sentences) and the signals they mark.

Two kinds of note.  ``RIGHT`` notes are written by a reviewer who saw what really happened (the
scenario in the ground truth) and ROCA did not: a missed attack or a false alarm on a look-alike.
``MISTAKEN`` notes are written by a reviewer who misread the case (the reviewer's own error): they
describe the case as if it were the other class, the way a person who misjudged it would.

Signal marks name real signal ids (``roca.signals``) when ROCA computed the signal but it pointed
the wrong way ("misleading"), and free names for evidence ROCA has no signal for ("missing") - the
novel campaign's address-book entry made minutes before the withdrawal, for instance.
"""

from __future__ import annotations

from dataclasses import dataclass

from roca.simulate.config import (
    CREDENTIAL_STUFFING,
    NOVEL_CAMPAIGN,
    PHISHING_API_KEY,
    SESSION_HIJACK,
    SIM_SWAP,
)

MISSING, MISLEADING = "missing", "misleading"
# The novel campaign's signature: what reviewers say ROCA lacks (free names: no such signal exists).
NOVEL_MISSING = ("address_book_entry_to_withdrawal_min", "browser_extension_session")


@dataclass(frozen=True, slots=True)
class Note:
    root_cause: str
    en: str
    zh: str
    marks: tuple[tuple[str, str], ...] = ()  # (kind, signal)


RIGHT: dict[str, Note] = {
    # -- attacks ROCA cleared -------------------------------------------------------------------------
    NOVEL_CAMPAIGN: Note(
        "novel_pattern",
        "New pattern: a browser extension saved an unknown address to the address book minutes before "
        "a withdrawal of most of the balance, from the customer's own browser and home line. "
        "ROCA has no signal for an address-book entry made right before the withdrawal.",
        "新型模式：浏览器扩展在提现前几分钟向地址簿添加了陌生地址，随后提走大部分余额，"
        "设备和网络都是用户本人的。ROCA 没有针对提现前刚添加地址簿条目的信号。",
        tuple((MISSING, signal) for signal in NOVEL_MISSING),
    ),
    CREDENTIAL_STUFFING: Note(
        "misweighted_signal",
        "Failed logins from rotating proxies, then a login on an unfamiliar device and a withdrawal to "
        "a new address: this is credential stuffing. The failed-login burst should weigh far more.",
        "先有来自轮换代理的多次登录失败，随后在陌生设备登录并提现到新地址，这是撞库攻击。"
        "登录失败激增信号的权重应当更高。",
        ((MISLEADING, "ato.failed_logins_before_success"),),
    ),
    SIM_SWAP: Note(
        "misweighted_signal",
        "Phone number changed through support, SMS password reset and a new device right before the "
        "withdrawal: a SIM swap. The support phone change should weigh more.",
        "通过客服更换手机号、短信重置密码、新设备登录后立即提现，这是 SIM 卡劫持。"
        "客服更换手机号这一信号的权重应当更高。",
        ((MISLEADING, "ato.phone_change_via_support"),),
    ),
    PHISHING_API_KEY: Note(
        "misweighted_signal",
        "A relayed login minted a withdraw-enabled API key without an IP allow-list, then withdrawals "
        "went out through the API from a server. This is the phishing API-key pattern.",
        "钓鱼代理转发登录后创建了带提现权限且无 IP 白名单的 API 密钥，随后从服务器通过 API 提现。"
        "这是钓鱼 API 密钥模式。",
        ((MISLEADING, "ato.withdraw_api_key_without_allowlist"),),
    ),
    SESSION_HIJACK: Note(
        "misweighted_signal",
        "No login at all: the customer's device id was replayed from a new IP and the balance went to "
        "a new address within minutes. A stolen session, not the owner.",
        "没有任何登录：用户的设备标识从新 IP 重放，几分钟内余额被转到新地址。这是会话劫持，不是本人操作。",
        ((MISLEADING, "ato.new_ip"), (MISLEADING, "ato.new_device")),
    ),
    # -- look-alikes ROCA flagged ---------------------------------------------------------------------
    "travel": Note(
        "misweighted_signal",
        "The customer is travelling: usual device and amounts after a plausible flight. "
        "The new-country signal should weigh less when the device is known.",
        "用户在出行：航班时间合理，设备和金额都与平时一致。设备已知时，新国家信号的权重应当降低。",
        ((MISLEADING, "ato.new_country"), (MISLEADING, "ato.outside_home_country")),
    ),
    "new_phone": Note(
        "misweighted_signal",
        "The owner moved to a new phone and re-bound the authenticator, then withdrew the usual amount. "
        "A new device with a matching MFA reset is routine.",
        "用户换了新手机并重新绑定验证器，之后提现金额与平时一致。新设备加上相应的 MFA 重置属于常规情况。",
        ((MISLEADING, "ato.new_device"), (MISLEADING, "ato.mfa_removed")),
    ),
    "lost_phone": Note(
        "sop_ambiguous",
        "Lost phone: the owner contacted support, replaced the number and logged in from their home "
        "line. The SOP treats this like a SIM swap, but the history and amounts are the owner's.",
        "用户丢失手机后联系客服更换号码，并从家庭网络登录。SOP 把这种情况当作 SIM 卡劫持处理，"
        "但历史记录和金额都符合本人习惯。",
        ((MISLEADING, "ato.phone_change_via_support"), (MISLEADING, "ato.weaker_mfa_login")),
    ),
    "vpn_user": Note(
        "misweighted_signal",
        "This customer always connects through a VPN; the device and addresses are familiar. "
        "The anonymising-network signal should not count for habitual VPN users.",
        "该用户一直通过 VPN 登录，设备和地址都是熟悉的。对长期使用 VPN 的用户，匿名网络信号不应计入。",
        ((MISLEADING, "ato.anonymising_network"),),
    ),
    "forgotten_password": Note(
        "misweighted_signal",
        "Failed logins from the customer's own home line, then a password reset and ordinary activity. "
        "The owner forgot the password.",
        "登录失败来自用户自己的家庭网络，之后重置密码并正常操作。是本人忘记了密码。",
        ((MISLEADING, "ato.failed_logins_before_success"),),
    ),
    "failed_attack": Note(
        "misweighted_signal",
        "The failed burst came from a crew, but the successful login is the owner's from home on the "
        "usual device. The attack failed; the withdrawal is ordinary.",
        "登录失败激增来自攻击团伙，但成功登录是本人在家中用常用设备完成的。攻击失败了，这笔提现是正常的。",
        ((MISLEADING, "ato.failed_logins_before_success"),),
    ),
    "new_exchange": Note(
        "misweighted_signal",
        "First withdrawal to the customer's own new wallet, from home on the usual device. "
        "A new address alone is not a takeover.",
        "这是用户从家中用常用设备首次提现到自己的新钱包。仅有新地址并不构成账户被盗。",
        ((MISLEADING, "ato.new_withdrawal_address"), (MISLEADING, "ato.balance_drained_share")),
    ),
    "trading_bot": Note(
        "misweighted_signal",
        "A trading bot on a cloud server, set up by the owner; API withdrawals from a hosting IP are "
        "its normal behaviour.",
        "这是用户自己在云服务器上部署的交易机器人，从托管 IP 通过 API 提现是它的正常行为。",
        ((MISLEADING, "ato.withdraw_api_key_without_allowlist"), (MISLEADING, "ato.anonymising_network")),
    ),
    "large_withdrawal": Note(
        "misweighted_signal",
        "A wealthy customer moving a large share of the balance from the usual device and home line. "
        "The amount alone should not convict.",
        "高净值用户用常用设备和家庭网络转出大部分余额。仅凭金额不应判定为被盗。",
        ((MISLEADING, "ato.amount_vs_median_withdrawal"), (MISLEADING, "ato.balance_drained_share")),
    ),
    "account_exit": Note(
        "misweighted_signal",
        "The customer is leaving the exchange and moving everything to their own address. "
        "A full drain by the owner is not a takeover.",
        "用户准备离开交易所，把全部资产转到自己的地址。本人清空账户不属于账户被盗。",
        ((MISLEADING, "ato.balance_drained_share"), (MISLEADING, "ato.new_withdrawal_address")),
    ),
    "shared_access": Note(
        "sop_gap",
        "A trusted person (partner or account manager) used the account from their own device. "
        "The SOP says nothing about shared access the owner consented to.",
        "是用户信任的人（伴侣或客户经理）用自己的设备登录了账户。SOP 没有涉及本人同意的共享使用。",
        ((MISLEADING, "ato.new_device"), (MISLEADING, "ato.new_ip")),
    ),
    "p2p_merchant": Note(
        "misweighted_signal",
        "A P2P merchant releasing coins to a new buyer, as on every trade. "
        "New addresses are normal for this customer.",
        "这是 P2P 商家向新买家放币，每笔交易都是如此。对该用户来说新地址是正常的。",
        ((MISLEADING, "ato.new_withdrawal_addresses"), (MISLEADING, "ato.new_withdrawal_address")),
    ),
}

# A reviewer who misjudged the case writes what they believed.
MISTAKEN_AS_ATTACK = Note(
    "misweighted_signal",
    "The access and the withdrawal do not fit this customer's habits; I believe it is a takeover. "
    "ROCA weighed the familiar history too heavily.",
    "这次登录和提现与该用户的习惯不符，我判断为账户被盗。ROCA 过于看重熟悉的历史记录。",
    ((MISLEADING, "ato.amount_vs_median_withdrawal"),),
)
MISTAKEN_AS_OWNER = Note(
    "misweighted_signal",
    "The device, network and amount look like the owner's own; I believe this is the customer. "
    "ROCA weighed the new address too heavily.",
    "设备、网络和金额看起来都是用户本人的，我判断是本人操作。ROCA 过于看重新地址。",
    ((MISLEADING, "ato.new_withdrawal_address"),),
)
# Other case types: the simulated reviewers do not write scenario-specific notes for them.
GENERIC = Note(
    "inherently_ambiguous",
    "The evidence supports a different decision than ROCA's. I decided on the full case file.",
    "证据支持与 ROCA 不同的决定。我根据完整的案件资料作出了判断。",
)


def note_for(case_type: str, scenario: str, reviewer_right: bool, believes_risky: bool) -> Note:
    """The note of a reviewer who overturns ROCA on a case of ``scenario``."""
    if case_type != "ato":
        return GENERIC
    if reviewer_right and scenario in RIGHT:
        return RIGHT[scenario]
    return MISTAKEN_AS_ATTACK if believes_risky else MISTAKEN_AS_OWNER
