"""``roca demo``: a working ROCA on the embedded SQLite default, from nothing, in one command.

A fresh database first lives through a short closed loop (the simulated exchange sends cases, ROCA
routes them, simulated reviewers work the queue, ROCA retrains every night), so the console opens on
a trained model, a policy, a queue to work and a dashboard with history.  Then the contract's example
cases are loaded and three people can sign in: an English reviewer, a Chinese reviewer and a lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from roca.auth import repository
from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.service import create_token, create_user
from roca.cases.bulk import BulkIngest
from roca.cases.files import CaseFile
from roca.cli.context import CLI_ACTOR, command_session, console, session_factory, settings
from roca.cli.db import init
from roca.cli.serve import serve
from roca.learning.loop_config import LoopConfig

DEMO_ADMIN, DEMO_ADMIN_PASSWORD = "admin", "roca-demo-admin"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "cases"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    language: str
    display_name: str


# Published on purpose: `roca demo` refuses to run outside ROCA_ENV=dev.
DEMO_LOGINS = (
    DemoLogin("reviewer", "roca-demo-reviewer", Role.REVIEWER, "en", "Riley Reviewer"),
    DemoLogin("shenhe", "roca-demo-shenhe", Role.REVIEWER, "zh", "沈禾"),
    DemoLogin("lead", "roca-demo-lead", Role.RISK_LEAD, "en", "Lee Lead"),
)


def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    examples: Annotated[Path, typer.Option(help="folder of case files to load")] = EXAMPLES,
    loop_days: Annotated[int, typer.Option(min=0, help="simulated days lived before the console opens")] = 5,
    loop_per_day: Annotated[int, typer.Option(min=1, help="cases the simulated exchange sends a day")] = 250,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="set up and load, but do not serve")] = False,
) -> None:
    """Create the database, live a short closed loop, load the examples, print the logins, serve."""
    if not settings().dev_mode:
        console.print("[bold red]roca demo runs only with ROCA_ENV=dev[/] (its passwords are published)")
        raise typer.Exit(2)
    fresh = not _has_cases()
    init(admin_username=DEMO_ADMIN, admin_password=DEMO_ADMIN_PASSWORD)
    if fresh and loop_days:
        _bootstrap_champion()
        _live_closed_loop(loop_days, loop_per_day)
    _create_demo_logins()
    files = [CaseFile(p) for p in sorted(examples.glob("*.json*"))]
    tally = BulkIngest(session_factory(), "demo").run(files)
    console.print(f"loaded {tally.created} new cases ({tally.duplicate} already there) from {examples}")
    from roca.agent.service import scorer_for
    from roca.agent.worker import score_until_idle

    console.print(f"scored {score_until_idle(session_factory(), scorer_for(settings()))} cases")
    with command_session() as session:
        admin = repository.user_by_username(session, DEMO_ADMIN)
        assert admin is not None
        token = create_token(session, admin, "demo", CLI_ACTOR).token
    _print_welcome(host, port, token)
    if not no_serve:
        serve(host=host, port=port, workers=1)


def _has_cases() -> bool:
    from sqlalchemy import inspect, select

    from roca.cli.context import engine
    from roca.models import Case

    if not inspect(engine()).has_table("cases"):
        return False
    with command_session() as session:
        return session.scalar(select(Case.id).limit(1)) is not None


def _bootstrap_champion() -> None:
    """What a new deployment does before reviewers' labels exist: a model trained on the simulated
    exchange (another seed than the loop's world), so the loop starts from a sensible champion."""
    from roca.agent import registry
    from roca.agent.training import train_on_simulation

    with console.status("training the first account-takeover model on the simulated exchange"):
        trained = train_on_simulation("ato", days=12, per_day=800, seed=11, test_days=2)
    with command_session() as session:
        version = registry.register_trained(
            session, trained, CLI_ACTOR, notes="demo bootstrap: the simulated exchange (seed 11)"
        )
        registry.promote(session, version.version, CLI_ACTOR)
    console.print(f"champion {version.version}: AUC {trained.report.auc:.3f} on simulated hold-out days")


def _live_closed_loop(days: int, per_day: int) -> None:
    """The loop's days end the day before yesterday; yesterday's alerts, routed now, are the queue."""
    from roca.learning.closed_loop import run_closed_loop
    from roca.learning.loop_metrics import DayRecord

    start = (datetime.now(UTC) - timedelta(days=days + 1)).date()
    # Five days: the fifth night certifies the first auto-clear threshold (seed 7, the bootstrap model).
    config = LoopConfig(seed=7, days=days, per_day=per_day, start=start, reviewers=4, capacity=55,
                        qa_analysts=1, expert_cases=6000)  # fmt: skip
    with console.status("simulated day 1: the exchange opens") as status:

        def progress(record: DayRecord) -> None:
            status.update(
                f"simulated day {record.day + 2} of {days}; yesterday ROCA automated "
                f"{record.automation_rate:.0%}, {record.backlog} cases left for review"
            )

        result = run_closed_loop(config, settings(), session_factory(), on_day=progress)
    last = result.days[-1]
    console.print(
        f"lived {days} simulated days ({days * per_day} cases): ROCA automated "
        f"{last.automation_rate:.0%} of the last day's cases"
    )
    _arrived_alerts(config, day=days)


def _arrived_alerts(config: LoopConfig, day: int) -> None:
    """The last day's alerts arrive after the simulated team went home: the demo's reviewers' work."""
    from sqlalchemy import func, select

    from roca.agent.service import scorer_for
    from roca.agent.worker import score_until_idle
    from roca.cases import service as cases
    from roca.cases.prepare import submission
    from roca.models import Case
    from roca.simulate import Exchange

    arrived = Exchange(config.simulation()).day(day)
    with command_session() as session:
        results = cases.ingest(session, [submission(simulated.case) for simulated in arrived], "demo")
    score_until_idle(session_factory(), scorer_for(settings()))
    ids = [result.case_id for result in results if result.case_id is not None]
    with command_session() as session:
        query = select(Case.status, func.count()).where(Case.id.in_(ids)).group_by(Case.status)
        by_status = {status: int(n) for status, n in session.execute(query)}
    automatic = sum(n for status, n in by_status.items() if status not in ("queued", "in_review"))
    console.print(
        f"{len(arrived)} new alerts arrived: ROCA decided {automatic} alone, "
        f"{len(arrived) - automatic} wait for review"
    )


def _create_demo_logins() -> None:
    with command_session() as session:
        for login in DEMO_LOGINS:
            if repository.user_by_username(session, login.username) is None:
                create_user(
                    session,
                    UserCreate(username=login.username, password=login.password, role=login.role,
                               language=login.language, display_name=login.display_name),
                    CLI_ACTOR,
                )  # fmt: skip


def _print_welcome(host: str, port: int, token: str) -> None:
    base = f"http://{host}:{port}"
    logins = "\n".join(
        f"  {login.role.value:<13} {login.username} / {login.password}  ({login.language})"
        for login in DEMO_LOGINS
    )
    console.print(
        f"""
[bold]ROCA is ready[/] on {settings().resolved_database_url}
  console       {base}/
  API docs      {base}/api/v1/docs

sign in to the console as
{logins}
  admin         {DEMO_ADMIN} / {DEMO_ADMIN_PASSWORD}

  API token     {token}
  curl -H 'Authorization: Bearer {token}' {base}/api/v1/cases
""",
        highlight=False,
        soft_wrap=True,
    )
