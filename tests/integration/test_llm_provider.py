"""The LLM narrator against a real HTTP server speaking the chat-completions protocol on loopback.

The server is told per test how to answer; every bad answer must fall back to the deterministic
narrative with the right reason and a warning, and never change the recommendation."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from roca.agent.llm import FallbackReason, LlmNarrator, NarrativeOutcome
from roca.agent.narrative import deterministic_narrative
from roca.agent.types import Contribution, GuardrailHit, Recommendation
from roca.config import Settings
from roca.signals.base import Severity, Signal

MODEL = "roca-narrator-test"
API_KEY = "sk-test-not-a-secret"
TIMEOUT = 0.3
SLOW = 1.0

SIGNALS = [
    Signal(
        "ato.email_change_to_withdrawal_min",
        12.0,
        True,
        Severity.HIGH,
        "withdrawal 12 min after the email address was changed",
        "更换邮箱 12 分钟后发起提现",
    ),
    Signal(
        "ato.mfa_removed",
        True,
        True,
        Severity.HIGH,
        "two-factor authentication was removed",
        "二次验证被关闭",
    ),
    Signal("ato.new_device", True, True, Severity.MEDIUM, "login from a new device", "使用新设备登录"),
    Signal("ato.dormant_days", None, False, Severity.INFO, "dormant days: n/a", "沉寂天数：无"),
]
REC = Recommendation(
    case_type="ato",
    decision="confirm_ato",
    confidence=0.97,
    probabilities={"confirm_ato": 0.97, "not_ato": 0.03},
    contributions=[
        Contribution(s.id, s.value, weight, s.text_en, s.text_zh)
        for s, weight in zip(SIGNALS[:3], (2.4, 1.9, 1.1), strict=True)
    ],
    sop_clauses=["ATO-2.1"],
    guardrails=[
        GuardrailHit(
            "ato.vip",
            "force_review",
            "ATO-2.3",
            "a VIP account is never decided automatically",
            "VIP 账户一律不自动决策",
        )
    ],
)
GOOD: dict[str, Any] = {
    "summary_en": "ROCA recommends confirming account takeover at 0.97. The withdrawal came 12 min after "
    "an email change and two-factor removal. A VIP account still goes to a reviewer under SOP ATO-2.3.",
    "summary_zh": "ROCA 建议确认账户被盗，置信度 0.97。更换邮箱并关闭二次验证后 12 分钟即发起提现。"
    "根据 SOP ATO-2.3，VIP 账户仍需人工审核。",
    "cited_signals": ["ato.email_change_to_withdrawal_min", "ato.mfa_removed"],
}


@dataclass
class Answer:
    """What the fake endpoint replies: the assistant message ``content`` inside a chat completion, or a
    raw ``body``; after ``delay`` seconds."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    body: dict[str, Any] | None = None
    finish_reason: str = "stop"
    refusal: str | None = None


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class ChatServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads: nothing outlives the test

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.answer = Answer(content=json.dumps(GOOD, ensure_ascii=False))
        self.received: list[Received] = []
        self.release = threading.Event()  # wakes slow handlers at teardown

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.server.received.append(
            Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        answer = self.server.answer
        if answer.delay and self.server.release.wait(answer.delay):
            return  # the test is over and the client long gone
        payload = json.dumps(answer.body if answer.body is not None else completion(answer)).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out first

    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature; keep test output quiet
        pass


def completion(answer: Answer) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer.content}
    if answer.refusal is not None:
        message["refusal"] = answer.refusal
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive()


def llm_settings(base_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_base_url": base_url,
        "llm_model": MODEL,
        "llm_api_key": SecretStr(API_KEY),
        "llm_timeout_seconds": TIMEOUT,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def narrator(chat_server: ChatServer) -> Iterator[LlmNarrator]:
    with LlmNarrator(llm_settings(chat_server.base_url)) as narrator:
        yield narrator


def narrate(narrator: LlmNarrator, caplog: pytest.LogCaptureFixture) -> NarrativeOutcome:
    with caplog.at_level(logging.WARNING, logger="roca.agent.llm"):
        return narrator.narrate_outcome(REC, SIGNALS)


def test_a_valid_answer_is_used_and_the_request_is_a_strict_chat_completion(
    chat_server: ChatServer, narrator: LlmNarrator, caplog: pytest.LogCaptureFixture
) -> None:
    outcome = narrate(narrator, caplog)
    assert outcome.fallback_reason is None
    assert outcome.narrative.source == "llm"
    assert outcome.narrative.text_en == GOOD["summary_en"]
    assert outcome.narrative.text_zh == GOOD["summary_zh"]
    assert outcome.cited_signals == tuple(GOOD["cited_signals"])
    assert not caplog.records

    [request] = chat_server.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == MODEL
    assert request.body["temperature"] == 0
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["required"] == ["summary_en", "summary_zh", "cited_signals"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["cited_signals"]["items"]["enum"] == [s.id for s in SIGNALS]
    system, user = request.body["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    brief = json.loads(user["content"])
    assert [s["id"] for s in brief["signals"]] == [s.id for s in SIGNALS]
    assert brief["recommendation"]["decision"] == "confirm_ato"
    assert brief["recommendation"]["confidence"] == "0.97"
    assert "更换邮箱 12 分钟后发起提现" in user["content"]  # Chinese sent as text, not \\u escapes


def good_with(**changes: Any) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


FOUR_SENTENCES = "Confirm takeover at 0.97. Email changed. Two-factor removed. A VIP account goes to review."
BAD_ANSWERS = {
    "malformed_json": (Answer(content='{"summary_en": "ROCA recommends'), FallbackReason.MALFORMED_JSON),
    "missing_field": (
        Answer(content=json.dumps({"summary_en": "x", "summary_zh": "是"})),
        FallbackReason.SCHEMA_MISMATCH,
    ),
    "extra_decision": (Answer(content=good_with(decision="not_ato")), FallbackReason.SCHEMA_MISMATCH),
    "wrong_type": (
        Answer(content=good_with(cited_signals="ato.mfa_removed")),
        FallbackReason.SCHEMA_MISMATCH,
    ),
    "not_an_object": (Answer(content=json.dumps(["summary"])), FallbackReason.SCHEMA_MISMATCH),
    "unknown_signal": (
        Answer(content=good_with(cited_signals=["ato.mfa_removed", "ato.sim_swap"])),
        FallbackReason.UNKNOWN_CITATION,
    ),
    "no_citation": (Answer(content=good_with(cited_signals=[])), FallbackReason.NO_CITATION),
    "empty_summary": (Answer(content=good_with(summary_zh="  ")), FallbackReason.EMPTY_SUMMARY),
    "four_sentences": (
        Answer(content=good_with(summary_en=FOUR_SENTENCES)),
        FallbackReason.TOO_MANY_SENTENCES,
    ),
    "four_sentences_zh": (
        Answer(
            content=good_with(summary_zh="建议确认，置信度 0.97。邮箱已更换。二次验证被关闭。需人工审核。")
        ),
        FallbackReason.TOO_MANY_SENTENCES,
    ),
    "english_as_chinese": (
        Answer(content=good_with(summary_zh="Confirm takeover at 0.97.")),
        FallbackReason.WRONG_LANGUAGE,
    ),
    "http_500": (
        Answer(content=None, status=500, body={"error": {"message": "boom"}}),
        FallbackReason.HTTP_ERROR,
    ),
    "huge": (Answer(content="x" * 300_000), FallbackReason.RESPONSE_TOO_LARGE),
    "not_a_completion": (Answer(body={"error": {"message": "quota"}}), FallbackReason.BAD_ENVELOPE),
    "refusal": (Answer(content=None, refusal="I can't help with that."), FallbackReason.REFUSED),
    "own_confidence": (
        Answer(content=good_with(summary_en="Clear the case as not takeover (0.10).")),
        FallbackReason.CONFIDENCE_MISSTATED,
    ),
    "cut_off": (Answer(content=GOOD["summary_en"], finish_reason="length"), FallbackReason.TRUNCATED),
}


@pytest.mark.parametrize(("answer", "reason"), BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_a_bad_answer_falls_back_to_the_deterministic_narrative(
    chat_server: ChatServer,
    narrator: LlmNarrator,
    caplog: pytest.LogCaptureFixture,
    answer: Answer,
    reason: FallbackReason,
) -> None:
    chat_server.answer = answer
    outcome = narrate(narrator, caplog)
    assert_fell_back(outcome, reason, caplog)
    [request] = chat_server.received
    assert request.body["model"] == MODEL
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_a_slow_answer_times_out_quickly(
    chat_server: ChatServer, narrator: LlmNarrator, caplog: pytest.LogCaptureFixture
) -> None:
    chat_server.answer = Answer(content=good_with(), delay=SLOW)
    started = time.monotonic()
    outcome = narrate(narrator, caplog)
    assert time.monotonic() - started < SLOW - 0.2
    assert_fell_back(outcome, FallbackReason.TIMEOUT, caplog)
    [request] = chat_server.received
    assert request.body["response_format"]["type"] == "json_schema"


def test_an_unreachable_endpoint_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with LlmNarrator(llm_settings(f"http://127.0.0.1:{closed_port}/v1")) as narrator:
        outcome = narrate(narrator, caplog)
    assert_fell_back(outcome, FallbackReason.UNREACHABLE, caplog)


def test_without_a_base_url_the_narrator_is_off_and_quiet(caplog: pytest.LogCaptureFixture) -> None:
    with LlmNarrator(llm_settings(None)) as narrator:
        assert not narrator.enabled
        outcome = narrate(narrator, caplog)
    assert outcome.fallback_reason is FallbackReason.DISABLED
    assert outcome.narrative == deterministic_narrative(REC)
    assert not caplog.records


def test_a_base_url_without_a_model_is_not_configured(
    chat_server: ChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    with LlmNarrator(llm_settings(chat_server.base_url, llm_model=None)) as narrator:
        outcome = narrate(narrator, caplog)
    assert_fell_back(outcome, FallbackReason.NOT_CONFIGURED, caplog)
    assert not chat_server.received


def test_a_caller_client_is_used_without_a_key_and_left_open(
    chat_server: ChatServer, caplog: pytest.LogCaptureFixture
) -> None:
    with httpx.Client() as client:
        with LlmNarrator(llm_settings(chat_server.base_url, llm_api_key=None), client) as narrator:
            assert narrate(narrator, caplog).narrative.source == "llm"
        assert not client.is_closed
        [request] = chat_server.received
        assert "authorization" not in request.headers


def test_narrate_returns_only_prose_and_leaves_the_recommendation_alone(
    chat_server: ChatServer, narrator: LlmNarrator
) -> None:
    before = (REC.decision, REC.confidence, dict(REC.probabilities))
    narrative = narrator.narrate(REC, SIGNALS)
    assert narrative.source == "llm"
    assert (REC.decision, REC.confidence, REC.probabilities) == before
    assert not hasattr(narrative, "decision")


def assert_fell_back(
    outcome: NarrativeOutcome, reason: FallbackReason, caplog: pytest.LogCaptureFixture
) -> None:
    assert outcome.fallback_reason is reason, outcome.detail
    assert outcome.narrative == deterministic_narrative(REC)
    assert outcome.narrative.source == "deterministic"
    warnings = [r for r in caplog.records if r.name == "roca.agent.llm" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(reason) in warnings[0].getMessage()
