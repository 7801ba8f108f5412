"""Webhook signatures: what we sign verifies; a changed body, key or timestamp, or a stale request, fails."""

from __future__ import annotations

import time

from roca.actions.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    signed_headers,
    verify,
)

SECRET = "whsec-test"
BODY = b'{"action":"ato.confirm_ato","idempotency_key":"roca-decision-1"}'


def test_signed_headers_verify() -> None:
    headers = signed_headers(SECRET, BODY, "roca-decision-1")
    assert headers[IDEMPOTENCY_HEADER] == "roca-decision-1"
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert verify(SECRET, headers[TIMESTAMP_HEADER], BODY, headers[SIGNATURE_HEADER])
    assert verify(SECRET, headers[TIMESTAMP_HEADER], BODY.decode(), headers[SIGNATURE_HEADER])


def test_known_vector() -> None:
    # printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    expected = "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
    assert sign("key", 1700000000, "{}") == expected


def test_tampered_body_key_or_timestamp_fail() -> None:
    now = int(time.time())
    signature = sign(SECRET, now, BODY)
    assert not verify(SECRET, now, BODY + b" ", signature)
    assert not verify("other-secret", now, BODY, signature)
    assert not verify(SECRET, now + 1, BODY, signature)
    assert not verify(SECRET, now, BODY, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    assert not verify(SECRET, now, BODY, None)
    assert not verify(SECRET, None, BODY, signature)
    assert not verify(SECRET, "not-a-number", BODY, signature)


def test_stale_or_future_timestamp_fails() -> None:
    then = 1_700_000_000
    signature = sign(SECRET, then, BODY)
    assert verify(SECRET, then, BODY, signature, now=then + 299)
    assert not verify(SECRET, then, BODY, signature, now=then + 301)
    assert not verify(SECRET, then, BODY, signature, now=then - 301)
    assert verify(SECRET, then, BODY, signature, tolerance_seconds=3600, now=then + 3000)
