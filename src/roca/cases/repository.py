"""Queries over cases and account timelines."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from roca.models import AccountEvent, AccountIdentifier, Case, CaseScoring
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


# -- the account page -------------------------------------------------------------------------------


def cases_of_account(session: Session, account_id: str, limit: int) -> list[Case]:
    """The account's cases, newest first."""
    query = select(Case).where(Case.account_id == account_id)
    return list(session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)))


def cases_by_id(session: Session, case_ids: Collection[int]) -> dict[int, Case]:
    if not case_ids:
        return {}
    return {found.id: found for found in session.scalars(select(Case).where(Case.id.in_(list(case_ids))))}


def latest_recommendations(session: Session, case_ids: Collection[int]) -> dict[int, tuple[str, float]]:
    """(decision, confidence) of each case's latest scoring; only those two columns are read."""
    if not case_ids:
        return {}
    query = (
        select(CaseScoring.case_id, CaseScoring.decision, CaseScoring.confidence)
        .where(CaseScoring.case_id.in_(list(case_ids)))
        .order_by(CaseScoring.case_id, CaseScoring.id)
    )
    return {case_id: (decision, confidence) for case_id, decision, confidence in session.execute(query)}


@dataclass(frozen=True)
class IdentifierUse:
    """How an account used one device, IP or address, read from its stored events."""

    value: str
    first_seen: datetime
    last_seen: datetime
    events: int
    details: tuple[Any, ...] = ()  # IP: (country, ASN, ASN type); address: (network, withdrawn USD)


IDENTIFIER_LIMIT = 200  # most recently used first; an account with more is a case in itself


def _identifier_uses(
    session: Session, account_id: str, column: Any, details: Sequence[Any]
) -> list[IdentifierUse]:
    query = (
        select(column, func.min(AccountEvent.ts), func.max(AccountEvent.ts), func.count(), *details)
        .where(AccountEvent.account_id == account_id, column.is_not(None))
        .group_by(column)
        .order_by(func.max(AccountEvent.ts).desc(), column)
        .limit(IDENTIFIER_LIMIT)
    )
    return [IdentifierUse(value, first, last, count, tuple(rest))
            for value, first, last, count, *rest in session.execute(query)]  # fmt: skip


def devices_of_account(session: Session, account_id: str) -> list[IdentifierUse]:
    return _identifier_uses(session, account_id, AccountEvent.device_id, ())


def networks_of_account(session: Session, account_id: str) -> list[IdentifierUse]:
    """Per IP: its country, ASN and ASN type as the events reported them."""
    payload = AccountEvent.payload
    details = (
        func.max(payload["ip_country"].as_string()),
        func.max(payload["asn"].as_integer()),
        func.max(payload["asn_type"].as_string()),
    )
    return _identifier_uses(session, account_id, AccountEvent.ip, details)


def addresses_of_account(session: Session, account_id: str) -> list[IdentifierUse]:
    """Per withdrawal address: its network and the USD withdrawn to it."""
    payload = AccountEvent.payload
    withdrawn = case((AccountEvent.type == "withdrawal", payload["amount_usd"].as_float()), else_=0.0)
    details = (func.max(payload["network"].as_string()), func.coalesce(func.sum(withdrawn), 0.0))
    return _identifier_uses(session, account_id, AccountEvent.address, details)


@dataclass(frozen=True)
class EventFilter:
    types: frozenset[str] | None = None  # None: every type
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _events_where(query: Select[Any], account_id: str, where: EventFilter) -> Select[Any]:
    query = query.where(AccountEvent.account_id == account_id)
    if where.types is not None:
        query = query.where(AccountEvent.type.in_(sorted(where.types)))
    if where.since is not None:
        query = query.where(AccountEvent.ts >= where.since)
    if where.until is not None:
        query = query.where(AccountEvent.ts < where.until)
    return query


def account_events(
    session: Session, account_id: str, where: EventFilter, limit: int, offset: int = 0
) -> list[AccountEvent]:
    """Newest first, paged by offset.  Not keyset on (ts, id): on SQLite, bulk-inserted ``ts`` text
    and bound parameters are formatted differently, so equal timestamps do not compare equal."""
    query = _events_where(select(AccountEvent), account_id, where)
    query = query.order_by(AccountEvent.ts.desc(), AccountEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_account_events(session: Session, account_id: str, where: EventFilter) -> int:
    query = _events_where(select(func.count()).select_from(AccountEvent), account_id, where)
    return int(session.scalar(query) or 0)


# -- the case page ----------------------------------------------------------------------------------


def accounts_linked_to(session: Session, account_id: str, limit: int) -> list[tuple[str, str, str]]:
    """(kind, value, other account) for every device, IP or withdrawal address this account shares
    with another account: one self-join on the identifier index, earliest sharers first."""
    mine = AccountIdentifier.__table__.alias("mine")
    other = AccountIdentifier.__table__.alias("other")
    query = (
        select(other.c.kind, other.c.value, other.c.account_id)
        .join(mine, (mine.c.kind == other.c.kind) & (mine.c.value == other.c.value))
        .where(mine.c.account_id == account_id, other.c.account_id != account_id)
        .order_by(other.c.first_seen, other.c.account_id, other.c.kind, other.c.value)
        .limit(limit)
    )
    return [(kind, value, other_id) for kind, value, other_id in session.execute(query)]


def latest_cases_of_accounts(session: Session, account_ids: Collection[str]) -> dict[str, tuple[int, str]]:
    """Each account's newest case: account id -> (case id, status)."""
    if not account_ids:
        return {}
    newest = (
        select(func.max(Case.id))
        .where(Case.account_id.in_(list(account_ids)))
        .group_by(Case.account_id)
        .scalar_subquery()
    )
    query = select(Case.account_id, Case.id, Case.status).where(Case.id.in_(newest))
    return {account: (case_id, status) for account, case_id, status in session.execute(query)}
