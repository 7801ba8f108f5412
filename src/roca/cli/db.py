from __future__ import annotations

from typing import Annotated

import typer

from roca.auth import repository
from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.secrets import new_password
from roca.auth.service import create_user
from roca.cli.context import CLI_ACTOR, command_session, console, engine, settings

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(revision: str = "head") -> None:
    """Migrate the database to the latest schema (or REVISION)."""
    from roca.storage.migrate import current_revision, upgrade

    upgrade(engine(), revision)
    console.print(f"database at revision [bold]{current_revision(engine())}[/]")


@app.command("current")
def current_command() -> None:
    """Show the database's schema revision and the newest one this code knows."""
    from roca.storage.migrate import current_revision, head_revision

    console.print(f"database: {current_revision(engine()) or 'empty'}   code: {head_revision()}")


def init(
    admin_username: Annotated[str, typer.Option(help="name of the first administrator")] = "admin",
    admin_password: Annotated[
        str | None, typer.Option(help="password for the first administrator; generated if omitted")
    ] = None,
) -> None:
    """Create or migrate the database and make sure a first administrator exists."""
    from roca.storage.migrate import upgrade

    upgrade(engine())
    console.print(f"database ready: {settings().resolved_database_url}")
    with command_session() as session:
        if repository.user_by_username(session, admin_username) is not None:
            console.print(f"administrator [bold]{admin_username}[/] already exists")
            return
        password = admin_password or new_password()
        create_user(
            session,
            UserCreate(
                username=admin_username, password=password, role=Role.ADMIN, display_name="Administrator"
            ),
            CLI_ACTOR,
        )
    console.print(f"created administrator [bold]{admin_username}[/]")
    if admin_password is None:
        console.print(f"password (shown once): [bold]{password}[/]")
