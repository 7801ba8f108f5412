"""How fast the console's case page renders: ``GET /cases/{id}`` for a signed-in reviewer.

    .venv/bin/python benchmarks/case_page.py [--others 3000] [--events 200] [--renders 50]

Builds a fresh SQLite database: ``--others`` scored ATO cases on their own accounts (about a third
decided automatically, the rest queued for review; some share a device or IP with the measured
account), then the measured case: an account with ``--events`` stored events, five linked accounts,
scored and claimed by the reviewer.  After a warm-up it renders the page ``--renders`` times through
a TestClient and reports the median and p95 of: the whole request as the client sees it, the server's
share (an ASGI middleware's ``time.perf_counter`` around the app), and the SQL statements per render.
Target: 200 ms per render.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test builders of scored cases (tests/console_cases.py)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event  # noqa: E402
from tests.console import console_user, sign_in  # noqa: E402
from tests.console_cases import scored_case_with_task  # noqa: E402
from tests.factories import ato_case  # noqa: E402

from roca.agent.service import Scorer  # noqa: E402
from roca.agent.worker import score_until_idle  # noqa: E402
from roca.api.app import create_app  # noqa: E402
from roca.auth.roles import Role  # noqa: E402
from roca.cases import service as cases  # noqa: E402
from roca.cases.prepare import submission  # noqa: E402
from roca.config import Settings  # noqa: E402
from roca.policy.router import SegmentThresholds  # noqa: E402
from roca.storage import make_engine, make_session_factory, session_scope  # noqa: E402
from roca.storage.migrate import upgrade  # noqa: E402

TARGET_MS = 200.0
Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class ServerClock:
    """ASGI middleware: the time the app spends on each request, without the test client's share."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.seconds: list[float] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.seconds.append(time.perf_counter() - started)


def other_cases(count: int) -> list[dict[str, Any]]:
    """ATO cases of 20 events on their own accounts; every 500th uses the measured account's IP."""
    made = []
    for i in range(count):
        case = ato_case(f"bench-{i:06d}", account_id=f"bench-acct-{i}", events=20,
                        amount_at_risk_usd=float(100 + i % 5000))  # fmt: skip
        case["created_at"] = f"2026-10-{1 + i % 28:02d}T12:00:00Z"
        for j, item in enumerate(case["events"]):
            item["ts"] = f"2026-10-{1 + i % 28:02d}T10:{j:02d}:00Z"
            item["ip"] = f"10.{i % 200}.{j}.{i % 250}"
            item["device_id"] = f"dev-{i}-{j % 3}"
        if i % 500 == 0:
            case["events"][0]["ip"] = "116.86.4.20"  # the measured account's usual IP
        made.append(case)
    return made


def build(settings: Settings, others: int, events: int) -> int:
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    console_user(factory, "ana", Role.REVIEWER)
    raws = other_cases(others)
    for start in range(0, len(raws), 500):
        with session_scope(factory) as session:
            cases.ingest(session, [submission(raw) for raw in raws[start : start + 500]], "bench")
    # About a third decided automatically (so the table of decisions is not empty), the rest queued.
    thresholds = {"ato": SegmentThresholds(auto_act=0.95, auto_clear=0.2, policy_version="bench")}
    score_until_idle(factory, Scorer(thresholds=thresholds))
    case_id, _ = scored_case_with_task(factory, settings, events=events, linked_accounts=5, claimed_by="ana")
    engine.dispose()
    return case_id


def measure(settings: Settings, case_id: int, renders: int) -> dict[str, float]:
    engine = make_engine(settings)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    app = create_app(settings, engine)
    clock: list[ServerClock] = []

    def timed(inner: Asgi) -> ServerClock:
        clock.append(ServerClock(inner))
        return clock[0]

    app.add_middleware(timed)
    client_ms: list[float] = []
    with TestClient(app) as client:
        sign_in(client, "ana")
        for _ in range(5):  # warm-up: templates compiled, caches filled
            assert client.get(f"/cases/{case_id}").status_code == 200
        server = clock[0]
        server.seconds.clear()
        statements = 0
        for _ in range(renders):
            started = time.perf_counter()
            page = client.get(f"/cases/{case_id}")
            client_ms.append(1000 * (time.perf_counter() - started))
            assert page.status_code == 200
            assert 'id="decision-form"' in page.text
    engine.dispose()
    server_ms = [1000 * s for s in server.seconds]
    return {
        "client_p50": statistics.median(client_ms),
        "client_p95": percentile(client_ms, 95),
        "server_p50": statistics.median(server_ms),
        "server_p95": percentile(server_ms, 95),
        "statements": statements / renders,
        "bytes": float(len(page.content)),
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", type=int, default=3000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(env="test", database_url=f"sqlite:///{folder}/roca.db", data_dir=Path(folder),
                            embedded_scoring=False)  # fmt: skip
        started = time.perf_counter()
        case_id = build(settings, args.others, args.events)
        built = time.perf_counter() - started
        print(f"built {args.others:,} other cases + the measured one in {built:.1f} s")
        figures = measure(settings, case_id, args.renders)
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, SQLite")
    print(f"page: {figures['bytes'] / 1024:.0f} KiB, {figures['statements']:.0f} SQL statements per render")
    for side, label in (("client", "client (TestClient round trip)"), ("server", "server (ASGI app)")):
        p50, p95 = figures[f"{side}_p50"], figures[f"{side}_p95"]
        print(f"{label:31} p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    met = figures["client_p95"] <= TARGET_MS
    print(f"target p95 <= {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
