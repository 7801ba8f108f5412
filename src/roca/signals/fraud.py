"""FRAUD signals."""

from __future__ import annotations

from dataclasses import dataclass

from roca.signals.base import SignalRegistry
from roca.signals.context import SignalInput


@dataclass
class FraudView:
    """Everything the fraud signals read, derived once per case."""

    input: SignalInput


def view(signal_input: SignalInput) -> FraudView:
    return FraudView(signal_input)


registry: SignalRegistry[FraudView] = SignalRegistry("fraud")
