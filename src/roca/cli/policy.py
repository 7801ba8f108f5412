"""``roca policy``: the automation boundary in force, recomputing it, approving a new version."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from roca.cli.context import CLI_ACTOR, command_session, console, settings

app = typer.Typer(help="The automation policy (certified thresholds per segment).", no_args_is_help=True)


@app.command("show")
def show(version: Annotated[str | None, typer.Argument(help="default: the active version")] = None) -> None:
    """Thresholds, alpha, delta and the labels behind them."""
    from sqlalchemy import select

    from roca.models import PolicyVersion
    from roca.policy.service import active

    with command_session() as session:
        if version:
            policy = session.scalar(select(PolicyVersion).where(PolicyVersion.version == version))
        else:
            policy = active(session)
        if policy is None:
            console.print("no policy in force: ROCA decides nothing alone (every case goes to people)")
            return
        table = Table(
            "segment", "auto-clear p <=", "auto-act p >=", "alpha", "delta", "labels", title=policy.version
        )
        for case_type, segment in policy.segments.items():
            table.add_row(
                case_type, _t(segment.get("auto_clear")), _t(segment.get("auto_act")),
                f"{segment['alpha']:.3f}", f"{segment['delta']:.3f}", str(segment.get("labelled", 0)),
            )  # fmt: skip
        console.print(table)
        console.print(
            f"status {policy.status}; proposed by {policy.proposed_by}; approved by {policy.approved_by}"
        )


@app.command("recompute")
def recompute(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Propose a new version from the labels gathered so far (Learn-then-Test per segment)."""
    from roca.policy.service import recompute as propose

    with command_session() as session:
        policy = propose(session, CLI_ACTOR, settings())
        name, segments = policy.version, policy.segments
    if as_json:
        print(json.dumps(segments, indent=2, ensure_ascii=False))
    console.print(
        f"proposed policy {name}; a risk lead approves it with `roca policy approve {name} --as NAME`"
    )


@app.command("approve")
def approve(
    version: str,
    as_user: Annotated[str | None, typer.Option("--as", help="the approving risk lead")] = None,
) -> None:
    """Activate a proposed version (four-eyes: not by its proposer; or automatic where allowed)."""
    from roca.auth.roles import Role
    from roca.auth.schemas import Principal
    from roca.auth.service import get_user
    from roca.policy.service import approve as activate

    with command_session() as session:
        who = None
        if as_user:
            user = get_user(session, as_user)
            who = Principal(user_id=user.id, username=user.username, role=Role(user.role))
        policy = activate(session, version, who, settings())
        console.print(f"policy {policy.version} is active (approved by {policy.approved_by})")


@app.command("shadow")
def shadow(case_type: str) -> None:
    """Put a segment in shadow mode: ROCA scores, people decide everything without seeing it."""
    from roca.policy.service import set_shadow

    with command_session() as session:
        version = set_shadow(session, case_type, True, CLI_ACTOR)
        console.print(f"{case_type} runs in shadow mode from policy {version.version}")


def _t(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "not certified"
