"""A learning run started over HTTP: an edge of its own (like the bulk file job), it commits the
run's state changes so that ``GET /learning/runs/{id}`` can follow it from another session."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from roca.config import Settings
from roca.learning import repository, service
from roca.storage import session_scope
from roca.storage.base import utcnow

log = logging.getLogger("roca.learning.jobs")


def run_queued(factory: sessionmaker[Session], settings: Settings, run_id: int) -> None:
    """Do a queued run; a failure is recorded on the run (status failed, the error) and logged."""
    with session_scope(factory) as session:
        run = repository.get_run(session, run_id)
        if run is None or run.status != "queued":
            return
        run.status, run.started_at = "running", utcnow()
    try:
        with session_scope(factory) as session:
            service.execute(session, settings, service.get_run(session, run_id))
    except Exception as exc:  # the caller has gone; the run row is where the failure is seen
        log.exception("learning run %s failed", run_id)
        with session_scope(factory) as session:
            service.mark_failed(session, run_id, f"{type(exc).__name__}: {exc}")
