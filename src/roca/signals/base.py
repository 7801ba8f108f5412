"""What a signal is, and the registry every signal module adds itself to.

A signal module declares each signal once with :func:`SignalRegistry.signal`: its id, the type of
its value, the severity when it fires, and a name and a one-line template in English and Chinese.
The function returns a :class:`Reading`; the catalog fills the templates from its parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Literal, TypeVar

SignalValue = bool | int | float | str | None
ValueKind = Literal["bool", "int", "float", "category"]
CaseTypeName = Literal["ato", "kyc", "kyb", "fraud"]


class Severity(StrEnum):
    """How much a fired signal weighs for a reviewer, before any model: read, not learned."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Reading:
    """What one signal function found.  ``fired`` says the evidence is present; ``value`` is what the
    model reads (a number or flag; None when it cannot be computed, e.g. no withdrawal);
    ``params`` fill the text templates."""

    value: SignalValue
    fired: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # overrides the spec's severity for this case


@dataclass(frozen=True, slots=True)
class SignalSpec:
    id: str
    case_type: CaseTypeName
    kind: ValueKind
    severity: Severity
    name_en: str
    name_zh: str
    template_en: str
    template_zh: str
    group: str = "general"


@dataclass(frozen=True, slots=True)
class Signal:
    """One computed signal of one case, with its bilingual one-line description."""

    id: str
    value: SignalValue
    fired: bool
    severity: Severity
    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


Ctx = TypeVar("Ctx")
SignalFunction = Callable[[Ctx], Reading]


class SignalRegistry(Generic[Ctx]):
    """The ordered signals of one case type."""

    def __init__(self, case_type: CaseTypeName) -> None:
        self.case_type = case_type
        self.specs: list[SignalSpec] = []
        self.functions: list[SignalFunction[Ctx]] = []

    def signal(
        self,
        signal_id: str,
        *,
        kind: ValueKind,
        severity: Severity,
        name: tuple[str, str],
        text: tuple[str, str],
        group: str = "general",
    ) -> Callable[[SignalFunction[Ctx]], SignalFunction[Ctx]]:
        """Register a signal; ``name`` and ``text`` are (English, Chinese)."""
        if not signal_id.startswith(f"{self.case_type}."):
            raise ValueError(f"signal id {signal_id!r} must start with {self.case_type!r}.")
        if any(spec.id == signal_id for spec in self.specs):
            raise ValueError(f"signal {signal_id!r} registered twice")
        spec = SignalSpec(
            signal_id, self.case_type, kind, severity, name[0], name[1], text[0], text[1], group
        )

        def register(function: SignalFunction[Ctx]) -> SignalFunction[Ctx]:
            self.specs.append(spec)
            self.functions.append(function)
            return function

        return register

    def compute(self, context: Ctx) -> list[Signal]:
        return [
            render(spec, function(context)) for spec, function in zip(self.specs, self.functions, strict=True)
        ]

    def values(self, context: Ctx) -> list[SignalValue]:
        """Only the values, in catalog order: the model's fast path (no text rendering)."""
        return [function(context).value for function in self.functions]


def render(spec: SignalSpec, reading: Reading) -> Signal:
    """Fired signals read as their template; quiet ones as "name: value" (nothing to explain)."""
    if reading.fired:
        params = {"value": reading.value, **reading.params}
        text_en = _fill(spec.template_en, params, spec.name_en)
        text_zh = _fill(spec.template_zh, params, spec.name_zh)
    else:
        text_en = f"{spec.name_en}: {_plain(reading.value, 'en')}"
        text_zh = f"{spec.name_zh}：{_plain(reading.value, 'zh')}"
    return Signal(
        id=spec.id,
        value=reading.value,
        fired=reading.fired,
        severity=reading.severity or (spec.severity if reading.fired else Severity.INFO),
        text_en=text_en,
        text_zh=text_zh,
    )


def _plain(value: SignalValue, language: str) -> str:
    if value is None:
        return "n/a" if language == "en" else "无"
    if isinstance(value, bool):
        return ("yes" if value else "no") if language == "en" else ("是" if value else "否")
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def _fill(template: str, params: dict[str, Any], fallback: str) -> str:
    try:
        return template.format(**params)
    except (KeyError, ValueError, TypeError, IndexError):
        # A reading without the numbers its template needs (e.g. nothing happened) reads as the name.
        return fallback


def fmt_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "?"
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.0f} d"


def fmt_minutes_zh(minutes: float | None) -> str:
    if minutes is None:
        return "?"
    if minutes < 90:
        return f"{minutes:.0f} 分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时"
    return f"{minutes / 1440:.0f} 天"
