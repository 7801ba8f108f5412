"""The simulated exchange: contract-valid cases, ground truth, determinism and the world's shape."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from roca.cases.schemas import CaseIn
from roca.simulate import Exchange, SimulatedCase, SimulationConfig
from roca.simulate.config import NOVEL_CAMPAIGN, mix_for_types, parse_mix
from roca.simulate.kyc import KYC_MIX, POOR_FLAWS
from roca.simulate.kyc_names import spelling_variant
from roca.simulate.rng import stream
from roca.simulate.watchlist import COLUMNS, write_csv

CJK = re.compile(r"[\u4e00-\u9fff]")
LABELS = {
    "ato": {"confirm_ato", "not_ato"},
    "kyc": {"approve", "reject", "request_info"},
    "kyb": {"approve", "reject", "request_info", "enhanced_due_diligence"},
    "fraud": {"block", "release"},
}
# Small populations keep these tests quick; recurrence across days is then frequent.
SMALL = SimulationConfig(seed=11, per_day=300, accounts=3000)


def _run(config: SimulationConfig, days: int) -> list[SimulatedCase]:
    exchange = Exchange(config)
    return [case for _, cases in exchange.days(days) for case in cases]


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def mixed() -> list[SimulatedCase]:
    return _run(SMALL, 4)


@pytest.fixture(scope="module")
def ato_only() -> list[SimulatedCase]:
    return _run(SimulationConfig(seed=5, per_day=1000, mix={"ato": 1.0}, accounts=4000), 4)


@pytest.fixture(scope="module")
def kyc_only() -> list[SimulatedCase]:
    return _run(SimulationConfig(seed=4, per_day=800, mix={"kyc": 1.0}, accounts=2000), 3)


def test_every_case_validates_and_has_consistent_truth(mixed: list[SimulatedCase]) -> None:
    assert len(mixed) == 4 * 300
    for simulated in mixed:
        case = CaseIn.model_validate(simulated.case)
        truth = simulated.truth
        assert case.external_id == truth.external_id
        assert case.case_type == truth.case_type
        assert case.subject.account_id == truth.account_id
        assert truth.label in LABELS[truth.case_type]
    assert len({c.external_id for c in mixed}) == len(mixed)


def test_every_case_type_and_most_scenarios_appear(mixed: list[SimulatedCase]) -> None:
    kinds = Counter((c.truth.case_type, c.truth.label) for c in mixed)
    for case_type, labels in LABELS.items():
        assert {label for (t, label) in kinds if t == case_type} == labels, case_type


def test_same_seed_same_bytes_and_another_seed_differs() -> None:
    config = SimulationConfig(seed=3, per_day=120, accounts=600)
    first = [orjson.dumps(c.case) for c in _run(config, 3)]
    assert first == [orjson.dumps(c.case) for c in _run(config, 3)]
    other = [orjson.dumps(c.case) for c in _run(config.model_copy(update={"seed": 4}), 3)]
    assert first != other


def test_a_day_asked_again_or_out_of_order_is_the_same_day() -> None:
    config = SimulationConfig(seed=8, per_day=80, accounts=500)
    exchange = Exchange(config)
    day2 = [orjson.dumps(c.case) for c in exchange.day(2)]
    assert [orjson.dumps(c.case) for c in exchange.day(2)] == day2
    exchange.day(1)  # going back replays the run from day 0
    assert [orjson.dumps(c.case) for c in exchange.day(2)] == day2
    assert [orjson.dumps(c.case) for c in Exchange(config).day(2)] == day2


def test_ato_true_rate_is_about_a_fifth(ato_only: list[SimulatedCase]) -> None:
    assert len(ato_only) == 4000
    rate = sum(c.truth.malicious for c in ato_only) / len(ato_only)
    assert rate == pytest.approx(0.20, abs=0.03)
    assert all((c.truth.label == "confirm_ato") == c.truth.malicious for c in ato_only)


def test_the_true_rate_is_a_knob() -> None:
    config = SimulationConfig(seed=2, per_day=1000, mix={"ato": 1.0}, ato_true_rate=0.5, accounts=2000)
    cases = _run(config, 1)
    assert sum(c.truth.malicious for c in cases) / len(cases) == pytest.approx(0.5, abs=0.05)


def test_accounts_recur_and_repeated_events_are_byte_identical(ato_only: list[SimulatedCase]) -> None:
    days_of: dict[str, set[int]] = defaultdict(set)
    seen: dict[tuple[object, ...], bytes] = {}
    repeats = 0
    for simulated in ato_only:
        account = simulated.truth.account_id
        days_of[account].add(simulated.truth.day)
        for event in simulated.case["events"]:
            key = (account, event["ts"], event["type"], event.get("device_id"), event.get("ip"),
                   event.get("address"), event.get("amount_usd"), event.get("success"))  # fmt: skip
            encoded = orjson.dumps(event)
            if key in seen:
                repeats += 1
                assert seen[key] == encoded, key
            seen[key] = encoded
    assert sum(1 for days in days_of.values() if len(days) > 1) > 100
    assert repeats > 1000


def test_timelines_are_the_recent_history_upstream_sends(ato_only: list[SimulatedCase]) -> None:
    for simulated in ato_only[:1500]:
        created = _ts(simulated.case["created_at"])
        stamps = [_ts(e["ts"]) for e in simulated.case["events"]]
        assert 1 <= len(stamps) <= 50
        assert min(stamps) >= created - timedelta(days=30, minutes=10)
        assert max(stamps) <= created + timedelta(minutes=10)  # clock skew stays within minutes
        held = {e["amount_usd"] for e in simulated.case["events"] if e["type"] == "withdrawal"}
        assert simulated.case["amount_at_risk_usd"] in held


def test_subject_carries_balance_before_the_withdrawal(ato_only: list[SimulatedCase]) -> None:
    for simulated in ato_only[:1000]:
        subject = simulated.case["subject"]
        assert subject["balance_usd"] >= simulated.case["amount_at_risk_usd"] - 0.01


def test_chinese_speaking_users_and_chinese_names_appear(mixed: list[SimulatedCase]) -> None:
    languages = Counter(c.case["subject"].get("language") for c in mixed)
    assert languages["zh"] > 50
    names = [d["name"] for c in mixed for d in c.case.get("documents") or () if d.get("name")]
    names += [u["name"] for c in mixed if c.case.get("entity") for u in c.case["entity"]["ubos"]]
    assert sum(1 for name in names if CJK.search(name)) > 10
    assert any(c.truth.scenario == "watchlist_false_hit" for c in mixed)


def test_novel_campaign_only_from_its_day() -> None:
    config = SimulationConfig(seed=6, per_day=400, mix={"ato": 1.0}, novel_from_day=2, accounts=2000)
    by_day = Counter(c.truth.day for c in _run(config, 4) if c.truth.scenario == NOVEL_CAMPAIGN)
    assert by_day[0] == by_day[1] == 0
    assert by_day[2] > 5 and by_day[3] > 5


def test_novel_campaign_leaves_its_footprint() -> None:
    config = SimulationConfig(seed=6, per_day=400, mix={"ato": 1.0}, novel_from_day=0, accounts=2000)
    novel = [c for c in _run(config, 2) if c.truth.scenario == NOVEL_CAMPAIGN]
    security = {"password_reset", "mfa_change", "phone_change", "email_change", "anti_phishing_code_change"}
    addresses: Counter[str] = Counter()
    for simulated in novel:
        events = sorted(simulated.case["events"], key=lambda e: e["ts"])
        added = [e for e in events if e["type"] == "withdrawal_address_add"][-1]
        drained = [e for e in events if e["type"] == "withdrawal" and e["address"] == added["address"]]
        assert drained and drained[-1]["device_id"] == added["device_id"]  # the user's own browser
        assert drained[-1]["amount_usd"] >= 0.5 * simulated.case["subject"]["balance_usd"]
        assert not any(e["type"] in security for e in events if e["ts"] >= added["ts"])
        addresses[added["address"]] += 1
    assert max(addresses.values()) > 2  # the crew's few addresses, shared across victims


def test_attacker_infrastructure_is_shared_across_victims(ato_only: list[SimulatedCase]) -> None:
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    for simulated in ato_only:
        if not simulated.truth.malicious:
            continue
        created = _ts(simulated.case["created_at"])
        for event in simulated.case["events"]:
            if _ts(event["ts"]) < created - timedelta(days=3):
                continue  # the victim's own history
            for kind in ("device_id", "ip", "address"):
                if event.get(kind):
                    users[(kind, event[kind])].add(simulated.truth.account_id)
    shared = Counter(kind for (kind, _), accounts in users.items() if len(accounts) >= 3)
    assert shared["device_id"] and shared["ip"] and shared["address"], shared


def test_every_campaign_and_look_alike_shows_up(ato_only: list[SimulatedCase]) -> None:
    scenarios = {c.truth.scenario for c in ato_only}
    assert {"credential_stuffing", "sim_swap", "phishing_api_key", "session_hijack"} <= scenarios
    assert {
        "travel",
        "new_phone",
        "vpn_user",
        "forgotten_password",
        "new_exchange",
        "trading_bot",
    } <= scenarios
    assert NOVEL_CAMPAIGN not in scenarios


def test_campaign_mix_drifts_and_makes_room_for_the_novel() -> None:
    config = SimulationConfig(drift_days=20)
    start, middle, late = config.campaign_mix(0), config.campaign_mix(10), config.campaign_mix(40)
    assert start["credential_stuffing"] < middle["credential_stuffing"] < late["credential_stuffing"]
    assert start["sim_swap"] > middle["sim_swap"] > late["sim_swap"]
    assert late == config.campaign_mix(20)
    novel = config.model_copy(update={"novel_from_day": 10})
    assert novel.campaign_mix(9)[NOVEL_CAMPAIGN] == 0
    assert novel.campaign_mix(10)[NOVEL_CAMPAIGN] == pytest.approx(0.3)
    assert sum(novel.campaign_mix(10).values()) == pytest.approx(1.0)


def test_case_counts_add_up_exactly() -> None:
    config = SimulationConfig(per_day=7, mix={"ato": 0.7, "kyc": 0.15, "kyb": 0.05, "fraud": 0.1})
    assert sum(config.case_counts().values()) == 7
    assert config.case_counts()["ato"] == 5


def test_mix_arguments_parse_and_reject_nonsense() -> None:
    assert parse_mix("ato=0.5, kyc=0.5") == {"ato": 0.5, "kyc": 0.5}
    assert mix_for_types("kyb,ato") == {"ato": 0.7, "kyb": 0.05}
    with pytest.raises(ValueError, match="unknown case type"):
        parse_mix("phishing=1")
    with pytest.raises(ValueError, match="type=share"):
        parse_mix("ato=lots")
    with pytest.raises(ValueError, match="unknown campaigns"):
        SimulationConfig(campaigns_start={"smishing": 1.0})


def test_watchlist_is_opensanctions_shaped(tmp_path: Path) -> None:
    exchange = Exchange(SimulationConfig(per_day=10, accounts=50))
    path = tmp_path / "watchlist.csv"
    write_csv(path, exchange.watchlist)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert {row["schema"] for row in rows} == {"Person", "Company"}
    assert any(CJK.search(row["aliases"]) for row in rows if row["schema"] == "Person")
    li_wei = [row for row in rows if row["name"] == "Li Wei"]
    assert li_wei and "李伟" in li_wei[0]["aliases"].split(";")
    assert all(row["countries"] == row["countries"].lower() for row in rows)


def test_watchlist_hits_carry_listed_name_and_birth_date(mixed: list[SimulatedCase]) -> None:
    watchlist = Exchange(SMALL).watchlist
    listed = {(p.name, p.birth_date) for p in watchlist}
    listed_names = {p.name for p in watchlist} | {alias for p in watchlist for alias in p.aliases}
    for simulated in mixed:
        docs = simulated.case.get("documents") or []
        identity = [d for d in docs if d["doc_type"] in ("passport", "id_card", "driving_licence")]
        if simulated.truth.scenario == "watchlist_true_hit" and identity:
            assert any(d["date_of_birth"][:4] in {b[:4] for _, b in listed} for d in identity)
        if simulated.truth.scenario == "watchlist_false_hit" and identity:
            name = identity[0]["name"]
            assert name in listed_names or name.title() in listed_names
            assert (name.title(), identity[0]["date_of_birth"]) not in listed


IDENTITY = ("passport", "id_card", "driving_licence")


def _kyc_docs(simulated: SimulatedCase, *types: str) -> list[dict[str, Any]]:
    return [d for d in simulated.case.get("documents") or () if not types or d["doc_type"] in types]


def _max(simulated: SimulatedCase, field: str, default: float) -> float:
    return max((float(d[field]) for d in _kyc_docs(simulated) if field in d), default=default)


def _min(simulated: SimulatedCase, field: str, default: float) -> float:
    return min((float(d[field]) for d in _kyc_docs(simulated) if field in d), default=default)


def _days_to_expiry(simulated: SimulatedCase) -> int | None:
    dated = [d["expiry_date"] for d in _kyc_docs(simulated, *IDENTITY) if "expiry_date" in d]
    today = _ts(simulated.case["created_at"]).date()
    return min((date.fromisoformat(d) - today).days for d in dated) if dated else None


def _on_shared_devices(simulated: SimulatedCase, users: dict[str, set[str]]) -> bool:
    """Signed up only on devices that more than two accounts of the run used."""
    devices = [e["device_id"] for e in simulated.case["events"] if e.get("device_id")]
    return bool(devices) and all(len(users[d]) > 2 for d in devices)


def test_kyc_scenarios_and_flaws_keep_their_shares(kyc_only: list[SimulatedCase]) -> None:
    assert len(kyc_only) == 2400
    scenarios = Counter(c.truth.scenario for c in kyc_only)
    for scenario, share in KYC_MIX.items():
        assert scenarios[scenario] / len(kyc_only) == pytest.approx(share, abs=0.03), scenario
    flaws = {c.truth.variant for c in kyc_only if c.truth.scenario == "poor_quality"}
    assert flaws == set(POOR_FLAWS)
    for simulated in kyc_only:
        if simulated.truth.variant == "stale_proof_of_address":
            assert _kyc_docs(simulated, "proof_of_address")  # looks fine: only the scan shows its date


def test_genuine_applicants_have_everyday_blemishes(kyc_only: list[SimulatedCase]) -> None:
    genuine = [c for c in kyc_only if c.truth.scenario == "genuine"]
    assert all(c.truth.label == "approve" for c in genuine)

    def share(test: Callable[[SimulatedCase], bool]) -> float:
        return sum(1 for c in genuine if test(c)) / len(genuine)

    assert 0.05 < share(lambda c: _min(c, "face_match_score", 1.0) < 0.8) < 0.3  # lighting, old photos
    assert 0.005 < share(lambda c: _max(c, "tamper_score", 0.0) >= 0.5) < 0.1  # scanner artefacts
    assert 0.02 < share(lambda c: 0 <= (_days_to_expiry(c) or -1) <= 30) < 0.1  # expiring within weeks
    assert 0.05 < share(lambda c: any(e.get("asn_type") == "vpn" for e in c.case["events"])) < 0.2
    assert share(lambda c: len({str(d["name"]).upper() for d in _kyc_docs(c) if d.get("name")}) > 1) > 0.02
    assert share(lambda c: not _kyc_docs(c, "selfie")) > 0.01  # upgrades: the liveness check is on file


def test_forgeries_and_synthetic_identities_are_not_all_blatant(kyc_only: list[SimulatedCase]) -> None:
    forged = [c for c in kyc_only if c.truth.scenario == "forged_document"]
    assert 0.1 < sum(1 for c in forged if _max(c, "tamper_score", 0.0) < 0.25) / len(forged) < 0.35
    assert any(_min(c, "face_match_score", 0.0) >= 0.85 for c in forged)  # the fraudster's own photo
    users: dict[str, set[str]] = defaultdict(set)
    for simulated in kyc_only:
        for event in simulated.case["events"]:
            if event.get("device_id"):
                users[event["device_id"]].add(simulated.truth.account_id)
    synthetic = [_on_shared_devices(c, users) for c in kyc_only if c.truth.scenario == "synthetic_identity"]
    assert 0.4 < sum(synthetic) / len(synthetic) < 0.85  # the farm's handsets, or a fresh one
    # Phone shops open accounts for their customers on one tablet.
    assert any(_on_shared_devices(c, users) for c in kyc_only if c.truth.label == "approve")


def test_no_kyc_cue_belongs_to_one_decision(kyc_only: list[SimulatedCase]) -> None:
    cues: dict[str, Callable[[SimulatedCase], bool]] = {
        "selfie missing": lambda c: not _kyc_docs(c, "selfie"),
        "identity document missing": lambda c: not _kyc_docs(c, *IDENTITY),
        "expired": lambda c: (_days_to_expiry(c) or 0) < 0,
        "tamper at or above 0.5": lambda c: _max(c, "tamper_score", 0.0) >= 0.5,
        "face match below 0.8": lambda c: _min(c, "face_match_score", 1.0) < 0.8,
    }
    for cue, test in cues.items():
        labels = Counter(c.truth.label for c in kyc_only if test(c))
        assert len(labels) >= 2 and max(labels.values()) < 0.95 * sum(labels.values()), (cue, labels)


def test_spelling_variants_are_the_same_person_written_otherwise() -> None:
    rng = stream(1, "spelling")
    for name in ("ZHANG WEI", "Chen Xiaoming", "Dmitry Ivanov", "Sarah Smith"):
        variants = {spelling_variant(rng, name) for _ in range(40)}
        assert len(variants) > 3
        assert all(v.isupper() == name.isupper() for v in variants)
    respelled = {spelling_variant(rng, "ZHANG WEI") for _ in range(300)}
    assert {"CHEUNG WEI", "CHANG WEI", "ZHANG WAI"} <= respelled
