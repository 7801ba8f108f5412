"""Transaction-fraud signals on hand-built timelines, out-of-order and skewed clocks included."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import pytest

from roca.cases.schemas import CaseIn, Event
from roca.signals import fraud
from roca.signals.base import Severity, Signal
from roca.signals.context import NO_LINKS, LinkKind, LinkSummary, SignalInput, input_for_case
from tests.unit.signals.builders import ALERT, build_case, by_id, ev

OPENED = datetime(2026, 6, 1, tzinfo=ALERT.tzinfo)
ADDRESS = "bc1q-mule-0001"


class FakeLinks:
    def __init__(self, **summaries: LinkSummary) -> None:
        self.summaries = summaries
        self.asked: dict[LinkKind, frozenset[str]] = {}

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        self.asked[kind] = frozenset(values)
        return self.summaries.get(kind, NO_LINKS)


def withdrawal(
    minutes: float = -2, amount: float = 5_000, address: str = ADDRESS, **fields: Any
) -> dict[str, Any]:
    return ev("withdrawal", minutes=minutes, amount_usd=amount, address=address, asset="BTC", **fields)


def history() -> list[dict[str, Any]]:
    """An ordinary customer: monthly deposits, trading, withdrawals of about USD 1,000 to one address."""
    events: list[dict[str, Any]] = []
    for month in range(1, 5):
        days = -30.0 * month
        events += [
            ev("deposit", days=days, amount_usd=3_000, device_id="d-home"),
            ev("trade", days=days + 1, amount_usd=2_500, device_id="d-home"),
            ev("withdrawal", days=days + 2, amount_usd=1_000, address="bc1q-own", device_id="d-home"),
        ]
    return events


def fraud_case(events: list[dict[str, Any]], amount: float | None = 5_000, **fields: Any) -> CaseIn:
    return build_case("fraud", ALERT, events, account_created_at=OPENED, amount_at_risk_usd=amount, **fields)


def signals(case: CaseIn, links: FakeLinks | None = None) -> dict[str, Signal]:
    return by_id(fraud.registry.compute(fraud.view(input_for_case(case, links))))


def fired(case: CaseIn) -> set[str]:
    return {s.id for s in signals(case).values() if s.fired}


def test_there_are_at_least_eight_fraud_signals_with_numeric_values() -> None:
    assert len(fraud.registry.specs) >= 8
    for signal in signals(fraud_case([*history(), withdrawal()])).values():
        assert signal.value is None or isinstance(signal.value, bool | int | float)


def test_an_ordinary_withdrawal_fires_nothing() -> None:
    events = [*history(), ev("deposit", days=-3, amount_usd=1_500), ev("trade", days=-2, amount_usd=1_400)]
    case = fraud_case([*events, withdrawal(amount=1_200, address="bc1q-own")], amount=1_200)
    assert fired(case) == set()


def test_pass_through_deposit_then_withdrawal() -> None:
    events = [ev("deposit", minutes=-14, amount_usd=5_000), withdrawal(minutes=-2)]
    found = signals(fraud_case(events))["fraud.deposit_to_withdrawal_minutes"]
    assert found.value == 12.0
    assert found.fired
    assert found.text_en == "withdrawn 12 min after the last deposit (pass-through)"
    assert found.text_zh == "最近一次入金后仅 12 分钟 即提现（快进快出）"


def test_out_of_order_events_read_the_same_as_sorted_ones() -> None:
    events = [*history(), ev("deposit", minutes=-40, amount_usd=5_000), withdrawal(minutes=-5)]
    in_order = fraud.registry.values(fraud.view(input_for_case(fraud_case(events))))
    shuffled = fraud_case(list(reversed(events)))
    assert fraud.registry.values(fraud.view(input_for_case(shuffled))) == in_order
    # An input built by hand, not through merge_timeline, is sorted by the view itself.
    raw = SignalInput(case=shuffled, timeline=[Event.model_validate(e) for e in reversed(events)])
    assert fraud.registry.values(fraud.view(raw)) == in_order


def test_a_deposit_stamped_just_after_the_withdrawal_still_funds_it() -> None:
    events = [withdrawal(minutes=-6), ev("deposit", minutes=-3, amount_usd=5_000)]  # 3 min clock skew
    found = signals(fraud_case(events))
    assert found["fraud.deposit_to_withdrawal_minutes"].value == 0.0
    assert found["fraud.deposit_to_withdrawal_minutes"].fired
    assert found["fraud.share_of_deposits_withdrawn"].value == 1.0


def test_events_beyond_the_clock_skew_after_the_alert_are_ignored() -> None:
    events = [withdrawal(minutes=-6), ev("deposit", minutes=30, amount_usd=5_000)]
    assert signals(fraud_case(events))["fraud.deposit_to_withdrawal_minutes"].value is None


def test_amount_against_history() -> None:
    found = signals(fraud_case([*history(), withdrawal(amount=9_000)], amount=9_000))[
        "fraud.amount_vs_history_ratio"
    ]
    assert found.value == 9.0
    assert found.fired
    assert found.text_en == "withdrawal of USD 9,000 is 9.0× the usual USD 1,000"
    assert signals(fraud_case([withdrawal()]))["fraud.amount_vs_history_ratio"].value is None


def test_new_and_freshly_added_withdrawal_address() -> None:
    events = [*history(), ev("withdrawal_address_add", minutes=-25, address=ADDRESS), withdrawal(minutes=-5)]
    found = signals(fraud_case(events))
    assert found["fraud.new_withdrawal_address"].fired
    assert found["fraud.address_added_minutes"].value == 20.0
    assert found["fraud.address_added_minutes"].text_zh == "提现地址在提现前 20 分钟 才添加"
    known = signals(fraud_case([*history(), withdrawal(address="bc1q-own")]))
    assert known["fraud.new_withdrawal_address"].value is False
    assert known["fraud.address_added_minutes"].value is None


def test_withdrawal_without_address_or_event() -> None:
    no_address = signals(fraud_case([ev("withdrawal", minutes=-2, amount_usd=5_000)]))
    assert no_address["fraud.new_withdrawal_address"].value is None
    pending = signals(fraud_case(history()))  # the reviewed withdrawal is not in the timeline yet
    assert pending["fraud.first_withdrawal"].value is False
    assert pending["fraud.amount_vs_history_ratio"].value == 5.0
    assert pending["fraud.withdrawals_last_24h"].value == 1


def test_share_of_recent_deposits_withdrawn() -> None:
    events = [
        ev("deposit", days=-40, amount_usd=50_000),
        ev("deposit", days=-2, amount_usd=5_200),
        withdrawal(),
    ]
    found = signals(fraud_case(events))["fraud.share_of_deposits_withdrawn"]
    assert found.value == pytest.approx(5_000 / 5_200, abs=1e-4)
    assert found.fired
    assert found.text_en == "the withdrawal takes 96% of the last 30 days' deposits (USD 5,200)"


def test_many_small_deposits_then_one_large_withdrawal() -> None:
    small = [ev("deposit", days=-6 + i, amount_usd=900) for i in range(6)]
    found = signals(fraud_case([*small, withdrawal(amount=5_000)]))
    structuring = found["fraud.small_deposits_before_withdrawal"]
    assert structuring.value == 6
    assert structuring.fired
    assert structuring.severity is Severity.HIGH
    assert structuring.text_en == (
        "6 small deposits (USD 5,400 in all) in the 7 days before one large withdrawal"
    )
    few = signals(fraud_case([*small[:3], withdrawal(amount=5_000)]))
    assert not few["fraud.small_deposits_before_withdrawal"].fired


def test_account_age_and_first_withdrawal() -> None:
    case = build_case(
        "fraud", ALERT, [withdrawal()], account_created_at=ALERT.replace(day=1), amount_at_risk_usd=5_000
    )
    found = signals(case)
    assert found["fraud.account_age_days"].fired
    assert found["fraud.account_age_days"].text_en.startswith("the account is only 1.")
    assert found["fraud.first_withdrawal"].fired
    unknown = signals(build_case("fraud", ALERT, [withdrawal()]))
    assert unknown["fraud.account_age_days"].value is None


def test_anonymising_network_around_the_withdrawal() -> None:
    events = [ev("login", minutes=-30, asn_type="hosting"), withdrawal(asn_type="tor")]
    found = signals(fraud_case(events))["fraud.anonymising_network"]
    assert found.fired
    assert found.severity is Severity.HIGH
    assert found.text_zh == "提现前后的会话使用洋葱网络（Tor）"
    old = signals(fraud_case([ev("login", days=-5, asn_type="vpn"), withdrawal()]))
    assert not old["fraud.anonymising_network"].fired


def test_links_to_confirmed_bad_accounts() -> None:
    links = FakeLinks(
        address=LinkSummary(accounts=4, confirmed_bad=2, recent_accounts=4),
        device=LinkSummary(accounts=1, confirmed_bad=1, recent_accounts=0),
    )
    events = [ev("login", minutes=-10, device_id="d-9"), withdrawal(device_id="d-9")]
    found = signals(fraud_case(events), links)
    assert links.asked == {"address": frozenset({ADDRESS}), "device": frozenset({"d-9"})}
    assert found["fraud.address_linked_bad_accounts"].value == 2
    assert found["fraud.address_linked_bad_accounts"].severity is Severity.CRITICAL
    assert found["fraud.address_shared_accounts"].fired
    assert found["fraud.device_linked_bad_accounts"].text_en == (
        "a device of this account was also used by 1 account confirmed as bad"
    )


def test_no_trading_between_deposit_and_withdrawal_looks_like_a_mule() -> None:
    events = [
        ev("deposit", days=-1, amount_usd=5_000),
        ev("trade", minutes=-600, amount_usd=200),
        withdrawal(),
    ]
    found = signals(fraud_case(events))["fraud.trade_to_deposit_ratio"]
    assert found.value == 0.04
    assert found.fired
    assert found.text_en == "traded only 4% of the USD 5,000 deposited in 30 days"
    assert signals(fraud_case([withdrawal()]))["fraud.trade_to_deposit_ratio"].value is None


def test_a_burst_of_withdrawals() -> None:
    events = [withdrawal(minutes=-60 * i, amount=500 + i) for i in range(6)]
    found = signals(fraud_case(events, amount=500))["fraud.withdrawals_last_24h"]
    assert found.value == 6
    assert found.fired


def test_the_reviewed_withdrawal_is_the_one_with_the_amount_at_risk() -> None:
    events = [withdrawal(minutes=-90, amount=7_777, address="bc1q-new"), withdrawal(minutes=-5, amount=100)]
    view = fraud.view(input_for_case(fraud_case(events, amount=7_777)))
    assert view.withdrawal is not None
    assert view.withdrawal.amount_usd == 7_777


def test_a_fraud_case_with_no_timeline_and_no_amount() -> None:
    found = signals(build_case("fraud", ALERT))
    assert all(s.value is None or s.value == 0 for s in found.values()), found
    assert not any(s.fired for s in found.values())


def test_every_fired_template_is_filled_in_both_languages() -> None:
    events = [
        ev("withdrawal", days=-1.5, amount_usd=100, address="bc1q-old"),
        *[ev("deposit", days=-1 + i * 0.1, amount_usd=2_000, device_id="d") for i in range(9)],
        ev("deposit", minutes=-20, amount_usd=1_000),
        ev("withdrawal_address_add", minutes=-30, address=ADDRESS, asn_type="vpn"),
        *[withdrawal(minutes=-10 - i, amount=50, address="bc1q-old") for i in range(5)],
        withdrawal(minutes=-3, amount=20_000),
    ]
    links = FakeLinks(address=LinkSummary(5, 1, 5), device=LinkSummary(2, 1, 2))
    case = build_case(
        "fraud", ALERT, events, account_created_at=ALERT.replace(day=1), amount_at_risk_usd=20_000,
        alert={"upstream_score": 0.9},
    )  # fmt: skip
    found = signals(case, links)
    names = {spec.id: (spec.name_en, spec.name_zh) for spec in fraud.registry.specs}
    assert {s.id for s in found.values() if not s.fired} == {"fraud.first_withdrawal"}
    for signal in found.values():
        if signal.fired:
            assert (signal.text_en, signal.text_zh) != names[signal.id], signal.id
            assert "{" not in signal.text_en + signal.text_zh
