"""Optional LLM narrator: prose from an OpenAI-compatible chat completions endpoint, checked in code.

Off unless ``ROCA_LLM_BASE_URL`` is set.  The model only writes the reviewer's summary; the decision
and the confidence come from the recommendation and are never read back from the model (its own,
verbalised confidence is overconfident, see the design's METHODS).  The answer must be a strict JSON
object ``{"summary_en", "summary_zh", "cited_signals"}``; it is used only when it parses, matches the
schema exactly, cites at least one signal and only signals of this case, repeats ROCA's confidence
figure, and keeps each summary to at most three sentences in the right language.  Anything else
(HTTP error, timeout, malformed JSON, ...) falls back to
:func:`~roca.agent.narrative.deterministic_narrative` with a warning on the ``roca.agent.llm`` logger;
:meth:`LlmNarrator.narrate` never raises.

Why a fallback happened is a :class:`FallbackReason` on the :class:`NarrativeOutcome` returned by
:meth:`LlmNarrator.narrate_outcome` (per call, so a narrator can be shared between threads);
:meth:`LlmNarrator.narrate` returns only the narrative.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any, Final

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roca.agent.narrative import (
    MAX_SENTENCES,
    decision_action,
    deterministic_narrative,
    format_confidence,
    sentence_count,
)
from roca.agent.types import Narrative, Recommendation
from roca.config import Settings
from roca.signals.base import Signal, SignalValue

logger = logging.getLogger("roca.agent.llm")

MAX_RESPONSE_BYTES: Final = 256 * 1024
MAX_SUMMARY_CHARS: Final = 1200  # three reviewer sentences; anything longer is not a summary
MAX_PROMPT_CONTRIBUTIONS: Final = 8
_CJK_IDEOGRAPH: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z]")

SYSTEM_PROMPT: Final = (
    "You write the case summary a risk-operations reviewer reads next to ROCA's recommendation. "
    "ROCA has already decided what to recommend; you only explain it. "
    "State the recommended decision and its confidence exactly as given (the confidence written as in "
    "the brief, e.g. 0.97); never change, soften or second-guess them and never give a confidence of "
    "your own. "
    "Use only the signals provided, and list the id of every signal you rely on in cited_signals "
    "(only ids from the list). "
    "summary_en is English, summary_zh is Simplified Chinese; each is at most three sentences, "
    "plain and precise, with no greeting, speculation or advice beyond the recommendation. "
    "Answer with the JSON object only."
)


class FallbackReason(StrEnum):
    """Why the deterministic narrative was used instead of the model's."""

    DISABLED = "disabled"  # no ROCA_LLM_BASE_URL: the normal, quiet case
    NOT_CONFIGURED = "not_configured"  # a base URL without a model name
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"  # connection refused, DNS, TLS, protocol errors
    HTTP_ERROR = "http_error"  # any non-2xx status
    RESPONSE_TOO_LARGE = "response_too_large"
    BAD_ENVELOPE = "bad_envelope"  # the body is not a chat completion
    REFUSED = "refused"
    TRUNCATED = "truncated"  # finish_reason "length"
    MALFORMED_JSON = "malformed_json"
    SCHEMA_MISMATCH = "schema_mismatch"
    EMPTY_SUMMARY = "empty_summary"
    NO_CITATION = "no_citation"
    UNKNOWN_CITATION = "unknown_citation"
    CONFIDENCE_MISSTATED = "confidence_misstated"  # the prose must carry ROCA's figure, not its own
    WRONG_LANGUAGE = "wrong_language"
    TOO_MANY_SENTENCES = "too_many_sentences"
    UNEXPECTED = "unexpected_error"  # a bug here must not stop a case from being explained


@dataclass(frozen=True, slots=True)
class NarrativeOutcome:
    """The narrative a caller shows, and why it is not the model's (``fallback_reason`` None when it is)."""

    narrative: Narrative
    fallback_reason: FallbackReason | None = None
    detail: str = ""
    cited_signals: tuple[str, ...] = ()


class NarrativeDraft(BaseModel):
    """The model's answer, exactly: unknown keys (a "decision", a "confidence") are a schema mismatch."""

    model_config = ConfigDict(extra="forbid", strict=True)

    summary_en: str = Field(max_length=MAX_SUMMARY_CHARS)
    summary_zh: str = Field(max_length=MAX_SUMMARY_CHARS)
    cited_signals: list[str]


class _Message(BaseModel):
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Completion(BaseModel):
    choices: list[_Choice] = Field(min_length=1)


class _Rejected(Exception):
    def __init__(self, reason: FallbackReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def narrative_schema(signal_ids: list[str]) -> dict[str, Any]:
    """The strict JSON schema sent as ``response_format``; the enum steers the model to real ids."""
    citation: dict[str, Any] = {"type": "string", "enum": signal_ids} if signal_ids else {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "summary_en": {"type": "string"},
            "summary_zh": {"type": "string"},
            "cited_signals": {"type": "array", "items": citation},
        },
        "required": ["summary_en", "summary_zh", "cited_signals"],
        "additionalProperties": False,
    }


class LlmNarrator:
    """Writes narratives through an OpenAI-compatible endpoint.  Pass an ``httpx.Client`` to share
    connections (you close it); without one the narrator opens its own, closed by :meth:`close` or
    ``with LlmNarrator(settings) as narrator``."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self._settings = settings
        self._timeout = settings.llm_timeout_seconds
        self._owns_client = client is None and bool(settings.llm_base_url)
        self._client = client if client is not None else self._own_client()

    @property
    def enabled(self) -> bool:
        return bool(self._settings.llm_base_url)

    def narrate(self, rec: Recommendation, signals: list[Signal]) -> Narrative:
        return self.narrate_outcome(rec, signals).narrative

    def narrate_outcome(self, rec: Recommendation, signals: list[Signal]) -> NarrativeOutcome:
        """The model's narrative, or the deterministic one with the reason; never raises."""
        if not self.enabled:
            return NarrativeOutcome(deterministic_narrative(rec), FallbackReason.DISABLED)
        try:
            draft = self._draft(rec, signals)
        except _Rejected as rejected:
            return _fall_back(rec, rejected.reason, rejected.detail)
        except Exception as exc:  # never let prose stop a case
            logger.exception("LLM narrative failed unexpectedly; using the deterministic narrative")
            return NarrativeOutcome(deterministic_narrative(rec), FallbackReason.UNEXPECTED, repr(exc))
        narrative = Narrative(draft.summary_en.strip(), draft.summary_zh.strip(), source="llm")
        return NarrativeOutcome(narrative, cited_signals=tuple(draft.cited_signals))

    def close(self) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()

    def __enter__(self) -> LlmNarrator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def request_body(self, rec: Recommendation, signals: list[Signal]) -> dict[str, Any]:
        return {
            "model": self._settings.llm_model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": json.dumps(case_brief(rec, signals), ensure_ascii=False)},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "roca_narrative",
                    "strict": True,
                    "schema": narrative_schema([signal.id for signal in signals]),
                },
            },
            "temperature": 0,
        }

    def _own_client(self) -> httpx.Client | None:
        if not self._settings.llm_base_url:
            return None
        return httpx.Client(timeout=httpx.Timeout(self._timeout))

    def _draft(self, rec: Recommendation, signals: list[Signal]) -> NarrativeDraft:
        if not self._settings.llm_model:
            raise _Rejected(FallbackReason.NOT_CONFIGURED, "ROCA_LLM_MODEL is not set")
        raw = self._post(self.request_body(rec, signals))
        draft = parse_draft(completion_content(raw))
        check_draft(draft, {signal.id for signal in signals}, confidence_text(rec))
        return draft

    def _post(self, body: dict[str, Any]) -> bytes:
        assert self._client is not None  # enabled implies a client (ours or the caller's)
        url = f"{str(self._settings.llm_base_url).rstrip('/')}/chat/completions"
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream(
                "POST", url, json=body, headers=self._headers(), timeout=self._timeout
            ) as response:
                if not response.is_success:
                    raise _Rejected(FallbackReason.HTTP_ERROR, f"HTTP {response.status_code} from {url}")
                return _read_within(response, deadline)
        except httpx.TimeoutException as exc:
            raise _Rejected(
                FallbackReason.TIMEOUT, f"no answer within {self._timeout:g} s ({exc!r})"
            ) from exc
        except httpx.HTTPError as exc:
            raise _Rejected(FallbackReason.UNREACHABLE, repr(exc)) from exc

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self._settings.llm_api_key is not None:
            headers["Authorization"] = f"Bearer {self._settings.llm_api_key.get_secret_value()}"
        return headers


def _read_within(response: httpx.Response, deadline: float) -> bytes:
    """The body, within the overall deadline and size cap: httpx's timeout is per read, so a server
    trickling bytes could otherwise hold a case for as long as it likes."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise _Rejected(FallbackReason.RESPONSE_TOO_LARGE, f"more than {MAX_RESPONSE_BYTES} bytes")
        if time.monotonic() > deadline:
            raise _Rejected(FallbackReason.TIMEOUT, "the answer did not finish within the timeout")
    return bytes(body)


def completion_content(raw: bytes) -> str:
    """The assistant message's text from a chat completion body."""
    try:
        completion = _Completion.model_validate_json(raw)
    except ValidationError as exc:
        raise _Rejected(FallbackReason.BAD_ENVELOPE, _first_error(exc)) from exc
    choice = completion.choices[0]
    if choice.message.refusal:
        raise _Rejected(FallbackReason.REFUSED, choice.message.refusal[:200])
    if choice.finish_reason == "length":
        raise _Rejected(FallbackReason.TRUNCATED, "the model stopped at its token limit")
    if choice.message.content is None:
        raise _Rejected(FallbackReason.BAD_ENVELOPE, "the message has no content")
    return choice.message.content


def parse_draft(content: str) -> NarrativeDraft:
    try:
        payload = json.loads(content)
    except ValueError as exc:
        raise _Rejected(FallbackReason.MALFORMED_JSON, f"{exc} in {content[:80]!r}") from exc
    try:
        return NarrativeDraft.model_validate(payload)
    except ValidationError as exc:
        raise _Rejected(FallbackReason.SCHEMA_MISMATCH, _first_error(exc)) from exc


def confidence_text(rec: Recommendation) -> str | None:
    """The confidence as the brief gives it and both summaries must repeat it (None: not a number)."""
    return format_confidence(rec.confidence)


def check_draft(draft: NarrativeDraft, signal_ids: set[str], confidence: str | None = None) -> None:
    """The checks a schema cannot express; raises the first failure."""
    summaries = {"summary_en": draft.summary_en, "summary_zh": draft.summary_zh}
    for field, text in summaries.items():
        if not text.strip():
            raise _Rejected(FallbackReason.EMPTY_SUMMARY, f"{field} is empty")
    if signal_ids and not draft.cited_signals:
        raise _Rejected(FallbackReason.NO_CITATION, "no signal cited")
    unknown = sorted(set(draft.cited_signals) - signal_ids)
    if unknown:
        raise _Rejected(FallbackReason.UNKNOWN_CITATION, f"not signals of this case: {', '.join(unknown)}")
    if confidence is not None and not all(confidence in text for text in summaries.values()):
        raise _Rejected(
            FallbackReason.CONFIDENCE_MISSTATED, f"a summary does not state the confidence {confidence}"
        )
    if not _reads_english(draft.summary_en) or not _CJK_IDEOGRAPH.search(draft.summary_zh):
        raise _Rejected(FallbackReason.WRONG_LANGUAGE, "summary_en must be English, summary_zh Chinese")
    for field, text in summaries.items():
        count = sentence_count(text)
        if count > MAX_SENTENCES:
            raise _Rejected(FallbackReason.TOO_MANY_SENTENCES, f"{field} has {count} sentences")


def _reads_english(text: str) -> bool:
    # Chinese summaries quote English terms and English ones may quote a Chinese name: compare counts.
    return len(_LATIN_LETTER.findall(text)) > len(_CJK_IDEOGRAPH.findall(text))


def case_brief(rec: Recommendation, signals: list[Signal]) -> dict[str, Any]:
    """What the model may talk about: the recommendation as decided, and this case's signals."""
    return {
        "case_type": rec.case_type,
        "recommendation": {
            "decision": rec.decision,
            "decision_en": decision_action(rec.decision, "en", gerund=False),
            "decision_zh": decision_action(rec.decision, "zh"),
            "confidence": confidence_text(rec),
            "source": "rule-based suggestion" if rec.source == "rules" else "calibrated model",
        },
        "strongest_contributions": [
            {"signal_id": c.signal_id, "towards_decision": round(c.contribution, 3)}
            for c in rec.contributions[:MAX_PROMPT_CONTRIBUTIONS]
            if math.isfinite(c.contribution)
        ],
        "guardrails": [
            {"sop_clause": g.sop_clause, "effect": g.effect, "reason_en": g.reason_en} for g in rec.guardrails
        ],
        "sop_clauses": list(rec.sop_clauses),
        "signals": [
            {
                "id": s.id,
                "value": _json_value(s.value),
                "fired": s.fired,
                "severity": str(s.severity),
                "text_en": s.text_en,
                "text_zh": s.text_zh,
            }
            for s in signals
        ],
    }


def _json_value(value: SignalValue) -> SignalValue:
    # NaN and infinity are not JSON; strict servers reject the whole request over them.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"]) or "(root)"
    return f"{location}: {error['msg']} ({exc.error_count()} error(s))"


def _fall_back(rec: Recommendation, reason: FallbackReason, detail: str) -> NarrativeOutcome:
    logger.warning("LLM narrative rejected (%s): %s; using the deterministic narrative", reason, detail)
    return NarrativeOutcome(deterministic_narrative(rec), reason, detail)
