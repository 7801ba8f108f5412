"""Account-takeover (ATO) signals."""

from __future__ import annotations

from dataclasses import dataclass

from roca.signals.base import SignalRegistry
from roca.signals.context import SignalInput


@dataclass
class AtoView:
    """Everything the ato signals read, derived once per case."""

    input: SignalInput


def view(signal_input: SignalInput) -> AtoView:
    return AtoView(signal_input)


registry: SignalRegistry[AtoView] = SignalRegistry("ato")
