"""Turning a validated case into the rows intake stores: pure, so it can run in a worker process
while the parent writes (bulk intake uses both cores this way)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from roca.cases.status import CaseStatus
from roca.cases.validation import ParsedCase, hashed_event, parse_case
from roca.errors import FieldError


@dataclass(frozen=True, slots=True)
class PreparedCase:
    external_id: str
    content_hash: str
    case_row: dict[str, Any]
    # Rows (EVENT_COLUMNS order) of the case's events; events known to be stored may be left out.
    event_rows: list[tuple[Any, ...]]
    # (kind, value, account, first seen) of each device, IP and address the case's events used.
    identifier_rows: list[tuple[str, str, str, datetime]]


Submission = PreparedCase | list[FieldError]
IDENTIFIER_FIELDS = (("device", "device_id"), ("ip", "ip"), ("address", "address"))


def prepare(parsed: ParsedCase, skip: set[Any] | None = None) -> PreparedCase:
    """``skip``: event ids and identifier keys already handed on (a worker's memory); updated."""
    account_id = parsed.envelope.subject.account_id
    rows: list[tuple[Any, ...]] = []
    ids: list[str] = []
    first_seen: dict[tuple[str, str, str], datetime] = {}
    for raw, event in zip(parsed.raw.get("events") or [], parsed.events, strict=True):
        eid, canonical = hashed_event(account_id, raw)
        ids.append(eid)
        if skip is None or eid not in skip:
            rows.append(
                (eid, account_id, event["ts"], event["type"], event.get("device_id"), event.get("ip"),
                 event.get("address"), canonical)
            )  # fmt: skip
        for kind, name in IDENTIFIER_FIELDS:
            value = event.get(name)
            if value and (
                (key := (kind, value, account_id)) not in first_seen or event["ts"] < first_seen[key]
            ):
                first_seen[key] = event["ts"]
    identifiers = [(*key, ts) for key, ts in first_seen.items() if skip is None or key not in skip]
    if skip is not None:
        skip.update(ids)
        skip.update(first_seen)
    return PreparedCase(parsed.external_id, parsed.content_hash, _case_row(parsed, ids), rows, identifiers)


def _case_row(parsed: ParsedCase, event_ids: list[str]) -> dict[str, Any]:
    envelope = parsed.envelope
    return {
        "external_id": envelope.external_id,
        "case_type": envelope.case_type,
        "status": CaseStatus.RECEIVED.value,
        "account_id": envelope.subject.account_id,
        "created_at": envelope.created_at,
        "amount_at_risk_usd": envelope.amount_at_risk_usd,
        "language": envelope.subject.language,
        "vip_tier": envelope.subject.vip_tier,
        "content_hash": parsed.content_hash,
        "event_count": len(parsed.events),
        "payload": {k: v for k, v in parsed.raw.items() if k != "events"},
        "event_ids": event_ids,
    }


def submission(raw: Any, skip: set[str] | None = None) -> Submission:
    """One decoded case, validated and prepared, or what is wrong with it."""
    parsed = parse_case(raw)
    return parsed if isinstance(parsed, list) else prepare(parsed, skip)


# -- the worker side of bulk intake ----------------------------------------------------------------

_emitted: set[Any] = set()  # event ids this worker already sent: the parent stores every one of them


def prepare_lines(
    lines: Iterable[tuple[int, bytes | None, Any, FieldError | None]],
) -> list[tuple[int, Submission]]:
    """For a worker process: (line, JSON bytes or None, decoded value, read error) -> submissions."""
    prepared: list[tuple[int, Submission]] = []
    for line, data, value, error in lines:
        if error is not None:
            prepared.append((line, [error]))
            continue
        if data is not None:
            try:
                value = orjson.loads(data)
            except orjson.JSONDecodeError as exc:
                prepared.append((line, [FieldError("", f"malformed JSON: {exc}")]))
                continue
        prepared.append((line, submission(value, _emitted)))
    return prepared
