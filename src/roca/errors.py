"""One error tree for the whole product; ``roca.api.errors`` maps it to HTTP in one place."""

from __future__ import annotations

from typing import Any


class RocaError(Exception):
    """Base of every error ROCA raises on purpose.  ``code`` is stable; ``message`` is for people."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigurationError(RocaError):
    code = "configuration_error"


class NotFound(RocaError):
    code = "not_found"


class Unauthenticated(RocaError):
    code = "unauthenticated"


class Forbidden(RocaError):
    code = "forbidden"


class Conflict(RocaError):
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PayloadTooLarge(RocaError):
    code = "payload_too_large"


class FieldError:
    """One problem with one field: where (a dotted path such as ``events.3.ts``) and why."""

    __slots__ = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        return {"field": self.path, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason

    def __repr__(self) -> str:
        return f"FieldError({self.path!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.path, self.reason) == (other.path, other.reason)

    def __hash__(self) -> int:
        return hash((self.path, self.reason))


class ValidationFailed(RocaError):
    code = "validation_failed"

    def __init__(self, message: str, errors: list[FieldError]) -> None:
        super().__init__(message, errors=[e.as_dict() for e in errors])
        self.errors = errors
