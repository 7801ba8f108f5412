"""The case page's view model: masking of free text, the direction of contributions, the form's
errors and marks, and labels that say the same as the domain in both languages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from roca.agent.decisions import DECISION_NAMES, DECISIONS
from roca.review.feedback import ROOT_CAUSES, feedback_problems
from roca.sop.documents import clause_index
from roca.web import case_view as view
from roca.web.i18n import translations


def test_the_scrubber_masks_quoted_personal_values_but_not_numbers() -> None:
    payload: dict[str, Any] = {"documents": [{"name": "JOAO P SILVA", "date_of_birth": "1994-02-11"}]}
    scrub = view.pii_scrubber(payload, [{"ip": "185.220.101.7", "address": "TQ9x...f3"}, {"ip": None}])
    text = ("new IP 185.220.101.7 and 10.1.2.3; sent to TQ9x...f3; JOAO P SILVA born 1994-02-11 "
            "wrote from alice@example.com; score 0.97, policy 2026.11.1")  # fmt: skip
    assert scrub(text) == (
        "new IP 185.220.101.• and 10.1.2.•; sent to TQ•••; J• P• S• born 1994-••-•• "
        "wrote from a•••@example.com; score 0.97, policy 2026.11.1"
    )
    assert scrub(None) == "" and view.unmasked("as is 10.1.2.3") == "as is 10.1.2.3"


def test_contributions_read_toward_or_away_from_risk() -> None:
    assert view.risk_orientation("ato", "confirm_ato") == 1
    assert view.risk_orientation("ato", "not_ato") == -1  # binary: the benign side's log-odds are flipped
    assert view.risk_orientation("kyc", "reject") == 1
    assert view.risk_orientation("kyc", "request_info") is None  # a third decision: for / against only
    names = {"ato.new_device": ("New device", "新设备")}
    items = [
        {
            "signal_id": "ato.new_device",
            "contribution": 2.0,
            "text_en": "from 10.0.0.7",
            "text_zh": "来自 10.0.0.7",
        },
        {"signal_id": "ato.other", "contribution": -0.5, "text_en": "b", "text_zh": "乙"},
    ]
    cleared = view.contribution_bars(
        items, names, "zh_CN", view.risk_orientation("ato", "not_ato"), view.Scrubber()
    )
    assert [(bar.name, bar.toward_risk, bar.width) for bar in cleared] == [
        ("新设备", False, 100.0),
        ("ato.other", True, 25.0),
    ]
    assert cleared[0].text == "来自 10.0.0.•"
    assert view.contribution_bars([], names, "en", 1, view.unmasked) == []


def test_fired_signals_come_first_most_severe_first() -> None:
    signals = [
        {"id": "a", "fired": False, "severity": "info", "text_en": "a", "text_zh": "甲"},
        {"id": "b", "fired": True, "severity": "low", "text_en": "b", "text_zh": "乙"},
        {"id": "c", "fired": True, "severity": "critical", "text_en": "c", "text_zh": "丙"},
    ]
    rows = view.signal_rows(signals, {}, "en", view.unmasked)
    assert [row.id for row in rows] == ["c", "b", "a"]


def test_the_service_refusals_map_to_form_problems() -> None:
    kinds = {(e.path, view.form_problem(e.path, e.reason)) for e in feedback_problems(True, None, None)}
    assert kinds == {("root_cause", "required"), ("annotation", "required")}
    (too_many,) = feedback_problems(False, None, "One. Two. Three. Four.")
    assert view.form_problem(too_many.path, too_many.reason) == "too_many_sentences"
    (too_long,) = feedback_problems(False, None, "x" * 2000)
    assert view.form_problem(too_long.path, too_long.reason) == "too_long"
    (unknown,) = feedback_problems(False, "guess", None)
    assert view.form_problem(unknown.path, unknown.reason) == "invalid"


def test_signal_marks_keep_known_signals_once_and_a_missing_one() -> None:
    marks = view.signal_marks(["ato.new_ip", "ato.new_ip", "evil"], "  ticket history ", ["ato.new_ip"])
    assert marks == [
        {"kind": "misleading", "signal": "ato.new_ip", "note": ""},
        {"kind": "missing", "signal": "ticket history", "note": ""},
    ]
    assert view.signal_marks([], " ", []) == []


def test_labels_say_what_the_domain_says_in_both_languages() -> None:
    chinese = translations("zh_CN")
    assert set(view.ROOT_CAUSE_LABELS) == set(ROOT_CAUSES)
    assert {code: chinese.gettext(label) for code, label in view.ROOT_CAUSE_LABELS.items()} == {
        code: cause.label_zh for code, cause in ROOT_CAUSES.items()
    }
    codes = {code for decisions in DECISIONS.values() for code in decisions}
    assert set(view.DECISION_LABELS) == codes
    for code, label in view.DECISION_LABELS.items():
        assert chinese.gettext(label) == DECISION_NAMES[code][1]
        assert label.lower() == DECISION_NAMES[code][0]
    groups = view.root_cause_groups()
    assert [code for _, codes in groups for code in codes] == list(ROOT_CAUSES)


def test_cited_clauses_in_the_page_language() -> None:
    index = clause_index()
    cited = view.cited_clauses(["ATO-3.2", "XYZ-9.9"], index, "zh_CN")
    assert (cited[0].id, cited[0].title) == ("ATO-3.2", index["ATO-3.2"].title_zh)
    assert (cited[1].id, cited[1].title, cited[1].text) == ("XYZ-9.9", "", "")


def test_rocas_answer_reads_in_the_page_language_with_quoted_ips_masked() -> None:
    scoring = SimpleNamespace(
        decision="confirm_ato", confidence=0.8, route="review", source="rules", model_version=None,
        rules_version="2026.11.1", route_reason_en="review: no policy", route_reason_zh="人工审核：无策略",
        narrative_en="Login from 185.220.101.7.", narrative_zh="来自 185.220.101.7 的登录。",
        guardrails=[{"rule_id": "r", "effect": "forbid_auto", "sop_clause": "ATO-3.2",
                     "reason_en": "SIM swap", "reason_zh": "换卡", "decisions": ["not_ato"]}],
    )  # fmt: skip
    shown = view.recommendation(scoring, "zh_CN", view.Scrubber())
    assert (shown.narrative, shown.route_reason) == ("来自 185.220.101.• 的登录。", "人工审核：无策略")
    assert shown.guardrails == [view.Guardrail("r", "forbid_auto", "ATO-3.2", "换卡")]
    assert view.recommendation(scoring, "en", view.unmasked).narrative == "Login from 185.220.101.7."
