"""The stored history signals read: an account's timeline and who else used the same device,
IP or withdrawal address."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roca.models import AccountEvent, AccountIdentifier
from roca.signals.context import RECENT_LINK_WINDOW, LinkKind, LinkSummary

# Enough history for "new device" and dormancy, bounded so an old, busy account stays cheap to read.
MAX_HISTORY_EVENTS = 2000


def account_timeline(session: Session, account_id: str, until: datetime) -> list[dict[str, Any]]:
    """The account's most recent stored events up to ``until``, oldest first."""
    query = (
        select(AccountEvent.payload)
        .where(AccountEvent.account_id == account_id, AccountEvent.ts <= until)
        .order_by(AccountEvent.ts.desc())
        .limit(MAX_HISTORY_EVENTS)
    )
    return list(reversed(session.scalars(query).all()))


def accounts_sharing(
    session: Session, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
) -> dict[str, datetime]:
    """Other accounts that used one of ``values`` before ``before``, with when they first did."""
    if not values:
        return {}
    query = (
        select(AccountIdentifier.account_id, func.min(AccountIdentifier.first_seen))
        .where(
            AccountIdentifier.kind == kind,
            AccountIdentifier.value.in_(list(values)),
            AccountIdentifier.account_id != account_id,
            AccountIdentifier.first_seen < before,
        )
        .group_by(AccountIdentifier.account_id)
    )
    return {other: first for other, first in session.execute(query)}


class StoredLinks:
    """``AccountLinks`` over the database.  Confirmed-bad counts come from decided cases once
    decisions are stored; until then none is known."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def shared(
        self, kind: LinkKind, values: Collection[str], account_id: str, before: datetime
    ) -> LinkSummary:
        others = accounts_sharing(self.session, kind, values, account_id, before)
        return LinkSummary(
            accounts=len(others),
            confirmed_bad=0,
            recent_accounts=sum(1 for first in others.values() if before - first <= RECENT_LINK_WINDOW),
        )
