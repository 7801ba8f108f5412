"""The intake contract (``roca/contract/case.schema.json``) as Pydantic models.

Unknown fields are allowed everywhere and kept: upstream may send more than the contract names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CaseType = Literal["ato", "kyc", "kyb", "fraud"]
CASE_TYPES: tuple[CaseType, ...] = ("ato", "kyc", "kyb", "fraud")
EventType = Literal[
    "login",
    "password_change",
    "password_reset",
    "mfa_change",
    "email_change",
    "phone_change",
    "anti_phishing_code_change",
    "api_key_create",
    "withdrawal_address_add",
    "withdrawal",
    "deposit",
    "trade",
    "support_contact",
    "device_bind",
]
AsnType = Literal["residential", "mobile", "hosting", "vpn", "tor", "unknown"]
MfaMethod = Literal["none", "sms", "email", "totp", "passkey", "yubikey"]
MAX_EVENTS_PER_CASE = 5000


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Subject(ContractModel):
    account_id: str = Field(min_length=1, max_length=128)
    account_created_at: AwareDatetime | None = None
    country: str | None = None
    kyc_level: int | None = Field(default=None, ge=0, le=3)
    vip_tier: int | None = Field(default=None, ge=0, le=9)
    balance_usd: float | None = Field(default=None, ge=0)
    language: Literal["en", "zh"] | None = None


class Alert(ContractModel):
    source: str | None = None
    rule_id: str | None = None
    reason: str | None = None
    upstream_score: float | None = Field(default=None, ge=0, le=1)


class Event(ContractModel):
    ts: AwareDatetime
    type: EventType
    success: bool | None = None
    ip: str | None = None
    ip_country: str | None = None
    asn: int | None = None
    asn_type: AsnType | None = None
    device_id: str | None = None
    user_agent: str | None = None
    mfa_method: MfaMethod | None = None
    action: str | None = None
    channel: str | None = None
    permissions: list[Literal["read", "trade", "withdraw"]] | None = None
    ip_whitelist: bool | None = None
    address: str | None = None
    network: str | None = None
    asset: str | None = None
    amount_usd: float | None = Field(default=None, ge=0)
    topic: str | None = None


class Document(ContractModel):
    doc_type: Literal["passport", "id_card", "driving_licence", "selfie", "proof_of_address"]
    issuing_country: str | None = None
    expiry_date: date | None = None
    name: str | None = None
    date_of_birth: date | None = None
    face_match_score: float | None = Field(default=None, ge=0, le=1)
    liveness_score: float | None = Field(default=None, ge=0, le=1)
    tamper_score: float | None = Field(default=None, ge=0, le=1)


class BeneficialOwner(ContractModel):
    name: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    ownership_pct: float | None = Field(default=None, ge=0, le=100)


class Entity(ContractModel):
    legal_name: str | None = None
    registration_number: str | None = None
    jurisdiction: str | None = None
    incorporated_on: date | None = None
    business_category: str | None = None
    expected_monthly_volume_usd: float | None = Field(default=None, ge=0)
    ubos: list[BeneficialOwner] | None = None


class CaseIn(ContractModel):
    """One case as upstream alerting sends it."""

    external_id: str = Field(min_length=1, max_length=128)
    case_type: CaseType
    created_at: AwareDatetime
    amount_at_risk_usd: float | None = Field(default=None, ge=0)
    subject: Subject
    alert: Alert | None = None
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS_PER_CASE)
    documents: list[Document] | None = None
    entity: Entity | None = None


IntakeOutcome = Literal["created", "duplicate", "conflict", "invalid"]


class FieldErrorOut(BaseModel):
    field: str = Field(description="dotted path of the offending field, e.g. events.3.ts")
    reason: str


class IntakeResult(BaseModel):
    """What happened to one submitted case."""

    index: int = Field(description="position of the item in the submission (0-based)")
    outcome: IntakeOutcome
    external_id: str | None = None
    case_id: int | None = None
    content_hash: str | None = None
    existing_content_hash: str | None = Field(
        default=None, description="on conflict: the hash of the case already stored under this external_id"
    )
    errors: list[FieldErrorOut] = Field(default_factory=list)


class BatchSummary(BaseModel):
    created: int = 0
    duplicate: int = 0
    conflict: int = 0
    invalid: int = 0


class BatchResult(BaseModel):
    summary: BatchSummary
    items: list[IntakeResult]


class RecommendationOut(BaseModel):
    """ROCA's latest scoring of the case."""

    scored_at: datetime
    source: str = Field(description="model, or rules before any model exists")
    decision: str
    confidence: float = Field(description="calibrated probability of the recommended decision")
    probabilities: dict[str, float]
    contributions: list[dict[str, Any]] = Field(description="strongest signal contributions, bilingual")
    sop_clauses: list[str]
    guardrails: list[dict[str, Any]]
    narrative_en: str
    narrative_zh: str
    model_version: str | None
    rules_version: str


class CaseOut(BaseModel):
    id: int
    external_id: str
    case_type: CaseType
    status: str
    account_id: str
    created_at: datetime
    received_at: datetime
    amount_at_risk_usd: float | None
    content_hash: str
    event_count: int
    case: dict[str, Any] = Field(description="the case as received, events included, unknown fields kept")
    recommendation: RecommendationOut | None = Field(default=None, description="null until scored")
    decision: dict[str, Any] | None = Field(
        default=None, description="the latest decision: by ROCA (automatic) or which user, with versions"
    )


class CaseSummaryOut(BaseModel):
    id: int
    external_id: str
    case_type: CaseType
    status: str
    account_id: str
    created_at: datetime
    received_at: datetime
    amount_at_risk_usd: float | None
    event_count: int
    decision: dict[str, Any] | None = Field(
        default=None, description="the latest decision, when there is one"
    )


class CasePage(BaseModel):
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(description="pass as ?cursor= to get the next page; null at the end")
