"""Guardrails: the SOPs' hard rules, read from a versioned declarative file and checked on every case.

A guardrail never scores; it only limits what may happen automatically (see ``guardrails.toml`` for the
format).  Evaluation is pure and deterministic: the hits come in the file's rule order, and a field or
signal the case does not carry reads as missing, which makes its condition false.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, NoReturn, cast, get_args

from pydantic import BaseModel

from roca.agent.decisions import DECISIONS
from roca.agent.types import GuardrailEffect, GuardrailHit
from roca.cases.schemas import CASE_TYPES, CaseIn, CaseType
from roca.errors import ConfigurationError
from roca.signals import catalog
from roca.signals.base import Signal, SignalValue
from roca.sop.documents import clause_index

EFFECTS: Final = get_args(GuardrailEffect)
ORDERING: Final[dict[str, Callable[[Any, Any], bool]]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
OPS: Final = ("==", "!=", *ORDERING, "in", "not_in")
RULE_KEYS: Final = frozenset(
    {"id", "effect", "decisions", "case_types", "when", "sop_clause", "reason_en", "reason_zh"}
)
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")
SIGNAL_PREFIX = "signal."
MISSING_TEXT = "?"


class GuardrailConfigError(ConfigurationError):
    """A guardrail file that cannot be trusted; the message names the rule, the field and why."""

    code = "guardrail_config_error"


class _Missing:
    """A value the case does not have (distinct from any value it could have, None included)."""


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test on a case field or a signal: ``op``/``value``, or ``fired`` for a signal."""

    field: str | None
    signal: str | None
    op: str | None = None
    value: Any = None
    fired: bool | None = None


@dataclass(frozen=True, slots=True)
class Group:
    mode: Literal["all", "any"]
    items: tuple[Leaf | Group, ...]


Condition = Leaf | Group


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    effect: GuardrailEffect
    decisions: tuple[str, ...]
    case_types: tuple[CaseType, ...]
    when: Condition
    sop_clause: str
    reason_en: str
    reason_zh: str


# -- reading a case --------------------------------------------------------------------------------


def _step(current: Any, part: str) -> Any:
    if isinstance(current, BaseModel):
        # Only declared fields and kept extras: never methods such as ``model_dump``.
        if part in type(current).model_fields:
            return getattr(current, part)
        return (current.model_extra or {}).get(part, MISSING)
    if isinstance(current, Mapping):
        return current.get(part, MISSING)
    if isinstance(current, list) and part.isdigit() and int(part) < len(current):
        return current[int(part)]
    return MISSING


def read_field(case: CaseIn, path: str) -> Any:
    """A dotted path into the case (``subject.vip_tier``, ``entity.expected_monthly_volume_usd``)."""
    current: Any = case
    for part in path.split("."):
        current = _step(current, part)
        if current is MISSING or current is None:
            return MISSING
    return current


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def compare(actual: Any, op: str, expected: Any) -> bool:
    """``actual op expected``; missing values and values of another kind compare false, never raise."""
    if actual is MISSING or actual is None:
        return False
    if op in ("in", "not_in"):
        return (actual in expected) == (op == "in")
    if op in ("==", "!="):
        return bool(actual == expected) == (op == "==")
    comparable = (_number(actual) and _number(expected)) or (
        isinstance(actual, str) and isinstance(expected, str)
    )
    return bool(comparable and ORDERING[op](actual, expected))


def _holds(condition: Condition, case: CaseIn, signals: Mapping[str, Signal]) -> bool:
    if isinstance(condition, Group):
        results = (_holds(item, case, signals) for item in condition.items)
        return all(results) if condition.mode == "all" else any(results)
    if condition.signal is not None:
        signal = signals.get(condition.signal)
        if signal is None:
            return False
        if condition.fired is not None:
            return signal.fired == condition.fired
        return compare(signal.value, cast(str, condition.op), condition.value)
    return compare(read_field(case, cast(str, condition.field)), cast(str, condition.op), condition.value)


def _lookup(name: str, case: CaseIn, signals: Mapping[str, Signal]) -> Any:
    if name.startswith(SIGNAL_PREFIX):
        signal = signals.get(name.removeprefix(SIGNAL_PREFIX))
        value: SignalValue | _Missing = MISSING if signal is None else signal.value
        return MISSING if value is None else value
    return read_field(case, name)


def render(template: str, case: CaseIn, signals: Mapping[str, Signal]) -> str:
    """Fill ``{path}`` / ``{path:spec}`` placeholders; a missing value reads as "?"."""

    def fill(match: re.Match[str]) -> str:
        value = _lookup(match[1], case, signals)
        if value is MISSING:
            return MISSING_TEXT
        try:
            return format(value, match[2] or "")
        except (ValueError, TypeError):
            return str(value)  # a spec meant for numbers on a text value: still say what it is

    return PLACEHOLDER.sub(fill, template)


# -- validating the file --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    source: str
    clauses: frozenset[str]
    signals: frozenset[str]


def _fail(context: _Context, rule: str | None, field: str, reason: str) -> NoReturn:
    where = f"rule {rule!r}" if rule else "file"
    raise GuardrailConfigError(
        f"{context.source}: {where}: {field}: {reason}", source=context.source, rule=rule, field=field
    )


def parse_rules(
    data: Mapping[str, Any], source: str, clauses: Collection[str] | None = None
) -> tuple[str, list[Rule]]:
    """The version and rules of a parsed TOML document, or a :class:`GuardrailConfigError`."""
    context = _Context(
        source,
        frozenset(clause_index() if clauses is None else clauses),
        frozenset(spec.id for spec in catalog.specs()),
    )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        _fail(context, None, "version", "must be a non-empty string")
    for key in set(data) - {"version", "rule"}:
        _fail(context, None, key, "unknown top-level key (allowed: version, rule)")
    raw = data.get("rule")
    if not isinstance(raw, list) or not raw:
        _fail(context, None, "rule", "the file needs at least one [[rule]]")
    rules = [_rule(item, f"#{number}", context) for number, item in enumerate(raw, start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            _fail(context, rule.id, "id", "used by two rules")
        seen.add(rule.id)
    return version, rules


def _rule(raw: Any, position: str, context: _Context) -> Rule:
    if not isinstance(raw, dict):
        _fail(context, position, "rule", "must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        _fail(context, position, "id", "must be lower-case words joined by '-', e.g. 'vip-never-auto'")
    for key in sorted(set(raw) - RULE_KEYS):
        _fail(context, rule_id, key, f"unknown key (allowed: {', '.join(sorted(RULE_KEYS))})")
    if raw.get("effect") not in EFFECTS:
        _fail(context, rule_id, "effect", f"must be one of {', '.join(EFFECTS)}, got {raw.get('effect')!r}")
    effect = cast(GuardrailEffect, raw["effect"])
    case_types = _case_types(raw.get("case_types", list(CASE_TYPES)), rule_id, context)
    decisions = _decisions(raw.get("decisions", []), effect, case_types, rule_id, context)
    clause = raw.get("sop_clause")
    if clause not in context.clauses:
        _fail(context, rule_id, "sop_clause", f"{clause!r} is not a clause of the SOPs")
    if "when" not in raw:
        _fail(context, rule_id, "when", "a rule needs a condition (when.all or when.any)")
    when = _condition(raw["when"], "when", case_types, rule_id, context)
    reasons = [
        _template(raw.get(key), key, case_types, rule_id, context) for key in ("reason_en", "reason_zh")
    ]
    return Rule(rule_id, effect, decisions, case_types, when, clause, reasons[0], reasons[1])


def _case_types(raw: Any, rule: str, context: _Context) -> tuple[CaseType, ...]:
    if not isinstance(raw, list) or not raw or any(item not in CASE_TYPES for item in raw):
        _fail(context, rule, "case_types", f"must be a non-empty list of {', '.join(CASE_TYPES)}")
    return tuple(cast(list[CaseType], raw))


def _decisions(
    raw: Any, effect: str, case_types: tuple[CaseType, ...], rule: str, context: _Context
) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        _fail(context, rule, "decisions", "must be a list of decision names")
    if raw and effect == "force_review":
        _fail(context, rule, "decisions", "force_review concerns every decision; list none")
    known = {decision for case_type in case_types for decision in DECISIONS[case_type]}
    for decision in raw:
        if decision not in known:
            _fail(context, rule, "decisions", f"{decision!r} is not a decision of {', '.join(case_types)}")
    return tuple(raw)


def _condition(
    raw: Any, where: str, case_types: tuple[CaseType, ...], rule: str, context: _Context
) -> Condition:
    if not isinstance(raw, dict):
        _fail(context, rule, where, "must be a table")
    if "field" in raw or "signal" in raw:
        return _leaf(raw, where, case_types, rule, context)
    modes = [mode for mode in ("all", "any") if mode in raw]
    if len(modes) != 1 or len(raw) != 1:
        _fail(context, rule, where, "needs exactly one of 'all' or 'any' (or a field/signal test)")
    mode, items = modes[0], raw[modes[0]]
    if not isinstance(items, list) or not items:
        _fail(context, rule, f"{where}.{mode}", "must be a non-empty list of conditions")
    nested = tuple(
        _condition(item, f"{where}.{mode}[{i}]", case_types, rule, context) for i, item in enumerate(items)
    )
    return Group(cast(Literal["all", "any"], mode), nested)


def _leaf(
    raw: dict[str, Any], where: str, case_types: tuple[CaseType, ...], rule: str, context: _Context
) -> Leaf:
    for key in sorted(set(raw) - {"field", "signal", "op", "value", "fired"}):
        _fail(context, rule, f"{where}.{key}", "unknown key (allowed: field, signal, op, value, fired)")
    if ("field" in raw) == ("signal" in raw):
        _fail(context, rule, where, "a test names either a field or a signal, not both")
    field, signal = raw.get("field"), raw.get("signal")
    if field is not None and (not isinstance(field, str) or not PATH.match(field)):
        _fail(context, rule, f"{where}.field", f"{field!r} is not a dotted path like 'subject.vip_tier'")
    if signal is not None:
        _check_signal(signal, f"{where}.signal", case_types, rule, context)
    if "fired" in raw:
        if signal is None or not isinstance(raw["fired"], bool) or "op" in raw or "value" in raw:
            _fail(context, rule, f"{where}.fired", "fired = true/false applies to a signal, without op/value")
        return Leaf(None, signal, fired=raw["fired"])
    op, value = raw.get("op"), raw.get("value")
    if op not in OPS:
        _fail(context, rule, f"{where}.op", f"must be one of {' '.join(OPS)}, got {op!r}")
    if "value" not in raw or not _value_fits(op, value):
        _fail(context, rule, f"{where}.value", f"{value!r} does not suit op {op!r}")
    return Leaf(field, signal, op, value)


def _value_fits(op: str, value: Any) -> bool:
    if op in ("in", "not_in"):
        return isinstance(value, list) and bool(value)
    if op in ORDERING:
        return _number(value) or isinstance(value, str)
    return isinstance(value, str | int | float | bool)


def _check_signal(
    signal: Any, where: str, case_types: tuple[CaseType, ...], rule: str, context: _Context
) -> None:
    if signal not in context.signals:
        _fail(context, rule, where, f"{signal!r} is not in the signal catalog")
    if signal.split(".")[0] not in case_types:
        _fail(context, rule, where, f"{signal!r} is not a signal of {', '.join(case_types)}")


def _template(raw: Any, key: str, case_types: tuple[CaseType, ...], rule: str, context: _Context) -> str:
    if not isinstance(raw, str) or not raw.strip():
        _fail(context, rule, key, "must be a non-empty text")
    for match in PLACEHOLDER.finditer(raw):
        name, spec = match[1], match[2] or ""
        if name.startswith(SIGNAL_PREFIX):
            _check_signal(name.removeprefix(SIGNAL_PREFIX), key, case_types, rule, context)
        elif not PATH.match(name):
            _fail(context, rule, key, f"{{{name}}} is not a dotted path")
        if not any(_formats(sample, spec) for sample in (0, 0.0, "")):
            _fail(context, rule, key, f"{{{name}:{spec}}} has an invalid format spec")
    return raw


def _formats(sample: object, spec: str) -> bool:
    try:
        format(sample, spec)
    except (ValueError, TypeError):
        return False
    return True


# -- the rule set ----------------------------------------------------------------------------------


class Guardrails:
    """A validated, versioned set of rules."""

    def __init__(self, version: str, rules: Sequence[Rule]) -> None:
        self.version = version
        self.rules: tuple[Rule, ...] = tuple(rules)

    @classmethod
    def load(cls, path: str | Path | None = None, *, clauses: Collection[str] | None = None) -> Guardrails:
        """Read and validate a rule file (default: the packaged ``guardrails.toml``).  ``clauses`` are
        the SOP clause ids a rule may cite (default: every clause of the packaged SOPs)."""
        if path is None:
            text = resources.files("roca.agent").joinpath("guardrails.toml").read_text(encoding="utf-8")
            source = "guardrails.toml"
        else:
            text, source = Path(path).read_text(encoding="utf-8"), str(path)
        return cls.parse(text, source=source, clauses=clauses)

    @classmethod
    def parse(
        cls, text: str, *, source: str = "guardrails", clauses: Collection[str] | None = None
    ) -> Guardrails:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise GuardrailConfigError(f"{source}: not valid TOML: {exc}", source=source) from None
        version, rules = parse_rules(data, source, clauses)
        return cls(version, rules)

    def evaluate(self, case: CaseIn, signals: Sequence[Signal]) -> list[GuardrailHit]:
        """The rules that fire for this case, in file order."""
        by_id = {signal.id: signal for signal in signals}
        return [
            self._hit(rule, case, by_id)
            for rule in self.rules
            if case.case_type in rule.case_types and _holds(rule.when, case, by_id)
        ]

    @staticmethod
    def _hit(rule: Rule, case: CaseIn, signals: Mapping[str, Signal]) -> GuardrailHit:
        allowed = DECISIONS[case.case_type]
        if rule.effect == "force_review":
            decisions: tuple[str, ...] = ()
        else:  # spelled out, so consumers never have to read "none listed" as "all"
            decisions = tuple(d for d in rule.decisions if d in allowed) if rule.decisions else allowed
        return GuardrailHit(
            rule_id=rule.id,
            effect=rule.effect,
            sop_clause=rule.sop_clause,
            reason_en=render(rule.reason_en, case, signals),
            reason_zh=render(rule.reason_zh, case, signals),
            decisions=decisions,
        )
