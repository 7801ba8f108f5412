from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from roca.auth import repository, service
from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.secrets import new_password
from roca.cli.context import CLI_ACTOR, command_session, console, err_console

user_app = typer.Typer(help="People who use ROCA.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (sent as 'Authorization: Bearer <token>').", no_args_is_help=True)


@user_app.command("create")
def create(
    username: str,
    role: Annotated[Role, typer.Option(help="what the user may do")],
    password: Annotated[str | None, typer.Option(help="generated and printed if omitted")] = None,
    display_name: str = "",
    language: Annotated[str, typer.Option(help="UI language: en or zh")] = "en",
) -> None:
    """Create a user."""
    secret = password or new_password()
    try:
        data = UserCreate(
            username=username, password=secret, role=role, display_name=display_name, language=language
        )
    except ValidationError as exc:
        for err in exc.errors():
            err_console.print(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
        raise typer.Exit(2) from exc
    with command_session() as session:
        service.create_user(session, data, CLI_ACTOR)
    console.print(f"created {role.value} [bold]{username}[/]")
    if password is None:
        console.print(f"password (shown once): [bold]{secret}[/]")


@user_app.command("list")
def list_users() -> None:
    """List users."""
    table = Table("id", "username", "role", "language", "active")
    with command_session() as session:
        for user in repository.list_users(session):
            table.add_row(
                str(user.id), user.username, user.role, user.language, "yes" if user.is_active else "no"
            )
    console.print(table)


@token_app.command("create")
def create_token(
    user: Annotated[str, typer.Option(help="username the token acts as")],
    name: Annotated[str, typer.Option(help="a label, e.g. the client's name")] = "cli",
    ttl_days: Annotated[int | None, typer.Option(help="expire after this many days")] = None,
) -> None:
    """Create a token and print it (only once; only its hash is stored)."""
    with command_session() as session:
        owner = service.get_user(session, user)
        created = service.create_token(
            session, owner, name, CLI_ACTOR, ttl=timedelta(days=ttl_days) if ttl_days else None
        )
    print(created.token)


@token_app.command("revoke")
def revoke_token(token_id: int) -> None:
    """Revoke a token by id (see `roca token list`)."""
    with command_session() as session:
        service.revoke_token(session, token_id, CLI_ACTOR)
    console.print(f"token {token_id} revoked")


@token_app.command("list")
def list_tokens(user: str) -> None:
    """A user's tokens (prefixes only)."""
    table = Table("id", "name", "prefix", "created", "last used", "revoked")
    with command_session() as session:
        owner = service.get_user(session, user)
        for token in repository.tokens_of(session, owner.id):
            table.add_row(
                str(token.id),
                token.name,
                token.prefix + "…",
                f"{token.created_at:%Y-%m-%d %H:%M}",
                f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "-",
                f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "-",
            )
    console.print(table)
