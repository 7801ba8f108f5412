"""Guardrails: each shipped rule fires exactly when its SOP clause says, the file is validated with
clear errors, and evaluation is pure and deterministic."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from roca.agent.guardrails import MISSING, GuardrailConfigError, Guardrails, compare, read_field
from roca.cases.schemas import CaseIn, CaseType
from roca.signals.base import Severity, Signal, SignalValue
from roca.signals.catalog import compute
from roca.signals.context import input_for_case
from tests.conftest import SHARED

EXAMPLES = SHARED / "contract" / "examples"


def make_case(case_type: CaseType = "ato", **fields: Any) -> CaseIn:
    subject = {"account_id": "u-1", **fields.pop("subject", {})}
    data = {"external_id": "c-1", "case_type": case_type, "created_at": "2026-11-02T03:41:10Z"}
    return CaseIn.model_validate({**data, "subject": subject, **fields})


def sig(signal_id: str, value: SignalValue = True, fired: bool = True) -> Signal:
    return Signal(signal_id, value, fired, Severity.HIGH if fired else Severity.INFO, signal_id, signal_id)


@pytest.fixture(scope="module")
def guardrails() -> Guardrails:
    return Guardrails.load()


def fired(guardrails: Guardrails, case: CaseIn, signals: list[Signal] | None = None) -> set[str]:
    return {hit.rule_id for hit in guardrails.evaluate(case, signals or [])}


# -- each shipped rule -----------------------------------------------------------------------------

WATCHLIST = sig("kyc.watchlist_score", 0.93)
# (rule, case, signals, fires)
CASES: list[tuple[str, CaseIn, list[Signal], bool]] = [
    ("vip-tier-5-never-auto", make_case("kyc", subject={"vip_tier": 5}), [], True),
    ("vip-tier-5-never-auto", make_case("fraud", subject={"vip_tier": 9}), [], True),
    ("vip-tier-5-never-auto", make_case("ato", subject={"vip_tier": 4}), [], False),
    ("vip-tier-5-never-auto", make_case("ato"), [], False),
    ("amount-at-risk-four-eyes", make_case("fraud", amount_at_risk_usd=1_000_000), [], True),
    ("amount-at-risk-four-eyes", make_case("ato", amount_at_risk_usd=999_999.99), [], False),
    ("ato-vip-freeze-four-eyes", make_case("ato", subject={"vip_tier": 3}), [], True),
    ("ato-vip-freeze-four-eyes", make_case("ato", subject={"vip_tier": 2}), [], False),
    ("ato-vip-freeze-four-eyes", make_case("fraud", subject={"vip_tier": 3}), [], False),
    ("ato-no-history-no-auto-clear", make_case(), [sig("ato.no_history")], True),
    ("ato-no-history-no-auto-clear", make_case(), [sig("ato.no_history", False, False)], False),
    ("ato-sim-swap-no-auto-clear", make_case(), [sig("ato.phone_change_via_support")], True),
    ("ato-sim-swap-no-auto-clear", make_case(), [sig("ato.phone_change_via_support", False, False)], False),
    ("ato-linked-bad-no-auto-clear", make_case(), [sig("ato.linked_confirmed_bad_accounts", 2.0)], True),
    (
        "ato-linked-bad-no-auto-clear",
        make_case(),
        [sig("ato.linked_confirmed_bad_accounts", 0.0, False)],
        False,
    ),
    ("kyc-watchlist-hit-no-auto-approve", make_case("kyc"), [WATCHLIST], True),
    ("kyc-watchlist-hit-no-auto-approve", make_case("kyc"), [sig("kyc.watchlist_score", 0.7, False)], False),
    ("kyc-watchlist-hit-no-auto-approve", make_case("kyb"), [WATCHLIST], False),  # not a kyb rule
    ("kyc-under-age-no-auto-approve", make_case("kyc"), [sig("kyc.applicant_age_years", 16)], True),
    ("kyc-under-age-no-auto-approve", make_case("kyc"), [sig("kyc.applicant_age_years", 30, False)], False),
    ("kyc-fatf-call-for-action-no-auto-approve", make_case("kyc"), [sig("kyc.country_risk_level", 2)], True),
    ("kyc-fatf-call-for-action-no-auto-approve", make_case("kyc"), [sig("kyc.country_risk_level", 1)], False),
    (
        "kyc-no-identity-document-no-auto-approve",
        make_case("kyc"),
        [sig("kyc.identity_document_missing")],
        True,
    ),
    ("kyc-no-identity-document-no-auto-approve", make_case("kyc"), [], False),
    ("kyb-screening-hit-no-auto-approve", make_case("kyb"), [sig("kyb.ubo_watchlist_score", 0.95)], True),
    ("kyb-screening-hit-no-auto-approve", make_case("kyb"), [sig("kyb.entity_watchlist_score", 0.91)], True),
    (
        "kyb-screening-hit-no-auto-approve",
        make_case("kyb"),
        [sig("kyb.ubo_watchlist_score", 0.5, False)],
        False,
    ),
    ("kyb-volume-limit-four-eyes", make_case("kyb", entity={"expected_monthly_volume_usd": 1e7}), [], True),
    ("kyb-volume-limit-four-eyes", make_case("kyb", entity={"expected_monthly_volume_usd": 9e6}), [], False),
    ("kyb-volume-limit-four-eyes", make_case("kyb"), [], False),  # no entity: missing, not zero
    ("kyb-no-identifiable-owner-no-auto-approve", make_case("kyb"), [sig("kyb.no_identifiable_ubo")], True),
    ("kyb-no-identifiable-owner-no-auto-approve", make_case("kyb"), [sig("kyb.ubo_count", 0)], True),
    ("kyb-no-identifiable-owner-no-auto-approve", make_case("kyb"), [sig("kyb.ubo_count", 2, False)], False),
    (
        "kyb-fatf-call-for-action-no-auto-approve",
        make_case("kyb"),
        [sig("kyb.jurisdiction_risk_level", 2)],
        True,
    ),
    (
        "kyb-fatf-call-for-action-no-auto-approve",
        make_case("kyb"),
        [sig("kyb.ubo_nationality_risk_level", 2)],
        True,
    ),
    (
        "kyb-fatf-call-for-action-no-auto-approve",
        make_case("kyb"),
        [sig("kyb.jurisdiction_risk_level", 1)],
        False,
    ),
    (
        "fraud-linked-bad-no-auto-release",
        make_case("fraud"),
        [sig("fraud.address_linked_bad_accounts", 1)],
        True,
    ),
    (
        "fraud-linked-bad-no-auto-release",
        make_case("fraud"),
        [sig("fraud.device_linked_bad_accounts", 3)],
        True,
    ),
    (
        "fraud-linked-bad-no-auto-release",
        make_case("fraud"),
        [sig("fraud.address_linked_bad_accounts", 0, False)],
        False,
    ),
]


@pytest.mark.parametrize(("rule_id", "case", "signals", "fires"), CASES)
def test_each_shipped_rule(
    guardrails: Guardrails, rule_id: str, case: CaseIn, signals: list[Signal], fires: bool
) -> None:
    assert (rule_id in fired(guardrails, case, signals)) is fires


def test_every_shipped_rule_is_tested_both_ways(guardrails: Guardrails) -> None:
    outcomes = {(rule_id, fires) for rule_id, _, _, fires in CASES}
    assert {(rule.id, fires) for rule in guardrails.rules for fires in (True, False)} <= outcomes


def test_hits_carry_effect_clause_decisions_and_both_reasons(guardrails: Guardrails) -> None:
    case = make_case("ato", subject={"vip_tier": 6}, amount_at_risk_usd=2_500_000)
    hits = {
        hit.rule_id: hit for hit in guardrails.evaluate(case, [sig("ato.linked_confirmed_bad_accounts", 2.0)])
    }
    vip = hits["vip-tier-5-never-auto"]
    assert (vip.effect, vip.sop_clause, vip.decisions) == ("force_review", "GEN-2.1", ())
    assert vip.reason_en == "VIP tier 6 account: never decided automatically"
    assert vip.reason_zh == "VIP 等级 6 的账户：不得自动决策"
    amount = hits["amount-at-risk-four-eyes"]
    assert amount.decisions == ("not_ato", "confirm_ato")  # all of the type's decisions, spelled out
    assert "USD 2,500,000" in amount.reason_en and "2,500,000 美元" in amount.reason_zh
    assert hits["ato-vip-freeze-four-eyes"].decisions == ("confirm_ato",)
    linked = hits["ato-linked-bad-no-auto-clear"]
    assert (linked.effect, linked.decisions) == ("forbid_auto", ("not_ato",))
    assert linked.reason_en.startswith("linked to 2 confirmed-bad")


def test_contract_examples(guardrails: Guardrails) -> None:
    def hits(name: str) -> set[str]:
        case = CaseIn.model_validate(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))
        return fired(guardrails, case, compute(input_for_case(case)))

    assert hits("ato-sim-swap.json") == {"ato-sim-swap-no-auto-clear"}
    assert hits("ato-travel-false-alarm.json") == set()
    assert hits("kyb-new-entity.json") == {"kyb-volume-limit-four-eyes"}


def test_evaluation_is_deterministic_and_in_file_order(guardrails: Guardrails) -> None:
    case = make_case("ato", subject={"vip_tier": 7}, amount_at_risk_usd=3e6)
    signals = [sig("ato.no_history"), sig("ato.phone_change_via_support")]
    first = guardrails.evaluate(case, signals)
    assert (
        first
        == guardrails.evaluate(case, list(reversed(signals)))
        == Guardrails.load().evaluate(case, signals)
    )
    order = [rule.id for rule in guardrails.rules]
    assert [hit.rule_id for hit in first] == sorted((hit.rule_id for hit in first), key=order.index)
    assert guardrails.version == "2026.11.1"


# -- reading values --------------------------------------------------------------------------------


def test_unknown_and_missing_fields_read_as_missing_and_compare_false() -> None:
    case = make_case("kyb", subject={"segment": "institutional"}, entity={"legal_name": "Acme"})
    assert read_field(case, "subject.segment") == "institutional"  # kept extra field
    assert read_field(case, "subject.no_such_field") is MISSING
    assert read_field(case, "entity.expected_monthly_volume_usd") is MISSING  # None reads as missing
    assert read_field(case, "subject.model_dump") is MISSING  # never a method
    assert not compare(MISSING, "!=", 5) and not compare(MISSING, "not_in", [1])


@pytest.mark.parametrize(
    ("actual", "op", "expected", "result"),
    [
        (5, ">=", 5, True),
        (4.9, ">=", 5, False),
        ("b", ">", "a", True),
        ("7", ">=", 5, False),  # text never orders against a number
        (True, ">=", 1, False),  # nor does a flag
        (math.nan, "<", 1, False),
        ("SC", "in", ["SC", "VG"], True),
        ("SC", "not_in", ["SC"], False),
        (2, "==", 2.0, True),
        (None, "==", None, False),
    ],
)
def test_compare(actual: Any, op: str, expected: Any, result: bool) -> None:
    assert compare(actual, op, expected) is result


def test_a_rule_on_an_extra_field_and_nested_conditions() -> None:
    text = RULE.replace(
        'when.all = [{ field = "subject.vip_tier", op = ">=", value = 5 }]',
        'when.any = [{ all = [{ field = "subject.segment", op = "in", value = ["otc"] },'
        ' { signal = "ato.new_device", fired = true }] },'
        ' { field = "subject.country", op = "==", value = "KP" }]',
    )
    rules = Guardrails.parse(text)
    assert fired(rules, make_case(subject={"segment": "otc"}), [sig("ato.new_device")]) == {"test-rule"}
    assert fired(rules, make_case(subject={"segment": "otc"}), []) == set()
    assert fired(rules, make_case(subject={"country": "KP"}), []) == {"test-rule"}


def test_reasons_with_missing_values_still_render() -> None:
    rules = Guardrails.parse(
        RULE.replace("tier {subject.vip_tier}", "tier {subject.vip_tier} {subject.nope:.2f}")
    )
    (hit,) = rules.evaluate(make_case(subject={"vip_tier": 5}), [])
    assert hit.reason_en == "tier 5 ?"


# -- validation ------------------------------------------------------------------------------------

RULE = """
version = "t1"

[[rule]]
id = "test-rule"
effect = "force_review"
case_types = ["ato"]
sop_clause = "GEN-2.1"
when.all = [{ field = "subject.vip_tier", op = ">=", value = 5 }]
reason_en = "tier {subject.vip_tier}"
reason_zh = "等级 {subject.vip_tier}"
"""
SWAP = [
    ('version = "t1"', 'version = ""', "file: version: must be a non-empty string"),
    ('version = "t1"', 'version = "t1"\nextra = 1', "file: extra: unknown top-level key"),
    ('id = "test-rule"', 'id = "Test Rule"', "rule '#1': id: must be lower-case"),
    ('effect = "force_review"', 'effect = "block"', "rule 'test-rule': effect: must be one of"),
    (
        'effect = "force_review"',
        'effect = "force_review"\ndecisions = ["approve"]',
        "decisions: force_review",
    ),
    (
        'effect = "force_review"',
        'effect = "four_eyes"\ndecisions = ["approve"]',
        "'approve' is not a decision of ato",
    ),
    (
        'case_types = ["ato"]',
        'case_types = ["aml"]',
        "rule 'test-rule': case_types: must be a non-empty list",
    ),
    ('"GEN-2.1"', '"GEN-9.9"', "rule 'test-rule': sop_clause: 'GEN-9.9' is not a clause of the SOPs"),
    (
        'sop_clause = "GEN-2.1"',
        'sop_clause = "GEN-2.1"\nseverity = 3',
        "rule 'test-rule': severity: unknown key",
    ),
    ('op = ">="', 'op = "gte"', "when.all[0].op: must be one of"),
    ("value = 5 }", "value = [5] }", "when.all[0].value: [5] does not suit op '>='"),
    (
        'field = "subject.vip_tier"',
        'field = "subject..tier"',
        "when.all[0].field: 'subject..tier' is not a dotted path",
    ),
    (
        'field = "subject.vip_tier", op = ">=", value = 5',
        'signal = "ato.nope", fired = true',
        "'ato.nope' is not in the signal catalog",
    ),
    (
        'field = "subject.vip_tier", op = ">=", value = 5',
        'signal = "kyc.watchlist_score", fired = true',
        "is not a signal of ato",
    ),
    (
        'field = "subject.vip_tier", op = ">=", value = 5',
        'signal = "ato.new_device", fired = "yes"',
        "when.all[0].fired:",
    ),
    (
        'field = "subject.vip_tier", op',
        'field = "subject.vip_tier", signal = "ato.new_device", op',
        "not both",
    ),
    ("when.all = [", "when.every = [", "rule 'test-rule': when: needs exactly one of 'all' or 'any'"),
    (
        "when.all = [{ field",
        "when.all = []\n#{ field",
        "rule 'test-rule': when.all: must be a non-empty list",
    ),
    (
        'reason_zh = "等级 {subject.vip_tier}"',
        'reason_zh = ""',
        "rule 'test-rule': reason_zh: must be a non-empty text",
    ),
    (
        "tier {subject.vip_tier}",
        "tier {subject.vip_tier:q}",
        "reason_en: {subject.vip_tier:q} has an invalid format",
    ),
    (
        "tier {subject.vip_tier}",
        "tier {signal.ato.nope}",
        "reason_en: 'ato.nope' is not in the signal catalog",
    ),
    ("[[rule]]", "[rule]", "file: rule: the file needs at least one [[rule]]"),
    ('version = "t1"', "version = ", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "message"), SWAP)
def test_invalid_files_name_the_rule_field_and_reason(old: str, new: str, message: str) -> None:
    assert old in RULE
    with pytest.raises(GuardrailConfigError, match=_literal(message)):
        Guardrails.parse(RULE.replace(old, new, 1), source="test.toml")


def test_duplicate_rule_ids_and_the_file_name_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    path.write_text(RULE + RULE.replace('version = "t1"', ""), encoding="utf-8")
    with pytest.raises(
        GuardrailConfigError, match=_literal(f"{path}: rule 'test-rule': id: used by two rules")
    ):
        Guardrails.load(path)


def test_clauses_can_be_given_explicitly() -> None:
    assert Guardrails.parse(RULE, clauses={"GEN-2.1"}).rules[0].sop_clause == "GEN-2.1"
    with pytest.raises(GuardrailConfigError, match="sop_clause"):
        Guardrails.parse(RULE, clauses={"ATO-1.1"})


def _literal(text: str) -> str:
    import re

    return re.escape(text)
