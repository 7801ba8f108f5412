"""KYB signals."""

from __future__ import annotations

from dataclasses import dataclass

from roca.signals.base import SignalRegistry
from roca.signals.context import SignalInput


@dataclass
class KybView:
    """Everything the kyb signals read, derived once per case."""

    input: SignalInput


def view(signal_input: SignalInput) -> KybView:
    return KybView(signal_input)


registry: SignalRegistry[KybView] = SignalRegistry("kyb")
