"""KYC signals."""

from __future__ import annotations

from dataclasses import dataclass

from roca.signals.base import SignalRegistry
from roca.signals.context import SignalInput


@dataclass
class KycView:
    """Everything the kyc signals read, derived once per case."""

    input: SignalInput


def view(signal_input: SignalInput) -> KycView:
    return KycView(signal_input)


registry: SignalRegistry[KycView] = SignalRegistry("kyc")
