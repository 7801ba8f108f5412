"""Engine, sessions and the declarative base."""

from roca.storage.base import Base
from roca.storage.engine import make_engine, make_session_factory, session_scope

__all__ = ["Base", "make_engine", "make_session_factory", "session_scope"]
