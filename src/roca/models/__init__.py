"""Every ORM table of ROCA.  Domains import their tables from here; nothing here imports a domain."""

from roca.models.actions import ActionOutbox
from roca.models.agent import CaseScoring, ModelVersion
from roca.models.audit import AuditRecord
from roca.models.cases import AccountEvent, AccountIdentifier, Case
from roca.models.learning import LearningRun
from roca.models.policy import PolicyVersion
from roca.models.review import Decision, ReviewTask
from roca.models.users import ApiToken, User

__all__ = [
    "AccountEvent",
    "AccountIdentifier",
    "ActionOutbox",
    "ApiToken",
    "AuditRecord",
    "Case",
    "CaseScoring",
    "Decision",
    "LearningRun",
    "ModelVersion",
    "PolicyVersion",
    "ReviewTask",
    "User",
]
