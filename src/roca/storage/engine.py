from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from roca.config import Settings


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


def make_engine(settings: Settings, **overrides: Any) -> Engine:
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        return _make_sqlite_engine(settings, url.database, **overrides)
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_size,
        **JSON_OPTIONS,
    }
    options.update(overrides)
    return create_engine(url, pool_pre_ping=True, **options)


def _make_sqlite_engine(settings: Settings, database: str | None, **overrides: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        settings.resolved_database_url,
        connect_args={"check_same_thread": False},
        **{**JSON_OPTIONS, **overrides},
    )
    busy_timeout = settings.sqlite_busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below own transactions instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Intake inserts into several indexes in hash order; a page cache of 64 MiB keeps them warm.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY (not a wait) when another writer committed in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


_AFTER_COMMIT = "roca.after_commit"
_PROCESS_CACHE = "roca.process_cache"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose commit first writes the audit rows queued during the unit of work, then runs
    the callbacks registered with :func:`after_commit`."""
    from roca.audit.writer import discard_pending, write_pending

    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True, info={_PROCESS_CACHE: {}})
    event.listen(factory, "before_commit", write_pending)
    event.listen(factory, "after_commit", _run_after_commit)
    event.listen(factory, "after_rollback", discard_pending)
    event.listen(factory, "after_rollback", _drop_after_commit)
    return factory


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once this unit of work has committed; never if it rolls back."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def process_cache(session: Session) -> dict[str, Any]:
    """A dict shared by every session of one factory: for caches of facts that commits make true
    and that nothing makes false again (e.g. "this event is stored")."""
    cache: dict[str, Any] = session.info[_PROCESS_CACHE]
    return cache


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, ()):
        callback()


def _drop_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
