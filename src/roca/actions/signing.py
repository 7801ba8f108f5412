"""Webhook signatures: HMAC-SHA256 over ``f"{timestamp}.{body}"``.  Signing the timestamp with the
body lets a receiver refuse replays of an old, validly signed request."""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Roca-Timestamp"
SIGNATURE_HEADER = "X-Roca-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_SCHEME = "sha256="


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(secret: str | bytes, timestamp: int | str, body: str | bytes) -> str:
    """The ``X-Roca-Signature`` value, ``sha256=<hex>``."""
    message = f"{timestamp}.".encode() + _as_bytes(body)
    return _SCHEME + hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str | bytes, body: str | bytes, idempotency_key: str, timestamp: int | None = None
) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: sign(secret, stamp, body),
        IDEMPOTENCY_HEADER: idempotency_key,
    }


def verify(
    secret: str | bytes,
    timestamp: int | str | None,
    body: str | bytes,
    signature: str | None,
    tolerance_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """For receivers: True when ``signature`` is ours for this body and the timestamp is fresh."""
    if timestamp is None or signature is None:
        return False
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance_seconds:
        return False
    # Constant time, so a forger learns nothing from how long a wrong guess took to refuse.
    return hmac.compare_digest(sign(secret, stamp, body), signature)
