"""``roca simulate``: a simulated exchange's cases, with ground truth, written to files; and the
closed loop, in which ROCA learns from simulated reviewers day after day."""

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
    from roca.learning.closed_loop import LoopConfig, LoopResult
    from roca.learning.loop_metrics import DayRecord
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


@app.command()
def run(
    days: Annotated[int, typer.Option(min=1, help="simulated days")] = 30,
    per_day: Annotated[int, typer.Option(min=1, help="cases the exchange sends a day")] = 400,
    seed: Annotated[int, typer.Option(help="same seed, same arguments: the same run")] = 0,
    case_type: Annotated[CaseType, typer.Option(help="the segment to simulate")] = "ato",
    novel_from: Annotated[
        int | None, typer.Option(min=0, help="day the novel ATO campaign starts (default: never)")
    ] = None,
    reviewers: Annotated[int, typer.Option(min=1, help="simulated reviewers")] = 6,
    qa_analysts: Annotated[int, typer.Option(min=1, help="simulated QA analysts (blind audits)")] = 1,
    capacity: Annotated[int, typer.Option(min=1, help="tasks each person decides a day at most")] = 60,
    speed: Annotated[float, typer.Option(min=0.1, help="tasks each person decides an hour")] = 12.0,
    reviewer_error: Annotated[
        float, typer.Option(min=0.0, max=0.49, help="share of wrong human decisions")
    ] = 0.02,
    alpha: Annotated[float, typer.Option(min=0.0001, max=0.49, help="target error of automation")] = 0.01,
    delta: Annotated[
        float, typer.Option(min=0.0001, max=0.49, help="1 - confidence of the guarantee")
    ] = 0.05,
    out: Annotated[Path | None, typer.Option(help="report folder (default var/closed-loop/SEED)")] = None,
    expert_cases: Annotated[
        int,
        typer.Option(min=0, help="cases the reference model of case ambiguity trains on (0: by scenario)"),
    ] = 6000,
    eval_share: Annotated[
        float | None, typer.Option(min=0.01, max=0.99, help="newest share of labels held out (certification)")
    ] = None,
    min_labelled: Annotated[
        int | None, typer.Option(min=1, help="fewest labelled cases before a threshold is tested")
    ] = None,
    qa_rate: Annotated[
        float | None, typer.Option(min=0.001, max=1.0, help="share of automatic decisions audited blind")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="an empty database to run in (default: a fresh SQLite file in OUT)")
    ] = None,
) -> None:
    """Run ROCA in a closed loop: each day the simulated exchange sends cases, ROCA routes them,
    simulated reviewers work the queue, and every night ROCA retrains and recertifies."""
    from roca.learning.closed_loop import LoopConfig, default_out

    config = LoopConfig(
        seed=seed, days=days, per_day=per_day, case_type=case_type, novel_from=novel_from,
        reviewers=reviewers, qa_analysts=qa_analysts, capacity=capacity, reviewer_error=reviewer_error,
        speed=speed, alpha=alpha, delta=delta, expert_cases=expert_cases, eval_share=eval_share,
        min_labelled=min_labelled, qa_rate=qa_rate,
    )  # fmt: skip
    folder = out or default_out(seed)
    result = _run_loop(config, folder, database_url)
    from roca.learning.loop_report import summary, write_report

    report = write_report(result, folder)
    _loop_summary(summary(result), report)


def _run_loop(config: LoopConfig, folder: Path, database_url: str | None) -> LoopResult:
    from roca.cli.context import settings as deployment
    from roca.learning.closed_loop import run_closed_loop
    from roca.storage import make_engine, make_session_factory
    from roca.storage.migrate import upgrade

    folder.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database = folder / "closed-loop.db"
        for stale in (database, folder / "closed-loop.db-wal", folder / "closed-loop.db-shm"):
            stale.unlink(missing_ok=True)  # each run starts from an empty exchange
        database_url = f"sqlite:///{database.resolve()}"
    settings = deployment().model_copy(update={"database_url": database_url, "data_dir": folder})
    engine = make_engine(settings)
    try:
        upgrade(engine)
        with Progress(
            TextColumn("closed loop"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("days {task.description}"),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress:
            task = progress.add_task("", total=config.days)

            def advance(record: DayRecord) -> None:
                night = "promoted" if record.promoted else "kept"
                progress.update(
                    task,
                    advance=1,
                    description=f"day {record.day}: automated {record.automation_rate:.0%}, "
                    f"backlog {record.backlog}, {night}" + (", contracted" if record.contractions else ""),
                )

            return run_closed_loop(config, settings, make_session_factory(engine), on_day=advance)
    finally:
        engine.dispose()


def _loop_summary(figures: dict[str, Any], report: Path) -> None:
    table = Table("figure", "value", title="closed loop")
    table.add_row("automation, first day", _pct(figures["automation_first_day"]))
    table.add_row("automation, last day", _pct(figures["automation_last_day"]))
    table.add_row("true error of automatic decisions", _pct(figures["true_error_overall"], 2))
    table.add_row("worst 5-day window", _pct(figures["true_error_worst_window"], 2))
    table.add_row("promotions", str(len(figures["promotions"])))
    table.add_row("contractions", str(len(figures["contractions"])))
    for name, met in figures["checks"].items():
        table.add_row(name.replace("_", " "), "yes" if met else "no")
    console.print(table)
    console.print(f"report written to {report}")


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}%}"
