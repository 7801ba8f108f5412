"""What the case page shows, as plain values: no database, no web framework.

Two rules are applied here, before any template sees the data, so that no template can forget them:
personal data is masked for roles without ``pii:read`` (free text included: signal lines and
narratives quote IPs and addresses), and in blind mode (an unfinished QA audit or shadow review)
ROCA's answer is not put into the view at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.review.feedback import ROOT_CAUSES
from roca.sop.documents import Clause
from roca.web.masking import mask_address, mask_case, mask_date_of_birth, mask_email, mask_ip, mask_name

Scrub = Callable[[str | None], str]


def N_(message: str) -> str:  # noqa: N802 (gettext's marker: extracted now, translated when shown)
    return message


CASE_TYPE_LABELS = {"ato": N_("Account takeover"), "fraud": N_("Payment fraud"), "kyc": N_("KYC"),
                    "kyb": N_("KYB")}  # fmt: skip
STATUS_LABELS = {
    "received": N_("Received"),
    "scored": N_("Scored"),
    "auto_decided": N_("Decided automatically"),
    "queued": N_("Waiting for review"),
    "in_review": N_("In review"),
    "decided": N_("Decided"),
    "awaiting_second_approval": N_("Awaiting second approval"),
    "qa_pending": N_("QA audit pending"),
    "qa_done": N_("QA audited"),
}
# The contract's decisions; the Chinese catalog uses roca.agent.decisions.DECISION_NAMES' wording.
DECISION_LABELS = {
    "confirm_ato": N_("Confirm account takeover"),
    "not_ato": N_("Not account takeover"),
    "block": N_("Block the transaction"),
    "release": N_("Release the transaction"),
    "approve": N_("Approve"),
    "reject": N_("Reject"),
    "request_info": N_("Request more information"),
    "enhanced_due_diligence": N_("Enhanced due diligence"),
}
EVENT_LABELS = {
    "login": N_("Login"),
    "password_change": N_("Password change"),
    "password_reset": N_("Password reset"),
    "mfa_change": N_("MFA change"),
    "email_change": N_("Email change"),
    "phone_change": N_("Phone number change"),
    "anti_phishing_code_change": N_("Anti-phishing code change"),
    "api_key_create": N_("API key created"),
    "withdrawal_address_add": N_("Withdrawal address added"),
    "withdrawal": N_("Withdrawal"),
    "deposit": N_("Deposit"),
    "trade": N_("Trade"),
    "support_contact": N_("Support contact"),
    "device_bind": N_("Device bound"),
}
DETAIL_LABELS = {
    "ip": N_("IP"), "ip_country": N_("Country"), "asn": N_("ASN"), "asn_type": N_("Network type"),
    "device_id": N_("Device"), "mfa_method": N_("MFA method"), "action": N_("Action"),
    "channel": N_("Channel"), "permissions": N_("Permissions"), "ip_whitelist": N_("IP allow-list"),
    "asset": N_("Asset"), "amount_usd": N_("Amount"), "address": N_("Address"), "network": N_("Chain"),
    "topic": N_("Topic"),
}  # fmt: skip
LINK_LABELS = {"device": N_("Device"), "ip": N_("IP"), "address": N_("Address")}
# Short English labels; the Chinese catalog uses the taxonomy's own label_zh (a unit test checks).
ROOT_CAUSE_LABELS = {
    "missing_signal": N_("Missing signal"),
    "stale_data": N_("Stale data"),
    "data_quality": N_("Data quality"),
    "misweighted_signal": N_("Misweighted signal"),
    "overconfident": N_("Overconfident"),
    "unsupported_claim": N_("Unsupported claim"),
    "sop_gap": N_("SOP gap"),
    "sop_ambiguous": N_("SOP ambiguous"),
    "sop_outdated": N_("SOP outdated"),
    "novel_pattern": N_("Novel pattern"),
    "population_shift": N_("Population shift"),
    "label_noise": N_("Label noise"),
    "inherently_ambiguous": N_("Inherently ambiguous"),
    "tool_failure": N_("Tool failure"),
    "other": N_("Other cause"),
}
ROOT_CAUSE_GROUPS = {"data": N_("Data"), "model": N_("Model"), "policy": N_("Policy"), "world": N_("World"),
                     "label": N_("Label"), "system": N_("System"), "other": N_("Other")}  # fmt: skip


@dataclass(frozen=True)
class Names:
    """Every label above in one language, translated once rather than once per timeline row."""

    case_types: dict[str, str]
    statuses: dict[str, str]
    decisions: dict[str, str]
    events: dict[str, str]
    details: dict[str, str]
    links: dict[str, str]
    root_causes: dict[str, str]
    root_cause_groups: dict[str, str]


def names(gettext: Callable[[str], str]) -> Names:
    def translated(labels: Mapping[str, str]) -> dict[str, str]:
        return {code: gettext(label) for code, label in labels.items()}

    return Names(
        translated(CASE_TYPE_LABELS), translated(STATUS_LABELS), translated(DECISION_LABELS),
        translated(EVENT_LABELS), translated(DETAIL_LABELS), translated(LINK_LABELS),
        translated(ROOT_CAUSE_LABELS), translated(ROOT_CAUSE_GROUPS),
    )  # fmt: skip


def decision_codes(case_type: str) -> tuple[str, ...]:
    """The case type's decisions in the contract's order: keys 1..n choose them."""
    return DECISIONS[case_type]  # type: ignore[index]


def root_cause_groups() -> list[tuple[str, list[str]]]:
    """(group, codes) in the taxonomy's order: the select's option groups."""
    groups: dict[str, list[str]] = {}
    for cause in ROOT_CAUSES.values():
        groups.setdefault(cause.group, []).append(cause.code)
    return list(groups.items())


def pick(english: str, chinese: str, locale: str) -> str:
    return chinese if locale.startswith("zh") else english


# -- personal data in free text --------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


@dataclass(frozen=True)
class Scrubber:
    """Masks the case's own personal values wherever they are quoted, and any email or IPv4."""

    known: Mapping[str, str] = field(default_factory=dict)  # raw value -> masked value

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        for raw in sorted(self.known, key=len, reverse=True):  # longest first: no partial overlaps
            text = text.replace(raw, self.known[raw])
        text = mask_email(text) or ""
        return _IPV4.sub(lambda match: mask_ip(match.group(0)) or "", text)


def unmasked(text: str | None) -> str:
    return text or ""


def pii_scrubber(payload: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> Scrubber:
    """A scrubber for the personal values of one case: its events' IPs and addresses, the names and
    dates of birth on its documents and of its company's owners."""
    known: dict[str, str] = {}

    def add(raw: Any, masker: Callable[[str], str | None]) -> None:
        if isinstance(raw, str) and len(raw) >= 3:
            known[raw] = masker(raw) or ""

    for event in events:
        add(event.get("ip"), mask_ip)
        add(event.get("address"), mask_address)
    people = [*(payload.get("documents") or []), *((payload.get("entity") or {}).get("ubos") or [])]
    for person in people:
        add(person.get("name"), mask_name)
        add(person.get("date_of_birth"), mask_date_of_birth)
    return Scrubber(known)


def masked_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The case as received (without its events), every personal field masked."""
    return mask_case({**payload, "events": []})


def masked_link_value(kind: str, value: str) -> str:
    masker = {"ip": mask_ip, "address": mask_address}.get(kind)
    return (masker(value) or "") if masker else value


# -- ROCA's recommendation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Guardrail:
    rule_id: str
    effect: str
    sop_clause: str
    reason: str


@dataclass(frozen=True)
class Recommendation:
    decision: str
    confidence: float
    route: str | None  # auto | review; None when only rescored
    route_reason: str
    guardrails: list[Guardrail]
    source: str  # model | rules
    model_version: str | None
    rules_version: str
    narrative: str


def recommendation(scoring: Any, locale: str, scrub: Scrub) -> Recommendation:
    """ROCA's answer from a stored scoring (a ``CaseScoring``), in the page's language."""
    return Recommendation(
        decision=scoring.decision,
        confidence=float(scoring.confidence),
        route=scoring.route,
        route_reason=scrub(pick(scoring.route_reason_en, scoring.route_reason_zh, locale)),
        guardrails=[
            Guardrail(
                hit["rule_id"],
                hit["effect"],
                hit["sop_clause"],
                scrub(pick(hit["reason_en"], hit["reason_zh"], locale)),
            )
            for hit in scoring.guardrails
        ],
        source=scoring.source,
        model_version=scoring.model_version,
        rules_version=scoring.rules_version,
        narrative=scrub(pick(scoring.narrative_en, scoring.narrative_zh, locale)),
    )


# -- signals and their contributions ---------------------------------------------------------------


@dataclass(frozen=True)
class SignalRow:
    id: str
    name: str
    text: str
    fired: bool
    severity: str


@dataclass(frozen=True)
class Bar:
    """One signal's push on the recommendation, drawn as a bar; ``width`` is a share (0-100) of
    the strongest push."""

    signal_id: str
    name: str
    text: str
    contribution: float
    toward_risk: bool | None  # None: the recommendation is a third decision (see risk_orientation)
    width: float


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def signal_name(names: Mapping[str, tuple[str, str]], signal_id: str, locale: str) -> str:
    english, chinese = names.get(signal_id, (signal_id, signal_id))
    return pick(english, chinese, locale)


def risk_orientation(case_type: str, recommended: str) -> int | None:
    """Contributions are in log-odds of the recommended decision.  +1: positive reads "toward risk"
    as it is; -1: flipped (a binary type's benign decision is the risky one's complement); None: a
    third decision (e.g. request_info), where only "for" and "against" make sense."""
    decisions = DECISIONS.get(case_type)  # type: ignore[call-overload]
    if decisions is None:
        return None
    if recommended == RISKY_DECISION[case_type]:  # type: ignore[index]
        return 1
    return -1 if len(decisions) == 2 and recommended in decisions else None


def signal_rows(
    signals: Iterable[Mapping[str, Any]], names: Mapping[str, tuple[str, str]], locale: str, scrub: Scrub
) -> list[SignalRow]:
    """Fired signals first, most severe first, then the quiet ones; catalog order within each."""
    rows = [
        SignalRow(
            id=item["id"],
            name=signal_name(names, item["id"], locale),
            text=scrub(pick(item.get("text_en", ""), item.get("text_zh", ""), locale)),
            fired=bool(item.get("fired")),
            severity=str(item.get("severity", "info")),
        )
        for item in signals
    ]
    return sorted(rows, key=lambda row: (not row.fired, SEVERITY_ORDER.get(row.severity, 5)))


def contribution_bars(
    contributions: Iterable[Mapping[str, Any]],
    names: Mapping[str, tuple[str, str]],
    locale: str,
    orientation: int | None,
    scrub: Scrub,
) -> list[Bar]:
    items = list(contributions)
    strongest = max((abs(float(item["contribution"])) for item in items), default=0.0) or 1.0
    return [
        Bar(
            signal_id=item["signal_id"],
            name=signal_name(names, item["signal_id"], locale),
            text=scrub(pick(item.get("text_en", ""), item.get("text_zh", ""), locale)),
            contribution=float(item["contribution"]),
            toward_risk=None if orientation is None else float(item["contribution"]) * orientation > 0,
            width=round(100.0 * abs(float(item["contribution"])) / strongest, 1),
        )
        for item in items
    ]


@dataclass(frozen=True)
class CitedClause:
    id: str
    title: str
    text: str


def cited_clauses(clause_ids: Iterable[str], index: Mapping[str, Clause], locale: str) -> list[CitedClause]:
    """The clauses in the page's language; an id no longer in the SOPs is still shown, untitled."""
    cited = []
    for clause_id in clause_ids:
        found = index.get(clause_id)
        if found is None:
            cited.append(CitedClause(clause_id, "", ""))
        else:
            cited.append(CitedClause(clause_id, pick(found.title_en, found.title_zh, locale),
                                     pick(found.text_en, found.text_zh, locale)))  # fmt: skip
    return cited


# -- the deciding form -----------------------------------------------------------------------------


def form_problem(field_name: str, reason: str) -> str:
    """The kind of a service's field error, which the form words in the page's language."""
    if reason.startswith("required"):
        return "required"
    if "sentences" in reason:
        return "too_many_sentences"
    if "characters" in reason:
        return "too_long"
    if field_name == "decision":
        return "unknown_decision"
    return "invalid"


def signal_marks(misleading: Iterable[str], missing: str, known: Iterable[str]) -> list[dict[str, str]]:
    """The form's signal marks as the service stores them; unknown signal ids are dropped."""
    allowed = set(known)
    marks = [{"kind": "misleading", "signal": signal_id, "note": ""}
             for signal_id in dict.fromkeys(misleading) if signal_id in allowed]  # fmt: skip
    if missing.strip():
        marks.append({"kind": "missing", "signal": missing.strip(), "note": ""})
    return marks
