"""Account-takeover (ATO) signals.

Definitions follow the ATO signal reference in the design notes (risk-based authentication papers,
Microsoft riskEventType, Castle and Sardine docs, exchange withdrawal locks).  Every function reads the
:class:`~roca.signals.ato_view.AtoView` built once per case and returns a number or a flag: None when
the timeline cannot answer (no withdrawal, no history to compare with, no balance).
"""

from __future__ import annotations

# The groups register their signals on import, in catalog order.
from roca.signals import ato_access, ato_security, ato_withdrawal  # noqa: F401
from roca.signals.ato_view import AtoView, view
from roca.signals.ato_wording import registry

__all__ = ["AtoView", "registry", "view"]
