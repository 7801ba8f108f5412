"""Hash chain arithmetic: pure, so verification needs no trust in the code that wrote the rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


def iso_utc(moment: datetime) -> str:
    """One spelling per instant, whatever the backend returned (naive SQLite or aware PostgreSQL)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class ChainEntry:
    seq: int
    recorded_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    payload: dict[str, Any]

    def canonical(self) -> bytes:
        body = {
            "seq": self.seq,
            "recorded_at": iso_utc(self.recorded_at),
            "actor": self.actor,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "payload": self.payload,
        }
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def chain_hash(prev_hash: str, entry: ChainEntry) -> str:
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(entry.canonical())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str


def check_link(
    expected_seq: int, expected_prev: str, entry: ChainEntry, prev_hash: str, stored_hash: str
) -> ChainBreak | None:
    """The first thing wrong with one stored row, or None."""
    if entry.seq != expected_seq:
        return ChainBreak(entry.seq, f"sequence gap: expected row {expected_seq}, found {entry.seq}")
    if prev_hash != expected_prev:
        return ChainBreak(entry.seq, "prev_hash does not match the hash of the row before it")
    if chain_hash(prev_hash, entry) != stored_hash:
        return ChainBreak(entry.seq, "row content does not match its hash (the row was altered)")
    return None
