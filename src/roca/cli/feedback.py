"""``roca feedback``: what reviewers keep telling ROCA, for ML engineers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from roca.cli.context import command_session, err_console

app = typer.Typer(help="Reviewer feedback: the blind-spot report.", no_args_is_help=True)


class ReportFormat(StrEnum):
    md = "md"
    jsonl = "jsonl"


@app.command("report")
def report(
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="md: a readable report; jsonl: one finding per line")
    ] = ReportFormat.md,
    since: Annotated[
        str | None,
        typer.Option(help="window start, YYYY-MM-DD or ISO time (UTC); default: --days before --until"),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="window end, a day inclusive or an ISO time; default: the latest human decision's day"
        ),
    ] = None,
    days: Annotated[int, typer.Option(min=1, help="window length when --since is not given")] = 7,
    baseline_days: Annotated[int, typer.Option(min=0, help="days before the window to compare with")] = 28,
    top: Annotated[int, typer.Option(min=1, help="findings listed first in the Markdown report")] = 10,
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None,
) -> None:
    """Root causes, signals marked misleading or missing, and annotation clusters, per segment,
    ranked so that what is frequent and new since the baseline comes first."""
    start, end = _moment(since, "--since", False), _moment(until, "--until", True)
    from roca.errors import RocaError
    from roca.learning.blindspot_render import jsonl, markdown
    from roca.learning.blindspot_service import blind_spot_report

    try:
        with command_session() as session:
            found = blind_spot_report(session, start, end, days, baseline_days)
    except RocaError as exc:
        err_console.print(exc.message)
        raise typer.Exit(2) from None
    text = markdown(found, top) if output_format is ReportFormat.md else jsonl(found)
    if found.empty:
        err_console.print("no human decisions in the report window or its baseline: nothing to report yet")
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {out} ({len(found.top(len(found.findings)))} findings in the window)")


def _moment(value: str | None, option: str, day_inclusive: bool) -> datetime | None:
    """A bare date means the start of that day (UTC), or its end for an inclusive --until."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        err_console.print(f"{option}: not a date or ISO time: {value!r}")
        raise typer.Exit(2) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    is_day = len(value) == len("YYYY-MM-DD")
    return parsed + timedelta(days=1) if is_day and day_inclusive else parsed
