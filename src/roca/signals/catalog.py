"""Every signal of every case type, and the one entry point that computes them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from roca.signals import ato, fraud, kyb, kyc
from roca.signals.base import CaseTypeName, Signal, SignalRegistry, SignalSpec, SignalValue
from roca.signals.context import SignalInput


@dataclass(frozen=True)
class CaseTypeSignals:
    registry: SignalRegistry[Any]
    view: Callable[[SignalInput], Any]


CASE_TYPES: dict[CaseTypeName, CaseTypeSignals] = {
    "ato": CaseTypeSignals(ato.registry, ato.view),
    "kyc": CaseTypeSignals(kyc.registry, kyc.view),
    "kyb": CaseTypeSignals(kyb.registry, kyb.view),
    "fraud": CaseTypeSignals(fraud.registry, fraud.view),
}


def compute(signal_input: SignalInput) -> list[Signal]:
    entry = CASE_TYPES[signal_input.case.case_type]
    return entry.registry.compute(entry.view(signal_input))


def values(signal_input: SignalInput) -> list[SignalValue]:
    """Signal values in catalog order, without text: what models read."""
    entry = CASE_TYPES[signal_input.case.case_type]
    return entry.registry.values(entry.view(signal_input))


def specs(case_type: CaseTypeName | None = None) -> list[SignalSpec]:
    chosen = [case_type] if case_type else list(CASE_TYPES)
    return [spec for name in chosen for spec in CASE_TYPES[name].registry.specs]


def feature_names(case_type: CaseTypeName) -> list[str]:
    return [spec.id for spec in CASE_TYPES[case_type].registry.specs]
