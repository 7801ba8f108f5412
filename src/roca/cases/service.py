"""Case intake: store each case once per external_id and each account event once.

Functions take a Session, flush, and never commit: the caller's unit of work decides.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.cases import repository
from roca.cases.known_events import known_events, remember_after_commit
from roca.cases.prepare import PreparedCase, Submission
from roca.cases.schemas import (
    BatchResult,
    BatchSummary,
    CaseOut,
    CasePage,
    CaseSummaryOut,
    FieldErrorOut,
    IntakeResult,
)
from roca.cases.status import CaseStatus, ensure_transition
from roca.errors import FieldError, NotFound, ValidationFailed
from roca.models import Case


def ingest(session: Session, submissions: Sequence[Submission], actor: str) -> list[IntakeResult]:
    """Store the valid submissions; answer for every item in input order.  Never raises for a
    bad item: it is reported ``invalid`` and the others are still stored."""
    results: list[IntakeResult | None] = [None] * len(submissions)
    first_seen: dict[str, tuple[int, PreparedCase]] = {}
    repeats: list[tuple[int, PreparedCase]] = []
    for index, item in enumerate(submissions):
        if isinstance(item, list):
            results[index] = _invalid(index, item)
        elif item.external_id in first_seen:
            repeats.append((index, item))
        else:
            first_seen[item.external_id] = (index, item)

    stored = _store_new(session, [parsed for _, parsed in first_seen.values()], actor)
    for index, parsed in first_seen.values():
        case_id, digest, created = stored[parsed.external_id]
        results[index] = _outcome(index, parsed, case_id, digest, created)
    for index, parsed in repeats:
        case_id, digest, _ = stored[parsed.external_id]
        results[index] = _outcome(index, parsed, case_id, digest, created=False)
    return [r for r in results if r is not None]


def _store_new(session: Session, parsed: list[PreparedCase], actor: str) -> dict[str, tuple[int, str, bool]]:
    """external_id -> (case id, stored content hash, created now?)."""
    # Sorted keys make concurrent writers lock rows in one order: no deadlocks on PostgreSQL.
    parsed = sorted(parsed, key=lambda p: p.external_id)
    created = repository.insert_new_cases(session, [p.case_row for p in parsed])
    outcome = {ext: (case_id, "", True) for ext, case_id in created.items()}
    existing = repository.stored_hashes(
        session, (p.external_id for p in parsed if p.external_id not in created)
    )
    outcome.update({ext: (cid, digest, False) for ext, (cid, digest) in existing.items()})
    new_cases = [(created[p.external_id], p) for p in parsed if p.external_id in created]
    _store_timelines(session, new_cases)
    for case_id, p in new_cases:
        outcome[p.external_id] = (case_id, p.content_hash, True)
        record(
            session,
            actor=actor,
            action="case.received",
            entity_type="case",
            entity_id=case_id,
            payload={"external_id": p.external_id, "content_hash": p.content_hash},
        )
    return outcome


def _store_timelines(session: Session, new_cases: list[tuple[int, PreparedCase]]) -> None:
    """Each event once per account and each (identifier, account) pair once, skipping what this
    process knows is stored; each case keeps the ids of the events it carried."""
    known = known_events(session)
    events: dict[str, tuple[Any, ...]] = {}
    identifiers: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    for _, prepared in new_cases:
        for row in prepared.event_rows:
            if row[0] not in known:
                events.setdefault(row[0], row)
        for row in prepared.identifier_rows:
            key = row[:3]
            if key not in known and (key not in identifiers or row[3] < identifiers[key][3]):
                identifiers[key] = row
    repository.insert_events(session, [events[k] for k in sorted(events)])
    repository.insert_identifiers(session, [identifiers[k] for k in sorted(identifiers)])
    remember_after_commit(session, [*events, *identifiers])


def _invalid(index: int, errors: list[FieldError]) -> IntakeResult:
    return IntakeResult(
        index=index,
        outcome="invalid",
        errors=[FieldErrorOut(field=e.path, reason=e.reason) for e in errors],
    )


def _outcome(index: int, parsed: PreparedCase, case_id: int, stored_hash: str, created: bool) -> IntakeResult:
    """created, duplicate (same content as stored) or conflict (same external_id, other content)."""
    same = stored_hash == parsed.content_hash
    return IntakeResult(
        index=index,
        outcome="created" if created else ("duplicate" if same else "conflict"),
        external_id=parsed.external_id,
        case_id=case_id,
        content_hash=parsed.content_hash,
        existing_content_hash=None if created or same else stored_hash,
    )


def summarise(results: Sequence[IntakeResult]) -> BatchResult:
    summary = BatchSummary()
    for item in results:
        setattr(summary, item.outcome, getattr(summary, item.outcome) + 1)
    return BatchResult(summary=summary, items=list(results))


def ingest_one(session: Session, submission: Submission, actor: str) -> IntakeResult:
    if isinstance(submission, list):
        raise ValidationFailed("the case does not match the intake contract", submission)
    return ingest(session, [submission], actor)[0]


def case_out(session: Session, case: Case) -> CaseOut:
    document = dict(case.payload)
    document["events"] = repository.event_payloads(session, case.event_ids)
    return CaseOut(
        id=case.id,
        external_id=case.external_id,
        case_type=case.case_type,
        status=case.status,
        account_id=case.account_id,
        created_at=case.created_at,
        received_at=case.received_at,
        amount_at_risk_usd=case.amount_at_risk_usd,
        content_hash=case.content_hash,
        event_count=case.event_count,
        case=document,
    )


def move_case(case: Case, target: CaseStatus) -> None:
    """Change a case's status along the lifecycle table; any other move is InvalidTransition."""
    ensure_transition(CaseStatus(case.status), target)
    case.status = target.value


def get_case(session: Session, case_id: int) -> Case:
    case = repository.get_case(session, case_id)
    if case is None:
        raise NotFound(f"no case with id {case_id}", case_id=case_id)
    return case


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"case:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "case":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("bad cursor", [FieldError("cursor", "not a cursor this API issued")]) from exc


def list_cases(session: Session, where: repository.CaseFilter, cursor: str | None, limit: int) -> CasePage:
    before = decode_cursor(cursor) if cursor else None
    rows = repository.list_cases(session, where, before, limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return CasePage(
        items=[CaseSummaryOut.model_validate(row, from_attributes=True) for row in page],
        next_cursor=encode_cursor(page[-1].id) if more and page else None,
    )
