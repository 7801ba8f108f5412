"""``roca outbox``: what waits to be sent, dead letters back into the queue, a dispatch round."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from roca.cli.context import CLI_ACTOR, command_session, console, err_console, session_factory, settings
from roca.errors import RocaError

app = typer.Typer(help="The action outbox: decisions on their way downstream.", no_args_is_help=True)


@app.command("status")
def status() -> None:
    """How many actions are pending, sent and dead."""
    from roca.actions import outbox

    with command_session() as session:
        counts = outbox.counts_by_status(session)
    table = Table("status", "actions")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command("retry")
def retry(
    outbox_id: Annotated[int | None, typer.Option("--id", help="one dead action")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="every dead action")] = False,
) -> None:
    """Give dead actions a fresh set of attempts (after the receiver is fixed)."""
    from roca.actions import outbox

    if (outbox_id is None) == (not all_dead):
        err_console.print("give exactly one of --id N or --all-dead")
        raise typer.Exit(2)
    try:
        with command_session() as session:
            rows = outbox.retry(session, CLI_ACTOR, outbox_id=outbox_id, all_dead=all_dead)
    except RocaError as exc:  # not found, or not dead: say so plainly, no traceback
        err_console.print(exc.message)
        raise typer.Exit(1) from None
    console.print(f"{len(rows)} action(s) back in the queue")


@app.command("dispatch")
def dispatch(batch: Annotated[int, typer.Option(help="actions claimed per round")] = 100) -> None:
    """Send the actions due now, once (``roca worker`` does this continuously)."""
    from roca.actions import outbox
    from roca.actions.dispatch import Dispatcher, open_transport

    with open_transport(settings()) as transport:
        if transport is None:
            err_console.print("set ROCA_WEBHOOK_URL (and ROCA_WEBHOOK_SECRET) or ROCA_NATS_URL")
            raise typer.Exit(2)
        policy = outbox.RetryPolicy.from_settings(settings())
        counts = Dispatcher(session_factory(), transport, policy).dispatch_due(batch=batch)
    console.print(f"sent {counts.sent}, retrying {counts.retrying}, dead {counts.dead}")
