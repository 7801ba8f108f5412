"""Shared fixtures: settings, real databases (SQLite and PostgreSQL), the app, users with tokens."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.service import create_token, create_user
from roca.config import Settings
from roca.storage import Base, make_engine, make_session_factory, session_scope
from roca.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("ROCA_TEST_POSTGRES_URL", DEFAULT_PG)


def _postgres_reachable(url: str) -> str | None:
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a reachable PostgreSQL.  In CI an unreachable server fails the run."""
    url = postgres_admin_url()
    problem = _postgres_reachable(url)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable at {url} in CI: {problem}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {problem} (set ROCA_TEST_POSTGRES_URL)")
    return url


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, migrated database for this test worker, dropped at the end."""
    name = f"roca_test_{_worker()}_{os.getpid()}"
    admin = _libpq(postgres_server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(Settings(env="test", database_url=url))
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating every time would be slow)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "roca.db"
    engine = make_engine(Settings(env="test", database_url=f"sqlite:///{path}"))
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # A test that leaves a transaction open would make TRUNCATE wait for ever: fail fast instead.
        conn.execute(text("SET LOCAL lock_timeout = '20s'"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "roca.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(Settings(env="test", database_url=url))
    _truncate_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(env="test", database_url=database_url, data_dir=tmp_path, embedded_scoring=False)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client


TokenFor = Callable[[Role], dict[str, str]]


@pytest.fixture
def auth_headers(session_factory: sessionmaker[Session]) -> TokenFor:
    """Authorization headers for a fresh user of the given role."""
    made: dict[Role, dict[str, str]] = {}

    def headers(role: Role) -> dict[str, str]:
        if role not in made:
            with session_scope(session_factory) as session:
                user = create_user(
                    session,
                    UserCreate(username=f"{role.value}-user", password="s3cret-pass", role=role),
                    "test",
                )
                token = create_token(session, user, "test", "test")
            made[role] = {"Authorization": f"Bearer {token.token}"}
        return made[role]

    return headers


def cli_env(settings: Settings, **extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCA_")}
    env.update({"ROCA_ENV": "test", "ROCA_DATABASE_URL": settings.resolved_database_url, "NO_COLOR": "1"})
    env.update({"COLUMNS": "200", **extra})
    return env
