"""Times stored by bulk intake compare equal to the same moment in a query (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.models import AccountEvent, AccountIdentifier
from roca.storage import session_scope
from tests.factories import ato_case


def test_an_event_at_an_exact_second_is_found_at_that_second(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        cases.ingest(session, [submission(ato_case(events=3))], "test")
    moment = datetime(2026, 11, 1, 10, 1, tzinfo=UTC)  # the second event of the factory's timeline
    with session_scope(session_factory) as session:
        events = select(func.count()).select_from(AccountEvent)
        at = session.scalar(events.where(AccountEvent.ts == moment))
        until = session.scalar(events.where(AccountEvent.ts <= moment))
        first = session.scalar(select(func.min(AccountIdentifier.first_seen)))
        seen_by_then = session.scalar(
            select(func.count()).select_from(AccountIdentifier).where(AccountIdentifier.first_seen < first)
        )
    assert (at, until, seen_by_then) == (1, 2, 0)
