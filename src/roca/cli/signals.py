"""``roca signals``: a case's evidence as a reviewer reads it, and the catalog of every signal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import ValidationError
from rich.table import Table

from roca.cases.schemas import CaseIn
from roca.cases.validation import field_errors
from roca.cli.context import command_session, console, err_console
from roca.signals.base import Severity, Signal

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def signals(
    case_file: Annotated[Path | None, typer.Argument(help="a case as contract JSON")] = None,
    lang: Annotated[Literal["en", "zh"], typer.Option(help="language of the descriptions")] = "en",
    stored: Annotated[bool, typer.Option(help="read the account's stored timeline and links")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="also list signals that did not fire")] = False,
    catalog_: Annotated[bool, typer.Option("--catalog", help="list every signal instead")] = False,
    case_type: Annotated[Literal["ato", "kyc", "kyb", "fraud"] | None, typer.Option()] = None,
    output: Annotated[Literal["table", "json"], typer.Option("--format")] = "table",
) -> None:
    """Print a case's signals as a table (or the catalog of every signal in both languages)."""
    if catalog_:
        _print_catalog(case_type, output)
        return
    if case_file is None:
        err_console.print("give a case file, or --catalog")
        raise typer.Exit(2)
    from roca.signals import catalog
    from roca.signals.context import input_for_case
    from roca.signals.service import signal_input

    case = _read_case(case_file)
    if stored:
        with command_session() as session:
            computed = catalog.compute(signal_input(session, case))
    else:
        computed = catalog.compute(input_for_case(case))
    _print_signals(case, computed, lang, show_all, output)


def _read_case(path: Path) -> CaseIn:
    try:
        return CaseIn.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        err_console.print(f"{path}: {exc.strerror}")
        raise typer.Exit(2) from exc
    except json.JSONDecodeError as exc:
        err_console.print(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}")
        raise typer.Exit(1) from exc
    except ValidationError as exc:
        for problem in field_errors(exc):
            err_console.print(f"{path}: {problem}", markup=False)
        raise typer.Exit(1) from exc


def _print_signals(case: CaseIn, computed: list[Signal], lang: str, show_all: bool, output: str) -> None:
    shown = [s for s in computed if s.fired or show_all]
    shown.sort(key=lambda s: (not s.fired, list(Severity).index(s.severity) * -1))
    if output == "json":
        print(json.dumps([_signal_json(s) for s in shown], ensure_ascii=False, indent=2))
        return
    title = (
        f"{case.external_id} ({case.case_type}): {sum(s.fired for s in computed)} of {len(computed)} fired"
    )
    table = Table(title=title)
    table.add_column("signal", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("severity")
    table.add_column("evidence", ratio=1)
    for signal in shown:
        style = SEVERITY_STYLE[signal.severity] if signal.fired else "dim"
        table.add_row(signal.id, _value(signal), signal.severity.value, signal.text(lang), style=style)
    console.print(table)


def _print_catalog(case_type: str | None, output: str) -> None:
    from roca.signals import catalog

    specs = catalog.specs(case_type)  # type: ignore[arg-type]
    if output == "json":
        rows = [
            {
                "id": s.id,
                "case_type": s.case_type,
                "kind": s.kind,
                "severity": s.severity.value,
                "group": s.group,
                "name": {"en": s.name_en, "zh": s.name_zh},
                "text": {"en": s.template_en, "zh": s.template_zh},
            }
            for s in specs
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("signal", "kind", "severity", "name (en)", "名称 (zh)", title=f"{len(specs)} signals")
    for s in specs:
        table.add_row(s.id, s.kind, s.severity.value, s.name_en, s.name_zh)
    console.print(table)


def _signal_json(signal: Signal) -> dict[str, object]:
    return {
        "id": signal.id,
        "value": signal.value,
        "fired": signal.fired,
        "severity": signal.severity.value,
        "text": {"en": signal.text_en, "zh": signal.text_zh},
    }


def _value(signal: Signal) -> str:
    if isinstance(signal.value, float):
        return f"{signal.value:,.2f}"
    return "—" if signal.value is None else str(signal.value)
