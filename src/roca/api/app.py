"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from roca import __version__
from roca.api.errors import install_error_handlers
from roca.api.limits import BodySizeLimit
from roca.api.openapi import publish_models
from roca.api.routes import admin, approvals, cases, health, learning, policy, review
from roca.cases.schemas import CaseIn
from roca.config import Settings
from roca.storage import make_engine, make_session_factory
from roca.web.app import install_web

API_PREFIX = "/api/v1"


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    settings.require_safe_secret()
    engine = engine or make_engine(settings)
    app = FastAPI(
        lifespan=_lifespan,
        title="ROCA API",
        version=__version__,
        description=(
            "Risk Operations AI Agent. Authenticate with `Authorization: Bearer <token>` "
            "(create one with `roca token create`)."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (cases, review, approvals, policy, learning, admin):
        app.include_router(module.router, prefix=API_PREFIX)
    publish_models(app, [CaseIn])
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    install_web(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The embedded scoring loop: the SQLite default needs no separate worker process."""
    loop = None
    if app.state.settings.embedded_scoring:
        from roca.agent.service import scorer_for
        from roca.agent.worker import ScoringLoop

        scorer = scorer_for(app.state.settings)
        loop = ScoringLoop(app.state.session_factory, scorer, app.state.settings.scoring_interval_seconds)
        loop.start()
    yield
    if loop is not None:
        loop.stop()
        loop.join(timeout=10)


def app_factory() -> Any:
    """Entry point for ``uvicorn --factory roca.api.app:app_factory``."""
    from roca.config import get_settings

    return create_app(get_settings())
