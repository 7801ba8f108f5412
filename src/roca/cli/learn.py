"""``roca learn``: retrain from reviewers' labels, compare each challenger with its champion on the
newest labels, promote when asked; ``roca learn rollback`` brings the previous champion back."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from roca.cli.context import CLI_ACTOR, command_session, console, err_console, settings

app = typer.Typer(
    help="Learning from reviewers' labels: retrain, compare with the champion, promote, roll back.",
)
CaseTypes = Annotated[list[str] | None, typer.Option("--case-type", help="ato, kyc, kyb or fraud (repeat)")]
AsUser = Annotated[
    str | None, typer.Option("--as", help="the ML engineer or risk lead acting (default: the operator)")
]


@app.callback(invoke_without_command=True)
def learn(
    ctx: typer.Context,
    promote_: Annotated[bool, typer.Option("--promote", help="promote challengers that win")] = False,
    case_type: CaseTypes = None,
    as_user: AsUser = None,
) -> None:
    """Retrain each case type on its labels and measure challenger against champion."""
    if ctx.invoked_subcommand is not None:
        return
    from roca.errors import RocaError
    from roca.learning.service import run_learning

    try:
        with (
            console.status("retraining on the labels and measuring against the champions ..."),
            command_session() as session,
        ):
            actor = _actor(session, as_user)
            run = run_learning(session, settings(), actor=actor, promote=promote_, case_types=case_type)
            run_id, results, policy = run.id, dict(run.results), run.policy_version
    except RocaError as exc:
        err_console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc
    console.print(_comparison(run_id, results))
    for name, result in results.items():
        console.print(
            f"{name}: {'promoted' if result.get('promoted') else 'not promoted'}: {result['reason']}"
        )
    if policy:
        console.print(f"thresholds certified on the new champion's scores: policy {policy}")


@app.command("rollback")
def rollback(
    case_type: Annotated[str, typer.Option("--case-type", help="ato, kyc, kyb or fraud")],
    as_user: AsUser = None,
) -> None:
    """Bring back the previous champion and certify thresholds on its scores."""
    from roca.errors import RocaError
    from roca.learning.service import rollback as roll_back

    try:
        with command_session() as session:
            restored, policy = roll_back(session, settings(), case_type, _actor(session, as_user))
            console.print(
                f"{restored.version} is the {case_type} champion again; "
                f"policy {policy.version} is {policy.status}"
            )
    except RocaError as exc:
        err_console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc


def _actor(session: Any, username: str | None) -> str:
    """The named person, who must be allowed to manage models or approve policies."""
    if username is None:
        return CLI_ACTOR
    from roca.auth.roles import Permission, has_permission
    from roca.auth.service import get_user
    from roca.errors import Forbidden

    user = get_user(session, username)
    if not any(has_permission(user.role, p) for p in (Permission.MODELS_MANAGE, Permission.POLICY_APPROVE)):
        raise Forbidden(f"{username} ({user.role}) may not run or promote models")
    return user.username


def _comparison(run_id: int, results: dict[str, Any]) -> Table:
    table = Table(
        "segment", "", "model", "held-out labels", "AUC", "Brier", "ECE", "certified coverage",
        "auto-clear p <=", "auto-act p >=",
        title=f"learning run {run_id}: challenger against champion on the newest labels",
    )  # fmt: skip
    for name, result in results.items():
        if result["status"] != "done":
            table.add_row(name, "skipped", "-", f"0 of {result.get('labels', 0):,}", *["-"] * 6)
            continue
        labels = f"{result['eval_rows']:,} of {result['labels']:,} ({result['noisy']} noisy)"
        for role in ("challenger", "champion"):
            figures = result.get(role)
            if figures is None:
                table.add_row(name, role, "none", labels, *["-"] * 6)
                continue
            table.add_row(
                name, role, figures["model"], labels, _f(figures["auc"]), _f(figures["brier"]),
                _f(figures["ece"]), f"{figures['coverage']:.1%}", _f(figures["auto_clear"], 3),
                _f(figures["auto_act"], 3),
            )  # fmt: skip
    return table


def _f(value: object, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else "-"
