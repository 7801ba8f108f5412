"""The decisions ROCA can recommend, per case type (the contract's table), and which are "bad"."""

from __future__ import annotations

from typing import Final

from roca.cases.schemas import CaseType

DECISIONS: Final[dict[CaseType, tuple[str, ...]]] = {
    # Binary types list the benign decision first: column 1 of predict_proba is the risky one.
    "ato": ("not_ato", "confirm_ato"),
    "fraud": ("release", "block"),
    "kyc": ("approve", "reject", "request_info"),
    "kyb": ("approve", "reject", "request_info", "enhanced_due_diligence"),
}
# The decision whose probability the automation boundary reads for each type.
RISKY_DECISION: Final[dict[CaseType, str]] = {
    "ato": "confirm_ato",
    "fraud": "block",
    "kyc": "reject",
    "kyb": "reject",
}
DECISION_NAMES: Final[dict[str, tuple[str, str]]] = {
    "confirm_ato": ("confirm account takeover", "确认账户被盗"),
    "not_ato": ("not account takeover", "非账户被盗"),
    "block": ("block the transaction", "拦截交易"),
    "release": ("release the transaction", "放行交易"),
    "approve": ("approve", "批准"),
    "reject": ("reject", "拒绝"),
    "request_info": ("request more information", "要求补充材料"),
    "enhanced_due_diligence": ("enhanced due diligence", "加强尽职调查"),
}
