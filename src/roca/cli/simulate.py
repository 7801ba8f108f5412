"""``roca simulate``: a simulated exchange's cases, with ground truth, written to files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from roca.cases.schemas import CaseType
from roca.cli.context import console, err_console

if TYPE_CHECKING:  # the simulator loads only when a simulate command runs
    from roca.simulate import SimulationConfig
    from roca.simulate.world import SimulatedCase

app = typer.Typer(
    help="A simulated exchange: cases with ground truth, for learning and demos.", no_args_is_help=True
)


@app.command()
def generate(
    out: Annotated[
        Path, typer.Option(help="folder for day-NNN.jsonl, truth.jsonl, watchlist.csv, manifest.json")
    ],
    days: Annotated[int, typer.Option(min=1, help="days to simulate")] = 7,
    per_day: Annotated[int, typer.Option(min=1, help="cases per day, all types together")] = 1000,
    seed: Annotated[int, typer.Option(help="same seed, same arguments: byte-identical files")] = 0,
    case_types: Annotated[str | None, typer.Option(help="only these types, e.g. ato,kyc")] = None,
    mix: Annotated[
        str | None, typer.Option(help="shares per type, e.g. ato=0.7,kyc=0.15,kyb=0.05,fraud=0.1")
    ] = None,
    novel_from_day: Annotated[
        int | None, typer.Option(min=0, help="switch the novel ATO campaign on")
    ] = None,
    ato_true_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="share of ATO alerts that are ATO")
    ] = 0.2,
) -> None:
    """Simulate DAYS days of upstream alerts and write them as contract JSONL with ground truth."""
    from roca.simulate import Exchange
    from roca.simulate.output import write_run

    config = _config(seed, per_day, case_types, mix, novel_from_day, ato_true_rate)
    started = time.perf_counter()
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("days", total=days)

        def advance(day: int, cases: list[SimulatedCase]) -> None:
            progress.update(task, completed=day + 1)

        manifest = write_run(Exchange(config), days, out, on_day=advance)
    _summary(manifest, out, time.perf_counter() - started)


def _config(
    seed: int,
    per_day: int,
    case_types: str | None,
    mix: str | None,
    novel_from_day: int | None,
    ato_true_rate: float,
) -> SimulationConfig:
    from roca.simulate import SimulationConfig
    from roca.simulate.config import mix_for_types, parse_mix

    if case_types and mix:
        err_console.print("give --case-types or --mix, not both")
        raise typer.Exit(2)
    fields: dict[str, Any] = {"seed": seed, "per_day": per_day, "ato_true_rate": ato_true_rate}
    fields["novel_from_day"] = novel_from_day
    try:
        if case_types or mix:
            chosen: dict[CaseType, float] = mix_for_types(case_types) if case_types else parse_mix(mix or "")
            fields["mix"] = chosen
        return SimulationConfig(**fields)
    except (ValueError, ValidationError) as exc:
        err_console.print(f"invalid arguments: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc


def _summary(manifest: dict[str, Any], out: Path, seconds: float) -> None:
    table = Table(
        "case type",
        "scenario",
        "correct decision",
        "cases",
        "share",
        title=f"simulated {manifest['days']} days",
    )
    labels: dict[str, str] = manifest["scenario_labels"]
    for case_type, scenarios in manifest["scenarios"].items():
        total = sum(scenarios.values())
        for index, (scenario, count) in enumerate(scenarios.items()):
            label = labels[f"{case_type}/{scenario}"]
            table.add_row(
                case_type if index == 0 else "", scenario, label, str(count), f"{count / total:.1%}"
            )
    console.print(table)
    rate = manifest["cases"] / seconds if seconds > 0 else 0.0
    console.print(f"{manifest['cases']} cases in {seconds:.1f} s ({rate:,.0f}/s) written to {out}")
