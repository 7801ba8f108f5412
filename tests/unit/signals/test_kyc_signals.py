"""KYC signals on hand-built cases and on the shared contract example."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import pytest

from roca.cases.schemas import CaseIn
from roca.signals import kyc
from roca.signals.base import Severity, Signal
from roca.signals.context import NO_LINKS, LinkKind, LinkSummary, input_for_case
from roca.signals.screening import Watchlist, WatchlistEntry
from tests.conftest import SHARED
from tests.unit.signals.builders import ALERT, at, build_case, by_id, ev

SIGNUP = at(2026, 11, 2, 3, 0)
PASSPORT: dict[str, Any] = {
    "doc_type": "passport",
    "issuing_country": "BR",
    "expiry_date": "2030-01-01",
    "name": "João Pedro Silva",
    "date_of_birth": "1994-02-11",
    "tamper_score": 0.05,
}
SELFIE: dict[str, Any] = {"doc_type": "selfie", "face_match_score": 0.95, "liveness_score": 0.97}
WATCHLIST = Watchlist([WatchlistEntry("wl-li-wei", "Li Wei", birth_dates=("1988",))])


class FakeLinks:
    """Answers link lookups with fixed summaries and remembers what was asked."""

    def __init__(self, **summaries: LinkSummary) -> None:
        self.summaries = summaries
        self.calls: list[tuple[LinkKind, frozenset[str], str, datetime]] = []

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        self.calls.append((kind, frozenset(values), account_id, before))
        return self.summaries.get(kind, NO_LINKS)


def kyc_case(
    documents: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    *,
    country: str | None = "BR",
    **fields: Any,
) -> CaseIn:
    subject = {"country": country} if country else {}
    docs = [PASSPORT, SELFIE] if documents is None else documents
    return build_case(
        "kyc", ALERT, events, account_created_at=SIGNUP, subject=subject, documents=docs, **fields
    )


def signals(
    case: CaseIn, links: FakeLinks | None = None, screen: Watchlist | None = None
) -> dict[str, Signal]:
    return by_id(kyc.registry.compute(kyc.view(input_for_case(case, links, screen))))


def fired(case: CaseIn, **kwargs: Any) -> set[str]:
    return {s.id for s in signals(case, **kwargs).values() if s.fired}


def test_there_are_at_least_twelve_kyc_signals_with_numeric_values() -> None:
    assert len(kyc.registry.specs) >= 12
    for signal in signals(kyc_case()).values():
        assert signal.value is None or isinstance(signal.value, bool | int | float)


def test_a_clean_applicant_fires_nothing() -> None:
    assert fired(kyc_case()) == set()


def test_shared_example_fires_the_face_match() -> None:
    raw = json.loads((SHARED / "contract" / "examples" / "kyc-document-mismatch.json").read_text("utf-8"))
    found = signals(CaseIn.model_validate(raw))
    face = found["kyc.face_match_score"]
    assert face.fired
    assert face.value == 0.61
    assert face.severity is Severity.HIGH
    assert face.text_en == "face match 0.61 is below 0.80"
    assert face.text_zh == "人脸比对分数 0.61，低于 0.80"
    assert {s.id for s in found.values() if s.fired} == {"kyc.face_match_score"}


def test_expired_and_expiring_documents() -> None:
    expired = signals(kyc_case([{**PASSPORT, "expiry_date": "2026-10-31"}, SELFIE]))
    assert expired["kyc.document_expired"].fired
    assert (
        expired["kyc.document_expired"].text_en == "passport expired on 2026-10-31 (2 days before the case)"
    )
    assert expired["kyc.document_days_to_expiry"].value == -2
    assert not expired["kyc.document_days_to_expiry"].fired

    soon = signals(kyc_case([{**PASSPORT, "expiry_date": "2026-11-20"}, SELFIE]))
    assert soon["kyc.document_days_to_expiry"].fired
    assert soon["kyc.document_days_to_expiry"].value == 18
    assert soon["kyc.document_days_to_expiry"].text_zh == "护照将在 18 天后（2026-11-20）到期"
    assert soon["kyc.document_expired"].value is False


def test_no_expiry_date_means_unknown_not_valid() -> None:
    found = signals(kyc_case([{k: v for k, v in PASSPORT.items() if k != "expiry_date"}, SELFIE]))
    assert found["kyc.document_expired"].value is None
    assert found["kyc.document_days_to_expiry"].value is None


def test_tamper_and_liveness() -> None:
    found = signals(kyc_case([{**PASSPORT, "tamper_score": 0.72}, {**SELFIE, "liveness_score": 0.4}]))
    assert found["kyc.tamper_score"].fired
    assert found["kyc.tamper_score"].text_en == "document tamper score 0.72 is at or above 0.50"
    assert found["kyc.liveness_score"].fired
    assert found["kyc.liveness_score"].text_zh == "活体检测分数 0.40，低于 0.80"


def test_face_match_reported_on_the_document_counts_as_a_selfie() -> None:
    found = signals(kyc_case([{**PASSPORT, "face_match_score": 0.9}]))
    assert found["kyc.selfie_missing"].value is False
    assert found["kyc.face_match_score"].value == 0.9


@pytest.mark.parametrize(
    ("born", "age", "underage", "implausible"),
    [("2010-05-01", 16, True, False), ("1994-02-11", 32, False, False), ("1901-01-01", 125, False, True),
     ("2027-01-01", -1, False, True), ("2008-11-02", 18, False, False), ("2008-11-03", 17, True, False)],
)  # fmt: skip
def test_applicant_age(born: str, age: int, underage: bool, implausible: bool) -> None:
    found = signals(kyc_case([{**PASSPORT, "date_of_birth": born}, SELFIE]))
    assert found["kyc.applicant_age_years"].value == age
    assert found["kyc.applicant_age_years"].fired is underage
    assert found["kyc.implausible_birth_date"].fired is implausible
    if underage:
        assert (
            found["kyc.applicant_age_years"].text_en
            == f"applicant is {age} years old, under the minimum age of 18"
        )


def test_no_date_of_birth_means_no_age() -> None:
    found = signals(kyc_case([{k: v for k, v in PASSPORT.items() if k != "date_of_birth"}, SELFIE]))
    assert found["kyc.applicant_age_years"].value is None
    assert found["kyc.implausible_birth_date"].value is None
    assert found["kyc.birth_date_mismatch"].value is None


@pytest.mark.parametrize(
    ("second_name", "consistent"),
    [("SILVA JOAO PEDRO", True), ("joão pedro silva", True), ("JOAO P SILVA", True), ("Maria Costa", False)],
)
def test_name_consistency_ignores_case_accents_and_order(second_name: str, consistent: bool) -> None:
    licence = {"doc_type": "driving_licence", "name": second_name, "issuing_country": "BR"}
    found = signals(kyc_case([PASSPORT, licence, SELFIE]))["kyc.name_similarity"]
    assert found.fired is not consistent
    if not consistent:
        assert found.text_en.startswith("names on the documents agree only ")
        assert "Maria Costa" in found.text_zh


def test_chinese_and_pinyin_names_are_the_same_name() -> None:
    docs = [{**PASSPORT, "name": "WEI LI", "issuing_country": "CN"}, {"doc_type": "id_card", "name": "李伟"}]
    found = signals(kyc_case(docs, country="CN"))
    assert found["kyc.name_similarity"].value == 1.0
    assert not found["kyc.name_similarity"].fired


def test_one_named_document_has_nothing_to_compare() -> None:
    assert signals(kyc_case())["kyc.name_similarity"].value is None


def test_dates_of_birth_differ_across_documents() -> None:
    licence = {"doc_type": "driving_licence", "name": "Joao Silva", "date_of_birth": "1994-11-02"}
    found = signals(kyc_case([PASSPORT, licence, SELFIE]))["kyc.birth_date_mismatch"]
    assert found.fired
    assert found.text_en == "documents give different dates of birth: 1994-02-11, 1994-11-02"


def test_issuing_country_against_the_account_country() -> None:
    found = signals(kyc_case([{**PASSPORT, "issuing_country": "pt"}, SELFIE]))["kyc.issuing_country_mismatch"]
    assert found.fired
    assert found.text_en == "passport was issued in PT but the account's country is BR"
    assert signals(kyc_case(country=None))["kyc.issuing_country_mismatch"].value is None


@pytest.mark.parametrize(
    ("country", "level", "severity"),
    [("IR", 2, Severity.HIGH), ("NG", 1, Severity.MEDIUM), ("BR", 0, Severity.INFO)],
)
def test_country_risk_from_the_fatf_lists(country: str, level: int, severity: Severity) -> None:
    found = signals(kyc_case([{**PASSPORT, "issuing_country": country}, SELFIE]))["kyc.country_risk_level"]
    assert found.value == level
    assert found.severity is severity
    if country == "NG":
        assert found.text_en == "NG is on the FATF increased-monitoring (grey) list"


def test_offshore_is_not_a_kyc_country_risk() -> None:
    assert (
        signals(kyc_case([{**PASSPORT, "issuing_country": "SC"}, SELFIE], country="SC"))[
            "kyc.country_risk_level"
        ].value
        == 0
    )


def test_watchlist_screening_with_chinese_names() -> None:
    doc = {**PASSPORT, "name": "李伟", "date_of_birth": "1988-07-02", "issuing_country": "CN"}
    found = signals(kyc_case([doc, SELFIE], country="CN"), screen=WATCHLIST)["kyc.watchlist_score"]
    assert found.fired
    assert found.value == 1.0
    assert found.severity is Severity.CRITICAL
    assert found.text_en == "李伟 matches watchlist entry wl-li-wei with score 1.00 (threshold 0.90)"

    longer = {**doc, "name": "李伟明"}
    assert not signals(kyc_case([longer, SELFIE]), screen=WATCHLIST)["kyc.watchlist_score"].fired


def test_a_name_without_a_date_of_birth_is_screened_with_the_identity_documents_date() -> None:
    """A proof of address carries a name but no date of birth: a common name on it must not match a
    namesake listed with another date of birth at full score."""
    passport = {**PASSPORT, "name": "LI WEI", "date_of_birth": "1994-02-11", "issuing_country": "CN"}
    address = {"doc_type": "proof_of_address", "issuing_country": "CN", "name": "Li Wei"}
    found = signals(kyc_case([passport, SELFIE, address], country="CN"), screen=WATCHLIST)
    assert found["kyc.watchlist_score"].value == pytest.approx(0.85)  # the date-of-birth penalty
    assert not found["kyc.watchlist_score"].fired

    listed = {**passport, "date_of_birth": "1988-07-02"}  # born in the listed year: the address hits
    address_in_chinese = {**address, "name": "李伟"}
    hit = signals(kyc_case([listed, SELFIE, address_in_chinese], country="CN"), screen=WATCHLIST)
    assert hit["kyc.watchlist_score"].fired
    assert hit["kyc.watchlist_score"].value == 1.0

    # Two identity documents that disagree: each date is tried, so the listed one still hits.
    licence = {"doc_type": "driving_licence", "name": "Wei Li", "date_of_birth": "1988-03-01"}
    renamed = {**passport, "name": "LI WEIMING"}
    both = signals(kyc_case([renamed, licence, SELFIE, address], country="CN"), screen=WATCHLIST)
    assert both["kyc.watchlist_score"].value == 1.0

    # Without an identity document there is no date to borrow: the name is screened on its own.
    alone = signals(kyc_case([SELFIE, address], country="CN"), screen=WATCHLIST)
    assert alone["kyc.watchlist_score"].value == 1.0


def test_screening_is_unknown_without_a_screen_or_a_name() -> None:
    assert signals(kyc_case())["kyc.watchlist_score"].value is None
    assert signals(kyc_case([SELFIE]), screen=WATCHLIST)["kyc.watchlist_score"].value is None
    assert signals(kyc_case(), screen=WATCHLIST)["kyc.watchlist_score"].value == 0.0


def test_device_and_ip_reuse_across_new_accounts() -> None:
    links = FakeLinks(
        device=LinkSummary(accounts=4, confirmed_bad=1, recent_accounts=3),
        ip=LinkSummary(accounts=9, confirmed_bad=2, recent_accounts=6),
    )
    events = [
        ev("login", SIGNUP, device_id="d-1", ip="10.0.0.1"),
        ev("login", SIGNUP, minutes=5, device_id="d-2"),
    ]
    found = signals(kyc_case(events=events), links=links)
    assert found["kyc.device_new_accounts"].value == 3
    assert found["kyc.device_new_accounts"].fired
    assert found["kyc.ip_new_accounts"].text_zh == "另有 6 个近 30 天内开立的账户使用同一 IP 地址"
    assert found["kyc.linked_bad_accounts"].value == 2  # the larger, not the sum: often the same account
    assert (
        found["kyc.linked_bad_accounts"].text_en == "shares a device or IP with 2 accounts confirmed as bad"
    )
    device_call = next(call for call in links.calls if call[0] == "device")
    assert device_call[1:] == (frozenset({"d-1", "d-2"}), "acct-1", ALERT)


def test_no_events_means_no_link_lookups() -> None:
    links = FakeLinks()
    found = signals(kyc_case(), links=links)
    assert links.calls == []
    assert found["kyc.device_new_accounts"].value is None
    assert found["kyc.linked_bad_accounts"].value is None
    assert found["kyc.anonymising_network_at_signup"].value is None


def test_anonymising_network_and_foreign_ip_at_signup() -> None:
    events = [
        ev("login", SIGNUP, minutes=2, ip_country="NL", asn_type="vpn"),
        ev("login", SIGNUP, minutes=20, ip_country="NL", asn_type="tor"),
        ev("login", SIGNUP, days=-3, asn_type="residential"),  # out of the sign-up window
    ]
    found = signals(kyc_case(events=events))
    network = found["kyc.anonymising_network_at_signup"]
    assert network.fired
    assert network.severity is Severity.HIGH  # Tor outranks the VPN
    assert network.text_en == "signed up through Tor"
    assert network.text_zh == "注册时使用洋葱网络（Tor）"
    assert found["kyc.signup_ip_country_mismatch"].text_en == "signed up from NL, not the declared BR"


def test_account_age_at_case_time() -> None:
    quick = build_case("kyc", ALERT, account_created_at=at(2026, 11, 2, 3, 35), documents=[PASSPORT, SELFIE])
    found = signals(quick)["kyc.account_age_minutes"]
    assert found.fired
    assert found.value == pytest.approx(6.2)
    assert signals(kyc_case())["kyc.account_age_minutes"].value == pytest.approx(41.2)


def test_missing_documents() -> None:
    for documents in ([], None):
        case = build_case("kyc", ALERT, documents=documents) if documents is not None else build_case("kyc")
        found = signals(case)
        assert found["kyc.identity_document_missing"].fired
        assert found["kyc.selfie_missing"].fired
        assert found["kyc.face_match_score"].value is None
        assert found["kyc.country_risk_level"].value is None
        assert found["kyc.account_age_minutes"].value is None


def test_upstream_score() -> None:
    found = signals(kyc_case(alert={"upstream_score": 0.83}))["kyc.upstream_score"]
    assert found.fired
    assert found.text_en == "upstream risk score 0.83 is at or above 0.70"


def test_every_fired_template_is_filled_in_both_languages() -> None:
    docs = [
        {**PASSPORT, "expiry_date": "2026-10-01", "date_of_birth": "2012-01-01", "tamper_score": 0.9,
         "issuing_country": "IR", "name": "李伟"},
        {"doc_type": "id_card", "name": "Someone Else", "date_of_birth": "1901-01-01",
         "expiry_date": "2026-11-05"},
        {"doc_type": "proof_of_address", "name": "Wei Li", "date_of_birth": "1988-05-05"},
    ]  # fmt: skip
    events = [
        ev("login", at(2026, 11, 2, 3, 39), device_id="d", ip="1.2.3.4", ip_country="NL", asn_type="vpn")
    ]
    links = FakeLinks(device=LinkSummary(5, 2, 5), ip=LinkSummary(5, 1, 5))
    case = build_case(
        "kyc", ALERT, events, account_created_at=at(2026, 11, 2, 3, 39), subject={"country": "BR"},
        documents=docs, alert={"upstream_score": 0.9},
    )  # fmt: skip
    found = signals(case, links=links, screen=WATCHLIST)
    names = {spec.id: (spec.name_en, spec.name_zh) for spec in kyc.registry.specs}
    quiet = {s.id for s in found.values() if not s.fired}
    assert quiet <= {"kyc.document_days_to_expiry", "kyc.selfie_missing", "kyc.face_match_score",
                     "kyc.liveness_score", "kyc.identity_document_missing"}  # fmt: skip
    for signal in found.values():
        if signal.fired:
            assert (signal.text_en, signal.text_zh) != names[signal.id], signal.id
            assert "{" not in signal.text_en + signal.text_zh
