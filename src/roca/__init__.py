"""ROCA, the Risk Operations AI Agent."""

__version__ = "0.1.0"
