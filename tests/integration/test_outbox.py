"""The action outbox end to end: a decision and its action commit or vanish together; a real
webhook receiver that is down, then back, gets every action exactly once, correctly signed; actions
that keep failing are dead-lettered, and a retry delivers them."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import nats
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.actions import outbox
from roca.actions.dispatch import (
    DispatchCounts,
    Dispatcher,
    NatsTransport,
    OutboundAction,
    WebhookTransport,
    open_transport,
    run_dispatch_loop,
)
from roca.actions.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.config import Settings
from roca.errors import Conflict, NotFound
from roca.models import ActionOutbox, AuditRecord, Case, Decision
from roca.storage import session_scope
from roca.storage.base import utcnow
from tests.conftest import cli_env
from tests.factories import ato_case
from tests.servers import free_port

SECRET = "whsec-outbox-test"
FAST = outbox.RetryPolicy(max_attempts=50, backoff_seconds=0.01)


class Receiver:
    """A downstream system on 127.0.0.1: refuses connections until started, answers 503 while
    ``healthy`` is off or to its first ``fail_first`` requests, and checks every signature."""

    def __init__(self, fail_first: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks/roca"
        self.fail_first, self.healthy = fail_first, True
        self.requests, self.bad_signatures = 0, 0
        self.accepted: Counter[str] = Counter()
        self._lock = threading.Lock()

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.requests += 1
            signed = verify(SECRET, headers.get(TIMESTAMP_HEADER), body, headers.get(SIGNATURE_HEADER))
            if not signed:
                self.bad_signatures += 1
                return 401
            if not self.healthy or self.requests <= self.fail_first:
                return 503
            self.accepted[headers[IDEMPOTENCY_HEADER]] += 1
            return 200

    @contextmanager
    def running(self) -> Iterator[None]:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        # A short poll interval: shutdown() waits for one poll, 0.5 s by default.
        thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    return Handler


def _decide(factory: sessionmaker[Session], count: int) -> list[str]:
    """``count`` automatic confirm_ato decisions, each with its action enqueued; their keys."""
    with session_scope(factory) as session:
        raws = [ato_case(f"ob-{i:03d}", account_id=f"acct-{i}", events=1) for i in range(count)]
        cases.ingest(session, [submission(raw) for raw in raws], "t")
        keys = []
        for case in session.scalars(select(Case).order_by(Case.id)):
            made = _decision(case)
            session.add(made)
            row = outbox.enqueue(session, made, case)
            assert row is not None
            keys.append(row.idempotency_key)
    return keys


def _decision(case: Case) -> Decision:
    return Decision(
        case_id=case.id, decision="confirm_ato", automatic=True, actor="roca", risk_probability=0.97,
        model_version="ato-m1", rules_version="r1", policy_version="p1",
    )  # fmt: skip


def _count(factory: sessionmaker[Session], model: type[ActionOutbox] | type[Decision]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _audited(factory: sessionmaker[Session], action: str) -> int:
    with factory() as session:
        query = select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action)
        return int(session.scalar(query) or 0)


def _statuses(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return outbox.counts_by_status(session)


def _rounds(dispatcher: Dispatcher, now: datetime, rounds: int) -> tuple[datetime, list[DispatchCounts]]:
    """Dispatch ``rounds`` times, moving the clock past any backoff instead of sleeping."""
    results = []
    for _ in range(rounds):
        now += timedelta(seconds=10)
        results.append(dispatcher.dispatch_due(now=now))
    return now, results


def test_enqueue_carries_the_decision_and_the_contracts_default_action(
    session_factory: sessionmaker[Session],
) -> None:
    (key,) = _decide(session_factory, 1)
    with session_factory() as session:
        row = session.scalars(select(ActionOutbox)).one()
        decision = session.get(Decision, row.decision_id)
    assert decision is not None and key == f"roca-decision-{decision.id}"
    assert (row.action, row.status, row.attempts) == ("ato.confirm_ato", "pending", 0)
    assert row.payload["case_external_id"] == "ob-000"
    assert row.payload["automatic"] is True and row.payload["decided_by"] == "roca"
    assert row.payload["risk_probability"] == 0.97 and row.payload["model_version"] == "ato-m1"
    assert row.payload["policy_version"] == "p1"
    assert row.payload["default_action"].startswith("freeze account, revoke sessions")


def test_a_rollback_drops_the_decision_and_its_action(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        cases.ingest(session, [submission(ato_case("ob-rollback"))], "t")
    with pytest.raises(RuntimeError, match="after enqueue"):
        _decide_then_fail(session_factory)
    assert _count(session_factory, Decision) == 0
    assert _count(session_factory, ActionOutbox) == 0


def _dead_letter(factory: sessionmaker[Session]) -> None:
    """Every pending action fails until it is dead (a receiver that stays down)."""
    with httpx.Client(timeout=5.0) as client:
        transport = WebhookTransport(f"http://127.0.0.1:{free_port()}/closed", SECRET, client)
        _rounds(Dispatcher(factory, transport, outbox.RetryPolicy(max_attempts=2)), utcnow(), 3)


def test_a_decision_awaiting_a_second_approval_acts_only_once_final(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        cases.ingest(session, [submission(ato_case("ob-four-eyes"))], "t")
        case = session.scalars(select(Case)).one()
        made = _decision(case)
        made.status = "awaiting_second_approval"
        session.add(made)
        assert outbox.enqueue(session, made, case) is None
    assert _count(session_factory, ActionOutbox) == 0
    with session_scope(session_factory) as session:
        approved = session.scalars(select(Decision)).one()
        approved.status = "final"  # what the second approver's settle() does
        assert outbox.enqueue(session, approved, session.get_one(Case, approved.case_id)) is not None
    assert _count(session_factory, ActionOutbox) == 1


def _decide_then_fail(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as session:
        case = session.scalars(select(Case)).one()
        made = _decision(case)
        session.add(made)
        outbox.enqueue(session, made, case)
        raise RuntimeError("a later step of the same unit of work failed after enqueue")


def test_receiver_down_then_back_gets_each_action_once_and_signed(
    session_factory: sessionmaker[Session],
) -> None:
    keys = _decide(session_factory, 6)
    receiver = Receiver(fail_first=4)  # after the port opens, the first 4 requests get a 503
    now = utcnow()
    with httpx.Client(timeout=5.0) as client:
        transport = WebhookTransport(receiver.url, SECRET, client)
        dispatcher = Dispatcher(session_factory, transport, FAST, random.Random(7))
        refused = dispatcher.dispatch_due(now=now)  # nothing listens on the port yet
        assert (refused.claimed, refused.sent, refused.retrying) == (6, 0, 6)
        assert dispatcher.dispatch_due(now=now).claimed == 0  # backing off: nothing due yet
        with receiver.running():
            now, results = _rounds(dispatcher, now, 5)
    assert sum(r.sent for r in results) == 6
    assert receiver.accepted == Counter(dict.fromkeys(keys, 1))
    assert receiver.bad_signatures == 0 and receiver.requests == 6 + 4
    assert _statuses(session_factory) == {"pending": 0, "sent": 6, "dead": 0}
    assert _audited(session_factory, "action.sent") == 6


def test_max_attempts_dead_letters_then_retry_delivers(session_factory: sessionmaker[Session]) -> None:
    (key,) = _decide(session_factory, 1)
    receiver = Receiver()
    receiver.healthy = False
    policy = outbox.RetryPolicy(max_attempts=3, backoff_seconds=0.01)
    with httpx.Client(timeout=5.0) as client, receiver.running():
        dispatcher = Dispatcher(session_factory, WebhookTransport(receiver.url, SECRET, client), policy)
        now, results = _rounds(dispatcher, utcnow(), 5)
        assert [r.dead for r in results] == [0, 0, 1, 0, 0]
        assert _statuses(session_factory) == {"pending": 0, "sent": 0, "dead": 1}
        assert _audited(session_factory, "action.dead") == 1
        with session_factory() as session:
            dead = session.scalars(select(ActionOutbox)).one()
        assert dead.attempts == 3 and dead.last_error is not None and "503" in dead.last_error

        receiver.healthy = True
        with session_scope(session_factory) as session:
            assert [r.id for r in outbox.retry(session, "ops-lead", outbox_id=dead.id)] == [dead.id]
        now, results = _rounds(dispatcher, now, 1)
    assert results[0].sent == 1 and receiver.accepted == Counter({key: 1})
    assert _statuses(session_factory) == {"pending": 0, "sent": 1, "dead": 0}
    assert _audited(session_factory, "action.retried") == 1
    with pytest.raises(Conflict), session_scope(session_factory) as session:
        outbox.retry(session, "ops-lead", outbox_id=dead.id)  # sent, not dead
    with pytest.raises(NotFound), session_scope(session_factory) as session:
        outbox.retry(session, "ops-lead", outbox_id=dead.id + 1000)


def test_concurrent_dispatchers_never_send_an_action_twice(session_factory: sessionmaker[Session]) -> None:
    keys = _decide(session_factory, 40)
    receiver = Receiver()
    now = utcnow()
    with httpx.Client(timeout=5.0) as client, receiver.running():
        transport = WebhookTransport(receiver.url, SECRET, client)

        def work() -> None:
            Dispatcher(session_factory, transport, FAST).dispatch_due(now=now, batch=5)

        for _ in range(4):  # rounds of four racing dispatchers, five claims each
            threads = [threading.Thread(target=work) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
    assert receiver.accepted == Counter(dict.fromkeys(keys, 1))
    assert receiver.bad_signatures == 0


@contextmanager
def _nats_server(store: Path) -> Iterator[str]:
    """A real JetStream server on a free loopback port, for the duration of a test."""
    binary = shutil.which("nats-server") or shutil.which("nats-server", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("nats-server is not installed; CI needs it for the JetStream dispatch test")
        pytest.skip("nats-server is not installed")
    port = free_port()
    args = [binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(store)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        yield f"nats://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError("nats-server did not start")


async def _stored_messages(url: str) -> list[tuple[str, dict[str, str], bytes]]:
    connection = await nats.connect(url)
    try:
        js = connection.jetstream()
        total = (await js.stream_info("ROCA_ACTIONS")).state.messages
        stored = [await js.get_msg("ROCA_ACTIONS", seq) for seq in range(1, total + 1)]
        return [(str(m.subject), dict(m.headers or {}), m.data or b"") for m in stored]
    finally:
        await connection.close()


def test_nats_jetstream_gets_each_action_once(
    session_factory: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    keys = _decide(session_factory, 3)
    with _nats_server(tmp_path / "jetstream") as url:
        configured = settings.model_copy(update={"nats_url": url, "webhook_secret": SecretStr(SECRET)})
        with open_transport(configured) as transport:
            assert isinstance(transport, NatsTransport)
            transport.ensure_stream()
            assert Dispatcher(session_factory, transport, FAST).dispatch_due().sent == 3
            again = OutboundAction(0, "ato.confirm_ato", keys[0], b"{}")
            transport.send(again)  # a re-send after a crash: JetStream drops it by Nats-Msg-Id
        # A thread of its own: the browser tests' driver may hold this thread's event loop.
        with ThreadPoolExecutor(1) as pool:
            messages = pool.submit(asyncio.run, _stored_messages(url)).result(timeout=30)
    assert [subject for subject, _, _ in messages] == ["roca.actions.ato.confirm_ato"] * 3
    assert sorted(headers["Nats-Msg-Id"] for _, headers, _ in messages) == sorted(keys)
    for _, headers, body in messages:
        assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])


def _roca(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "roca.cli.main", "outbox", *args]
    return subprocess.run(command, capture_output=True, text=True, env=cli_env(settings), timeout=60)


def test_cli_status_and_retry_of_dead_letters(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _decide(session_factory, 2)
    _dead_letter(session_factory)
    status = _roca(settings, "status")
    assert status.returncode == 0 and re.search(r"dead\s+│\s+2", status.stdout), status.stdout
    assert _roca(settings, "retry").returncode == 2  # neither --id nor --all-dead
    retried = _roca(settings, "retry", "--all-dead")
    assert retried.returncode == 0 and "2 action(s) back in the queue" in retried.stdout
    assert _statuses(session_factory) == {"pending": 2, "sent": 0, "dead": 0}
    assert _audited(session_factory, "action.retried") == 2


def test_dispatch_loop_delivers_until_stopped(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    keys = _decide(session_factory, 3)
    receiver = Receiver(fail_first=1)
    webhook = {"webhook_url": receiver.url, "webhook_secret": SecretStr(SECRET)}
    configured = settings.model_copy(update={**webhook, "outbox_backoff_seconds": 0.01})
    stop = threading.Event()
    loop = threading.Thread(target=run_dispatch_loop, args=(session_factory, configured, stop, 0.02))
    with receiver.running():
        loop.start()
        deadline = time.monotonic() + 10
        while len(receiver.accepted) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert receiver.accepted == Counter(dict.fromkeys(keys, 1))
