"""``roca``: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from roca.cli import (
    audit,
    db,
    demo,
    feedback,
    ingest,
    learn,
    model,
    outbox,
    policy,
    serve,
    signals,
    simulate,
    users,
)

app = typer.Typer(
    name="roca",
    help="ROCA, the Risk Operations AI Agent.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(audit.app, name="audit")
app.add_typer(model.app, name="model")
app.add_typer(policy.app, name="policy")
app.add_typer(simulate.app, name="simulate")
app.add_typer(outbox.app, name="outbox")
app.add_typer(learn.app, name="learn")
app.add_typer(feedback.app, name="feedback")
app.command("init")(db.init)
app.command("ingest")(ingest.ingest)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("signals")(signals.signals)
app.command("score")(model.score)
app.command("worker")(model.worker)

if __name__ == "__main__":  # pragma: no cover
    app()
