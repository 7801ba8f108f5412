"""Queries over cases and account timelines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from roca.models import AccountEvent, AccountIdentifier, Case
from roca.storage.dialect import bulk_insert, insert_ignoring_conflicts


def insert_new_cases(session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert the cases whose external_id is not stored yet; external_id -> new id."""
    inserted = insert_ignoring_conflicts(
        session, Case, rows, ["external_id"], returning=("external_id", "id")
    )
    return {external_id: case_id for external_id, case_id in inserted}


def stored_hashes(session: Session, external_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    wanted = list(external_ids)
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Case.external_id, Case.id, Case.content_hash).where(Case.external_id.in_(chunk))
        found.update({ext: (cid, digest) for ext, cid, digest in session.execute(query)})
    return found


EVENT_COLUMNS = ("id", "account_id", "ts", "type", "device_id", "ip", "address", "payload")


def insert_events(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows in EVENT_COLUMNS order, payload as JSON text; events already stored are skipped."""
    bulk_insert(
        session,
        AccountEvent,
        EVENT_COLUMNS,
        rows,
        ignore_conflicts_on=("id",),
        json_text_columns=("payload",),
    )


def insert_identifiers(session: Session, rows: Sequence[tuple[str, str, str, datetime]]) -> None:
    """(kind, value, account id, first seen) rows; pairs already stored keep their first sighting."""
    bulk_insert(
        session,
        AccountIdentifier,
        ("kind", "value", "account_id", "first_seen"),
        rows,
        ignore_conflicts_on=("kind", "value", "account_id"),
    )


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def event_payloads(session: Session, event_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Payloads of the given events, in the given order."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        query = select(AccountEvent.id, AccountEvent.payload).where(AccountEvent.id.in_(chunk))
        found.update({eid: payload for eid, payload in session.execute(query)})
    return [found[eid] for eid in event_ids if eid in found]


@dataclass(frozen=True)
class CaseFilter:
    case_type: str | None = None
    status: str | None = None
    account_id: str | None = None
    external_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def _filtered(query: Select[tuple[Case]], where: CaseFilter) -> Select[tuple[Case]]:
    if where.case_type:
        query = query.where(Case.case_type == where.case_type)
    if where.status:
        query = query.where(Case.status == where.status)
    if where.account_id:
        query = query.where(Case.account_id == where.account_id)
    if where.external_id:
        query = query.where(Case.external_id == where.external_id)
    if where.created_from:
        query = query.where(Case.created_at >= where.created_from)
    if where.created_to:
        query = query.where(Case.created_at < where.created_to)
    return query


def list_cases(session: Session, where: CaseFilter, before_id: int | None, limit: int) -> list[Case]:
    """Newest first; keyset pagination on id so pages stay stable while cases arrive."""
    query = _filtered(select(Case), where)
    if before_id is not None:
        query = query.where(Case.id < before_id)
    return list(session.scalars(query.order_by(Case.id.desc()).limit(limit)))
