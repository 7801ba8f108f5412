"""Every ORM table of ROCA.  Domains import their tables from here; nothing here imports a domain."""

from roca.models.audit import AuditRecord
from roca.models.cases import AccountEvent, Case, CaseEvent
from roca.models.users import ApiToken, User

__all__ = ["AccountEvent", "ApiToken", "AuditRecord", "Case", "CaseEvent", "User"]
