"""Parsing and hashing of submitted cases: pure, no database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from roca.cases.schemas import CaseIn
from roca.errors import FieldError

_CANONICAL = orjson.OPT_SORT_KEYS


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace: equal content gives equal bytes."""
    return orjson.dumps(value, option=_CANONICAL)


def content_hash(raw_case: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(raw_case)).hexdigest()


def event_id(account_id: str, raw_event: dict[str, Any]) -> str:
    """Content address of one timeline event of one account (128-bit BLAKE2b, hex)."""
    digest = hashlib.blake2b(account_id.encode(), digest_size=16)
    digest.update(b"\x00")
    digest.update(canonical_json(raw_event))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedCase:
    """A submission that passed validation: the model for reading, the raw dict for keeping."""

    model: CaseIn
    raw: dict[str, Any]
    content_hash: str


def field_errors(exc: ValidationError) -> list[FieldError]:
    return [FieldError(".".join(str(p) for p in err["loc"]), _reason(err)) for err in exc.errors()]


def _reason(err: Any) -> str:
    message = str(err["msg"])
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "timezone_aware":
        return "timestamp must carry a UTC offset (RFC 3339), e.g. 2026-11-02T03:41:10Z"
    return message[0].lower() + message[1:] if message else message


def parse_case(raw: Any) -> ParsedCase | list[FieldError]:
    """Validate one decoded JSON value against the contract."""
    if not isinstance(raw, dict):
        return [FieldError("", f"a case must be a JSON object, not {type(raw).__name__}")]
    try:
        model = CaseIn.model_validate(raw)
    except ValidationError as exc:
        return field_errors(exc)
    return ParsedCase(model=model, raw=raw, content_hash=content_hash(raw))


def decode_json(data: bytes | str) -> Any:
    """orjson decode with a readable error (position included)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON: {exc}") from exc
