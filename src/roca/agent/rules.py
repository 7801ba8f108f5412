"""The cold-start scorer: recommendations read straight from the SOPs, before any model exists.

Each row of the weight table says: when this signal's value passes this test, add these points to
this decision's score, because this SOP clause says so.  Points come from the signal's severity
(:data:`SEVERITY_POINTS`), scaled where the table says why (overlapping evidence counts less; a finding
that by the SOP blocks an approval but can be fixed counts as :data:`FIXABLE`).  Escalation rows add a
second step for the same signal (e.g. a drain of 90% adds to the drain of 80%).

Scores are additive and transparent: :meth:`RuleScorer.explain` returns each signal's points and the
bias, and a row sums to the decision's score.  The risky decision's probability is a logistic of its
score squeezed into ``[1 - max_confidence, max_confidence]`` so the rules never look certain; the
other decisions share the rest by a softmax of their scores.  The benign decision (``not_ato``,
``release``, ``approve``) scores minus every other decision's points: each finding argues against it.
"""

# ruff: noqa: N803  (X is scikit-learn's name for the feature matrix)
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.cases.schemas import CaseType
from roca.signals import ato_wording as ato
from roca.signals import fraud, kyb, kyc, screening
from roca.signals.base import Severity
from roca.signals.catalog import feature_names, specs

RULES_VERSION: Final = "rules-2026.11.1"
SEVERITY_POINTS: Final[dict[Severity, float]] = {
    Severity.INFO: 0.0,
    Severity.LOW: 0.3,
    Severity.MEDIUM: 0.7,
    Severity.HIGH: 1.4,
    Severity.CRITICAL: 2.5,
}
Op = Literal["yes", ">=", ">", "<", "<=", "present", "within", "off"]
Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a signal's value counts as evidence; NaN (not computable) never does."""

    op: Op
    a: float = 0.0
    b: float = 0.0

    def __call__(self, column: Matrix) -> NDArray[np.bool_]:
        ops = {
            "yes": lambda v: v >= 0.5,
            ">=": lambda v: v >= self.a,
            ">": lambda v: v > self.a,
            "<": lambda v: v < self.a,
            "<=": lambda v: v <= self.a,
            "present": lambda v: ~np.isnan(v),
            "within": lambda v: (v >= self.a) & (v < self.b),
            "off": lambda v: np.abs(v - self.a) > self.b,
        }
        return np.asarray(ops[self.op](column), dtype=bool)


YES, PRESENT = Trigger("yes"), Trigger("present")
BLOCKS: Final = Severity.HIGH  # severity of a finding that by the SOP blocks an approval outright
FIXABLE: Final = 1.5  # scale for such findings: request_info must beat approve on them alone


def at_least(value: float) -> Trigger:
    return Trigger(">=", value)


def below(value: float) -> Trigger:
    return Trigger("<", value)


def within(low: float, high: float) -> Trigger:
    return Trigger("within", low, high)


@dataclass(frozen=True, slots=True)
class Weight:
    signal_id: str
    trigger: Trigger
    decision: str
    clause: str
    severity: Severity | None = None  # None: the signal's catalog severity
    scale: float = 1.0


w = Weight  # the table below reads better with a short name

H, M, C = Severity.HIGH, Severity.MEDIUM, Severity.CRITICAL
CONFIRM, BLOCK, REJECT, INFO, EDD = "confirm_ato", "block", "reject", "request_info", "enhanced_due_diligence"
HALF = 0.5  # evidence that mostly repeats another signal (new IP with new country, ...)
# Second thresholds the SOPs set beyond the signals' own firing thresholds.
TAMPER_EVIDENT = 0.80  # KYC-2.3: reject
DIFFERENT_FACE = 0.60  # KYC-3.1: below, not the same person
PRESENTATION_ATTACK = 0.50  # KYC-3.2
DIFFERENT_NAME = 0.60  # KYC-3.3
WATCHLIST_HIT = screening.MATCH_THRESHOLD  # KYC-4.1, KYB-5.1: a possible hit
UNBALANCED = Trigger("off", 100.0, kyb.OWNERSHIP_TOLERANCE_PCT)  # KYB-3.2: declared shares do not add up

WEIGHTS: Final[dict[CaseType, tuple[Weight, ...]]] = {
    "ato": (
        w("ato.new_device", YES, CONFIRM, "ATO-2.1"),
        w("ato.new_ip", YES, CONFIRM, "ATO-2.1", scale=HALF),  # new IP, network and country: one observation
        w("ato.new_asn", YES, CONFIRM, "ATO-2.1", scale=HALF),
        w("ato.new_country", YES, CONFIRM, "ATO-2.1"),
        w("ato.new_user_agent", YES, CONFIRM, "ATO-2.1"),
        w("ato.outside_home_country", YES, CONFIRM, "ATO-2.1", scale=HALF),
        w("ato.unusual_login_hour", YES, CONFIRM, "ATO-2.1"),
        w("ato.travel_speed_kmh", Trigger(">", ato.IMPOSSIBLE_SPEED_KMH), CONFIRM, "ATO-2.2"),
        w("ato.anonymising_network", YES, CONFIRM, "ATO-2.2"),
        w("ato.failed_logins_before_success", at_least(ato.FAILED_LOGIN_BURST), CONFIRM, "ATO-2.3"),
        w("ato.failed_logins_before_success", at_least(ato.FAILED_LOGIN_STORM), CONFIRM, "ATO-2.3", M),
        w("ato.weaker_mfa_login", YES, CONFIRM, "ATO-2.3"),
        w("ato.mfa_removed", YES, CONFIRM, "ATO-3.3"),
        # Each change type counts half: the lock signal below carries the sequence itself.
        w("ato.password_reset_to_withdrawal_min", PRESENT, CONFIRM, "ATO-3.1", scale=HALF),
        w("ato.email_change_to_withdrawal_min", PRESENT, CONFIRM, "ATO-3.1", scale=HALF),
        w("ato.phone_change_to_withdrawal_min", PRESENT, CONFIRM, "ATO-3.2", scale=HALF),
        w("ato.anti_phishing_change_to_withdrawal_min", PRESENT, CONFIRM, "ATO-3.1", scale=HALF),
        w("ato.phone_change_via_support", YES, CONFIRM, "ATO-3.2"),
        w("ato.withdraw_api_key_without_allowlist", YES, CONFIRM, "ATO-3.3"),
        # Within 72 h: medium; inside the 24 h lock: high; within the hour: critical.
        w("ato.security_change_to_withdrawal_min", PRESENT, CONFIRM, "ATO-3.1", M),
        w(
            "ato.security_change_to_withdrawal_min",
            Trigger("<=", ato.SHORT_LOCK_MINUTES),
            CONFIRM,
            "ATO-3.1",
            M,
        ),
        w("ato.security_change_to_withdrawal_min", below(ato.SECURITY_RUSH_MINUTES), CONFIRM, "ATO-3.1", H),
        w("ato.security_changes", at_least(2), CONFIRM, "ATO-3.1"),
        w("ato.security_changes", at_least(3), CONFIRM, "ATO-3.1", M),
        w("ato.new_withdrawal_address", YES, CONFIRM, "ATO-4.2"),
        w("ato.withdrawal_address_age_min", below(ato.FRESH_ADDRESS_MINUTES), CONFIRM, "ATO-4.2", scale=HALF),
        w("ato.new_withdrawal_addresses", at_least(ato.NEW_ADDRESSES_BURST), CONFIRM, "ATO-4.2"),
        w("ato.new_asset_or_network", YES, CONFIRM, "ATO-4.2"),
        w("ato.first_withdrawal", YES, CONFIRM, "ATO-4.2"),
        w("ato.balance_drained_share", at_least(ato.DRAIN_SHARE), CONFIRM, "ATO-4.1"),
        w("ato.balance_drained_share", at_least(ato.DRAIN_CRITICAL_SHARE), CONFIRM, "ATO-4.1", M),
        w("ato.amount_vs_median_withdrawal", at_least(ato.AMOUNT_RATIO), CONFIRM, "ATO-4.1"),
        w("ato.amount_vs_median_withdrawal", at_least(ato.AMOUNT_RATIO_HIGH), CONFIRM, "ATO-4.1", M),
        w("ato.login_to_withdrawal_min", Trigger("<=", ato.SESSION_RUSH_MINUTES), CONFIRM, "ATO-4.1"),
        # ato.no_history is uncertainty, not evidence: a guardrail handles it (ATO-5.2), no points.
        w("ato.dormant_days", at_least(ato.DORMANT_DAYS), CONFIRM, "ATO-4.3"),
        w("ato.account_age_days", below(ato.YOUNG_ACCOUNT_DAYS), CONFIRM, "ATO-4.3"),
        w("ato.upstream_score", at_least(ato.UPSTREAM_SCORE_HIGH), CONFIRM, "GEN-1.3"),
        w("ato.device_shared_accounts", at_least(ato.SHARED_DEVICE_ACCOUNTS), CONFIRM, "ATO-5.1"),
        w("ato.ip_shared_accounts", at_least(ato.SHARED_IP_ACCOUNTS), CONFIRM, "ATO-5.1"),
        w("ato.address_shared_accounts", at_least(ato.SHARED_ADDRESS_ACCOUNTS), CONFIRM, "ATO-5.1"),
        w("ato.linked_confirmed_bad_accounts", at_least(1), CONFIRM, "ATO-5.1"),
    ),
    "fraud": (
        w("fraud.deposit_to_withdrawal_minutes", below(fraud.PASS_THROUGH_MINUTES), BLOCK, "FRD-2.1"),
        w("fraud.trade_to_deposit_ratio", below(fraud.NO_TRADING_RATIO), BLOCK, "FRD-2.1"),
        w("fraud.share_of_deposits_withdrawn", at_least(fraud.DRAINING_SHARE), BLOCK, "FRD-2.1"),
        # Value only: the funded-share half of the structuring test is not in the matrix.
        w(
            "fraud.small_deposits_before_withdrawal",
            at_least(fraud.STRUCTURING_MIN_DEPOSITS),
            BLOCK,
            "FRD-2.2",
        ),
        w("fraud.withdrawals_last_24h", at_least(fraud.WITHDRAWAL_BURST), BLOCK, "FRD-2.3"),
        w("fraud.amount_vs_history_ratio", at_least(fraud.UNUSUAL_AMOUNT_RATIO), BLOCK, "FRD-3.1"),
        w("fraud.amount_at_risk_usd", at_least(fraud.LARGE_AMOUNT_USD), BLOCK, "FRD-3.1"),
        # Most first withdrawals go to a new address: half weight.
        w("fraud.new_withdrawal_address", YES, BLOCK, "FRD-3.2", scale=HALF),
        w("fraud.address_added_minutes", below(fraud.FRESH_ADDRESS_MINUTES), BLOCK, "FRD-3.2"),
        w("fraud.first_withdrawal", YES, BLOCK, "FRD-3.2"),
        w("fraud.address_linked_bad_accounts", at_least(1), BLOCK, "FRD-4.1"),
        w("fraud.device_linked_bad_accounts", at_least(1), BLOCK, "FRD-4.1"),
        w("fraud.address_shared_accounts", at_least(fraud.SHARED_ADDRESS_ACCOUNTS), BLOCK, "FRD-4.2"),
        w("fraud.account_age_days", below(fraud.NEW_ACCOUNT_DAYS), BLOCK, "FRD-5.1"),
        w("fraud.anonymising_network", YES, BLOCK, "FRD-5.1"),
        w("fraud.upstream_score", at_least(fraud.UPSTREAM_SCORE_LIMIT), BLOCK, "FRD-5.2"),
    ),
    "kyc": (
        w("kyc.identity_document_missing", YES, INFO, "KYC-2.1", BLOCKS, FIXABLE),
        w("kyc.document_expired", YES, INFO, "KYC-2.2", BLOCKS, FIXABLE),
        # kyc.document_days_to_expiry: accepted with a re-verification flag (KYC-2.2), no points.
        w("kyc.tamper_score", at_least(kyc.TAMPER_LIMIT), REJECT, "KYC-2.3"),
        w("kyc.tamper_score", at_least(TAMPER_EVIDENT), REJECT, "KYC-2.3", H),
        w("kyc.selfie_missing", YES, INFO, "KYC-3.1", BLOCKS, FIXABLE),
        w(
            "kyc.face_match_score",
            within(DIFFERENT_FACE, kyc.FACE_MATCH_MINIMUM),
            INFO,
            "KYC-3.1",
            BLOCKS,
            FIXABLE,
        ),
        w("kyc.face_match_score", below(DIFFERENT_FACE), REJECT, "KYC-3.1", C),
        w(
            "kyc.liveness_score",
            within(PRESENTATION_ATTACK, kyc.LIVENESS_MINIMUM),
            INFO,
            "KYC-3.2",
            BLOCKS,
            FIXABLE,
        ),
        w("kyc.liveness_score", below(PRESENTATION_ATTACK), REJECT, "KYC-3.2", C),
        w(
            "kyc.name_similarity",
            within(DIFFERENT_NAME, kyc.NAME_SIMILARITY_MINIMUM),
            INFO,
            "KYC-3.3",
            BLOCKS,
            FIXABLE,
        ),
        w("kyc.name_similarity", below(DIFFERENT_NAME), REJECT, "KYC-3.3"),
        w("kyc.birth_date_mismatch", YES, REJECT, "KYC-3.3"),
        w("kyc.implausible_birth_date", YES, INFO, "KYC-3.3", BLOCKS, FIXABLE),
        w("kyc.applicant_age_years", within(0, kyc.MINIMUM_AGE), REJECT, "KYC-3.4", C),
        w("kyc.watchlist_score", at_least(WATCHLIST_HIT), REJECT, "KYC-4.1"),
        # Grey list: accepted with care (half); call for action: not onboarded (critical).
        w("kyc.country_risk_level", at_least(1), REJECT, "KYC-4.3", scale=HALF),
        w("kyc.country_risk_level", at_least(2), REJECT, "KYC-4.3", C),
        w("kyc.issuing_country_mismatch", YES, REJECT, "KYC-4.3", scale=HALF),  # common among expatriates
        w("kyc.signup_ip_country_mismatch", YES, REJECT, "KYC-4.3", scale=HALF),
        w("kyc.device_new_accounts", at_least(kyc.DEVICE_NEW_ACCOUNTS_LIMIT), REJECT, "KYC-5.1"),
        w("kyc.ip_new_accounts", at_least(kyc.IP_NEW_ACCOUNTS_LIMIT), REJECT, "KYC-5.1"),
        w("kyc.linked_bad_accounts", at_least(1), REJECT, "KYC-5.1"),
        w("kyc.account_age_minutes", below(kyc.SCRIPTED_SIGNUP_MINUTES), REJECT, "KYC-5.2"),
        w("kyc.anonymising_network_at_signup", YES, REJECT, "KYC-5.2"),
        w("kyc.upstream_score", at_least(kyc.UPSTREAM_SCORE_LIMIT), REJECT, "KYC-5.2"),
    ),
    "kyb": (
        w("kyb.entity_missing", YES, INFO, "KYB-2.1", BLOCKS, FIXABLE),
        w("kyb.registration_number_missing", YES, INFO, "KYB-2.1", BLOCKS, FIXABLE),
        w("kyb.company_age_days", below(kyb.YOUNG_COMPANY_DAYS), EDD, "KYB-2.2"),
        w("kyb.young_company_high_volume", YES, EDD, "KYB-2.2"),
        w("kyb.expected_monthly_volume_usd", at_least(kyb.LARGE_VOLUME_USD), EDD, "KYB-6.1"),
        w("kyb.business_category_risk", at_least(kyb.HIGH_RISK_CATEGORY), EDD, "KYB-2.3"),
        w("kyb.legal_name_red_flags", at_least(1), EDD, "KYB-2.3"),
        w("kyb.ubo_count", below(1), INFO, "KYB-3.1", BLOCKS, FIXABLE),
        w("kyb.no_identifiable_ubo", YES, EDD, "KYB-3.1"),
        w("kyb.ubo_ownership_total_pct", UNBALANCED, INFO, "KYB-3.2", BLOCKS, FIXABLE),
        w("kyb.nominee_like_ubo", YES, EDD, "KYB-3.3"),
        # The level already counts an offshore registry as elevated: half, next to the offshore flag.
        w("kyb.jurisdiction_risk_level", at_least(1), EDD, "KYB-4.1", scale=HALF),
        w("kyb.jurisdiction_risk_level", at_least(2), REJECT, "KYB-4.1", C),
        w("kyb.offshore_jurisdiction", YES, EDD, "KYB-4.1"),
        w("kyb.ubo_nationality_risk_level", at_least(1), EDD, "KYB-4.2"),
        w("kyb.ubo_nationality_risk_level", at_least(2), REJECT, "KYB-4.2", C),
        w("kyb.entity_watchlist_score", at_least(WATCHLIST_HIT), REJECT, "KYB-5.1"),
        w("kyb.ubo_watchlist_score", at_least(WATCHLIST_HIT), REJECT, "KYB-5.1"),
    ),
}
# Biases: a clean case sits well inside the benign side.  ATO needs about two families of evidence
# (ATO-1.2, some 4 points) to reach even odds; the benign decision of a binary type is the mirror.
BIASES: Final[dict[CaseType, dict[str, float]]] = {
    "ato": {"confirm_ato": -4.0},
    "fraud": {"block": -3.5},
    "kyc": {"approve": 0.5, "reject": -3.0, "request_info": -2.0},
    "kyb": {"approve": 0.5, "reject": -3.5, "request_info": -2.0, "enhanced_due_diligence": -2.0},
}


# -- the scorer ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Step:
    """A weight row resolved against the catalog: column, class index and points."""

    column: int
    klass: int
    points: float
    trigger: Trigger
    clause: str


def _resolve(case_type: CaseType) -> tuple[_Step, ...]:
    names = feature_names(case_type)
    severities = {spec.id: spec.severity for spec in specs(case_type)}
    classes = DECISIONS[case_type]
    return tuple(
        _Step(
            names.index(row.signal_id),
            classes.index(row.decision),
            SEVERITY_POINTS[row.severity or severities[row.signal_id]] * row.scale,
            row.trigger,
            row.clause,
        )
        for row in WEIGHTS[case_type]
    )


def _bias(case_type: CaseType) -> Matrix:
    classes, given = DECISIONS[case_type], BIASES[case_type]
    risky = RISKY_DECISION[case_type]
    # A binary type's benign decision is the mirror of the risky one: its score is minus the risky score.
    bias = [given.get(d, -given[risky] if len(classes) == 2 else 0.0) for d in classes]
    return np.asarray(bias, dtype=np.float64)


def _sigmoid(z: Matrix) -> Matrix:
    return np.asarray(0.5 * (1.0 + np.tanh(z / 2.0)), dtype=np.float64)


def _softmax(z: Matrix) -> Matrix:
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)


class RuleScorer:
    """Recommendations from the SOP weight table, in the estimators' scikit-learn shape.

    ``X`` holds signal values in catalog order (``feature_names(case_type)``): NaN for None, bools
    as 0/1.  ``fit`` learns nothing; it records ``feature_names_`` and ``classes_``.
    """

    version: Final = RULES_VERSION

    def __init__(self, case_type: CaseType, *, max_confidence: float = 0.80) -> None:
        self.case_type = case_type
        self.max_confidence = max_confidence

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"case_type": self.case_type, "max_confidence": self.max_confidence}

    def set_params(self, **params: Any) -> RuleScorer:
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"RuleScorer has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def fit(self, X: ArrayLike | None = None, y: ArrayLike | None = None) -> RuleScorer:
        if not 0.5 < self.max_confidence < 1.0:
            raise ValueError(f"max_confidence must be in (0.5, 1), got {self.max_confidence}")
        self.feature_names_ = feature_names(self.case_type)
        self.n_features_in_ = len(self.feature_names_)
        self.classes_ = np.asarray(DECISIONS[self.case_type])
        self.risky_index_ = int(DECISIONS[self.case_type].index(RISKY_DECISION[self.case_type]))
        self.steps_ = _resolve(self.case_type)
        self.bias_ = _bias(self.case_type)
        if X is not None:
            self._matrix(X)
        return self

    def _matrix(self, X: ArrayLike) -> Matrix:
        if not hasattr(self, "steps_"):
            raise RuntimeError("RuleScorer is not fitted: call fit() first (it learns nothing)")
        matrix = np.asarray(X, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != self.n_features_in_:
            raise ValueError(
                f"expected an (n, {self.n_features_in_}) matrix of {self.case_type} signals, "
                f"got {matrix.shape}"
            )
        return matrix

    def _evidence(self, matrix: Matrix) -> Matrix:
        """Points per row, class and signal: (n, k, f)."""
        evidence = np.zeros((matrix.shape[0], len(self.classes_), self.n_features_in_))
        for step in self.steps_:
            evidence[:, step.klass, step.column] += step.points * step.trigger(matrix[:, step.column])
        # Index 0 is the benign decision: every finding for any other decision argues against it.
        evidence[:, 0, :] = -evidence[:, 1:, :].sum(axis=1)
        return evidence

    def explain(self, X: ArrayLike, class_index: int) -> Matrix:
        """Each signal's points towards ``classes_[class_index]`` and, last, the bias: (n, f + 1).
        A row sums to :meth:`decision_function`'s score, before the logistic and the cap."""
        if not 0 <= class_index < len(self.classes_):
            raise ValueError(f"class_index must be in [0, {len(self.classes_)}), got {class_index}")
        points = self._evidence(self._matrix(X))[:, class_index, :]
        bias = np.full((points.shape[0], 1), self.bias_[class_index])
        return np.hstack([points, bias])

    def decision_function(self, X: ArrayLike) -> Matrix:
        """Each decision's score (log-odds scale): (n, k)."""
        return np.asarray(self._evidence(self._matrix(X)).sum(axis=2) + self.bias_, dtype=np.float64)

    def predict_proba(self, X: ArrayLike) -> Matrix:
        scores = self.decision_function(X)
        floor = 1.0 - self.max_confidence
        risky = floor + (self.max_confidence - floor) * _sigmoid(scores[:, self.risky_index_])
        others = [i for i in range(len(self.classes_)) if i != self.risky_index_]
        proba = np.empty_like(scores)
        proba[:, self.risky_index_] = risky
        proba[:, others] = (1.0 - risky)[:, None] * _softmax(scores[:, others])
        return proba

    def predict(self, X: ArrayLike) -> NDArray[np.str_]:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def sop_clauses(self, x: ArrayLike) -> list[str]:
        """The clauses behind the rows that fired for one case, strongest first."""
        row = self._matrix(np.asarray(x, dtype=np.float64).reshape(1, -1))
        totals: dict[str, float] = {}
        for step in self.steps_:
            if step.points > 0 and step.trigger(row[:, step.column])[0]:
                totals[step.clause] = totals.get(step.clause, 0.0) + step.points
        return sorted(totals, key=lambda clause: -totals[clause])


def rule_scorer(case_type: CaseType, *, max_confidence: float = 0.80) -> RuleScorer:
    """A ready scorer for a case type (fitting it learns nothing)."""
    return RuleScorer(case_type, max_confidence=max_confidence).fit()
