from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from roca.audit.chain import GENESIS_HASH, ChainEntry, chain_hash, check_link, iso_utc


def _entry(seq: int, **changes: object) -> ChainEntry:
    entry = ChainEntry(
        seq=seq,
        recorded_at=datetime(2026, 11, 1, 12, 0, 0, 123456, tzinfo=UTC),
        actor="cli",
        action="case.received",
        entity_type="case",
        entity_id=str(seq),
        payload={"external_id": f"x-{seq}", "n": 1.5},
    )
    return replace(entry, **changes)  # type: ignore[arg-type]


def test_one_instant_has_one_spelling() -> None:
    aware = datetime(2026, 11, 1, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    naive_utc = datetime(2026, 11, 1, 12, 0)
    assert iso_utc(aware) == iso_utc(naive_utc) == "2026-11-01T12:00:00.000000Z"


def test_hash_covers_previous_hash_and_every_field() -> None:
    base = chain_hash(GENESIS_HASH, _entry(1))
    assert chain_hash("f" * 64, _entry(1)) != base
    assert chain_hash(GENESIS_HASH, _entry(1, actor="mallory")) != base
    assert chain_hash(GENESIS_HASH, _entry(1, payload={"external_id": "x-1", "n": 2})) != base


def test_check_link_names_what_is_wrong() -> None:
    first = _entry(1)
    first_hash = chain_hash(GENESIS_HASH, first)
    assert check_link(1, GENESIS_HASH, first, GENESIS_HASH, first_hash) is None
    altered = _entry(1, action="case.deleted")
    problem = check_link(1, GENESIS_HASH, altered, GENESIS_HASH, first_hash)
    assert problem is not None
    assert "altered" in problem.reason
    gap = check_link(2, first_hash, _entry(3), first_hash, "x")
    assert gap is not None
    assert "sequence gap" in gap.reason
    relinked = check_link(2, first_hash, _entry(2), "0" * 64, "x")
    assert relinked is not None
    assert "prev_hash" in relinked.reason
