"""Scoring as cases arrive: a loop that scores pending cases until none is left, then waits.
``roca serve`` runs one in a thread (the embedded default); scale-out runs ``roca worker``."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from roca.agent.service import Scorer
from roca.storage import session_scope

log = logging.getLogger("roca.agent.worker")


def score_until_idle(factory: sessionmaker[Session], scorer: Scorer, batch: int = 500) -> int:
    """Score every pending case, one committed batch at a time; how many were scored."""
    total = 0
    while True:
        with session_scope(factory) as session:
            scored = len(scorer.score_pending(session, batch))
        total += scored
        if scored < batch:
            return total


class ScoringLoop(threading.Thread):
    def __init__(self, factory: sessionmaker[Session], scorer: Scorer, interval: float = 1.0) -> None:
        super().__init__(name="roca-scoring", daemon=True)
        self.factory, self.scorer, self.interval = factory, scorer, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                score_until_idle(self.factory, self.scorer)
            except Exception:  # a bad batch must not stop scoring for good; it is retried next round
                log.exception("scoring round failed")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
