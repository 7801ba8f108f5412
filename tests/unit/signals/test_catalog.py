"""The catalog as a whole: enough signals per case type, both languages, a unit test for each."""

from __future__ import annotations

from pathlib import Path

from roca.signals import catalog
from roca.signals.base import Reading, render
from tests.unit.signals.builders import ALERT, build_case, by_id

TESTS = Path(__file__).resolve().parent


def test_enough_signals_per_case_type() -> None:
    counts = {t: len(catalog.feature_names(t)) for t in ("ato", "kyc", "kyb", "fraud")}
    assert counts["ato"] >= 30 and counts["kyc"] >= 12 and counts["kyb"] >= 10 and counts["fraud"] >= 8


def test_every_signal_has_both_languages_and_distinct_ids() -> None:
    specs = catalog.specs()
    assert len({s.id for s in specs}) == len(specs)
    for spec in specs:
        assert spec.name_en and spec.name_zh and spec.template_en and spec.template_zh, spec.id
        assert spec.name_en != spec.name_zh, spec.id
        quiet = render(spec, Reading(None))
        assert quiet.text_en.startswith(spec.name_en) and quiet.text_zh.startswith(spec.name_zh)


def test_every_signal_is_named_in_a_unit_test() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in TESTS.glob("test_*.py"))
    untested = [s.id for s in catalog.specs() if f'"{s.id}"' not in text]
    assert untested == []


def test_fraud_amount_at_risk_and_upstream_score() -> None:
    from roca.signals.context import input_for_case

    withdrawal = {"ts": "2026-11-02T03:40:00Z", "type": "withdrawal", "amount_usd": 25_000.0, "address": "a1"}
    big = by_id(catalog.compute(input_for_case(build_case(
        "fraud", ALERT, [withdrawal], amount_at_risk_usd=25_000, alert={"upstream_score": 0.91}
    ))))  # fmt: skip
    assert big["fraud.amount_at_risk_usd"].fired and big["fraud.amount_at_risk_usd"].value == 25_000
    assert big["fraud.upstream_score"].fired and big["fraud.upstream_score"].value == 0.91
    small_withdrawal = withdrawal | {"amount_usd": 50.0}
    small = by_id(catalog.compute(input_for_case(build_case(
        "fraud", ALERT, [small_withdrawal], amount_at_risk_usd=50, alert={"upstream_score": 0.2}
    ))))  # fmt: skip
    assert not small["fraud.amount_at_risk_usd"].fired and not small["fraud.upstream_score"].fired
