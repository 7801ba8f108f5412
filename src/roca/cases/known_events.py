"""Event ids (and identifier keys) this process knows are stored.  Upstream re-sends an account's
recent history with every alert, so most events of a case are already stored; skipping them spares
the database most of intake's work.  Only committed ids enter, so a rollback can never hide a
missing event."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy.orm import Session

from roca.storage.engine import after_commit, process_cache

DEFAULT_CAPACITY = 1_000_000  # about 100 MB of ids; beyond it the set starts again


class KnownEvents:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._ids: set[object] = set()
        self._lock = threading.Lock()

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def add(self, event_ids: Iterable[object]) -> None:
        fresh = set(event_ids)
        with self._lock:
            if len(self._ids) + len(fresh) > self.capacity:
                self._ids = set()
            self._ids |= fresh


def known_events(session: Session) -> KnownEvents:
    cache = process_cache(session)
    found: KnownEvents = cache.setdefault("cases.known_events", KnownEvents())
    return found


def remember_after_commit(session: Session, event_ids: Iterable[object]) -> None:
    ids = list(event_ids)
    known = known_events(session)
    after_commit(session, lambda: known.add(ids))
