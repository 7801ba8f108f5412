"""Signals read the stored timeline: history from earlier cases counts, and accounts link."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.models import Case
from roca.signals import catalog
from roca.signals.context import input_for_case
from roca.signals.service import case_model, signals_of
from tests.unit.signals.builders import ALERT, build_case, by_id, ev

HOME = {"ip": "116.86.4.20", "ip_country": "SG", "asn": 9506, "asn_type": "residential", "device_id": "dev-1"}


def _store(factory: sessionmaker[Session], *raw_cases: dict[str, object]) -> list[int]:
    with factory.begin() as session:
        results = cases.ingest(session, [submission(raw) for raw in raw_cases], "test")
    return [r.case_id for r in results if r.case_id is not None]


def _raw(
    case_id: str, account: str, events: list[dict[str, object]], days_later: float = 0
) -> dict[str, object]:
    from datetime import timedelta

    created = ALERT + timedelta(days=days_later)
    return json.loads(
        build_case("ato", created, events, external_id=case_id, account_id=account).model_dump_json()
    )


def test_a_device_seen_in_last_weeks_case_is_not_new_today(session_factory: sessionmaker[Session]) -> None:
    last_week = _raw("w-1", "acct-9", [ev("login", minutes=-60 * 24 * 7, success=True, **HOME)])
    today_events = [
        ev("login", ALERT, days=7, minutes=-20, success=True, **HOME),
        ev("withdrawal", ALERT, days=7, minutes=-1, amount_usd=100.0, address="addr-1"),
    ]
    today = _raw("w-2", "acct-9", today_events, days_later=7)
    _, today_id = _store(session_factory, last_week, today)
    with session_factory() as session:
        stored = by_id(signals_of(session, session.get(Case, today_id)))  # type: ignore[arg-type]
        alone = by_id(catalog.compute(input_for_case(case_model(session.get(Case, today_id)))))  # type: ignore[arg-type]
    assert stored["ato.new_device"].value is False
    assert stored["ato.no_history"].fired is False
    assert alone["ato.new_device"].value is None  # the case on its own carries no baseline


def test_devices_and_addresses_link_accounts(session_factory: sessionmaker[Session]) -> None:
    shared = {**HOME, "device_id": "dev-shared"}
    first = _raw("l-1", "acct-a", [ev("login", minutes=-120, success=True, **shared)])
    second_events = [
        ev("login", minutes=-10, success=True, **shared),
        ev("withdrawal", minutes=-1, amount_usd=50.0, address="addr-x"),
    ]
    second = _raw("l-2", "acct-b", second_events)
    _, second_id = _store(session_factory, first, second)
    with session_factory() as session:
        found = by_id(signals_of(session, session.get(Case, second_id)))  # type: ignore[arg-type]
    assert found["ato.device_shared_accounts"].value == 1
