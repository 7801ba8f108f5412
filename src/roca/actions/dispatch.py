"""Delivering outbox rows after commit: claim due rows, send each through a :class:`Transport`,
settle each in its own short transaction.  Delivery is at least once (a crash between the send
and its commit re-sends after the claim lease); receivers de-duplicate on the idempotency key."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import httpx
import orjson
from sqlalchemy.orm import Session, sessionmaker

from roca.actions import outbox
from roca.actions.signing import IDEMPOTENCY_HEADER, signed_headers
from roca.config import Settings
from roca.errors import ConfigurationError
from roca.models import ActionOutbox
from roca.storage.base import utcnow
from roca.storage.engine import session_scope

log = logging.getLogger("roca.actions.dispatch")
T = TypeVar("T")
CLAIM_LEASE = timedelta(minutes=5)  # longer than any send; a crashed dispatcher's rows return after it


class DeliveryFailed(Exception):
    """The receiver did not take the action; the dispatcher will retry it."""


@dataclass(frozen=True)
class OutboundAction:
    id: int
    action: str
    idempotency_key: str
    body: bytes  # serialised once, so the bytes signed are the bytes sent

    @classmethod
    def from_row(cls, row: ActionOutbox) -> OutboundAction:
        envelope = {"action": row.action, "idempotency_key": row.idempotency_key, "payload": row.payload}
        return cls(row.id, row.action, row.idempotency_key, orjson.dumps(envelope))


class Transport(Protocol):
    def send(self, message: OutboundAction) -> None:
        """Deliver ``message`` or raise (any exception counts as a failed attempt)."""


@dataclass(frozen=True)
class DispatchCounts:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0


class WebhookTransport:
    """POSTs the action as JSON, signed with HMAC-SHA256; any non-2xx answer is a failure."""

    def __init__(self, url: str, secret: str, client: httpx.Client) -> None:
        self._url, self._secret, self._client = url, secret, client

    def send(self, message: OutboundAction) -> None:
        headers = {"Content-Type": "application/json"}
        headers.update(signed_headers(self._secret, message.body, message.idempotency_key))
        try:
            response = self._client.post(self._url, content=message.body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"HTTP {response.status_code} from {self._url}")


class NatsTransport:
    """Publishes to JetStream subject ``roca.actions.<action>``.  nats-py is async and the
    dispatcher is not, so one private event loop runs in a helper thread for the connection's life.
    ``Nats-Msg-Id`` is the idempotency key: JetStream drops re-sends inside its duplicate window."""

    def __init__(
        self, url: str, secret: str | None = None, timeout: float = 5.0, prefix: str = "roca.actions"
    ) -> None:
        import nats

        self._secret, self._timeout, self._prefix = secret, timeout, prefix
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="roca-nats", daemon=True)
        self._thread.start()
        try:
            self._nc = self._run(nats.connect(url, connect_timeout=timeout, max_reconnect_attempts=-1))
        except BaseException:
            self._stop_loop()
            raise
        self._js = self._nc.jetstream()

    def ensure_stream(self, name: str = "ROCA_ACTIONS") -> None:
        """Create the stream holding every action subject if it does not exist (dev and tests)."""
        self._run(self._js.add_stream(name=name, subjects=[f"{self._prefix}.>"]))

    def send(self, message: OutboundAction) -> None:
        headers = {"Nats-Msg-Id": message.idempotency_key, IDEMPOTENCY_HEADER: message.idempotency_key}
        if self._secret:
            headers.update(signed_headers(self._secret, message.body, message.idempotency_key))
        subject = f"{self._prefix}.{message.action}"
        try:
            self._run(self._js.publish(subject, message.body, timeout=self._timeout, headers=headers))
        except Exception as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        try:
            self._run(self._nc.drain())
        finally:
            self._stop_loop()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self._timeout * 2)

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


class Dispatcher:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        transport: Transport,
        policy: outbox.RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._factory, self._transport = session_factory, transport
        self._policy = policy or outbox.RetryPolicy()
        self._rng = rng or random.Random()

    def dispatch_due(self, now: datetime | None = None, batch: int = 100) -> DispatchCounts:
        """Send every due action once; ``now`` is injectable so tests move time instead of sleeping."""
        moment = now or utcnow()
        with session_scope(self._factory) as session:
            rows = outbox.claim_due(session, moment, batch, CLAIM_LEASE)
            claimed = [OutboundAction.from_row(row) for row in rows]
        results = [self._deliver(message, moment) for message in claimed]
        return DispatchCounts(
            claimed=len(claimed),
            sent=results.count(outbox.SENT),
            retrying=results.count(outbox.PENDING),
            dead=results.count(outbox.DEAD),
        )

    def _deliver(self, message: OutboundAction, now: datetime) -> str | None:
        try:
            self._transport.send(message)
        except Exception as exc:  # any transport failure is retried, never lost
            log.warning("action %s (%s) not delivered: %s", message.id, message.action, exc)
            with session_scope(self._factory) as session:
                return outbox.mark_failed(session, message.id, now, str(exc), self._policy, self._rng)
        with session_scope(self._factory) as session:
            return outbox.SENT if outbox.mark_sent(session, message.id, now) else None


def dispatch_due(
    session_factory: sessionmaker[Session],
    transport: Transport,
    now: datetime | None = None,
    batch: int = 100,
    policy: outbox.RetryPolicy | None = None,
) -> DispatchCounts:
    return Dispatcher(session_factory, transport, policy).dispatch_due(now, batch)


@contextmanager
def open_transport(settings: Settings) -> Iterator[Transport | None]:
    """The configured transport (NATS if ``nats_url`` is set, else the webhook), closed on exit;
    None when neither is configured and actions wait in the outbox."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if settings.nats_url:
        nats_transport = NatsTransport(settings.nats_url, secret)
        try:
            yield nats_transport
        finally:
            nats_transport.close()
    elif settings.webhook_url:
        if not secret:
            raise ConfigurationError("ROCA_WEBHOOK_URL needs ROCA_WEBHOOK_SECRET to sign its requests")
        with httpx.Client(timeout=10.0) as client:
            yield WebhookTransport(settings.webhook_url, secret, client)
    else:
        yield None


def run_dispatch_loop(
    session_factory: sessionmaker[Session],
    settings: Settings,
    stop: threading.Event | None = None,
    interval: float = 1.0,
    transport: Transport | None = None,
) -> None:
    """Dispatch due actions until ``stop`` is set (for ``roca worker`` or a thread of ``roca serve``)."""
    stopping = stop or threading.Event()
    with ExitStack() as stack:
        chosen = transport if transport is not None else stack.enter_context(open_transport(settings))
        if chosen is None:
            log.info("no ROCA_WEBHOOK_URL or ROCA_NATS_URL: actions stay in the outbox")
            return
        dispatcher = Dispatcher(session_factory, chosen, outbox.RetryPolicy.from_settings(settings))
        while not stopping.is_set():
            if _dispatch_round(dispatcher) == 0:
                stopping.wait(interval)  # idle: poll again later; busy: go straight on


def _dispatch_round(dispatcher: Dispatcher) -> int:
    try:
        return dispatcher.dispatch_due().claimed
    except Exception:  # a database hiccup must not end the loop; the rows wait for the next round
        log.exception("dispatching actions failed; retrying")
        return 0
