"""What every command needs: settings, an engine, one session committed at the command's edge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from roca.config import Settings, get_settings
from roca.storage import make_engine, make_session_factory, session_scope

console = Console()
err_console = Console(stderr=True)


@lru_cache(maxsize=1)
def engine() -> Engine:
    return make_engine(settings())


def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    return make_session_factory(engine())


@contextmanager
def command_session() -> Iterator[Session]:
    with session_scope(session_factory()) as session:
        yield session


CLI_ACTOR = "cli"
