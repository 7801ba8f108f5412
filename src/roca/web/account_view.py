"""What the account page shows, read in a handful of queries whatever the account's size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from roca.cases import repository as cases
from roca.cases.repository import IdentifierUse
from roca.models import Case, Decision
from roca.review import repository as tasks
from roca.review.service import latest_decisions
from roca.web.masking import mask_address, mask_ip
from roca.web.timeline import EventRow, TimelineQuery, event_row

CASE_LIMIT = 200
TIMELINE_PAGE = 500  # the newest 500 events, then "show older": a busy account stays fast to open


@dataclass(frozen=True)
class CaseRow:
    case: Case
    blind: bool  # a blind QA audit or shadow review is open: ROCA's answer stays hidden
    recommendation: tuple[str, float] | None
    decision: Decision | None


@dataclass(frozen=True)
class Timeline:
    query: TimelineQuery
    rows: list[EventRow]
    matching: int  # events matching the filter, all pages
    older: str | None  # query string of the next (older) page, None on the last
    newest: str | None  # query string of the first page, None on it


@dataclass(frozen=True)
class AccountView:
    account_id: str
    cases: list[CaseRow]
    devices: list[IdentifierUse]
    networks: list[IdentifierUse]
    addresses: list[IdentifierUse]
    timeline: Timeline


def case_rows(session: Session, account_id: str, sees_blind: bool) -> list[CaseRow]:
    found = cases.cases_of_account(session, account_id, CASE_LIMIT)
    ids = [case.id for case in found]
    blind = set() if sees_blind else tasks.blind_case_ids(session, ids)
    recommended = cases.latest_recommendations(session, ids)
    decided = latest_decisions(session, ids)
    return [
        CaseRow(case, case.id in blind, None if case.id in blind else recommended.get(case.id),
                None if case.id in blind else decided.get(case.id))
        for case in found
    ]  # fmt: skip


def timeline(session: Session, account_id: str, query: TimelineQuery, pii: bool) -> Timeline:
    where = query.event_filter()
    events = cases.account_events(session, account_id, where, TIMELINE_PAGE + 1, query.offset)
    shown = events[:TIMELINE_PAGE]
    older = query.query_string(query.offset + TIMELINE_PAGE) if len(events) > TIMELINE_PAGE else None
    newest = query.query_string() if query.offset else None
    matching = cases.count_account_events(session, account_id, where)
    return Timeline(query, [event_row(event, pii) for event in shown], matching, older, newest)


def account_known(session: Session, account_id: str) -> bool:
    return bool(cases.cases_of_account(session, account_id, 1))


def account_view(
    session: Session, account_id: str, query: TimelineQuery, *, pii: bool, sees_blind: bool
) -> AccountView | None:
    """None for an account ROCA has never had a case about."""
    rows = case_rows(session, account_id, sees_blind)
    if not rows:
        return None
    return AccountView(
        account_id=account_id,
        cases=rows,
        devices=cases.devices_of_account(session, account_id),
        networks=_masked(cases.networks_of_account(session, account_id), pii, mask_ip),
        addresses=_masked(cases.addresses_of_account(session, account_id), pii, mask_address),
        timeline=timeline(session, account_id, query, pii),
    )


def _masked(
    uses: list[IdentifierUse], pii: bool, mask: Callable[[str | None], str | None]
) -> list[IdentifierUse]:
    return uses if pii else [replace(use, value=mask(use.value) or "") for use in uses]
