"""Account-takeover signals on hand-built timelines.

The story most tests tell: an account in Singapore that logs in at 09:00 UTC with an authenticator
app from one phone, and now a session from a Tor exit in Germany with a new device.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from roca.cases.schemas import CaseIn, Event
from roca.signals import ato
from roca.signals.ato_view import RECENT_WINDOW, AtoView
from roca.signals.base import Severity, Signal
from roca.signals.context import (
    CLOCK_SKEW,
    NO_LINKS,
    AccountLinks,
    LinkKind,
    LinkSummary,
    NoLinks,
    SignalInput,
    merge_timeline,
)
from tests.unit.signals.builders import ALERT, at, build_case, by_id, ev

EXAMPLES = Path(__file__).resolve().parents[4] / "shared" / "contract" / "examples"

HOME: dict[str, Any] = {
    "ip": "116.86.4.20",
    "ip_country": "SG",
    "asn": 9506,
    "asn_type": "residential",
    "device_id": "dev-home",
    "user_agent": "Exchange/5.1 (iPhone; iOS 18.1)",
    "mfa_method": "totp",
}
THIEF: dict[str, Any] = {
    "ip": "185.220.101.7",
    "ip_country": "DE",
    "asn": 205100,
    "asn_type": "tor",
    "device_id": "dev-thief",
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    "mfa_method": "sms",
}
SUBJECT = {"country": "SG", "balance_usd": 18400.0}
OLD_ACCOUNT = at(2023, 4, 19, 8, 12)


# -- building cases ------------------------------------------------------------------------------------


def events(*raw: dict[str, Any]) -> list[Event]:
    return [Event.model_validate(item) for item in raw]


def home_history(logins: int = 6, withdrawals: bool = True) -> list[Event]:
    """The owner's stored timeline: logins at 09:00 UTC every five days in October, two withdrawals."""
    raw = [ev("deposit", at(2026, 10, 1, 8, 0), amount_usd=20000.0)]
    raw += [ev("login", at(2026, 10, 2 + 5 * i, 9, 0), success=True, **HOME) for i in range(logins)]
    if withdrawals:
        raw += [
            ev(
                "withdrawal",
                at(2026, 10, day, 9, 30),
                address="addr-home",
                asset="USDT",
                network="TRX",
                amount_usd=usd,
            )
            for day, usd in ((10, 500.0), (20, 700.0))
        ]
    return events(*raw)


def takeover_events() -> list[dict[str, Any]]:
    """A SIM-swap session ending in a drain, minutes before the alert."""
    return [
        ev("login", minutes=-150, success=True, **HOME),  # the owner, in Singapore
        *[ev("login", minutes=m, success=False, **THIEF) for m in (-58, -56, -55, -53)],
        ev("login", minutes=-50, success=True, **THIEF),
        ev("support_contact", minutes=-47, channel="app", topic="lost my phone"),
        ev("phone_change", minutes=-44),
        ev("password_reset", minutes=-40, channel="sms"),
        ev("email_change", minutes=-38),
        ev("mfa_change", minutes=-36, action="disable", mfa_method="totp"),
        ev("anti_phishing_code_change", minutes=-35),
        ev("api_key_create", minutes=-30, permissions=["read", "withdraw"]),
        ev("withdrawal_address_add", minutes=-20, address="evil-1", network="SOL"),
        ev("withdrawal_address_add", minutes=-18, address="evil-2", network="BSC"),
        ev("withdrawal", minutes=-5, asset="USDC", network="SOL", address="evil-1", amount_usd=18250.0),
    ]


def ato_case(
    raw_events: list[dict[str, Any]] | None = None,
    *,
    subject: dict[str, Any] | None = None,
    account_created_at: datetime | None = OLD_ACCOUNT,
    created_at: datetime = ALERT,
    **fields: Any,
) -> CaseIn:
    return build_case(
        "ato",
        created_at,
        raw_events or [],
        account_created_at=account_created_at,
        subject=SUBJECT if subject is None else subject,
        **fields,
    )


@dataclass
class FakeLinks:
    """Answers link lookups from a table keyed by (kind, value) and records every call."""

    table: dict[tuple[str, str], LinkSummary] = field(default_factory=dict)
    calls: list[tuple[LinkKind, frozenset[str], str, datetime]] = field(default_factory=list)

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        self.calls.append((kind, frozenset(values), account_id, before))
        hits = [self.table[(kind, value)] for value in values if (kind, value) in self.table]
        if not hits:
            return NO_LINKS
        return LinkSummary(
            accounts=sum(hit.accounts for hit in hits),
            confirmed_bad=sum(hit.confirmed_bad for hit in hits),
            recent_accounts=sum(hit.recent_accounts for hit in hits),
        )


def input_of(case: CaseIn, history: Sequence[Event] = (), links: AccountLinks | None = None) -> SignalInput:
    return SignalInput(case=case, timeline=merge_timeline(case, history), links=links or NoLinks())


def view_of(case: CaseIn, history: Sequence[Event] = (), links: AccountLinks | None = None) -> AtoView:
    return ato.view(input_of(case, history, links))


def signals(
    case: CaseIn, history: Sequence[Event] = (), links: AccountLinks | None = None
) -> dict[str, Signal]:
    return by_id(ato.registry.compute(view_of(case, history, links)))


def example(name: str) -> CaseIn:
    return CaseIn.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def fired(found: dict[str, Signal]) -> set[str]:
    return {signal_id for signal_id, signal in found.items() if signal.fired}


# -- the catalog ----------------------------------------------------------------------------------------


def test_at_least_thirty_ato_signals_with_numeric_values_and_bilingual_texts() -> None:
    specs = ato.registry.specs
    assert len(specs) >= 30
    assert len({spec.id for spec in specs}) == len(specs)
    for spec in specs:
        assert spec.id.startswith("ato.")
        assert spec.kind in ("bool", "float")
        assert spec.template_en
        assert spec.template_zh
        assert spec.name_en
        assert spec.name_zh
        assert "\n" not in spec.template_en + spec.template_zh
        assert re.search(r"[\u4e00-\u9fff]", spec.template_zh), spec.id
        assert spec.group in {"access", "security", "withdrawal", "account", "links"}


def test_values_are_numbers_flags_or_none() -> None:
    for value in ato.registry.values(view_of(ato_case(takeover_events()), home_history())):
        assert value is None or isinstance(value, bool | float)


# -- the contract examples ---------------------------------------------------------------------------------


def test_sim_swap_example_tells_the_takeover_story() -> None:
    found = signals(example("ato-sim-swap"))
    assert {
        "ato.phone_change_via_support",
        "ato.password_reset_to_withdrawal_min",
        "ato.phone_change_to_withdrawal_min",
        "ato.anti_phishing_change_to_withdrawal_min",
        "ato.new_device",
        "ato.anonymising_network",
        "ato.mfa_removed",
        "ato.weaker_mfa_login",
        "ato.new_withdrawal_address",
        "ato.withdrawal_address_age_min",
        "ato.balance_drained_share",
        "ato.security_change_to_withdrawal_min",
    } <= fired(found)
    drain = found["ato.balance_drained_share"]
    assert drain.value == pytest.approx(18250 / 18400)
    assert drain.severity is Severity.CRITICAL
    assert drain.text_en == "withdrew 99% of the balance ($18,250 of $18,400)"
    reset = found["ato.password_reset_to_withdrawal_min"]
    assert reset.value == pytest.approx(31.93, abs=0.01)
    assert reset.text_en == "withdrawal 32 min after an SMS password reset"
    assert reset.text_zh == "短信重置密码 32 分钟后发起提现"
    assert found["ato.anonymising_network"].severity is Severity.HIGH
    assert found["ato.no_history"].value is False


def test_travel_false_alarm_fires_no_takeover_specific_signal() -> None:
    """Same device and passkey, Hong Kong then Japan two and a half days later, a small withdrawal:
    only the facts the alert itself saw (new country, IP, network) may fire."""
    found = signals(example("ato-travel-false-alarm"))
    takeover_specific = {
        "ato.new_device",
        "ato.travel_speed_kmh",
        "ato.anonymising_network",
        "ato.failed_logins_before_success",
        "ato.weaker_mfa_login",
        "ato.mfa_removed",
        "ato.password_reset_to_withdrawal_min",
        "ato.email_change_to_withdrawal_min",
        "ato.phone_change_to_withdrawal_min",
        "ato.anti_phishing_change_to_withdrawal_min",
        "ato.phone_change_via_support",
        "ato.withdraw_api_key_without_allowlist",
        "ato.security_change_to_withdrawal_min",
        "ato.security_changes",
        "ato.balance_drained_share",
        "ato.login_to_withdrawal_min",
        "ato.dormant_days",
        "ato.linked_confirmed_bad_accounts",
    }
    assert not fired(found) & takeover_specific
    assert found["ato.new_device"].value is False
    assert found["ato.new_country"].fired
    speed = found["ato.travel_speed_kmh"].value
    assert isinstance(speed, float)
    assert 0 < speed < 100


def _scenario_signals() -> list[dict[str, Signal]]:
    """Cases that between them fire every ATO signal."""
    links = FakeLinks(
        {
            ("device", "dev-thief"): LinkSummary(accounts=3, confirmed_bad=1, recent_accounts=2),
            ("ip", "185.220.101.7"): LinkSummary(accounts=9),
            ("address", "evil-1"): LinkSummary(accounts=2, confirmed_bad=2, recent_accounts=2),
        }
    )
    takeover = signals(ato_case(takeover_events(), alert={"upstream_score": 0.92}), home_history(), links)
    dormant = [ev("login", at(2026, 3, 1, 9, 0), success=True, **HOME)]
    quick = [
        ev("login", minutes=-8, success=True, **HOME),
        ev("withdrawal", minutes=-1, address="addr-x", asset="USDT", network="TRX", amount_usd=100.0),
    ]
    rushed = signals(ato_case(quick), events(*dormant))
    young = signals(ato_case(quick, account_created_at=ALERT - timedelta(days=3)))
    return [signals(example("ato-sim-swap")), takeover, rushed, young]


def test_every_signal_renders_its_fired_template_in_both_languages() -> None:
    rendered: dict[str, Signal] = {}
    for found in _scenario_signals():
        rendered.update({sid: s for sid, s in found.items() if s.fired and sid not in rendered})
    specs = {spec.id: spec for spec in ato.registry.specs}
    assert set(rendered) == set(specs), f"never fired: {sorted(set(specs) - set(rendered))}"
    for signal_id, signal in rendered.items():
        spec = specs[signal_id]
        # A template that failed to fill falls back to the bare name.
        assert signal.text_en != spec.name_en, signal_id
        assert signal.text_zh != spec.name_zh, signal_id
        for text in (signal.text_en, signal.text_zh):
            assert not re.search(r"[{}\n]", text), text
            assert "None" not in text, text
        assert re.search(r"[\u4e00-\u9fff]", signal.text_zh), signal.text_zh
        assert not re.search(r"[\u4e00-\u9fff]", signal.text_en), signal.text_en


# -- the time frame: history, anchor, window, skew -----------------------------------------------------


def test_device_first_seen_in_last_weeks_case_is_not_new_today() -> None:
    last_week = events(ev("login", days=-7, success=True, **THIEF))
    found = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), last_week)
    assert found["ato.new_device"].value is False
    assert found["ato.new_country"].value is False


def test_without_history_novelty_is_unknown_and_no_history_fires() -> None:
    found = signals(ato_case(takeover_events()))
    for signal_id in (
        "ato.new_device",
        "ato.new_ip",
        "ato.new_asn",
        "ato.new_country",
        "ato.new_user_agent",
        "ato.new_withdrawal_address",
        "ato.new_withdrawal_addresses",
        "ato.first_withdrawal",
        "ato.amount_vs_median_withdrawal",
        "ato.dormant_days",
        "ato.unusual_login_hour",
        "ato.weaker_mfa_login",
    ):
        assert found[signal_id].value is None, signal_id
    assert found["ato.no_history"].fired
    assert found["ato.no_history"].severity is Severity.INFO
    assert "24 h" in found["ato.no_history"].text_en
    # Evidence inside the session itself does not need history.
    assert found["ato.mfa_removed"].fired
    assert found["ato.anonymising_network"].fired


def test_no_history_is_quiet_when_history_exists() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    assert found["ato.no_history"].value is False
    assert not found["ato.no_history"].fired


def test_failed_attempts_do_not_make_a_device_known() -> None:
    tried = [*events(ev("login", days=-3, success=False, **THIEF)), *home_history()]
    found = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), tried)
    assert found["ato.new_device"].fired


def test_history_missing_a_field_makes_that_novelty_unknown() -> None:
    no_agents = events(ev("login", days=-10, success=True, **{**HOME, "user_agent": None}))
    found = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), no_agents)
    assert found["ato.new_user_agent"].value is None
    assert found["ato.new_device"].value is True


def test_window_is_the_day_before_the_withdrawal() -> None:
    """A login 30 h before the alert is history, unless the withdrawal was 20 h before the alert."""
    login = ev("login", minutes=-30 * 60, success=True, **THIEF)
    withdrawal = ev("withdrawal", minutes=-20 * 60, address="evil-1", amount_usd=10.0)
    anchored = view_of(ato_case([login, withdrawal]), home_history())
    assert anchored.withdrawal is not None
    assert anchored.anchor == ALERT - timedelta(hours=20)
    assert anchored.window_start == anchored.anchor - RECENT_WINDOW
    assert "dev-thief" in anchored.recent.access.devices
    unanchored = view_of(ato_case([login]), home_history())
    assert unanchored.withdrawal is None
    assert unanchored.anchor == ALERT
    assert "dev-thief" in unanchored.history.access.devices


def test_an_old_withdrawal_is_history_not_the_cases_withdrawal() -> None:
    found = signals(ato_case([ev("password_reset", minutes=-30, channel="sms")]), home_history())
    assert found["ato.password_reset_to_withdrawal_min"].value is None
    assert found["ato.balance_drained_share"].value is None
    assert found["ato.new_withdrawal_address"].value is None
    assert found["ato.security_changes"].value == 1.0


def test_clock_skew_keeps_an_event_minutes_after_the_alert_and_drops_one_hours_after() -> None:
    late = ev("withdrawal", minutes=5, address="evil-1", amount_usd=18000.0)
    found = signals(ato_case([ev("password_reset", minutes=-20, channel="email"), late]), home_history())
    assert found["ato.password_reset_to_withdrawal_min"].value == pytest.approx(25.0)
    assert found["ato.balance_drained_share"].fired
    too_late = ev("withdrawal", minutes=180, address="evil-1", amount_usd=18000.0)
    found = signals(ato_case([ev("password_reset", minutes=-20, channel="email"), too_late]), home_history())
    assert found["ato.password_reset_to_withdrawal_min"].value is None
    assert found["ato.balance_drained_share"].value is None


def test_a_caller_built_timeline_past_the_horizon_is_cut() -> None:
    case = ato_case([ev("login", minutes=-30, success=True, **THIEF)])
    beyond = events(ev("withdrawal", ALERT + CLOCK_SKEW, minutes=1, address="evil-1", amount_usd=18000.0))
    built = ato.view(SignalInput(case=case, timeline=[*merge_timeline(case, home_history()), *beyond]))
    assert built.withdrawal is None
    assert all(event.ts <= ALERT + CLOCK_SKEW for event in built.timeline)


def test_events_out_of_order_in_the_input_give_the_same_values() -> None:
    ordered = takeover_events()
    shuffled = ordered[:]
    random.Random(4).shuffle(shuffled)
    history = home_history()
    expected = ato.registry.values(view_of(ato_case(ordered), history))
    assert ato.registry.values(view_of(ato_case(shuffled), list(reversed(history)))) == expected


def test_the_same_event_in_history_and_case_counts_once() -> None:
    login = ev("login", minutes=-30, success=True, **THIEF)
    found = signals(ato_case([login]), [*home_history(), *events(login)])
    assert found["ato.new_device"].fired


def test_an_empty_case_computes_every_signal() -> None:
    found = signals(ato_case([], subject={}, account_created_at=None))
    assert len(found) == len(ato.registry.specs)
    assert fired(found) == {"ato.no_history"}
    assert found["ato.account_age_days"].value is None


# -- access ----------------------------------------------------------------------------------------------


def test_new_ip_asn_country_and_user_agent() -> None:
    found = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), home_history())
    assert (
        found["ato.new_ip"].text_en
        == "activity from an IP address never seen on this account (185.220.101.7)"
    )
    assert found["ato.new_asn"].text_en.endswith("(ASN 205100)")
    assert found["ato.new_country"].text_zh == "出现来自 DE 的访问，该账户此前从未在此国家/地区出现"
    assert found["ato.new_user_agent"].fired
    assert "Firefox" in found["ato.new_user_agent"].text_en
    home = signals(ato_case([ev("login", minutes=-30, success=True, **HOME)]), home_history())
    assert not fired(home) & {
        "ato.new_device",
        "ato.new_ip",
        "ato.new_asn",
        "ato.new_country",
        "ato.new_user_agent",
    }


def test_impossible_travel_between_consecutive_logins() -> None:
    hop = [ev("login", minutes=-150, success=True, **HOME), ev("login", minutes=-50, success=True, **THIEF)]
    found = signals(ato_case(hop), home_history())
    travel = found["ato.travel_speed_kmh"]
    assert travel.fired
    assert isinstance(travel.value, float)
    assert travel.value > 5000  # Singapore to Germany in 100 minutes
    assert travel.text_en.startswith("logins from SG and DE 1.7 h apart imply travel at ")
    assert travel.text_zh.startswith("1.7 小时内先后从 SG 和 DE 登录")


def test_travel_ignores_same_country_pairs_and_unknown_countries() -> None:
    same = signals(ato_case([ev("login", minutes=-5, success=True, **HOME)]), home_history())
    assert same["ato.travel_speed_kmh"].value == 0.0
    unknown = {**THIEF, "ip_country": "ZZ"}
    odd = signals(ato_case([ev("login", minutes=-5, success=True, **unknown)]), home_history())
    assert odd["ato.travel_speed_kmh"].value is None
    alone = signals(ato_case([ev("login", minutes=-5, success=True, **THIEF)]))
    assert alone["ato.travel_speed_kmh"].value is None


def test_travel_reports_the_fastest_hop() -> None:
    hops = [
        ev("login", minutes=-600, success=True, **HOME),
        ev("login", minutes=-300, success=True, **{**HOME, "ip_country": "MY"}),  # a short flight
        ev("login", minutes=-280, success=True, **{**HOME, "ip_country": "US"}),  # impossible
    ]
    view = view_of(ato_case(hops), home_history())
    fastest = view.fastest_travel()
    assert fastest is not None
    assert fastest[1].ip_country == "MY"
    assert fastest[2].ip_country == "US"


@pytest.mark.parametrize(
    ("asn_type", "value", "severity"),
    [("tor", True, Severity.HIGH), ("vpn", True, Severity.MEDIUM), ("hosting", True, Severity.MEDIUM)],
)
def test_anonymising_networks(asn_type: str, value: bool, severity: Severity) -> None:
    found = signals(ato_case([ev("login", minutes=-5, success=True, **{**THIEF, "asn_type": asn_type})]))
    assert found["ato.anonymising_network"].value is value
    assert found["ato.anonymising_network"].severity is severity


def test_residential_network_is_not_anonymising_and_missing_type_is_unknown() -> None:
    home = signals(ato_case([ev("login", minutes=-5, success=True, **HOME)]))
    assert home["ato.anonymising_network"].value is False
    bare = signals(ato_case([ev("login", minutes=-5, success=True)]))
    assert bare["ato.anonymising_network"].value is None
    assert signals(ato_case([ev("login", minutes=-5, success=True, **THIEF)]))[
        "ato.anonymising_network"
    ].text_zh == ("使用匿名网络访问：Tor 网络")


def test_activity_outside_the_home_country() -> None:
    found = signals(ato_case([ev("login", minutes=-5, success=True, **THIEF)]))
    assert found["ato.outside_home_country"].text_en == "activity from DE, outside the account's country (SG)"
    no_home = signals(ato_case([ev("login", minutes=-5, success=True, **THIEF)], subject={}))
    assert no_home["ato.outside_home_country"].value is None


def test_failed_login_burst_before_the_first_successful_login() -> None:
    # The owner logged in at -150 min; the burst precedes the thief's login at -50 min.
    found = signals(ato_case(takeover_events()), home_history())
    assert found["ato.failed_logins_before_success"].value == 4.0
    burst = [ev("login", minutes=m, success=False, **THIEF) for m in (-130, -58, -56, -55, -53)]
    found = signals(ato_case([*burst, ev("login", minutes=-50, success=True, **THIEF)]), home_history())
    failed = found["ato.failed_logins_before_success"]
    assert failed.value == 4.0
    assert failed.fired
    assert failed.severity is Severity.MEDIUM
    assert failed.text_en == "4 failed logins in the 60 min before the successful login"
    storm = [ev("login", minutes=-59 + i, success=False, **THIEF) for i in range(12)]
    found = signals(ato_case([*storm, ev("login", minutes=-40, success=True, **THIEF)]))
    assert found["ato.failed_logins_before_success"].severity is Severity.HIGH
    only_failures = signals(ato_case(burst))
    assert only_failures["ato.failed_logins_before_success"].value is None


def test_login_at_an_unusual_hour_needs_enough_habits() -> None:
    night = [ev("login", at(2026, 11, 2, 3, 0), success=True, **HOME)]
    unusual = signals(ato_case(night), home_history())["ato.unusual_login_hour"]
    assert unusual.text_en == "logged in at 03:00 UTC, outside the hours this account is usually active"
    assert unusual.text_zh == "于 UTC 03:00 登录，不在该账户平常的活跃时段"
    morning = [ev("login", at(2026, 11, 2, 2, 0), success=True, **HOME)]
    usual = events(*[ev("login", at(2026, 10, d, 1, 30), success=True, **HOME) for d in range(1, 7)])
    assert signals(ato_case(morning), usual)["ato.unusual_login_hour"].value is False
    assert signals(ato_case(night), home_history(logins=4))["ato.unusual_login_hour"].value is None


def test_weaker_second_factor_than_usual() -> None:
    found = signals(ato_case([ev("login", minutes=-5, success=True, **THIEF)]), home_history())
    assert found["ato.weaker_mfa_login"].text_en == (
        "second factor at login: SMS code, weaker than the usual authenticator app"
    )
    stronger = {**THIEF, "mfa_method": "passkey"}
    assert (
        signals(ato_case([ev("login", minutes=-5, success=True, **stronger)]), home_history())[
            "ato.weaker_mfa_login"
        ].value
        is False
    )
    no_method = {**THIEF, "mfa_method": None}
    assert (
        signals(ato_case([ev("login", minutes=-5, success=True, **no_method)]), home_history())[
            "ato.weaker_mfa_login"
        ].value
        is None
    )


# -- security changes ------------------------------------------------------------------------------------


def _withdraw(minutes: float = -5, **fields: Any) -> dict[str, Any]:
    return ev(
        "withdrawal",
        minutes=minutes,
        address="evil-1",
        asset="USDT",
        network="TRX",
        amount_usd=9000.0,
        **fields,
    )


@pytest.mark.parametrize(("action", "word"), [("disable", "disabled"), ("reset", "reset")])
def test_mfa_disabled_or_reset(action: str, word: str) -> None:
    found = signals(ato_case([ev("mfa_change", minutes=-30, action=action, mfa_method="totp"), _withdraw()]))
    assert found["ato.mfa_removed"].text_en == (
        f"two-factor authentication was {word} (authenticator app), 25 min before the withdrawal"
    )
    enabled = signals(ato_case([ev("mfa_change", minutes=-30, action="enable", mfa_method="totp")]))
    assert enabled["ato.mfa_removed"].value is False


def test_password_reset_minutes_to_withdrawal() -> None:
    found = signals(ato_case([ev("password_reset", minutes=-40, channel="sms"), _withdraw()]))
    reset = found["ato.password_reset_to_withdrawal_min"]
    assert reset.value == pytest.approx(35.0)
    assert reset.severity is Severity.CRITICAL
    slow = signals(ato_case([ev("password_change", minutes=-300), _withdraw()]))
    change = slow["ato.password_reset_to_withdrawal_min"]
    assert change.severity is Severity.HIGH
    assert change.text_en == "withdrawal 4.9 h after a password change"
    after = signals(ato_case([_withdraw(minutes=-40), ev("password_reset", minutes=-5, channel="sms")]))
    assert after["ato.password_reset_to_withdrawal_min"].value is None
    long_ago = signals(ato_case([_withdraw()]), events(ev("password_reset", days=-4, channel="sms")))
    assert long_ago["ato.password_reset_to_withdrawal_min"].value is None
    attempt = signals(ato_case([ev("password_reset", minutes=-40, success=False), _withdraw()]))
    assert attempt["ato.password_reset_to_withdrawal_min"].value is None


@pytest.mark.parametrize(
    ("event_type", "signal_id", "zh"),
    [
        ("email_change", "ato.email_change_to_withdrawal_min", "更换邮箱 35 分钟后发起提现"),
        ("phone_change", "ato.phone_change_to_withdrawal_min", "更换手机号 35 分钟后发起提现"),
        (
            "anti_phishing_code_change",
            "ato.anti_phishing_change_to_withdrawal_min",
            "修改防钓鱼码 35 分钟后发起提现",
        ),
    ],
)
def test_contact_and_code_changes_minutes_to_withdrawal(event_type: str, signal_id: str, zh: str) -> None:
    found = signals(ato_case([ev(event_type, minutes=-40), _withdraw()]))
    assert found[signal_id].value == pytest.approx(35.0)
    assert found[signal_id].text_zh == zh
    assert signals(ato_case([ev(event_type, minutes=-40)]))[signal_id].value is None


def test_phone_change_through_support() -> None:
    by_channel = signals(ato_case([ev("phone_change", minutes=-40, channel="support"), _withdraw()]))
    assert by_channel["ato.phone_change_via_support"].text_en == (
        "phone number changed through customer support, the usual SIM-swap route, "
        "35 min before the withdrawal"
    )
    ticket = [ev("support_contact", minutes=-160, channel="email"), ev("phone_change", minutes=-40)]
    assert signals(ato_case(ticket))["ato.phone_change_via_support"].fired
    stale_ticket = [ev("support_contact", minutes=-600, channel="email"), ev("phone_change", minutes=-40)]
    assert signals(ato_case(stale_ticket))["ato.phone_change_via_support"].value is False
    in_app = [ev("phone_change", minutes=-40, channel="app")]
    assert signals(ato_case(in_app))["ato.phone_change_via_support"].value is False


def test_withdrawal_api_key_without_ip_allow_list() -> None:
    def key(**fields: Any) -> bool | None:
        found = signals(ato_case([ev("api_key_create", minutes=-30, **fields)]))
        value = found["ato.withdraw_api_key_without_allowlist"].value
        assert value is None or isinstance(value, bool)
        return value

    assert key(permissions=["read", "trade", "withdraw"]) is True
    assert key(permissions=["withdraw"], ip_whitelist=False) is True
    assert key(permissions=["withdraw"], ip_whitelist=True) is False
    assert key(permissions=["read", "trade"]) is False


def test_security_change_then_withdrawal_inside_the_lock_windows() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    sequence = found["ato.security_change_to_withdrawal_min"]
    assert sequence.value == pytest.approx(30.0)  # the anti-phishing change was the last one
    assert sequence.severity is Severity.CRITICAL
    assert sequence.text_en == (
        "withdrawal 30 min after the anti-phishing code change, inside the usual 24 h withdrawal lock"
    )
    assert sequence.text_zh == "修改防钓鱼码后 30 分钟即发起提现，处于常见的 24 小时提现锁定期内"
    two_days = signals(ato_case([_withdraw()]), events(ev("email_change", days=-2)))
    late = two_days["ato.security_change_to_withdrawal_min"]
    assert late.fired
    assert late.severity is Severity.MEDIUM
    assert "72 h" in late.text_en
    assert two_days["ato.email_change_to_withdrawal_min"].value == pytest.approx(2 * 1440 - 5)
    assert signals(ato_case([_withdraw()]))["ato.security_change_to_withdrawal_min"].value is None


def test_a_chain_of_security_changes() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    chain = found["ato.security_changes"]
    assert chain.value == 5.0
    assert chain.severity is Severity.HIGH
    assert chain.text_en == (
        "5 security changes within 72 h: phone number change, password reset, email change, "
        "two-factor change, anti-phishing code change"
    )
    one = signals(ato_case([ev("email_change", minutes=-30)]))["ato.security_changes"]
    assert one.value == 1.0
    assert not one.fired


# -- the withdrawal -----------------------------------------------------------------------------------------


def test_new_withdrawal_address_and_its_age() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    assert found["ato.new_withdrawal_address"].text_en.endswith("(evil-1)")
    age = found["ato.withdrawal_address_age_min"]
    assert age.value == pytest.approx(15.0)
    assert age.fired
    assert age.text_en == "the withdrawal address first appeared on the account 15 min before the withdrawal"
    to_home = ev("withdrawal", minutes=-5, address="addr-home", asset="USDT", network="TRX", amount_usd=600.0)
    known = signals(ato_case([to_home]), home_history())
    assert known["ato.new_withdrawal_address"].value is False
    assert known["ato.withdrawal_address_age_min"].value == pytest.approx(
        (ALERT - timedelta(minutes=5) - at(2026, 10, 10, 9, 30)).total_seconds() / 60
    )
    assert not known["ato.withdrawal_address_age_min"].fired


def test_address_added_before_the_window_is_not_new() -> None:
    added = [*home_history(), *events(ev("withdrawal_address_add", days=-3, address="evil-1"))]
    found = signals(ato_case([_withdraw()]), added)
    assert found["ato.new_withdrawal_address"].value is False
    assert found["ato.withdrawal_address_age_min"].value == pytest.approx(3 * 1440 - 5)


def test_address_age_is_unknown_without_any_trace_before_the_withdrawal() -> None:
    found = signals(ato_case([_withdraw()]))
    assert found["ato.withdrawal_address_age_min"].value is None
    assert signals(ato_case([_withdraw()]), home_history())["ato.withdrawal_address_age_min"].value == 0.0


def test_several_new_addresses() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    assert found["ato.new_withdrawal_addresses"].value == 2.0
    assert found["ato.new_withdrawal_addresses"].text_zh == "最近 24 小时内出现 2 个新提现地址"


def test_asset_or_network_never_withdrawn() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    assert (
        found["ato.new_asset_or_network"].text_en
        == "withdrew USDC on SOL, which this account never withdrew before"
    )
    usual = signals(ato_case([_withdraw()]), home_history())
    assert usual["ato.new_asset_or_network"].value is False
    never = signals(ato_case([_withdraw()]), home_history(withdrawals=False))
    assert never["ato.new_asset_or_network"].value is None
    assert never["ato.first_withdrawal"].fired


def test_first_withdrawal() -> None:
    assert signals(ato_case([_withdraw()]), home_history())["ato.first_withdrawal"].value is False
    assert signals(ato_case([_withdraw()]))["ato.first_withdrawal"].value is None
    assert signals(ato_case([]), home_history(withdrawals=False))["ato.first_withdrawal"].value is None


@pytest.mark.parametrize(
    ("balance", "amounts", "share", "severity"),
    [
        (18400.0, [18250.0], 18250 / 18400, Severity.CRITICAL),
        (10000.0, [5000.0, 3500.0], 0.85, Severity.HIGH),
        (10000.0, [2000.0], 0.2, Severity.INFO),
        (1000.0, [5000.0], 1.0, Severity.CRITICAL),  # balance stamped after the withdrawal
        (0.0, [500.0], 1.0, Severity.CRITICAL),
    ],
)
def test_share_of_balance_withdrawn(
    balance: float, amounts: list[float], share: float, severity: Severity
) -> None:
    raw = [ev("withdrawal", minutes=-60 + i, address="a", amount_usd=usd) for i, usd in enumerate(amounts)]
    drain = signals(ato_case(raw, subject={"balance_usd": balance}))["ato.balance_drained_share"]
    assert drain.value == pytest.approx(share)
    assert drain.severity is severity


def test_share_of_balance_is_unknown_without_balance_or_amount() -> None:
    assert signals(ato_case([_withdraw()], subject={}))["ato.balance_drained_share"].value is None
    no_amount = [ev("withdrawal", minutes=-5, address="a")]
    assert signals(ato_case(no_amount))["ato.balance_drained_share"].value is None


def test_amount_against_the_accounts_usual_withdrawal() -> None:
    found = signals(ato_case(takeover_events()), home_history())
    ratio = found["ato.amount_vs_median_withdrawal"]
    assert ratio.value == pytest.approx(18250 / 600)
    assert ratio.severity is Severity.HIGH
    assert ratio.text_en == "withdrawal of $18,250 is 30.4× the account's median withdrawal ($600)"
    small = [ev("withdrawal", minutes=-5, address="addr-home", amount_usd=900.0)]
    assert signals(ato_case(small), home_history())["ato.amount_vs_median_withdrawal"].value == pytest.approx(
        1.5
    )
    assert signals(ato_case(small))["ato.amount_vs_median_withdrawal"].value is None


def test_login_straight_to_withdrawal() -> None:
    quick = [ev("login", minutes=-12, success=True, **HOME), _withdraw(minutes=-5)]
    found = signals(ato_case(quick), home_history())
    assert found["ato.login_to_withdrawal_min"].text_en == "withdrawal 7 min after logging in"
    slow = signals(ato_case(takeover_events()), home_history())["ato.login_to_withdrawal_min"]
    assert slow.value == pytest.approx(145.0)
    assert not slow.fired
    assert signals(ato_case([_withdraw()]))["ato.login_to_withdrawal_min"].value is None


# -- the account ----------------------------------------------------------------------------------------


def test_dormant_account_reactivated() -> None:
    last_seen = events(ev("login", at(2026, 3, 1, 9, 0), success=True, **HOME))
    found = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), last_seen)
    dormant = found["ato.dormant_days"]
    assert dormant.fired
    assert isinstance(dormant.value, float)
    assert 240 < dormant.value < 250
    assert dormant.text_en == "first activity in 246 days"
    assert dormant.text_zh == "账户沉寂 246 天后重新出现活动"
    active = signals(ato_case([ev("login", minutes=-30, success=True, **THIEF)]), home_history())
    assert not active["ato.dormant_days"].fired


def test_account_age() -> None:
    young = signals(ato_case([], account_created_at=ALERT - timedelta(days=3)))["ato.account_age_days"]
    assert young.value == pytest.approx(3.0)
    assert young.fired
    assert young.text_en == "account opened only 3 days ago"
    assert young.text_zh == "账户开立仅 3 天"
    old = signals(ato_case([]))["ato.account_age_days"]
    assert isinstance(old.value, float)
    assert old.value > 1000
    assert not old.fired
    # Without a creation date the first known event bounds the age, and a short timeline is not youth.
    guessed = signals(ato_case([ev("login", days=-2, success=True, **HOME)], account_created_at=None))
    assert guessed["ato.account_age_days"].value == pytest.approx(2.0)
    assert not guessed["ato.account_age_days"].fired


def test_upstream_score() -> None:
    assert signals(ato_case([], alert={"upstream_score": 0.92}))["ato.upstream_score"].fired
    assert not signals(ato_case([], alert={"upstream_score": 0.5}))["ato.upstream_score"].fired
    assert signals(ato_case([]))["ato.upstream_score"].value is None


# -- links to other accounts -------------------------------------------------------------------------------


def test_links_to_other_accounts_are_looked_up_once_per_kind() -> None:
    links = FakeLinks(
        {
            ("device", "dev-thief"): LinkSummary(accounts=3, confirmed_bad=1, recent_accounts=2),
            ("ip", "185.220.101.7"): LinkSummary(accounts=2),
            ("address", "evil-1"): LinkSummary(accounts=1, confirmed_bad=2),
        }
    )
    view = view_of(ato_case(takeover_events()), home_history(), links)
    found = by_id(ato.registry.compute(view))
    ato.registry.values(view)
    assert sorted(call[0] for call in links.calls) == ["address", "device", "ip"]
    device_call = next(call for call in links.calls if call[0] == "device")
    assert device_call[1] == {"dev-home", "dev-thief"}  # failed attempts included
    assert device_call[2:] == ("acct-1", ALERT)
    address_call = next(call for call in links.calls if call[0] == "address")
    assert address_call[1] == {"evil-1", "evil-2"}
    device = found["ato.device_shared_accounts"]
    assert device.value == 3.0
    assert (
        device.text_en
        == "the session's device was also used by 3 other accounts, 2 of them new in the last 30 days"
    )
    assert found["ato.ip_shared_accounts"].value == 2.0
    assert not found["ato.ip_shared_accounts"].fired
    assert (
        found["ato.address_shared_accounts"].text_en
        == "the withdrawal address is also used by 1 other account"
    )
    bad = found["ato.linked_confirmed_bad_accounts"]
    assert bad.value == 2.0
    assert bad.severity is Severity.CRITICAL
    assert (
        bad.text_en
        == "shares a device and withdrawal address with 2 accounts confirmed as taken over or fraudulent"
    )
    assert bad.text_zh == "与 2 个已确认被盗或欺诈的账户共用设备、提现地址"


def test_links_without_values_are_unknown_and_not_looked_up() -> None:
    links = FakeLinks()
    found = signals(ato_case([ev("password_reset", minutes=-5)]), links=links)
    assert links.calls == []
    for signal_id in (
        "ato.device_shared_accounts",
        "ato.ip_shared_accounts",
        "ato.address_shared_accounts",
        "ato.linked_confirmed_bad_accounts",
    ):
        assert found[signal_id].value is None


def test_links_to_clean_accounts_only() -> None:
    links = FakeLinks({("ip", "116.86.4.20"): LinkSummary(accounts=1)})
    found = signals(ato_case([ev("login", minutes=-5, success=True, **HOME)]), links=links)
    assert found["ato.ip_shared_accounts"].value == 1.0
    assert found["ato.linked_confirmed_bad_accounts"].value == 0.0
    assert not found["ato.linked_confirmed_bad_accounts"].fired
