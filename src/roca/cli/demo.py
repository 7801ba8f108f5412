"""``roca demo``: a working ROCA on the embedded SQLite default, from nothing, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roca.auth import repository
from roca.auth.service import create_token
from roca.cases.bulk import BulkIngest
from roca.cases.files import CaseFile
from roca.cli.context import CLI_ACTOR, command_session, console, session_factory, settings
from roca.cli.db import init
from roca.cli.serve import serve

DEMO_ADMIN, DEMO_ADMIN_PASSWORD = "admin", "roca-demo-admin"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "cases"


def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    examples: Annotated[Path, typer.Option(help="folder of case files to load")] = EXAMPLES,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="set up and load, but do not serve")] = False,
) -> None:
    """Create the database, load the contract examples, print how to log in, and serve."""
    if not settings().dev_mode:
        console.print("[bold red]roca demo runs only with ROCA_ENV=dev[/] (its admin password is published)")
        raise typer.Exit(2)
    init(admin_username=DEMO_ADMIN, admin_password=DEMO_ADMIN_PASSWORD)
    files = [CaseFile(p) for p in sorted(examples.glob("*.json*"))]
    tally = BulkIngest(session_factory(), "demo").run(files)
    console.print(f"loaded {tally.created} new cases ({tally.duplicate} already there) from {examples}")
    from roca.agent.service import Scorer
    from roca.agent.worker import score_until_idle

    console.print(f"scored {score_until_idle(session_factory(), Scorer())} cases")
    with command_session() as session:
        admin = repository.user_by_username(session, DEMO_ADMIN)
        assert admin is not None
        token = create_token(session, admin, "demo", CLI_ACTOR).token
    _print_welcome(host, port, token)
    if not no_serve:
        serve(host=host, port=port, workers=1)


def _print_welcome(host: str, port: int, token: str) -> None:
    base = f"http://{host}:{port}"
    console.print(
        f"""
[bold]ROCA is ready[/] on {settings().resolved_database_url}
  console       {base}/
  API docs      {base}/api/v1/docs
  admin login   {DEMO_ADMIN} / {DEMO_ADMIN_PASSWORD}
  API token     {token}

  curl -H 'Authorization: Bearer {token}' {base}/api/v1/cases
""",
        highlight=False,
        soft_wrap=True,
    )
