"""Signals of stored cases: the case, the account's stored timeline, links across accounts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from roca.cases.schemas import CaseIn, Event
from roca.models import Case
from roca.signals import catalog
from roca.signals.base import Signal
from roca.signals.context import CLOCK_SKEW, NameScreen, SignalInput, merge_timeline
from roca.signals.repository import StoredLinks, account_timeline


def signal_input(session: Session, case: CaseIn, screen: NameScreen | None = None) -> SignalInput:
    stored = account_timeline(session, case.subject.account_id, case.created_at + CLOCK_SKEW)
    history = [Event.model_validate(payload) for payload in stored]
    return SignalInput(
        case=case, timeline=merge_timeline(case, history), links=StoredLinks(session), screen=screen
    )


def case_model(case: Case) -> CaseIn:
    """The contract model of a stored case (its own events are read from the timeline)."""
    return CaseIn.model_validate({**case.payload, "events": []})


def signals_of(session: Session, case: Case, screen: NameScreen | None = None) -> list[Signal]:
    return catalog.compute(signal_input(session, case_model(case), screen))
