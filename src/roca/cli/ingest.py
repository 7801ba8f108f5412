from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from roca.cases.bulk import BulkIngest, IngestTally, LineProblem
from roca.cases.files import CaseFile
from roca.cli.context import console, err_console, session_factory

MAX_PRINTED_PROBLEMS = 1000


def ingest(
    files: Annotated[list[Path], typer.Argument(help=".json, .jsonl or .ndjson files, optionally .gz")],
    strict: Annotated[bool, typer.Option(help="store nothing unless every line is good")] = False,
    chunk_size: Annotated[int, typer.Option(help="cases committed per transaction")] = 1000,
) -> None:
    """Validate and store cases from files; report each bad line as file:line: field: reason."""
    case_files = _open_all(files)
    started = time.perf_counter()
    printed = 0

    def report(problem: LineProblem) -> None:
        nonlocal printed
        printed += 1
        if printed <= MAX_PRINTED_PROBLEMS:
            err_console.print(str(problem), markup=False, highlight=False, emoji=False, soft_wrap=True)

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        tasks: dict[Path, TaskID] = {f.path: progress.add_task(f.path.name, total=f.size) for f in case_files}

        def advance(case_file: CaseFile) -> None:
            progress.update(tasks[case_file.path], completed=case_file.position())

        job = BulkIngest(session_factory(), "cli:ingest", chunk_size, on_problem=report, on_progress=advance)
        tally = job.run(case_files, strict=strict)
    if printed > MAX_PRINTED_PROBLEMS:
        err_console.print(f"... and {printed - MAX_PRINTED_PROBLEMS} more problems")
    _summary(tally, time.perf_counter() - started, strict)
    if tally.failed:
        raise typer.Exit(1)


def _open_all(files: list[Path]) -> list[CaseFile]:
    opened = []
    for path in files:
        if not path.is_file():
            err_console.print(f"{path}: no such file")
            raise typer.Exit(2)
        try:
            opened.append(CaseFile(path))
        except ValueError as exc:
            err_console.print(str(exc))
            raise typer.Exit(2) from exc
    return opened


def _summary(tally: IngestTally, seconds: float, strict: bool) -> None:
    table = Table(
        "lines", "created", "duplicate", "conflict", "invalid", "seconds", "lines/s", title="ingest"
    )
    rate = tally.lines / seconds if seconds > 0 else 0.0
    table.add_row(
        *(str(v) for v in (tally.lines, tally.created, tally.duplicate, tally.conflict, tally.invalid)),
        f"{seconds:.1f}",
        f"{rate:,.0f}",
    )
    console.print(table)
    if strict and tally.failed:
        console.print(f"--strict: {tally.failed} lines failed, so nothing was stored")
