from __future__ import annotations

import typer

from roca.audit.service import verify_chain
from roca.cli.context import command_session, console, err_console

app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every row's hash and link; name the first broken row.  Exit 1 if the chain is broken."""
    with command_session() as session:
        report = verify_chain(session)
    if report.first_break is None:
        console.print(f"audit chain intact: {report.rows_checked} rows verified")
        return
    broken = report.first_break
    err_console.print(
        f"[bold red]audit chain broken at row {broken.seq}[/]: {broken.reason} "
        f"({report.rows_checked} rows before it verified)"
    )
    raise typer.Exit(1)
