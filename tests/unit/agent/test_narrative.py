"""The deterministic narrative: what it says for typical cases, and that it never exceeds three
sentences in either language, whatever the recommendation carries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roca.agent.decisions import DECISIONS
from roca.agent.narrative import as_clause, decision_action, deterministic_narrative, sentence_count
from roca.agent.types import Contribution, GuardrailHit, Recommendation
from roca.cases.schemas import CASE_TYPES, CaseType

VIP = GuardrailHit(
    "ato.vip_account",
    "force_review",
    "ATO-2.3",
    "a VIP account is never decided automatically",
    "VIP 账户一律不自动决策",
)
EMAIL_CHANGE = Contribution(
    "ato.email_change_to_withdrawal_min",
    12.0,
    2.4,
    "withdrawal 12 min after the email address was changed",
    "更换邮箱 12 分钟后发起提现",
)
MFA_REMOVED = Contribution(
    "ato.mfa_removed", True, 1.9, "two-factor authentication was removed (SMS)", "二次验证被关闭（短信）"
)
NEW_DEVICE = Contribution(
    "ato.new_device",
    True,
    1.1,
    "login from a device never seen on this account",
    "使用该账户从未出现过的设备登录",
)
OLD_ADDRESS = Contribution(
    "ato.withdrawal_address_age_min",
    300_000.0,
    -1.5,
    "withdrawal address first used 208 d ago",
    "提现地址首次使用于 208 天前",
)


def recommendation(
    decision: str = "confirm_ato",
    confidence: float = 0.97,
    contributions: list[Contribution] | None = None,
    *,
    case_type: CaseType = "ato",
    guardrails: list[GuardrailHit] | None = None,
    sop_clauses: list[str] | None = None,
    source: str = "model",
) -> Recommendation:
    return Recommendation(
        case_type=case_type,
        decision=decision,
        confidence=confidence,
        probabilities={decision: confidence},
        contributions=contributions if contributions is not None else [EMAIL_CHANGE, MFA_REMOVED, NEW_DEVICE],
        sop_clauses=sop_clauses or [],
        guardrails=guardrails or [],
        source=source,  # type: ignore[arg-type]
    )


# -- sentence counting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   ", 0),
        ("ROCA recommends confirming account takeover (0.97).", 1),
        ("Confidence 0.97 is above 0.95. A reviewer is not needed.", 2),
        ("Tor and VPN, e.g. NordVPN, were used. The account was drained.", 2),
        ("The applicant is a U.S. resident. The passport is valid.", 2),
        ("Several devices, phones, etc. and one laptop were used.", 1),
        ("Several devices, phones, etc. The laptop was new.", 2),
        ("Mr. Li called support before the takeover.", 1),
        ("One. Two. Three. Four", 4),
        ("J. Smith called support first.", 1),
        ("Why was the phone changed? Nobody knows! It was via support.", 3),
        ("withdrawal ? after the email address was changed", 1),
        ("No final full stop here", 1),
        ('He wrote "stop." Then he withdrew.', 2),
        ("ROCA 建议确认账户被盗（置信度 0.97）。主要依据：更换邮箱 12 分钟后发起提现。", 2),
        ("一。二！三？四", 4),
        ("建议确认.理由是新设备", 2),
        ("使用 VPN，例如 NordVPN。", 1),
        ("first line\nsecond line", 2),
        ("first line.\nsecond line.", 2),
        ("see ATO-2.3 and example.com for details.", 1),
    ],
)
def test_sentence_count(text: str, expected: int) -> None:
    assert sentence_count(text) == expected


@given(st.text())
def test_sentence_count_is_total_and_non_negative(text: str) -> None:
    assert sentence_count(text) >= 0


NASTY_TEXT = (
    st.text(alphabet=st.sampled_from(list("ab Z.!?。！？｡e.g0123;:()（）\n\r中文 \"'”)…"))) | st.text()
)


@given(NASTY_TEXT)
def test_a_clause_never_holds_more_than_one_sentence(text: str) -> None:
    clause = as_clause(text, "en")
    assert sentence_count(clause) <= 1
    assert sentence_count(f"Key evidence: {clause}; {clause}.") <= 1
    assert sentence_count(f"主要依据：{as_clause(text, 'zh')}。") <= 1


def test_a_clause_keeps_decimals_and_turns_sentences_into_semicolons() -> None:
    assert (
        as_clause("Face match 0.41 is low. Liveness failed!\n", "en")
        == "Face match 0.41 is low; Liveness failed"
    )
    assert as_clause("人脸比对分数 0.41。活体检测失败！", "zh") == "人脸比对分数 0.41；活体检测失败"


# -- what the narrative says --------------------------------------------------------------------------


def test_ato_confirmation_names_decision_evidence_and_guardrail() -> None:
    narrative = deterministic_narrative(recommendation(guardrails=[VIP]))
    assert narrative.source == "deterministic"
    assert narrative.text_en == (
        "ROCA recommends confirming account takeover (0.97). "
        "Key evidence: withdrawal 12 min after the email address was changed; "
        "two-factor authentication was removed (SMS); login from a device never seen on this account. "
        "SOP ATO-2.3 applies; a VIP account is never decided automatically."
    )
    assert narrative.text_zh == (
        "ROCA 建议确认账户被盗（置信度 0.97）。"
        "主要依据：更换邮箱 12 分钟后发起提现；二次验证被关闭（短信）；使用该账户从未出现过的设备登录。"
        "适用 SOP ATO-2.3：VIP 账户一律不自动决策。"
    )


def test_a_strong_signal_against_the_decision_is_mentioned() -> None:
    rec = recommendation(contributions=[EMAIL_CHANGE, OLD_ADDRESS, MFA_REMOVED])
    narrative = deterministic_narrative(rec)
    assert "(against: withdrawal address first used 208 d ago)" in narrative.text_en
    assert "（反向因素：提现地址首次使用于 208 天前）" in narrative.text_zh


def test_a_weak_signal_against_and_negligible_evidence_are_left_out() -> None:
    weak_against = Contribution("ato.new_ip", True, -0.2, "login from a new IP address", "从新 IP 地址登录")
    negligible = Contribution("ato.first_withdrawal", True, 0.1, "first withdrawal", "首次提现")
    narrative = deterministic_narrative(
        recommendation(contributions=[EMAIL_CHANGE, weak_against, negligible])
    )
    assert "new IP" not in narrative.text_en
    assert "first withdrawal" not in narrative.text_en
    assert sentence_count(narrative.text_en) == 2


def test_evidence_is_ranked_by_contribution_not_by_list_order() -> None:
    narrative = deterministic_narrative(recommendation(contributions=[NEW_DEVICE, EMAIL_CHANGE]))
    assert narrative.text_en.index("email address") < narrative.text_en.index("device")


def test_cited_clauses_and_routing_reason_form_the_third_sentence() -> None:
    rec = recommendation("request_info", 0.71, [], case_type="kyc", sop_clauses=["KYC-3.2", "KYC-4.1"])
    narrative = deterministic_narrative(
        rec, "confidence 0.71 is below the automation threshold", "置信度 0.71 低于自动化阈值"
    )
    assert narrative.text_en == (
        "ROCA recommends requesting more information (0.71). "
        "SOP KYC-3.2 and KYC-4.1 apply; confidence 0.71 is below the automation threshold."
    )
    assert narrative.text_zh == (
        "ROCA 建议要求补充材料（置信度 0.71）。适用 SOP KYC-3.2、KYC-4.1；置信度 0.71 低于自动化阈值。"
    )


def test_a_routing_reason_alone_is_capitalised() -> None:
    narrative = deterministic_narrative(recommendation(contributions=[]), "sent to review by policy", None)
    assert narrative.text_en.endswith(" Sent to review by policy.")


def test_several_guardrails_are_listed_once_each_with_their_own_reason() -> None:
    four_eyes = GuardrailHit(
        "amount-at-risk-four-eyes",
        "four_eyes",
        "GEN-3.2",
        "USD 1,200,000 at risk: any decision needs a second approver",
        "涉及金额 1,200,000 美元：任何决策均须经第二审批人批准",
    )
    narrative = deterministic_narrative(recommendation(guardrails=[VIP, four_eyes, VIP]))
    assert narrative.text_en.endswith(
        "Guardrails: SOP ATO-2.3 (a VIP account is never decided automatically); "
        "SOP GEN-3.2 (USD 1,200,000 at risk: any decision needs a second approver)."
    )
    assert narrative.text_zh.endswith(
        "护栏规则：SOP ATO-2.3（VIP 账户一律不自动决策）；"
        "SOP GEN-3.2（涉及金额 1,200,000 美元：任何决策均须经第二审批人批准）。"
    )


def test_cold_start_says_it_is_a_rule_based_suggestion() -> None:
    narrative = deterministic_narrative(recommendation("block", 0.8, case_type="fraud", source="rules"))
    assert narrative.text_en.startswith(
        "Rule-based suggestion (no trained model yet): block the transaction (score 0.80)."
    )
    assert narrative.text_zh.startswith("基于规则的建议（尚无训练模型）：拦截交易（规则评分 0.80）。")


def test_ato_clear_reads_as_not_account_takeover() -> None:
    narrative = deterministic_narrative(recommendation("not_ato", 0.93, []))
    assert narrative.text_en == "ROCA recommends clearing the case as not account takeover (0.93)."
    assert narrative.text_zh == "ROCA 建议排除账户被盗（置信度 0.93）。"


@pytest.mark.parametrize("decision", sorted({d for decisions in DECISIONS.values() for d in decisions}))
def test_every_decision_has_its_own_wording(decision: str) -> None:
    for language in ("en", "zh"):
        action = decision_action(decision, language)
        assert action
        assert action != decision
    assert decision_action(decision, "en", gerund=True).split()[0].endswith("ing")


def test_an_unknown_decision_still_reads() -> None:
    narrative = deterministic_narrative(recommendation("freeze_account", 0.5, []))
    assert narrative.text_en == "ROCA recommends freeze_account (0.50)."


# -- the three-sentence limit over generated recommendations ------------------------------------------

FINITE = st.floats(min_value=-6, max_value=6, allow_nan=False)
CONTRIBUTIONS = st.lists(
    st.builds(Contribution, st.text(max_size=20), st.none() | FINITE, FINITE, NASTY_TEXT, NASTY_TEXT),
    max_size=8,
)
GUARDRAILS = st.lists(
    st.builds(
        GuardrailHit,
        st.text(max_size=20),
        st.sampled_from(["force_review", "forbid_auto", "four_eyes"]),
        NASTY_TEXT,
        NASTY_TEXT,
        NASTY_TEXT,
    ),
    max_size=5,
)


@st.composite
def recommendations(draw: st.DrawFn) -> tuple[Recommendation, str | None, str | None]:
    case_type = draw(st.sampled_from(CASE_TYPES))
    contributions = draw(CONTRIBUTIONS)
    rec = Recommendation(
        case_type=case_type,
        decision=draw(st.sampled_from(DECISIONS[case_type])),
        confidence=draw(st.floats(min_value=0, max_value=1)),
        probabilities={},
        contributions=sorted(contributions, key=lambda c: -abs(c.contribution)),
        sop_clauses=draw(st.lists(NASTY_TEXT, max_size=6)),
        guardrails=draw(GUARDRAILS),
        source=draw(st.sampled_from(["model", "rules"])),
    )
    return rec, draw(st.none() | NASTY_TEXT), draw(st.none() | NASTY_TEXT)


@settings(max_examples=400, deadline=None)
@given(recommendations())
def test_every_narrative_has_at_most_three_sentences(
    case: tuple[Recommendation, str | None, str | None],
) -> None:
    rec, reason_en, reason_zh = case
    narrative = deterministic_narrative(rec, reason_en, reason_zh)
    assert 1 <= sentence_count(narrative.text_en) <= 3
    assert 1 <= sentence_count(narrative.text_zh) <= 3
    confidence = f"{rec.confidence:.2f}"
    first_en = narrative.text_en.split(confidence)[0]
    if rec.source == "rules":
        assert first_en.startswith("Rule-based suggestion (no trained model yet): ")
    else:
        assert first_en == f"ROCA recommends {decision_action(rec.decision, 'en')} ("
        assert narrative.text_zh.startswith(
            f"ROCA 建议{decision_action(rec.decision, 'zh')}（置信度 {confidence}）。"
        )
    assert "\n" not in narrative.text_en + narrative.text_zh
    assert narrative == deterministic_narrative(rec, reason_en, reason_zh)
