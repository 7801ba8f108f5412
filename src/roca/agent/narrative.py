"""The reviewer's narrative of one recommendation: at most three sentences, in English and in Chinese.

:func:`deterministic_narrative` builds it from the recommendation alone (no model, no network), so it
is always available, reproducible and auditable; the optional LLM narrator (:mod:`roca.agent.llm`)
falls back to it.  :func:`sentence_count` is the single rule both use to hold the three-sentence limit.

Sentence 1 is the recommendation and its confidence, sentence 2 the strongest evidence for it (and a
strong signal against it, if any), sentence 3 the guardrails that fired or the SOP clauses cited, plus
the routing reason when the caller has one.  Every piece of outside text (signal lines, guardrail
reasons, clause ids) is flattened to a clause first, so no input can add a sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from roca.agent.decisions import DECISION_NAMES
from roca.agent.types import Contribution, GuardrailHit, Narrative, Recommendation

Language = Literal["en", "zh"]
MAX_SENTENCES: Final = 3
MAX_EVIDENCE: Final = 3
# Evidence below this share of the strongest supporting signal is noise for a reviewer.
MIN_EVIDENCE_SHARE: Final = 0.25
# A signal pointing the other way is worth a mention once it is half as strong as the best one for.
MIN_COUNTER_SHARE: Final = 0.5
MAX_LABELS: Final = 3

# -- counting sentences ------------------------------------------------------------------------------

_CJK_STOPS: Final = "。！？｡"
_TERMINATOR: Final = re.compile(r"(?P<stop>[.!?。！？｡]+)(?P<close>[\"'”’)\]）」』]*)")
_CJK: Final = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_WORDISH: Final = re.compile(r"\w")
_INITIALS: Final = re.compile(r"(?:[a-z]\.)+[a-z]")
# Abbreviations that never end a sentence ("e.g. Tor exit node"), and ones that may when a capital follows.
_NEVER_FINAL: Final = frozenset(
    {"e.g", "i.e", "vs", "cf", "approx", "incl", "no", "nr", "mr", "mrs", "ms", "dr", "st", "viz", "resp"}
)
_MAYBE_FINAL: Final = frozenset({"etc", "inc", "ltd", "co", "corp", "al", "a.m", "p.m"})


def sentence_count(text: str) -> int:
    """Sentences in English or Chinese text.  。！？ always end one; . ! ? only when followed by a
    space, a Chinese character or the end, so decimals (0.97) and abbreviations (e.g.) do not.
    A line break also ends one (a list item reads as a sentence), which errs towards counting more."""
    return sum(_count_line(line) for line in text.splitlines())


def _count_line(line: str) -> int:
    ends = [match.end() for match in _TERMINATOR.finditer(line) if _ends_sentence(line, match)]
    tail = line[ends[-1] :] if ends else line
    return len(ends) + (1 if _WORDISH.search(tail) else 0)


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    stop, start, end = match.group("stop"), match.start(), match.end()
    if any(char in _CJK_STOPS for char in stop):
        return True
    if start == 0 or text[start - 1].isspace():
        return False  # a lone "?" is a placeholder ("withdrawal ? after login"), not an ending
    following = text[end : end + 1]
    if following and not following.isspace() and not _CJK.match(following):
        return False  # 0.97, ATO-2.3, example.com
    return not (stop == "." and _is_abbreviation(text, start, end))


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    begin = start
    while begin > 0 and text[begin - 1].isascii() and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    word = text[begin:start].lstrip(".").lower()
    if word in _MAYBE_FINAL:
        return not text[end:].lstrip()[:1].isupper()
    return len(word) == 1 or word in _NEVER_FINAL or _INITIALS.fullmatch(word) is not None


# -- flattening outside text to a clause --------------------------------------------------------------

_EDGE_JUNK: Final = " .!?。！？｡;；,，:："


def as_clause(text: str, language: Language) -> str:
    """``text`` as one clause: one line, sentence endings turned into semicolons, no end punctuation."""
    separator = "; " if language == "en" else "；"
    clause = " ".join(text.split()).strip(_EDGE_JUNK)
    while True:  # trimming the edge can expose an ending ("0?):" -> "0?)"), so repeat until stable
        pieces: list[str] = []
        last = 0
        for match in _TERMINATOR.finditer(clause):
            if _ends_sentence(clause, match):
                pieces += [clause[last : match.start()], match.group("close"), separator]
                last = match.end()
        pieces.append(clause[last:])
        rewritten = " ".join("".join(pieces).split()).strip(_EDGE_JUNK)
        if rewritten == clause:
            return clause
        clause = rewritten


# -- the narrative -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Wording:
    language: Language
    join_sentences: str
    stop: str
    list_separator: str
    recommends: str  # {action} {confidence}
    rules_suggest: str  # {action} {confidence}
    evidence: str  # {items}
    nothing_for: str
    against: str  # {item}
    applies: str  # {labels}
    apply: str  # {labels}
    single_reason: str  # {labels} {reason}
    guardrails: str  # {items}
    labelled: str  # {label} {reason}
    more: str  # {count}


_EN: Final = _Wording(
    language="en",
    join_sentences=" ",
    stop=".",
    list_separator="; ",
    recommends="ROCA recommends {action} ({confidence})",
    rules_suggest="Rule-based suggestion (no trained model yet): {action} (score {confidence})",
    evidence="Key evidence: {items}",
    nothing_for="No signal clearly supports it",
    against=" (against: {item})",
    applies="{labels} applies",
    apply="{labels} apply",
    single_reason="{labels}; {reason}",
    guardrails="Guardrails: {items}",
    labelled="{label} ({reason})",
    more=" and {count} more",
)
_ZH: Final = _Wording(
    language="zh",
    join_sentences="",
    stop="。",
    list_separator="；",
    recommends="ROCA 建议{action}（置信度 {confidence}）",
    rules_suggest="基于规则的建议（尚无训练模型）：{action}（规则评分 {confidence}）",
    evidence="主要依据：{items}",
    nothing_for="没有信号明确支持该建议",
    against="（反向因素：{item}）",
    applies="适用 {labels}",
    apply="适用 {labels}",
    single_reason="{labels}：{reason}",
    guardrails="护栏规则：{items}",
    labelled="{label}（{reason}）",
    more="等 {count} 项",
)

# (recommending ..., suggestion: ..., 建议...) per decision; DECISION_NAMES covers anything newer.
_ACTIONS: Final[dict[str, tuple[str, str, str]]] = {
    "confirm_ato": ("confirming account takeover", "confirm account takeover", "确认账户被盗"),
    "not_ato": (
        "clearing the case as not account takeover",
        "clear the case as not account takeover",
        "排除账户被盗",
    ),
    "block": ("blocking the transaction", "block the transaction", "拦截交易"),
    "release": ("releasing the transaction", "release the transaction", "放行交易"),
    "approve": ("approving the application", "approve the application", "批准申请"),
    "reject": ("rejecting the application", "reject the application", "拒绝申请"),
    "request_info": ("requesting more information", "request more information", "要求补充材料"),
    "enhanced_due_diligence": (
        "opening enhanced due diligence",
        "open enhanced due diligence",
        "启动加强尽职调查",
    ),
}


def deterministic_narrative(
    rec: Recommendation, routing_reason_en: str | None = None, routing_reason_zh: str | None = None
) -> Narrative:
    """The reviewer's summary of ``rec``, at most three sentences per language, from ``rec`` alone."""
    return Narrative(
        text_en=_compose(rec, routing_reason_en, _EN),
        text_zh=_compose(rec, routing_reason_zh, _ZH),
        source="deterministic",
    )


def decision_action(decision: str, language: Language, *, gerund: bool = True) -> str:
    """How the decision reads after "ROCA recommends" (``gerund``) or as a bare instruction."""
    known = _ACTIONS.get(decision)
    if known is None:
        name_en, name_zh = DECISION_NAMES.get(decision, (decision, decision))
        return as_clause(name_en if language == "en" else name_zh, language) or "no decision"
    if language == "zh":
        return known[2]
    return known[0] if gerund else known[1]


def _compose(rec: Recommendation, routing_reason: str | None, wording: _Wording) -> str:
    sentences = [
        _headline(rec, wording),
        _evidence(rec.contributions, wording),
        _basis(rec, routing_reason, wording),
    ]
    return wording.join_sentences.join(sentence + wording.stop for sentence in sentences if sentence)


def format_confidence(confidence: float) -> str | None:
    """The confidence as every narrative prints it ("0.97"); None when it is not a number."""
    return f"{min(max(confidence, 0.0), 1.0):.2f}" if math.isfinite(confidence) else None


def _headline(rec: Recommendation, wording: _Wording) -> str:
    confidence = format_confidence(rec.confidence) or "n/a"
    rule_based = rec.source == "rules"
    action = decision_action(rec.decision, wording.language, gerund=not rule_based)
    template = wording.rules_suggest if rule_based else wording.recommends
    return template.format(action=action, confidence=confidence)


def _evidence(contributions: Sequence[Contribution], wording: _Wording) -> str:
    supporting = sorted((c for c in contributions if c.contribution > 0), key=lambda c: -c.contribution)
    opposing = sorted((c for c in contributions if c.contribution < 0), key=lambda c: c.contribution)
    strongest = supporting[0].contribution if supporting else 0.0
    shown = [c for c in supporting[:MAX_EVIDENCE] if c.contribution >= MIN_EVIDENCE_SHARE * strongest]
    counter = opposing[0] if opposing and -opposing[0].contribution >= MIN_COUNTER_SHARE * strongest else None
    if not shown and counter is None:
        return ""
    items = wording.list_separator.join(_signal_clause(c, wording.language) for c in shown)
    head = wording.evidence.format(items=items) if shown else wording.nothing_for
    tail = wording.against.format(item=_signal_clause(counter, wording.language)) if counter else ""
    return head + tail


def _signal_clause(contribution: Contribution, language: Language) -> str:
    text = contribution.text_en if language == "en" else contribution.text_zh
    return as_clause(text, language) or as_clause(contribution.signal_id, language) or "signal"


def _basis(rec: Recommendation, routing_reason: str | None, wording: _Wording) -> str:
    parts = [
        _guardrail_part(rec.guardrails, wording) or _clauses_part(rec.sop_clauses, wording),
        as_clause(routing_reason or "", wording.language),
    ]
    text = wording.list_separator.join(part for part in parts if part)
    return text[:1].upper() + text[1:]


def _guardrail_part(guardrails: Sequence[GuardrailHit], wording: _Wording) -> str:
    # Each clause stays next to its own reason, so a reviewer sees which SOP rule says what.
    pairs = _unique(_guardrail_pair(hit, wording) for hit in guardrails)
    if len(pairs) != 1:
        return _listed_guardrails(pairs, wording)
    hit = guardrails[0]
    label, reason = _guardrail_label(hit, wording.language), _guardrail_reason(hit, wording.language)
    applies = wording.applies.format(labels=label)
    return wording.single_reason.format(labels=applies, reason=reason) if reason else applies


def _listed_guardrails(pairs: Sequence[str], wording: _Wording) -> str:
    if not pairs:
        return ""
    hidden = len(pairs) - MAX_LABELS
    more = wording.more.format(count=hidden) if hidden > 0 else ""
    return wording.guardrails.format(items=wording.list_separator.join(pairs[:MAX_LABELS])) + more


def _guardrail_pair(hit: GuardrailHit, wording: _Wording) -> str:
    label, reason = _guardrail_label(hit, wording.language), _guardrail_reason(hit, wording.language)
    return wording.labelled.format(label=label, reason=reason) if reason else label


def _guardrail_reason(hit: GuardrailHit, language: Language) -> str:
    return as_clause(hit.reason_en if language == "en" else hit.reason_zh, language)


def _guardrail_label(hit: GuardrailHit, language: Language) -> str:
    clause = as_clause(hit.sop_clause, language)
    if clause:
        return f"SOP {clause}"
    label = "guardrail" if language == "en" else "护栏规则"
    rule = as_clause(hit.rule_id, language)
    return f"{label} {rule}" if rule else label


def _clauses_part(sop_clauses: Sequence[str], wording: _Wording) -> str:
    labels = _unique(as_clause(clause, wording.language) for clause in sop_clauses)
    if not labels:
        return ""
    template = wording.applies if len(labels) == 1 else wording.apply
    return template.format(labels="SOP " + _listed(labels, wording))


def _listed(labels: Sequence[str], wording: _Wording) -> str:
    shown, hidden = list(labels[:MAX_LABELS]), len(labels) - MAX_LABELS
    if wording.language == "zh":
        text = "、".join(shown)
    elif hidden > 0 or len(shown) == 1:
        text = ", ".join(shown)
    else:
        text = ", ".join(shown[:-1]) + " and " + shown[-1]
    return text + (wording.more.format(count=hidden) if hidden > 0 else "")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))
