from __future__ import annotations

from typing import Annotated

import typer

from roca.cli.context import engine, err_console, settings


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (PostgreSQL deployments)")] = 1,
) -> None:
    """Serve the API (and, later, the console) with uvicorn."""
    import uvicorn

    from roca.storage.migrate import current_revision, head_revision

    settings().require_safe_secret()
    if current_revision(engine()) != head_revision():
        err_console.print("the database schema is not current: run `roca db upgrade` (or `roca init`) first")
        raise typer.Exit(1)
    uvicorn.run("roca.api.app:app_factory", factory=True, host=host, port=port, workers=workers)
