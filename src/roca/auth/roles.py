"""Roles and what each may do: a pure table, checked server-side on every route."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"
    SENIOR_REVIEWER = "senior_reviewer"
    QA = "qa"
    RISK_LEAD = "risk_lead"
    ML_ENGINEER = "ml_engineer"
    ADMIN = "admin"
    # Machine identity for upstream alerting systems that only submit cases.
    INTAKE = "intake"


class Permission(StrEnum):
    CASES_READ = "cases:read"
    CASES_INGEST = "cases:ingest"
    REVIEW_WORK = "review:work"
    QA_WORK = "qa:work"
    APPROVALS_DECIDE = "approvals:decide"
    POLICY_READ = "policy:read"
    POLICY_APPROVE = "policy:approve"
    MODELS_MANAGE = "models:manage"
    FEEDBACK_READ = "feedback:read"
    DASHBOARD_READ = "dashboard:read"
    AUDIT_READ = "audit:read"
    PII_READ = "pii:read"
    USERS_MANAGE = "users:manage"


P = Permission
_REVIEWER = {P.CASES_READ, P.REVIEW_WORK, P.POLICY_READ}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: frozenset(_REVIEWER),
    Role.SENIOR_REVIEWER: frozenset(_REVIEWER | {P.APPROVALS_DECIDE, P.PII_READ}),
    Role.QA: frozenset(_REVIEWER | {P.QA_WORK}),
    Role.RISK_LEAD: frozenset(
        _REVIEWER
        | {P.APPROVALS_DECIDE, P.POLICY_APPROVE, P.DASHBOARD_READ, P.AUDIT_READ, P.PII_READ, P.FEEDBACK_READ}
    ),
    Role.ML_ENGINEER: frozenset(
        {P.CASES_READ, P.POLICY_READ, P.MODELS_MANAGE, P.FEEDBACK_READ, P.DASHBOARD_READ}
    ),
    Role.ADMIN: frozenset(Permission),
    Role.INTAKE: frozenset({P.CASES_INGEST, P.CASES_READ}),
}


def has_permission(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
