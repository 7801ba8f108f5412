"""``roca model``: the registry (list, show, promote, rollback) and scoring of pending cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from roca.cli.context import CLI_ACTOR, command_session, console, session_factory, settings

app = typer.Typer(help="Models: the registry and its champions.", no_args_is_help=True)


@app.command("list")
def list_models(case_type: Annotated[str | None, typer.Option()] = None) -> None:
    """Every model version, newest first."""
    from roca.agent import registry

    table = Table("version", "type", "status", "kind", "rows", "AUC", "ECE", "created", "by")
    with command_session() as session:
        for v in registry.versions(session, case_type):
            metrics = v.metrics or {}
            created = f"{v.created_at:%Y-%m-%d %H:%M}"
            table.add_row(
                v.version, v.case_type, v.status, v.kind, f"{v.training_rows:,}",
                _fmt(metrics.get("auc")), _fmt(metrics.get("ece")), created, v.created_by,
            )  # fmt: skip
    console.print(table)


@app.command("show")
def show(version: str) -> None:
    """One version: training window, features, metrics, status."""
    from roca.agent import registry

    with command_session() as session:
        v = registry.get(session, version)
        details = {
            "version": v.version,
            "case_type": v.case_type,
            "status": v.status,
            "kind": v.kind,
            "artifact_sha256": v.artifact_sha256,
            "trained_from": v.trained_from.isoformat() if v.trained_from else None,
            "trained_to": v.trained_to.isoformat() if v.trained_to else None,
            "training_rows": v.training_rows,
            "features": v.feature_names,
            "metrics": v.metrics,
            "promoted_at": v.promoted_at.isoformat() if v.promoted_at else None,
            "promoted_by": v.promoted_by,
            "notes": v.notes,
        }
    console.print_json(json.dumps(details))


@app.command("promote")
def promote(version: str) -> None:
    """Make VERSION its case type's champion (the previous one retires)."""
    from roca.agent import registry

    with command_session() as session:
        chosen = registry.promote(session, version, CLI_ACTOR)
        console.print(f"{chosen.version} is now the {chosen.case_type} champion")


@app.command("rollback")
def rollback(case_type: str) -> None:
    """Bring back the previous champion of CASE_TYPE and certify thresholds on its scores."""
    from roca.learning.service import rollback as roll_back

    with command_session() as session:
        chosen, policy = roll_back(session, settings(), case_type, CLI_ACTOR)
        console.print(
            f"{chosen.version} is the {case_type} champion again; policy {policy.version} is {policy.status}"
        )


@app.command("train")
def train(
    case_type: Annotated[str, typer.Option(help="ato, kyc, kyb or fraud")] = "ato",
    days: Annotated[int, typer.Option(help="simulated days in all")] = 30,
    test_days: Annotated[int, typer.Option(help="last days held out for the quality report")] = 10,
    per_day: Annotated[int, typer.Option(help="simulated cases a day")] = 1000,
    seed: int = 7,
    promote_: Annotated[bool, typer.Option("--promote", help="make it the champion at once")] = False,
    report_dir: Annotated[Path, typer.Option(help="where the quality report goes")] = Path("var/reports"),
) -> None:
    """Train a calibrated model on the simulated exchange and register it as a candidate."""
    from roca.agent import registry
    from roca.agent.training import train_on_simulation, write_report

    with console.status(f"replaying {days} simulated days and training the {case_type} model ..."):
        trained = train_on_simulation(case_type, days, per_day, seed, test_days)  # type: ignore[arg-type]
    with command_session() as session:
        version = registry.register_trained(
            session, trained, CLI_ACTOR, notes=f"trained on the simulated exchange (seed {seed})"
        )
        if promote_:
            registry.promote(session, version.version, CLI_ACTOR)
        name = version.version
    report = write_report(trained, name, report_dir)
    r = trained.report
    status = "champion" if promote_ else "candidate"
    console.print(
        f"registered {name} ({status}): AUC {r.auc:.4f}, Brier {r.brier:.4f}, log loss {r.log_loss:.4f}, "
        f"ECE {r.ece:.4f} on {r.n:,} held-out cases; report {report}"
    )


@app.command("report")
def report(
    version: str,
    out: Annotated[Path, typer.Option(help="folder for the Markdown report and PNG")] = Path("var/reports"),
) -> None:
    """AUC, Brier, log loss, ECE and tail ECE with a reliability diagram, on the version's held-out days."""
    from roca.agent import registry
    from roca.agent.training import reevaluate, write_report

    with command_session() as session:
        stored = registry.get(session, version)
        data, case_type, estimator = (
            dict(stored.metrics.get("data") or {}),
            stored.case_type,
            registry.load(stored),
        )
    if data.get("source") != "simulation":
        console.print(
            f"{version} was not trained on the simulator; reports on labelled cases come with learning"
        )
        raise typer.Exit(2)
    with console.status(f"replaying the held-out days of {version} ..."):
        measured = reevaluate(estimator, case_type, data)  # type: ignore[arg-type]
    path = write_report(measured, version, out)
    r = measured.report
    console.print(
        f"{version}: AUC {r.auc:.4f}, Brier {r.brier:.4f}, log loss {r.log_loss:.4f}, ECE {r.ece:.4f}"
    )
    console.print(f"report: {path}")


def score(limit: Annotated[int, typer.Option(help="cases per committed batch")] = 500) -> None:
    """Score every case that arrived and was not scored yet."""
    from roca.agent.service import scorer_for
    from roca.agent.worker import score_until_idle

    scored = score_until_idle(session_factory(), scorer_for(settings()), batch=limit)
    console.print(f"scored {scored} cases")


def worker(interval: Annotated[float, typer.Option(help="seconds between polls")] = 1.0) -> None:
    """Score cases as they arrive and dispatch decided actions, until interrupted (run several on
    PostgreSQL to scale out)."""
    import threading

    from roca.actions.dispatch import run_dispatch_loop
    from roca.agent.service import scorer_for
    from roca.agent.worker import ScoringLoop

    stop = threading.Event()
    dispatcher = threading.Thread(
        target=run_dispatch_loop,
        args=(session_factory(), settings(), stop),
        name="roca-dispatch",
        daemon=True,
    )
    dispatcher.start()
    loop = ScoringLoop(session_factory(), scorer_for(settings()), interval)
    console.print("scoring cases and dispatching actions; Ctrl-C stops")
    try:
        loop.run()
    except KeyboardInterrupt:
        loop.stop()
        stop.set()


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-"
